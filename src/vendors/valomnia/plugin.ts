import type { FastifyInstance } from 'fastify';
import { SEEDERS } from '../../../seeds/index.js';
import { caseInsensitiveName, credentialShapeProblem } from '../../core/credentials.js';
import { sendErrorAnswer } from '../../core/error-envelopes.js';
import { sequenceProblem } from '../../core/sequences.js';
import type { Tenant } from '../../core/store.js';
import { registerFormParsers } from './forms.js';
import { imageRoutes } from './image-routes.js';
import { LOGIN_PATHS, loginRoutes } from './login-routes.js';
import type { ValomniaData } from './model.js';
import { handleError, valomniaEnvelope } from './replies.js';
import {
  customerCategories,
  customerSegmentations,
  customers,
  employees,
  paymentTypes,
  regions,
  users,
} from './resources.js';
import { customerWriteRoutes, readRoutes } from './routes.js';
import { Sessions, sessionIdOf } from './sessions.js';
import { personalizeOrganization } from './tenancy.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the request's session; set by the Valomnia auth hook. */
    valomnia: Tenant<ValomniaData> | null;
  }
}

/** The API's prefixes: v1.0, which the samples use, and v1, which some of the vendor's hrefs use. */
export const API_PREFIXES = ['/api/v1.0', '/api/v1'] as const;

export interface ValomniaPluginOptions {
  /** Largest url-encoded body in bytes; a larger one is refused with 413. */
  bodyLimit: number;
}

/**
 * Valomnia's API with everything its paths answer: the session login at the root, the API under
 * /api/v1.0 and /api/v1, customer images under each organization's upload directory; its own
 * form parsers, session auth, error envelope and 404. Register it without a prefix.
 */
export async function valomniaPlugin(app: FastifyInstance, options: ValomniaPluginOptions): Promise<void> {
  const sessions = new Sessions(app.store);
  app.store.registerVendor('valomnia', {
    seeder: SEEDERS.valomnia,
    credentialProblem: credentialShapeProblem,
    canonicalCredential: caseInsensitiveName,
    personalize: personalizeOrganization,
    dataProblem: (data) => sequenceProblem(data.customers, data.next.customerId, 'next.customerId'),
    loaded: (tenant) => sessions.adopt(tenant),
  });
  for (const prefix of [...LOGIN_PATHS, ...API_PREFIXES]) app.errorEnvelopes.register(prefix, valomniaEnvelope);
  app.decorateRequest('valomnia', null);

  // One context holds the form parsers and the error handler for every Valomnia path: the login
  // and image routes at the root, and the API under each prefix.
  await app.register(async (valomnia) => {
    await registerFormParsers(valomnia, options.bodyLimit);
    valomnia.setErrorHandler(handleError);
    loginRoutes(valomnia, sessions);
    imageRoutes(valomnia, sessions);
    for (const prefix of API_PREFIXES) {
      await valomnia.register(
        async (api) => {
          api.setNotFoundHandler((_request, reply) => sendErrorAnswer(reply, valomniaEnvelope(404)));
          // Before the body is read: a request without a live session never gets that far.
          api.addHook('onRequest', async (request, reply) => {
            const id = sessionIdOf(request.headers.cookie, request.headers.authorization);
            const tenant = id === null ? null : sessions.resolve(id);
            if (tenant === null) return sendErrorAnswer(reply, valomniaEnvelope(401));
            request.valomnia = tenant;
            request.tenant = tenant;
          });
          readRoutes(api, customers);
          customerWriteRoutes(api);
          // The linked resources, readable at every href a customer shows (writes come later).
          readRoutes(api, customerCategories);
          readRoutes(api, customerSegmentations);
          readRoutes(api, paymentTypes);
          readRoutes(api, regions);
          readRoutes(api, users);
          readRoutes(api, employees);
        },
        { prefix },
      );
    }
  });
}
