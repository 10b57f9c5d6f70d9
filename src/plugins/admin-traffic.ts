import type { FastifyInstance } from 'fastify';
import { describeBody, headersOf, redactHeaders } from '../core/captured-body.js';
import { parseLenientDate } from '../core/dates.js';
import { FaultRuleError, parseFaultRule } from '../core/faults.js';
import { type BodyArena, filterJournal, type JournalFilter, type JournalRecord } from '../core/journal.js';
import { type OperationIndex, operationIndex } from '../core/operations.js';
import { AdminError, type TenantParams, tenantOf } from './admin.js';

const TENANT = '/tenants/:vendor/:credential';
const FILTERS = ['method', 'path', 'operationId', 'status', 'since'] as const;

/**
 * A tenant's request journal (list, count, clear) and fault rules (list, clear), the routes
 * that take no body. Like the clock routes, they create the tenant when it does not exist yet
 * (outside strict mode), so a test may look before its first call.
 */
export function trafficReadRoutes(app: FastifyInstance): void {
  app.get<{ Params: TenantParams; Querystring: Record<string, unknown> }>(`${TENANT}/requests`, async (request) => {
    const [entries, operations] = await journalOf(app, request.params, request.query);
    return { requests: entries.map((entry) => describeEntry(entry, operations, app.controlPlane.bodies)) };
  });

  app.get<{ Params: TenantParams; Querystring: Record<string, unknown> }>(
    `${TENANT}/requests/count`,
    async (request) => ({ count: (await journalOf(app, request.params, request.query))[0].length }),
  );

  app.delete<{ Params: TenantParams }>(`${TENANT}/requests`, async (request, reply) => {
    app.controlPlane.journalOf(await openTenant(app, request.params)).clear();
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams }>(`${TENANT}/faults`, async (request) => ({
    faults: app.controlPlane.faultsOf(await openTenant(app, request.params)).list(),
  }));

  app.delete<{ Params: TenantParams }>(`${TENANT}/faults`, async (request, reply) => {
    app.controlPlane.faultsOf(await openTenant(app, request.params)).clear();
    return reply.code(204).send();
  });
}

/** Adding a fault rule: 201 with the rule, its id and counters. */
export function trafficWriteRoutes(app: FastifyInstance): void {
  app.post<{ Params: TenantParams; Body: unknown }>(`${TENANT}/faults`, async (request, reply) => {
    const { vendor, credential } = tenantOf(app, request.params);
    const names = (request.body as { match?: { operationId?: unknown } } | undefined)?.match?.operationId;
    const operations = names === undefined ? undefined : await operationIndex();
    let spec: ReturnType<typeof parseFaultRule>;
    try {
      // Only the tenant's vendor's operations: another vendor's would never match its requests.
      spec = parseFaultRule(request.body, (id) => operations?.hasOperation(vendor, id) ?? false);
    } catch (error) {
      if (error instanceof FaultRuleError) throw new AdminError(400, 'bad_request', error.message);
      throw error;
    }
    const tenant = await app.store.open(vendor, credential);
    return reply.code(201).send(app.controlPlane.faultsOf(tenant).add(spec));
  });
}

async function openTenant(app: FastifyInstance, params: TenantParams) {
  const { vendor, credential } = tenantOf(app, params);
  return app.store.open(vendor, credential);
}

async function journalOf(
  app: FastifyInstance,
  params: TenantParams,
  query: Record<string, unknown>,
): Promise<[JournalRecord[], OperationIndex]> {
  const filter = journalFilter(query);
  const tenant = await openTenant(app, params);
  const operations = await operationIndex();
  const entries = filterJournal(app.controlPlane.journalOf(tenant).entries(), filter, (entry) =>
    operations.operationOf(entry.method, entry.path),
  );
  return [entries, operations];
}

function journalFilter(query: Record<string, unknown>): JournalFilter {
  const unknown = Object.keys(query).filter((key) => !(FILTERS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new AdminError(400, 'bad_request', `unknown filter ${unknown.join(', ')}; known: ${FILTERS.join(', ')}`);
  }
  const one = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new AdminError(400, 'bad_request', `"${name}" is given more than once`);
    return value;
  };
  const filter: JournalFilter = {};
  const method = one('method');
  if (method !== undefined) filter.method = method;
  const path = one('path');
  if (path !== undefined) filter.path = path;
  const operationId = one('operationId');
  if (operationId !== undefined) filter.operationId = operationId;
  const status = one('status');
  if (status !== undefined) {
    if (!/^[1-5]\d\d$/.test(status)) throw new AdminError(400, 'bad_request', '"status" must be an HTTP status');
    filter.status = Number(status);
  }
  const since = one('since');
  if (since !== undefined) {
    const ms = /^\d+$/.test(since) ? Number(since) : parseLenientDate(since);
    if (ms === null) throw new AdminError(400, 'bad_request', '"since" must be an ISO-8601 time or epoch ms');
    filter.sinceMs = ms;
  }
  return filter;
}

function describeEntry(entry: JournalRecord, operations: OperationIndex, bodies: BodyArena) {
  return {
    id: entry.id,
    at: new Date(entry.atMs).toISOString(),
    tenantAt: new Date(entry.tenantAtMs).toISOString(),
    method: entry.method,
    path: entry.path,
    query: entry.query,
    operationId: operations.operationOf(entry.method, entry.path),
    status: entry.status,
    durationMs: entry.durationMs,
    fault: entry.fault,
    aborted: entry.aborted,
    request: { headers: redactHeaders(headersOf(entry.head)), body: describeBody(entry.requestBody, bodies) },
    response: { body: describeBody(entry.responseBody, bodies) },
  };
}
