import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logRequestError } from '../core/client-errors.js';
import {
  advanceClock,
  ClockRangeError,
  type ClockSpec,
  type ClockState,
  clockNow,
  clockOf,
  freezeClock,
  realTimeClock,
  releaseClock,
  setClock,
} from '../core/clock.js';
import { parseLenientDate } from '../core/dates.js';
import { errorCode, sandboxEnvelope } from '../core/error-envelopes.js';
import {
  CredentialError,
  DATASETS,
  type Dataset,
  type Tenant,
  TenantLimitError,
  UnknownTenantError,
  type VendorName,
} from '../core/store.js';
import { documentReadRoutes, documentWriteRoutes, snapshotReadRoutes, snapshotWriteRoutes } from './admin-snapshots.js';
import { trafficReadRoutes, trafficWriteRoutes } from './admin-traffic.js';

export interface TenantParams {
  vendor: string;
  credential: string;
}

/** A control-API request it cannot carry out: JSON `{ error, message }` with a status. */
export class AdminError extends Error {
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
 *
 * The vendors are those registered in the store (each vendor plugin registers itself), and a
 * credential is taken exactly when that vendor's API would take it.
 */
export async function adminPlugin(app: FastifyInstance): Promise<void> {
  app.errorEnvelopes.register(app.prefix, sandboxEnvelope);
  app.setErrorHandler(handleControlError);
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no control route ${request.method} ${request.url}`),
  );

  // Routes that take no body read none: whatever is sent, of whatever type and size (an empty
  // JSON body, a form, garbage), is drained and dropped, so the answer is as without it.
  await app.register(async (noBody) => {
    // Even a Content-Type Fastify cannot parse (";;;") must not stop the route.
    noBody.addHook('onRequest', (request, _reply, done) => {
      if (request.headers['content-type'] !== undefined) request.headers['content-type'] = OPAQUE;
      done();
    });
    noBody.removeAllContentTypeParsers();
    noBody.addContentTypeParser('*', (_request, payload, done) => {
      payload.on('error', done);
      payload.on('end', () => done(null, undefined));
      payload.resume();
    });

    noBody.get('/health', async () => ({ status: 'ok' }));

    noBody.get('/tenants', async () => ({ tenants: app.store.list().map(describeTenant) }));

    // Reset and the clock routes create the tenant when it does not exist yet, so a test can
    // set up its world (freeze the clock, say) before its first API call.
    noBody.post<{ Params: TenantParams }>('/tenants/:vendor/:credential/reset', async (request) => {
      const { vendor, credential } = tenantOf(app, request.params);
      await app.store.open(vendor, credential);
      const tenant = await app.store.reset(vendor, credential);
      return describeTenant(tenant as Tenant);
    });

    noBody.delete<{ Params: TenantParams }>('/tenants/:vendor/:credential', async (request, reply) => {
      const { vendor, credential } = tenantOf(app, request.params);
      if (!(await app.store.delete(vendor, credential))) {
        throw new AdminError(404, 'not_found', `no ${vendor} tenant for that credential`);
      }
      return reply.code(204).send();
    });

    noBody.get<{ Params: TenantParams }>('/tenants/:vendor/:credential/clock', async (request) =>
      describeClock((await open(app, request.params)).clock),
    );

    noBody.post<{ Params: TenantParams }>('/tenants/:vendor/:credential/clock/release', async (request) =>
      moveClock(app, request.params, releaseClock),
    );

    trafficReadRoutes(noBody);
    snapshotReadRoutes(noBody);
    documentReadRoutes(noBody);
  });

  // Routes with a body read JSON; a blank body of any type is no body.
  await app.register(async (jsonBody) => {
    readJsonBodies(jsonBody);

    // A tenant made to order: its own dataset, seed, record count and clock. An existing tenant
    // of the credential is replaced. In strict mode this is the only way a tenant comes to be.
    jsonBody.post<{ Body: unknown }>('/tenants', async (request, reply) => {
      const order = tenantOrder(app, request.body);
      const tenant = await app.store.create(order.vendor, order.credential, order.spec);
      return reply.code(201).send(describeTenant(tenant));
    });

    trafficWriteRoutes(jsonBody);
    snapshotWriteRoutes(jsonBody);
    documentWriteRoutes(jsonBody);

    jsonBody.post<{ Params: TenantParams; Body: unknown }>(
      '/tenants/:vendor/:credential/clock/freeze',
      async (request) => {
        const at = optionalTime(request.body);
        return moveClock(app, request.params, (clock) => freezeClock(clock, at));
      },
    );

    jsonBody.post<{ Params: TenantParams; Body: unknown }>(
      '/tenants/:vendor/:credential/clock/set',
      async (request) => {
        const at = optionalTime(request.body);
        if (at === undefined) throw new AdminError(400, 'bad_request', 'body needs "at": an ISO-8601 time or epoch ms');
        return moveClock(app, request.params, (clock) => setClock(clock, at));
      },
    );

    jsonBody.post<{ Params: TenantParams; Body: unknown }>(
      '/tenants/:vendor/:credential/clock/advance',
      async (request) => {
        const body = request.body;
        const seconds =
          body !== null && typeof body === 'object' && !Array.isArray(body)
            ? (body as { seconds?: unknown }).seconds
            : undefined;
        if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
          throw new AdminError(400, 'bad_request', 'body needs "seconds": a number (negative moves back)');
        }
        return moveClock(app, request.params, (clock) => advanceClock(clock, Math.round(seconds * 1000)));
      },
    );
  });
}

/**
 * The vendor and credential a path addresses: 404 for a vendor no plugin registered, 400 for a
 * credential that vendor's API would refuse (so no tenant is ever made for one).
 */
export function tenantOf(app: FastifyInstance, params: TenantParams): { vendor: VendorName; credential: string } {
  const known = app.store.vendors();
  if (!known.includes(params.vendor)) {
    throw new AdminError(404, 'not_found', `unknown vendor "${params.vendor}"; known: ${known.join(', ')}`);
  }
  const problem = app.store.credentialProblem(params.vendor, params.credential);
  if (problem !== null)
    throw new AdminError(400, 'bad_request', `${params.vendor} refuses this credential: ${problem}`);
  return { vendor: params.vendor as VendorName, credential: params.credential };
}

async function open(app: FastifyInstance, params: TenantParams): Promise<Tenant> {
  const { vendor, credential } = tenantOf(app, params);
  return app.store.open(vendor, credential);
}

/**
 * Applies a clock move to a tenant, creating the tenant if needed. The move is tried on a copy of
 * the clock first, so one the clock refuses (ClockRangeError) changes nothing: no clock moves and
 * no tenant is created.
 */
async function moveClock(app: FastifyInstance, params: TenantParams, move: (clock: ClockState) => void) {
  const { vendor, credential } = tenantOf(app, params);
  move({ ...(app.store.find(vendor, credential)?.clock ?? realTimeClock()) });
  const tenant = await app.store.open(vendor, credential);
  move(tenant.clock);
  await app.store.write(tenant);
  return describeClock(tenant.clock);
}

/** What any body the routes do not parse is treated as. */
const OPAQUE = 'application/octet-stream';

function mediaType(contentType: string): string {
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
}

function optionalTime(body: unknown): number | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body))
    throw new AdminError(400, 'bad_request', 'the body must be a JSON object');
  const at = (body as { at?: unknown }).at;
  if (at === undefined || at === null) return undefined;
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? parseLenientDate(at) : null;
  if (ms === null || !Number.isFinite(ms)) throw new AdminError(400, 'bad_request', '"at" is not a time');
  return ms;
}

/** Generated records a tenant made to order may ask for. */
export const MAX_ORDERED_RECORDS = 100_000;

const ORDER_FIELDS = ['vendor', 'credential', 'dataset', 'seed', 'records', 'clock'];

// POST /tenants' body: {vendor, credential, dataset?, seed?, records?, clock?}; what is left out
// is as the process was started with. `clock` is a time to freeze at, or {at, frozen}.
function tenantOrder(app: FastifyInstance, body: unknown) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdminError(400, 'bad_request', 'body needs "vendor" and "credential"');
  }
  const order = body as Record<string, unknown>;
  const unknown = Object.keys(order).filter((key) => !ORDER_FIELDS.includes(key));
  if (unknown.length > 0) {
    throw new AdminError(400, 'bad_request', `unknown field ${unknown.join(', ')}; known: ${ORDER_FIELDS.join(', ')}`);
  }
  if (typeof order.vendor !== 'string' || typeof order.credential !== 'string') {
    throw new AdminError(400, 'bad_request', 'body needs "vendor" and "credential": strings');
  }
  const { vendor, credential } = tenantOf(app, { vendor: order.vendor, credential: order.credential });
  const seed = { ...app.store.defaultSeed };
  if (order.dataset !== undefined) {
    if (!DATASETS.includes(order.dataset as Dataset)) {
      throw new AdminError(400, 'bad_request', `"dataset" must be one of ${DATASETS.join(', ')}`);
    }
    seed.dataset = order.dataset as Dataset;
  }
  if (order.seed !== undefined) seed.seed = whole(order.seed, '"seed"', 2 ** 32 - 1);
  if (order.records !== undefined) seed.records = whole(order.records, '"records"', MAX_ORDERED_RECORDS);
  let clock: ClockSpec | undefined;
  if (order.clock !== undefined && order.clock !== null) {
    const given =
      typeof order.clock === 'object' && !Array.isArray(order.clock)
        ? (order.clock as Record<string, unknown>)
        : { at: order.clock };
    const extra = Object.keys(given).filter((key) => key !== 'at' && key !== 'frozen');
    if (extra.length > 0)
      throw new AdminError(400, 'bad_request', `"clock" takes "at" and "frozen", not ${extra.join(', ')}`);
    const at = optionalTime({ at: given.at });
    if (at === undefined) throw new AdminError(400, 'bad_request', '"clock" needs a time: ISO-8601 or epoch ms');
    if (given.frozen !== undefined && typeof given.frozen !== 'boolean') {
      throw new AdminError(400, 'bad_request', '"clock.frozen" must be true or false');
    }
    clock = { at, frozen: given.frozen !== false };
    // A time the clock cannot hold is refused here, before anything is made.
    clockOf(clock);
  }
  return { vendor, credential, spec: { seed, ...(clock ? { clock } : {}) } };
}

function whole(value: unknown, what: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new AdminError(400, 'bad_request', `${what} must be a whole number from 0 to ${max}`);
  }
  return value;
}

/** A tenant as the control API shows it. */
export function describeTenant(tenant: Tenant) {
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

/** The control API's error handler: `{ error, message }` bodies for every refusal. */
export function handleControlError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AdminError) return sendError(reply, error.statusCode, error.error, error.message);
  if (error instanceof UnknownTenantError) return sendError(reply, 404, 'not_found', error.message);
  if (error instanceof CredentialError || error instanceof ClockRangeError) {
    return sendError(reply, 400, 'bad_request', error.message);
  }
  if (error instanceof TenantLimitError) return sendError(reply, 503, 'tenant_limit', error.message);
  const statusCode = logRequestError(request, error);
  if (statusCode >= 500) return sendError(reply, 500, 'server_error', 'unexpected error');
  return sendError(reply, statusCode, errorCode(statusCode), error.message);
}

/**
 * How control routes with a body read it: JSON; a blank body of any type is no body, malformed
 * JSON is 400 and any other body 415. A vendor that adds control routes of its own (MYPOS's
 * permissions) registers them in a context that reads bodies the same way.
 */
export function readJsonBodies(jsonBody: FastifyInstance): void {
  jsonBody.addHook('onRequest', (request, _reply, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined && mediaType(type) !== 'application/json') request.headers['content-type'] = OPAQUE;
    done();
  });
  jsonBody.removeAllContentTypeParsers();
  jsonBody.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (String(text).trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(String(text)));
    } catch {
      done(new AdminError(400, 'bad_request', 'the body is not JSON'));
    }
  });
  jsonBody.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => {
    if (String(text).trim() === '') return done(null, undefined);
    done(new AdminError(415, 'unsupported_media_type', 'a body here must be application/json'));
  });
}
