import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** The user the MYPOS tests log in as unless they say otherwise (the tenant is the email). */
export const MYPOS_EMAIL = 'api.user@tricity.example';

/** The GUID of the vendor's get-by-identifier example (customer 1000070 in the docs dataset). */
export const DOCS_GUID = 'ef1b97c9-4c4e-4f76-9bf5-ce909e7539c0';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** ASP.NET's 401 body, as the sandbox sends it (the exact bytes). */
export const DENIED = '{"Message":"Authorization has been denied for this request."}';

/** The token endpoint's 400 texts (docs/myposconnect.md). */
export const TOKEN_TEXTS = {
  noBasic: 'Basic authentication with an email and password is required.',
  unreadable: 'The Basic credentials could not be read.',
  blank: 'The email and password are required.',
  tooLong: 'The email is too long.',
  dailyLimit: 'The daily limit of 250 bearer tokens for this user has been reached.',
} as const;

/** Where requests go: an app to inject into, or the base URL of one listening on a socket. */
export type Target = FastifyInstance | string;

/** What a request answered, the same whichever way it went. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One request, by inject or over the socket. */
export async function call(target: Target, path: string, options: CallOptions = {}): Promise<Answer> {
  const method = options.method ?? 'GET';
  if (typeof target === 'string') {
    const res = await fetch(`${target}${path}`, {
      method,
      headers: options.headers ?? {},
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const headers: Record<string, string> = {};
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
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(res.headers)) headers[key] = String(value);
  return { status: res.statusCode, headers, text: res.body };
}

/** The Basic header the token endpoint takes. */
export function basicAuth(email: string = MYPOS_EMAIL, password = 'secret'): string {
  return `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
}

/** A token request; the raw answer. */
export function requestToken(target: Target, email: string = MYPOS_EMAIL, password = 'secret'): Promise<Answer> {
  return call(target, '/api/v2/auth/token', { method: 'POST', headers: { authorization: basicAuth(email, password) } });
}

/** A fresh bearer token (the JWT alone) for the email; fails the test unless it is issued. */
export async function takeToken(target: Target, email: string = MYPOS_EMAIL): Promise<string> {
  const res = await requestToken(target, email);
  expect(res.status, res.text).toBe(200);
  const body = JSON.parse(res.text) as { failureDescription: null; bearerToken: string };
  expect(body.failureDescription).toBeNull();
  return body.bearerToken;
}

/** A fresh bearer token as the headers of an API call: `{ authorization: "Bearer <jwt>" }`. */
export async function myposToken(target: Target, email: string = MYPOS_EMAIL): Promise<{ authorization: string }> {
  return bearer(await takeToken(target, email));
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** A JSON body's fields decoded from base64url (a JWT part). */
export function jwtPart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// The control API.

function tenantPath(email: string): string {
  return `/__admin/tenants/myposconnect/${encodeURIComponent(email)}`;
}

async function control(target: Target, method: string, path: string, body?: unknown): Promise<Answer> {
  return call(target, path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

async function clockMove(target: Target, email: string, action: string, body: object): Promise<string> {
  const res = await control(target, 'POST', `${tenantPath(email)}/clock/${action}`, body);
  expect(res.status, res.text).toBe(200);
  return (JSON.parse(res.text) as { now: string }).now;
}

/** Stops the tenant's clock at `at` (ISO or epoch ms); answers the reading (ISO with "Z"). */
export function freezeClock(target: Target, email: string, at: string | number): Promise<string> {
  return clockMove(target, email, 'freeze', { at });
}

/** Moves the tenant's clock by `seconds`; answers the reading. */
export function advanceClock(target: Target, email: string, seconds: number): Promise<string> {
  return clockMove(target, email, 'advance', { seconds });
}

/** The tenant clock's reading (ISO with "Z"). */
export async function clockNow(target: Target, email: string): Promise<string> {
  const res = await call(target, `${tenantPath(email)}/clock`);
  expect(res.status, res.text).toBe(200);
  return (JSON.parse(res.text) as { now: string }).now;
}

/** Puts the tenant back to its seeded data (creating it when missing). */
export async function resetTenant(target: Target, email: string = MYPOS_EMAIL): Promise<void> {
  const res = await control(target, 'POST', `${tenantPath(email)}/reset`);
  expect(res.status, res.text).toBe(200);
}

/** Forgets the tenant; true when there was one. */
export async function deleteTenant(target: Target, email: string = MYPOS_EMAIL): Promise<boolean> {
  const res = await control(target, 'DELETE', tenantPath(email));
  expect([204, 404], res.text).toContain(res.status);
  return res.status === 204;
}

export interface Permissions {
  read: boolean;
  write: boolean;
  delete: boolean;
}

/** GET …/permissions: the raw answer. */
export function getPermissions(target: Target, email: string = MYPOS_EMAIL): Promise<Answer> {
  return control(target, 'GET', `${tenantPath(email)}/permissions`);
}

/** PUT …/permissions with a raw JSON text (or any body); the raw answer. */
export function putPermissionsRaw(target: Target, email: string, body: string, contentType = 'application/json') {
  return call(target, `${tenantPath(email)}/permissions`, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body,
  });
}

/** Sets some permissions; fails the test unless 200; answers all three. */
export async function setPermissions(
  target: Target,
  email: string,
  changes: Partial<Permissions>,
): Promise<Permissions> {
  const res = await putPermissionsRaw(target, email, JSON.stringify(changes));
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as Permissions;
}

// ---------------------------------------------------------------------------------------------
// The customers API.

export type Json = Record<string, unknown>;

/** Sends JSON (or a raw text) to the customers API with the given auth headers. */
export function send(
  target: Target,
  auth: { authorization: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  return call(target, path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** Every customer of the tenant as the flat list shows it, one page of 99999 (the raw text). */
export async function fullList(target: Target, auth: { authorization: string }): Promise<string> {
  const res = await call(target, '/api/v2/customers?liPageSize=99999', { headers: auth });
  expect(res.status, res.text).toBe(200);
  return res.text;
}

/** Checks an answer's status, content type and exact JSON body. */
export function expectAnswer(res: Answer, status: number, body: unknown): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(JSON.parse(res.text)).toEqual(body);
}

/** 400/403/404/409 of the API: `{"failureDescription": …}`, exactly. */
export function expectFailure(res: Answer, status: number, text: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.text).toBe(JSON.stringify({ failureDescription: text }));
}

/** The framework's `{"Message": …}`, exactly. */
export function expectMessage(res: Answer, status: number, text: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.text).toBe(JSON.stringify({ Message: text }));
}

/** 401 with ASP.NET's body. */
export function expectDenied(res: Answer): void {
  expectMessage(res, 401, 'Authorization has been denied for this request.');
}
