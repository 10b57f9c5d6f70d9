import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clockNow } from '../../core/clock.js';
import { toIsoSeconds } from '../../core/dates.js';
import type { Tenant } from '../../core/store.js';
import { pageOf, sendParts } from '../../core/text-parts.js';
import { customerChanges, type WriteKind, writeParamsOf } from './customer-input.js';
import { DELETED_BODY, invalidParamType, notFound } from './errors.js';
import { entriesOf, rawQueryOf, readInput } from './forms.js';
import { nameCustomerImage, prepareUpload } from './image-store.js';
import { byId, byReferenceOf, type CollectionName, type RecordOf } from './indexes.js';
import { type Fill, filledBytes, fillFor } from './json-pieces.js';
import { listRecords, pagingOf, readListQuery } from './listing.js';
import type { Customer, ValomniaData } from './model.js';
import { JSON_TYPE } from './replies.js';
import { createCustomer, deleteCustomer, updateCustomer } from './repository.js';
import { customers, type ResourceDefinition } from './resources.js';

/** A resource's list and show routes: `/<path>`, `/<path>/{id}` and, where it has one, by reference. */
export function readRoutes<C extends CollectionName>(api: FastifyInstance, resource: ResourceDefinition<C>): void {
  const base = `/${resource.path}`;
  api.get(base, (request, reply) => {
    const { data } = tenantOf(request);
    const query = readListQuery(resource, entriesOf(rawQueryOf(request.url)));
    const { total, records } = listRecords(data, resource, query);
    const fill = fillOfRequest(request);
    const head = `{"paging":${JSON.stringify(pagingOf(resource, query, total))},"data":[`;
    const page = pageOf(head, records, (record) => filledBytes(resource.render(record, data), fill), ',', ']}');
    return sendParts(reply.code(200).type(JSON_TYPE), page);
  });
  api.get(`${base}/:id`, (request, reply) => {
    const { data } = tenantOf(request);
    const record = recordById(data, resource, paramOf(request, 'id'));
    return sendJson(reply, 200, filledBytes(resource.render(record, data), fillOfRequest(request)));
  });
  if (!resource.byReference) return;
  api.get(`${base}/reference/:reference`, (request, reply) => {
    const { data } = tenantOf(request);
    const record = recordByReference(data, resource, paramOf(request, 'reference'));
    return sendJson(reply, 200, filledBytes(resource.render(record, data), fillOfRequest(request)));
  });
}

/** The customer writes: create, update by id, upsert by reference, delete by id and by reference. */
export function customerWriteRoutes(api: FastifyInstance): void {
  api.post('/customers', async (request, reply) => {
    const customer = await writeCustomer(request, () => ({ kind: 'create' }));
    return sendCustomer(request, reply, 201, customer);
  });
  api.post('/customers/:id', async (request, reply) => {
    const id = paramOf(request, 'id');
    const customer = await writeCustomer(request, (data) => ({
      kind: 'update',
      current: recordById(data, customers, id),
    }));
    return sendCustomer(request, reply, 200, customer);
  });
  // The vendor gives update-by-reference and upsert one URL: it creates or updates, and answers
  // 201 either way, as documented.
  api.post('/customers/reference/:reference', async (request, reply) => {
    const reference = paramOf(request, 'reference');
    const customer = await writeCustomer(request, (data) => ({
      kind: 'upsert',
      reference,
      current: byReferenceOf(data, 'customers', reference),
    }));
    return sendCustomer(request, reply, 201, customer);
  });
  api.delete('/customers/:id', async (request, reply) => {
    const tenant = tenantOf(request);
    deleteCustomer(tenant.data, recordById(tenant.data, customers, paramOf(request, 'id')));
    await request.server.store.write(tenant);
    return sendJson(reply, 200, JSON.stringify(DELETED_BODY));
  });
  api.delete('/customers/reference/:reference', async (request, reply) => {
    const tenant = tenantOf(request);
    deleteCustomer(tenant.data, recordByReference(tenant.data, customers, paramOf(request, 'reference')));
    await request.server.store.write(tenant);
    return sendJson(reply, 200, JSON.stringify(DELETED_BODY));
  });
}

/**
 * A customer write, atomic: the parameters are checked against the tenant, then the image (the
 * slow part, off the event loop) is prepared, then everything is checked again on the tenant as
 * it is now and stored in one synchronous step, so no other request's write can slip between
 * the checks and the store (two creates of one reference: exactly one succeeds).
 */
async function writeCustomer(request: FastifyRequest, addressed: (data: ValomniaData) => WriteKind): Promise<Customer> {
  const tenant = tenantOf(request);
  // The customer must exist (update) before its body is read.
  addressed(tenant.data);
  const input = await readInput(request);
  const params = writeParamsOf(input.query, input.body);
  customerChanges(tenant.data, params, addressed(tenant.data));
  const prepared = input.image ? await prepareUpload(input.image) : null;

  const write = addressed(tenant.data);
  const changes = customerChanges(tenant.data, params, write);
  const nowMs = clockNow(tenant.clock);
  const image = prepared ? nameCustomerImage(request.server.store, tenant, prepared, nowMs) : null;
  const now = toIsoSeconds(nowMs);
  const current = write.kind === 'create' ? undefined : write.current;
  const customer = current
    ? updateCustomer(tenant.data, current, changes, image, now)
    : createCustomer(tenant.data, changes, image, now, request.server.store.maxRecordsPerTenant);
  await request.server.store.write(tenant);
  return customer;
}

function sendCustomer(request: FastifyRequest, reply: FastifyReply, status: number, customer: Customer) {
  const { data } = tenantOf(request);
  return sendJson(reply, status, filledBytes(customers.render(customer, data), fillOfRequest(request)));
}

function sendJson(reply: FastifyReply, status: number, body: string | Buffer): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(body);
}

/** The record a path's `{id}` names: 400 when it is not a whole number, 404 when there is none. */
function recordById<C extends CollectionName>(
  data: ValomniaData,
  resource: ResourceDefinition<C>,
  id: string,
): RecordOf<C> {
  if (!/^\d{1,18}$/.test(id)) throw invalidParamType('id');
  const record = Number(id) <= Number.MAX_SAFE_INTEGER ? byId(data, resource.collection, Number(id)) : undefined;
  if (!record) throw notFound(resource.words, id);
  return record;
}

/** The record a path's `{reference}` names (any case); 404 when there is none. */
function recordByReference<C extends CollectionName>(
  data: ValomniaData,
  resource: ResourceDefinition<C>,
  reference: string,
): RecordOf<C> {
  const record = byReferenceOf(data, resource.collection, reference);
  if (!record) throw notFound(resource.words, reference);
  return record;
}

function paramOf(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** The tenant of the request's session; set by the plugin's auth hook. */
export function tenantOf(request: FastifyRequest): Tenant<ValomniaData> {
  if (!request.valomnia) throw new Error('route is not behind the Valomnia auth hook');
  return request.valomnia;
}

/** The slots of this request's renderings: the tenant's organization, the origin it called. */
function fillOfRequest(request: FastifyRequest): Fill {
  const { organization } = tenantOf(request).data;
  return fillFor(organization, organization.name, `${originOf(request)}/${organization.uploadDirectory}`);
}

/** The origin the client called: its Host header, and the scheme a proxy says it used. */
export function originOf(request: FastifyRequest): string {
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
    .split(',', 1)[0]
    ?.trim()
    .toLowerCase();
  const scheme = forwarded === 'https' ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? 'localhost'}`;
}
