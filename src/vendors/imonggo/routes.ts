import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clockNow } from '../../core/clock.js';
import { toIsoSeconds } from '../../core/dates.js';
import type { Tenant } from '../../core/store.js';
import { ImonggoHttpError } from './errors.js';
import { type RequestParams, readWritableFields } from './fields.js';
import type { ImonggoData, ImonggoRecord } from './model.js';
import { type RawQuery, readListQuery, single } from './query.js';
import {
  CONTENT_TYPE,
  type Format,
  renderCount,
  renderCreatedId,
  renderLastUpdatedAt,
  renderList,
  renderRecord,
  renderToken,
} from './render.js';
import { send, sendStatusError } from './replies.js';
import {
  answerLastUpdatedAt,
  countRecords,
  createRecord,
  findRecord,
  listRecords,
  softDeleteRecord,
  updateRecord,
  writeTime,
} from './repository.js';
import type { ResourceDefinition } from './resource.js';
import { apiTokenFor } from './tokens.js';

const FORMATS: readonly Format[] = ['xml', 'json'];

/** The token API: no auth, a token for any email and password. */
export function tokenRoutes(app: FastifyInstance): void {
  for (const format of FORMATS) {
    app.get(`/tokens.${format}`, (request, reply) => {
      const query = request.query as RawQuery;
      const email = single(query.email);
      // The token API answers 404 unless both parameters are there.
      if (!email || !single(query.password)) return sendStatusError(request, reply, 404);
      return send(reply, format, renderToken(apiTokenFor(email), format));
    });
  }
}

/** A resource's list, get, create, update and delete, in both formats; behind the auth hook. */
export function resourceRoutes<R extends ImonggoRecord>(api: FastifyInstance, resource: ResourceDefinition<R>): void {
  const base = `/${resource.collection}`;
  for (const format of FORMATS) {
    api.get(`${base}.${format}`, (request, reply) => {
      const { data } = tenantOf(request);
      const query = readListQuery(request.query as RawQuery, resource.paging);
      if (query.inquiry === 'count')
        return send(reply, format, renderCount(countRecords(data, resource, query), format));
      // last_updated_at is over the whole collection: filters do not narrow it.
      if (query.inquiry === 'last_updated_at') {
        return send(reply, format, renderLastUpdatedAt(answerLastUpdatedAt(data, resource), format));
      }
      return send(reply, format, renderList(resource, listRecords(data, resource, query), format));
    });

    api.get(`${base}/:id.${format}`, (request, reply) => {
      const record = findRecord(tenantOf(request).data, resource, idOf(request));
      if (!record) throw new ImonggoHttpError(404);
      return send(reply, format, renderRecord(resource, record, format));
    });

    api.post(`${base}.${format}`, async (request, reply) => {
      const tenant = tenantOf(request);
      const written = readWritableFields(resource.writable, fieldsOf(request, resource.element));
      const { maxRecordsPerTenant } = request.server.store;
      const record = createRecord(tenant.data, resource, written, now(tenant, resource), maxRecordsPerTenant);
      await request.server.store.write(tenant);
      const body =
        resource.createAnswer === 'id' ? renderCreatedId(record.id, format) : renderRecord(resource, record, format);
      return send(reply, format, body);
    });

    api.put(`${base}/:id.${format}`, async (request, reply) => {
      const tenant = tenantOf(request);
      const current = findRecord(tenant.data, resource, idOf(request));
      if (!current) throw new ImonggoHttpError(404);
      const written = readWritableFields(resource.writable, fieldsOf(request, resource.element));
      const record = updateRecord(tenant.data, resource, current, written, now(tenant, resource));
      await request.server.store.write(tenant);
      return send(reply, format, renderRecord(resource, record, format));
    });

    api.delete(`${base}/:id.${format}`, async (request, reply) => {
      const tenant = tenantOf(request);
      if (!softDeleteRecord(tenant.data, resource, idOf(request), now(tenant, resource)))
        throw new ImonggoHttpError(404);
      await request.server.store.write(tenant);
      // The vendor answers a delete with a bare 200 (the docs call it with curl -I).
      return reply.code(200).type(CONTENT_TYPE[format]).send('');
    });
  }
}

function tenantOf(request: FastifyRequest): Tenant<ImonggoData> {
  if (!request.imonggo) throw new Error('route is not behind the Imonggo auth hook');
  return request.imonggo;
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/** The fields a body carried for a record (`<customer>…</customer>`); none for any other root. */
function fieldsOf(request: FastifyRequest, element: string): Map<string, string | null> {
  const params: RequestParams = request.body instanceof Map ? request.body : new Map();
  return params.get(element) ?? new Map();
}

function now<R extends ImonggoRecord>(tenant: Tenant<ImonggoData>, resource: ResourceDefinition<R>): string {
  return writeTime(tenant.data, resource, toIsoSeconds(clockNow(tenant.clock)));
}
