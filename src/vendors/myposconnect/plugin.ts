import type { FastifyInstance } from 'fastify';
import { SEEDERS } from '../../../seeds/index.js';
import { caseInsensitiveName, credentialShapeProblem } from '../../core/credentials.js';
import { sendErrorAnswer } from '../../core/error-envelopes.js';
import { sequenceProblem } from '../../core/sequences.js';
import type { Tenant } from '../../core/store.js';
import { AdminError, handleControlError, readJsonBodies, type TenantParams, tenantOf } from '../../plugins/admin.js';
import { noResourceText } from './errors.js';
import { TokenSigner } from './jwt.js';
import type { MyposData, Permissions } from './model.js';
import { handleError, messageAnswer, myposEnvelope, requestUri } from './replies.js';
import { customerRoutes, methodNotAllowedRoutes } from './routes.js';
import { issueToken, tenantOfBearer } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the request's bearer token; set by the MYPOS bearer hook. */
    mypos: Tenant<MyposData> | null;
  }
}

export interface MyposPluginOptions {
  /** Largest request body in bytes; a larger one is refused with 413. */
  bodyLimit: number;
  /** Signs and checks bearer tokens; a fresh secret unless given. */
  signer?: TokenSigner;
}

/**
 * MYPOS Connect's API under /api/v2: the token endpoint, the customers API behind bearer tokens
 * and permissions, ASP.NET's error bodies and 404/405; and its permissions in the control API.
 * Register it with `{ prefix: '/api/v2' }`.
 */
export async function myposPlugin(app: FastifyInstance, options: MyposPluginOptions): Promise<void> {
  app.store.registerVendor('myposconnect', {
    seeder: SEEDERS.myposconnect,
    credentialProblem: credentialShapeProblem,
    canonicalCredential: caseInsensitiveName,
    // A customer's id is its code as a number.
    dataProblem: (data) => sequenceProblem(data.customers, data.next.customerCode, 'next.customerCode'),
  });
  app.errorEnvelopes.register(app.prefix, myposEnvelope);
  // The store's secret outlives the process when it keeps a data directory: tokens survive a restart.
  const signer = options.signer ?? new TokenSigner(app.store.secret('myposconnect-token-key'));
  app.decorateRequest('mypos', null);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendErrorAnswer(reply, messageAnswer(404, noResourceText(requestUri(request)))),
  );
  // Bodies are read as JSON whatever their type (ASP.NET's formatters take JSON sent as
  // text/plain too); a route parses its body only when it wants one, so a GET ignores any body.
  app.addHook('onRequest', async (request) => {
    // Any Content-Type, even one that does not parse (";;;"), reaches the JSON reading below.
    if (request.headers['content-type'] !== undefined) request.headers['content-type'] = 'application/octet-stream';
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) =>
    done(null, body),
  );

  app.post('/auth/token', (request, reply) => issueToken(request, reply, app.store, signer));
  methodNotAllowedRoutes(app, {
    '/auth/token': ['POST'],
    '/customers': ['GET', 'POST'],
    '/customers/:identifier': ['GET', 'PUT', 'DELETE'],
  });

  await app.register(async (api) => {
    // Before the body is read: a request without a live token never gets that far.
    api.addHook('onRequest', async (request, reply) => {
      // `/customers/` routes with an empty identifier: that is no resource, as ASP.NET routes it.
      if (Object.values(request.params as Record<string, string>).includes('')) {
        return sendErrorAnswer(reply, messageAnswer(404, noResourceText(requestUri(request))));
      }
      const tenant = tenantOfBearer(request.headers.authorization, app.store, signer);
      if (tenant === null) return sendErrorAnswer(reply, myposEnvelope(401, request.url));
      request.mypos = tenant;
      request.tenant = tenant;
    });
    customerRoutes(api);
  });
}

/**
 * The control API's part for MYPOS: each user's permissions on customers. Register it with
 * `{ prefix: '/__admin' }` after the MYPOS plugin.
 */
export async function myposControlPlugin(app: FastifyInstance): Promise<void> {
  readJsonBodies(app);
  app.setErrorHandler(handleControlError);
  const path = '/tenants/myposconnect/:credential/permissions';
  app.get<{ Params: { credential: string } }>(path, async (request) => {
    const tenant = await open(app, request.params.credential);
    return tenant.data.permissions;
  });
  app.put<{ Params: { credential: string }; Body: unknown }>(path, async (request) => {
    const changes = permissionChanges(request.body);
    const tenant = await open(app, request.params.credential);
    tenant.data.permissions = { ...tenant.data.permissions, ...changes };
    await app.store.write(tenant);
    return tenant.data.permissions;
  });
}

async function open(app: FastifyInstance, credential: string): Promise<Tenant<MyposData>> {
  const params: TenantParams = { vendor: 'myposconnect', credential };
  tenantOf(app, params);
  return app.store.open('myposconnect', credential);
}

const PERMISSIONS: readonly (keyof Permissions)[] = ['read', 'write', 'delete'];

function permissionChanges(body: unknown): Partial<Permissions> {
  const problem = new AdminError(400, 'bad_request', 'body needs some of "read", "write", "delete": booleans');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw problem;
  const entries = Object.entries(body);
  if (entries.length === 0) throw problem;
  const changes: Partial<Permissions> = {};
  for (const [name, value] of entries) {
    if (!PERMISSIONS.includes(name as keyof Permissions) || typeof value !== 'boolean') throw problem;
    changes[name as keyof Permissions] = value;
  }
  return changes;
}
