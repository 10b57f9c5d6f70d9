import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clockNow } from '../../core/clock.js';
import { renderOnce } from '../../core/rendered-records.js';
import type { Tenant } from '../../core/store.js';
import { decodeUtf8 } from '../../core/text.js';
import { keptBytes, sendParts, type TextPart, TextParts } from '../../core/text-parts.js';
import { customerFields, customerObjectOf } from './customer-input.js';
import {
  HAS_SALES_TEXT,
  IDS_MISMATCH_TEXT,
  MyposError,
  MyposFrameworkError,
  methodNotSupportedText,
  NOT_AN_OBJECT_TEXT,
  NOT_FOUND_TEXT,
} from './errors.js';
import { listCustomers, type RawQuery, readListQuery } from './list.js';
import type { Customer, MyposData, Permissions } from './model.js';
import { customerJson, FLAT_FIELDS, type FlatField, flatValue } from './render.js';
import { JSON_TYPE } from './replies.js';
import {
  createCustomer,
  customerIndex,
  deleteCustomer,
  findByCode,
  findCustomer,
  replaceCustomer,
} from './repository.js';
import { storedTime } from './wire-time.js';

/** The customers API: list, get, add, replace, delete; behind the bearer hook. */
export function customerRoutes(api: FastifyInstance): void {
  api.get('/customers', (request, reply) => {
    const { data } = allowed(request, 'read');
    const query = readListQuery(request.query as RawQuery);
    const { total, offset, rows } = listCustomers(customerIndex(data), query);
    return sendParts(reply.code(200).type(JSON_TYPE), flatPage(rows, query.fields, offset, total));
  });

  api.get('/customers/:identifier', (request, reply) => {
    const { data } = allowed(request, 'read');
    const customer = findCustomer(data, paramOf(request));
    if (!customer) throw new MyposError(404, NOT_FOUND_TEXT);
    return reply.code(200).type(JSON_TYPE).send(customerBytes(customer));
  });

  api.post('/customers', async (request, reply) => {
    const tenant = allowed(request, 'write');
    const posted = customerObjectOf(bodyOf(request), true);
    const fields = customerFields(posted, false);
    const customer = createCustomer(tenant.data, fields, now(tenant), request.server.store.maxRecordsPerTenant);
    await request.server.store.write(tenant);
    // The vendor answers with the posted object, the two system fields filled in.
    const { customerId: _id, customerCode: _code, ...rest } = posted;
    return sendJson(reply, 202, { customerId: customer.customerId, customerCode: customer.customerCode, ...rest });
  });

  api.put('/customers/:customerCode', async (request, reply) => {
    const tenant = allowed(request, 'write');
    const current = findByCode(tenant.data, paramOf(request));
    if (!current) throw new MyposError(404, NOT_FOUND_TEXT);
    const posted = customerObjectOf(bodyOf(request), false);
    // The docs ask for both ids in the body, and for them to name the customer in the path.
    const sameId = typeof posted.customerId === 'string' && posted.customerId.toLowerCase() === current.customerId;
    if (!sameId || posted.customerCode !== current.customerCode) throw new MyposError(400, IDS_MISMATCH_TEXT);
    const customer = replaceCustomer(tenant.data, current, customerFields(posted, true), now(tenant));
    await request.server.store.write(tenant);
    return sendJson(reply, 200, customerJson(customer));
  });

  api.delete('/customers/:customerCode', async (request, reply) => {
    const tenant = allowed(request, 'delete');
    const current = findByCode(tenant.data, paramOf(request));
    if (!current) throw new MyposError(404, NOT_FOUND_TEXT);
    const deleted = deleteCustomer(tenant.data, current, now(tenant));
    await request.server.store.write(tenant);
    if (!deleted) throw new MyposError(409, HAS_SALES_TEXT);
    return reply.code(204).send();
  });
}

// A customer's full JSON as UTF-8, kept per record like its flat view below.
const customerBytes = renderOnce((customer: Customer) => keptBytes(JSON.stringify(customerJson(customer))));

// The whole flat view of a customer as UTF-8, kept per record (records are replaced, never
// edited): a row of a list without sFieldList is these bytes and the two counters. Kept as bytes
// because a page of text with any non-ASCII letter ("Émilie", "Montréal") is re-encoded on every
// request, which cost more than building the page; copying kept bytes is a memcpy.
const allFlatFields = renderOnce((customer: Customer) => keptBytes(flatFieldsJson(customer, FLAT_FIELDS)));

/**
 * A list page as its parts (see TextParts): `[{<fields>,"customSortRowNumber":n,"liTotalCount":t},…]`,
 * each row's fields its kept bytes (or rendered, for an sFieldList), the counters text.
 */
function flatPage(rows: readonly Customer[], fields: readonly FlatField[], offset: number, total: number): TextParts {
  const parts: TextPart[] = ['['];
  for (let at = 0; at < rows.length; at += 1) {
    const customer = rows[at] as Customer;
    const members = fields === FLAT_FIELDS ? allFlatFields(customer) : flatFieldsJson(customer, fields);
    parts.push(at > 0 ? ',{' : '{', members);
    parts.push(`${members.length > 0 ? ',' : ''}"customSortRowNumber":${offset + at + 1},"liTotalCount":${total}}`);
  }
  parts.push(']');
  return new TextParts(parts);
}

/** A row's fields as JSON members without the braces (`"customerId":…,"…":…`), '' for none. */
function flatFieldsJson(customer: Customer, fields: readonly FlatField[]): string {
  const row: Record<string, unknown> = {};
  for (const field of fields) row[field] = flatValue(customer, field);
  return JSON.stringify(row).slice(1, -1);
}

/** Every method a path does not take answers ASP.NET's 405. */
export function methodNotAllowedRoutes(app: FastifyInstance, paths: Readonly<Record<string, readonly string[]>>): void {
  for (const [url, taken] of Object.entries(paths)) {
    // HEAD goes with GET (Fastify answers it from the GET route); QUERY, a draft method with a
    // body, is not one the vendor's framework routes, so it stays a 404 like any unknown request.
    const others = app.supportedMethods.filter(
      (method) => !taken.includes(method) && method !== 'QUERY' && !(method === 'HEAD' && taken.includes('GET')),
    );
    app.route({
      method: others,
      url,
      handler: (request) => {
        throw new MyposFrameworkError(405, methodNotSupportedText(request.method));
      },
    });
  }
}

/** The request's tenant, once its user holds the permission; 403 otherwise. */
function allowed(request: FastifyRequest, permission: keyof Permissions): Tenant<MyposData> {
  const tenant = request.mypos;
  if (!tenant) throw new Error('route is not behind the MYPOS bearer hook');
  if (!tenant.data.permissions[permission]) {
    throw new MyposError(403, `You do not have permission to ${permission} customers.`);
  }
  return tenant;
}

/** The body as JSON: 400 when it is none, not UTF-8, or not JSON. */
function bodyOf(request: FastifyRequest): unknown {
  const raw = request.body;
  if (!Buffer.isBuffer(raw)) throw new MyposError(400, NOT_AN_OBJECT_TEXT);
  try {
    return JSON.parse(decodeUtf8(raw)) as unknown;
  } catch {
    throw new MyposError(400, NOT_AN_OBJECT_TEXT);
  }
}

function paramOf(request: FastifyRequest): string {
  const params = request.params as Record<string, string>;
  return params.identifier ?? params.customerCode ?? '';
}

function now(tenant: Tenant<MyposData>): string {
  return storedTime(clockNow(tenant.clock));
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(JSON.stringify(body));
}
