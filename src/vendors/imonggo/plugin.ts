import type { FastifyInstance } from 'fastify';
import { SEEDERS } from '../../../seeds/index.js';
import { sendErrorAnswer } from '../../core/error-envelopes.js';
import { sequenceProblem } from '../../core/sequences.js';
import { type Tenant, UnknownTenantError } from '../../core/store.js';
import { denyAccess, readApiToken, tokenProblem } from './auth.js';
import { registerBodyParsers } from './body-parsers.js';
import { customers } from './customers.js';
import type { ImonggoData } from './model.js';
import { handleError, imonggoEnvelope } from './replies.js';
import { resourceRoutes, tokenRoutes } from './routes.js';
import { suppliers } from './suppliers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the request's API token; set by the Imonggo auth hook. */
    imonggo: Tenant<ImonggoData> | null;
  }
}

export interface ImonggoPluginOptions {
  /** Largest request body in bytes; a larger one is refused with 413. */
  bodyLimit: number;
}

/**
 * Imonggo's API under /api, with everything its paths answer: its own body parsers, Basic auth,
 * error bodies and 404. Register it with `{ prefix: '/api' }`.
 */
export async function imonggoPlugin(app: FastifyInstance, options: ImonggoPluginOptions): Promise<void> {
  // The seeder is the one the seed worker runs at start-up too (seeds/index.ts lists them all).
  app.store.registerVendor('imonggo', {
    seeder: SEEDERS.imonggo,
    credentialProblem: tokenProblem,
    dataProblem: (data) =>
      sequenceProblem(data.customers, data.next.customerId, 'next.customerId') ??
      sequenceProblem(data.suppliers, data.next.supplierId, 'next.supplierId'),
  });
  // Errors raised before routing on Imonggo's paths answer in its envelope too.
  app.errorEnvelopes.register(app.prefix, imonggoEnvelope);
  registerBodyParsers(app, options.bodyLimit);
  app.decorateRequest('imonggo', null);
  app.setErrorHandler(handleError);
  // Fastify sends every unrouted path under the prefix here, including those of a vendor sharing
  // it (/api/v1/…) that has no 404 of its own; the table answers each in its owner's envelope.
  app.setNotFoundHandler((request, reply) => sendErrorAnswer(reply, app.errorEnvelopes.answer(404, request.url)));

  tokenRoutes(app);
  await app.register(async (api) => {
    // Before the body is read: a request without a usable token never gets that far.
    api.addHook('onRequest', async (request, reply) => {
      const token = readApiToken(request.headers.authorization);
      if (token === null) return denyAccess(reply);
      try {
        request.imonggo = await app.store.open('imonggo', token);
      } catch (error) {
        // Strict mode: a token no tenant was made for is refused like any unknown token.
        if (error instanceof UnknownTenantError) return denyAccess(reply);
        throw error;
      }
      request.tenant = request.imonggo;
    });
    resourceRoutes(api, customers);
    resourceRoutes(api, suppliers);
  });
}
