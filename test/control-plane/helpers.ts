import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { basic } from '../helpers/app.js';
import { takeToken } from '../helpers/mypos.js';

/**
 * What the control-plane suites share: requests that go by inject or over a real socket alike
 * (redirects never followed, so a login's 302 is seen as it is), the tenant routes, the journal,
 * one sign-in per vendor and the operationIds the contracts give.
 */

export type Vendor = 'imonggo' | 'valomnia' | 'myposconnect';
export const VENDORS: readonly Vendor[] = ['imonggo', 'valomnia', 'myposconnect'];

/** An app to inject into, or the base URL of one listening on a socket. */
export type Target = FastifyInstance | string;

/** What a request answered, the same whichever way it went. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One request, by inject or with fetch (redirects not followed). */
export async function send(target: Target, path: string, options: SendOptions = {}): Promise<Reply> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (typeof target === 'string') {
    const res = await fetch(`${target}${path}`, {
      method,
      redirect: 'manual',
      headers: options.headers ?? {},
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: res.status, headers, text: await res.text() };
  }
  const res = await target.inject({
    method: method as 'GET',
    url: path,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { payload: options.body }),
  });
  for (const [key, value] of Object.entries(res.headers)) headers[key] = String(value);
  return { status: res.statusCode, headers, text: res.body };
}

/** A JSON request to the control API. */
export function sendJson(target: Target, method: string, path: string, body: unknown): Promise<Reply> {
  return send(target, path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The parsed JSON of an answer, after checking its status. */
export function json<T = Record<string, unknown>>(reply: Reply, status = 200): T {
  expect(reply.status, reply.text).toBe(status);
  return JSON.parse(reply.text) as T;
}

// ---------------------------------------------------------------------------------------------
// Tenants.

/** A tenant as POST /__admin/tenants and GET /__admin/tenants show it. */
export interface TenantView {
  vendor: string;
  credential: string;
  dataset: string;
  seed: number;
  records: number;
  createdAt: string;
  clock: { now: string; frozen: boolean };
}

/** `/__admin/tenants/<vendor>/<credential>`, the credential URL-encoded. */
export function tenantPath(vendor: string, credential: string): string {
  return `/__admin/tenants/${vendor}/${encodeURIComponent(credential)}`;
}

/** POST /__admin/tenants with any body; the raw answer. */
export function orderTenant(target: Target, order: unknown): Promise<Reply> {
  return sendJson(target, 'POST', '/__admin/tenants', order);
}

/** Creates (or re-creates) a tenant; fails the test unless 201. */
export async function createTenant(target: Target, order: Record<string, unknown>): Promise<TenantView> {
  return json<TenantView>(await orderTenant(target, order), 201);
}

/** Every tenant GET /__admin/tenants lists. */
export async function listTenants(target: Target): Promise<TenantView[]> {
  return json<{ tenants: TenantView[] }>(await send(target, '/__admin/tenants')).tenants;
}

/** The tenant's clock reading. */
export async function clockOf(target: Target, vendor: string, credential: string) {
  return json<{ now: string; frozen: boolean }>(await send(target, `${tenantPath(vendor, credential)}/clock`));
}

// ---------------------------------------------------------------------------------------------
// The journal.

/** The journal's wire shapes: the package's own client types (src/control-client.ts). */
import type { JournalEntry } from '../../src/control-client.js';

export type { JournalBody, JournalEntry } from '../../src/control-client.js';

/** GET …/requests with a raw query string ('' for none); the raw answer. */
export function requestsReply(target: Target, vendor: string, credential: string, query = ''): Promise<Reply> {
  return send(target, `${tenantPath(vendor, credential)}/requests${query === '' ? '' : `?${query}`}`);
}

/** The tenant's journal entries for a filter; fails the test unless 200. */
export async function journal(target: Target, vendor: string, credential: string, query = ''): Promise<JournalEntry[]> {
  return json<{ requests: JournalEntry[] }>(await requestsReply(target, vendor, credential, query)).requests;
}

/** GET …/requests/count for a filter; fails the test unless 200. */
export async function journalCount(target: Target, vendor: string, credential: string, query = ''): Promise<number> {
  const path = `${tenantPath(vendor, credential)}/requests/count${query === '' ? '' : `?${query}`}`;
  return json<{ count: number }>(await send(target, path)).count;
}

// ---------------------------------------------------------------------------------------------
// Signing in, one way per vendor.

/** Logs in to Valomnia with a form POST; answers the Cookie header of the session. */
export async function valomniaCookie(target: Target, login: string, password = 'secret'): Promise<string> {
  const res = await send(target, '/j_spring_security_check', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ j_username: login, j_password: password, ajax: 'true' }).toString(),
  });
  expect(res.status, res.text).toBe(302);
  expect(res.headers.location).toBe('/login/ajaxSuccess');
  const id = /JSESSIONID=([0-9A-F]{32})/.exec(res.headers['set-cookie'] ?? '')?.[1];
  if (!id) throw new Error(`no session: ${JSON.stringify(res.headers)}`);
  return `JSESSIONID=${id}`;
}

/** The headers of an API call of the vendor for a credential (a login or a token first when needed). */
export async function authHeaders(target: Target, vendor: Vendor, credential: string): Promise<Record<string, string>> {
  if (vendor === 'imonggo') return { authorization: basic(credential) };
  if (vendor === 'valomnia') return { cookie: await valomniaCookie(target, credential) };
  return { authorization: `Bearer ${await takeToken(target, credential)}` };
}

/** Each vendor's customer list path. */
export const LIST_PATH: Record<Vendor, string> = {
  imonggo: '/api/customers.xml',
  valomnia: '/api/v1.0/customers',
  myposconnect: '/api/v2/customers',
};

/** How many customers the tenant holds, as the vendor's own API counts them. */
export async function customerCount(target: Target, vendor: Vendor, headers: Record<string, string>): Promise<number> {
  if (vendor === 'imonggo') {
    const res = await send(target, '/api/customers.xml?q=count', { headers });
    expect(res.status, res.text).toBe(200);
    return Number(/<count type="integer">(\d+)<\/count>/.exec(res.text)?.[1]);
  }
  if (vendor === 'valomnia') {
    return json<{ paging: { total: number } }>(await send(target, '/api/v1.0/customers?max=1', { headers })).paging
      .total;
  }
  return json<unknown[]>(await send(target, '/api/v2/customers?liPageSize=99999', { headers })).length;
}

/** Creates one customer named `name` through the vendor's API; answers the raw reply. */
export function createCustomer(
  target: Target,
  vendor: Vendor,
  headers: Record<string, string>,
  name: string,
): Promise<Reply> {
  if (vendor === 'imonggo') {
    return send(target, '/api/customers.xml', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: `<customer><name>${name}</name></customer>`,
    });
  }
  if (vendor === 'valomnia') {
    return send(target, '/api/v1.0/customers', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: name.replace(/\W/g, '-'), name }).toString(),
    });
  }
  const [firstName, lastName = ''] = name.split(' ');
  return send(target, '/api/v2/customers', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ firstName, lastName }),
  });
}

// ---------------------------------------------------------------------------------------------
// The contracts.

const contracts = new Map<string, { paths: Record<string, Record<string, { operationId?: string }>> }>();

/** The operationId openapi/<vendor>.yaml gives a method of a path template, read from the file itself. */
export function contractOperationId(vendor: Vendor, method: string, template: string): string {
  let contract = contracts.get(vendor);
  if (!contract) {
    contract = parse(readFileSync(new URL(`../../openapi/${vendor}.yaml`, import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    contracts.set(vendor, contract);
  }
  const operationId = contract.paths[template]?.[method.toLowerCase()]?.operationId;
  if (typeof operationId !== 'string') throw new Error(`openapi/${vendor}.yaml has no ${method} ${template}`);
  return operationId;
}

/** Listens on a free port of 127.0.0.1; answers the base URL. */
export function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}
