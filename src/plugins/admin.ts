import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { advanceClock, type ClockState, clockNow, freezeClock, releaseClock, setClock } from '../core/clock.js';
import { parseLenientDate } from '../core/dates.js';
import { errorCode, sandboxEnvelope } from '../core/error-envelopes.js';
import { type Tenant, TenantLimitError, type VendorName } from '../core/store.js';
import { logRequestError } from './http-edge.js';

/** The vendors the control API can address, by the name used in its paths. */
const VENDORS: readonly VendorName[] = ['imonggo'];

interface TenantParams {
  vendor: string;
  credential: string;
}

/** A control-API request it cannot carry out: JSON `{ error, message }` with a status. */
class AdminError extends Error {
  readonly code = 'ADMIN';
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The control API tests drive the sandbox with, under /__admin: health, tenants (list, reset,
 * delete) and each tenant's clock. A tenant is addressed by its vendor and the credential the
 * test already holds (for Imonggo, the API token). Everything here speaks JSON.
 */
export async function adminPlugin(app: FastifyInstance): Promise<void> {
  app.errorEnvelopes.register(app.prefix, sandboxEnvelope);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AdminError) return sendError(reply, error.statusCode, error.error, error.message);
    if (error instanceof TenantLimitError) return sendError(reply, 503, 'tenant_limit', error.message);
    const statusCode = logRequestError(request, error);
    if (statusCode >= 500) return sendError(reply, 500, 'server_error', 'unexpected error');
    return sendError(reply, statusCode, errorCode(statusCode), error.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no control route ${request.method} ${request.url}`),
  );

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/tenants', async () => ({ tenants: app.store.list().map(describe) }));

  // Reset and the clock routes create the tenant when it does not exist yet, so a test can
  // set up its world (freeze the clock, say) before its first API call.
  app.post<{ Params: TenantParams }>('/tenants/:vendor/:credential/reset', async (request) => {
    const { vendor, credential } = knownVendor(request.params);
    await app.store.open(vendor, credential);
    const tenant = await app.store.reset(vendor, credential);
    return describe(tenant as Tenant);
  });

  app.delete<{ Params: TenantParams }>('/tenants/:vendor/:credential', async (request, reply) => {
    const { vendor, credential } = knownVendor(request.params);
    if (!(await app.store.delete(vendor, credential))) {
      throw new AdminError(404, 'not_found', `no ${vendor} tenant for that credential`);
    }
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams }>('/tenants/:vendor/:credential/clock', async (request) =>
    describeClock((await open(app, request.params)).clock),
  );

  app.post<{ Params: TenantParams; Body: unknown }>('/tenants/:vendor/:credential/clock/freeze', async (request) => {
    const tenant = await open(app, request.params);
    const at = optionalTime(request.body);
    freezeClock(tenant.clock, at);
    return describeClock(tenant.clock);
  });

  app.post<{ Params: TenantParams; Body: unknown }>('/tenants/:vendor/:credential/clock/set', async (request) => {
    const tenant = await open(app, request.params);
    const at = optionalTime(request.body);
    if (at === undefined) throw new AdminError(400, 'bad_request', 'body needs "at": an ISO-8601 time or epoch ms');
    setClock(tenant.clock, at);
    return describeClock(tenant.clock);
  });

  app.post<{ Params: TenantParams; Body: unknown }>('/tenants/:vendor/:credential/clock/advance', async (request) => {
    const tenant = await open(app, request.params);
    const seconds = (request.body as { seconds?: unknown } | undefined)?.seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new AdminError(400, 'bad_request', 'body needs "seconds": a number (negative moves back)');
    }
    advanceClock(tenant.clock, Math.round(seconds * 1000));
    return describeClock(tenant.clock);
  });

  app.post<{ Params: TenantParams }>('/tenants/:vendor/:credential/clock/release', async (request) => {
    const tenant = await open(app, request.params);
    releaseClock(tenant.clock);
    return describeClock(tenant.clock);
  });
}

function knownVendor(params: TenantParams): { vendor: VendorName; credential: string } {
  const vendor = VENDORS.find((name) => name === params.vendor);
  if (!vendor)
    throw new AdminError(404, 'not_found', `unknown vendor "${params.vendor}"; known: ${VENDORS.join(', ')}`);
  return { vendor, credential: params.credential };
}

async function open(app: FastifyInstance, params: TenantParams): Promise<Tenant> {
  const { vendor, credential } = knownVendor(params);
  return app.store.open(vendor, credential);
}

function optionalTime(body: unknown): number | undefined {
  const at = (body as { at?: unknown } | undefined)?.at;
  if (at === undefined || at === null) return undefined;
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? parseLenientDate(at) : null;
  if (ms === null || !Number.isFinite(ms)) throw new AdminError(400, 'bad_request', '"at" is not a time');
  return ms;
}

function describe(tenant: Tenant) {
  return {
    vendor: tenant.vendor,
    credential: tenant.credential,
    dataset: tenant.seed.dataset,
    seed: tenant.seed.seed,
    records: tenant.seed.records,
    createdAt: tenant.createdAt,
    clock: describeClock(tenant.clock),
  };
}

function describeClock(clock: ClockState) {
  return { now: new Date(clockNow(clock)).toISOString(), frozen: clock.frozenAt !== null };
}

function sendError(reply: FastifyReply, statusCode: number, error: string, message: string): FastifyReply {
  return reply.code(statusCode).send({ error, message });
}
