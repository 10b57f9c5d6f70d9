import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { basic } from '../helpers/app.js';
import { fullList, myposToken } from '../helpers/mypos.js';
import { form, valomniaLogin } from '../helpers/valomnia.js';

/**
 * What the fault tests share: the control API's fault routes, one small kit per vendor (how to
 * authenticate, list, create and count), and a raw HTTP exchange that records what a client sees
 * on the socket (no response at all, a cut-off body, chunks arriving over time).
 */

export type Json = Record<string, unknown>;
export type VendorName = 'imonggo' | 'valomnia' | 'myposconnect';

/** What a request answered through inject. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export function tenantUrl(vendor: string, credential: string, rest = ''): string {
  return `/__admin/tenants/${vendor}/${encodeURIComponent(credential)}${rest}`;
}

/** POST …/faults with a JSON value (or a raw text with `raw`); the raw answer. */
export async function postFault(
  app: FastifyInstance,
  vendor: string,
  credential: string,
  rule: unknown,
  raw?: { text: string; contentType?: string },
): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: tenantUrl(vendor, credential, '/faults'),
    headers: { 'content-type': raw?.contentType ?? 'application/json' },
    payload: raw ? raw.text : JSON.stringify(rule),
  });
  return { status: res.statusCode, headers: headersOf(res.headers), text: res.body };
}

/** Adds a rule; fails the test unless it answers 201; the rule as listed. */
export async function addFault(app: FastifyInstance, vendor: string, credential: string, rule: Json): Promise<Json> {
  const res = await postFault(app, vendor, credential, rule);
  expect(res.status, res.text).toBe(201);
  return JSON.parse(res.text) as Json;
}

/** GET …/faults: the rules with their counters. */
export async function listFaults(app: FastifyInstance, vendor: string, credential: string): Promise<Json[]> {
  const res = await app.inject({ url: tenantUrl(vendor, credential, '/faults') });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { faults: Json[] }).faults;
}

/** DELETE …/faults; fails the test unless 204. */
export async function clearFaults(app: FastifyInstance, vendor: string, credential: string): Promise<void> {
  const res = await app.inject({ method: 'DELETE', url: tenantUrl(vendor, credential, '/faults') });
  expect(res.statusCode, res.body).toBe(204);
}

/** The tenant's journal, oldest first. */
export async function journalOf(app: FastifyInstance, vendor: string, credential: string): Promise<Json[]> {
  const res = await app.inject({ url: tenantUrl(vendor, credential, '/requests') });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { requests: Json[] }).requests;
}

/** A journal entry's response body as listed (text and size); fails the test without an entry. */
export function responseBodyOf(entry: Json | undefined): { text?: string; size?: number } {
  expect(entry).toBeDefined();
  return (entry as { response: { body: { text?: string; size?: number } | null } }).response.body ?? {};
}

export function headersOf(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key] = String(value);
  return out;
}

/** One request by inject, with the answer in a plain shape. */
export async function injectCall(
  app: FastifyInstance,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
  return { status: res.statusCode, headers: headersOf(res.headers), text: res.body };
}

// ---------------------------------------------------------------------------------------------
// One kit per vendor.

/** A request as both inject and the socket client send it. */
export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface VendorKit {
  vendor: VendorName;
  /** The tenant's credential, as the control API addresses it. */
  credential: string;
  /** Headers that authenticate an API call as the tenant (logs in or takes a token). */
  auth(app: FastifyInstance): Promise<Record<string, string>>;
  /** A GET that answers 200 with a body of some size. */
  listPath: string;
  /** A create of one customer named (and referenced) `name`. */
  create(auth: Record<string, string>, name: string): Call;
  /** The status a successful create answers. */
  createdStatus: number;
  /** The sequential number a create answer carries (id or customer code). */
  numberOf(answerText: string): number;
  /** How many customers the tenant holds. */
  count(app: FastifyInstance, auth: Record<string, string>): Promise<number>;
  /** Whether a customer created with `name` exists. */
  exists(app: FastifyInstance, auth: Record<string, string>, name: string): Promise<boolean>;
}

export function imonggoKit(credential = 'f'.repeat(40)): VendorKit {
  return {
    vendor: 'imonggo',
    credential,
    auth: async () => ({ authorization: basic(credential) }),
    listPath: '/api/customers.xml',
    create: (auth, name) => ({
      method: 'POST',
      path: '/api/customers.json',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { name } }),
    }),
    createdStatus: 200,
    numberOf: (text) => Number((JSON.parse(text) as { id: number }).id),
    count: async (app, auth) => {
      const res = await app.inject({ url: '/api/customers.json?q=count', headers: auth });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { count: number }).count;
    },
    exists: async (app, auth, name) => {
      const res = await app.inject({ url: '/api/customers.json?per_page=100', headers: auth });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { name: string }[]).some((customer) => customer.name === name);
    },
  };
}

export function valomniaKit(credential = 'fault.tester@example.com'): VendorKit {
  return {
    vendor: 'valomnia',
    credential,
    auth: async (app) => ({ cookie: (await valomniaLogin(app, credential)).cookie }),
    listPath: '/api/v1.0/customers',
    create: (auth, name) => ({
      method: 'POST',
      path: '/api/v1.0/customers',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ reference: name, name }),
    }),
    createdStatus: 201,
    numberOf: (text) => Number((JSON.parse(text) as { id: number }).id),
    count: async (app, auth) => {
      const res = await app.inject({ url: '/api/v1.0/customers?max=1', headers: auth });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { paging: { total: number } }).paging.total;
    },
    exists: async (app, auth, name) => {
      const res = await app.inject({ url: `/api/v1.0/customers/reference/${encodeURIComponent(name)}`, headers: auth });
      expect([200, 404], res.body).toContain(res.statusCode);
      return res.statusCode === 200;
    },
  };
}

export function myposKit(credential = 'fault.tester@example.com'): VendorKit {
  return {
    vendor: 'myposconnect',
    credential,
    auth: async (app) => myposToken(app, credential),
    listPath: '/api/v2/customers',
    create: (auth, name) => ({
      method: 'POST',
      path: '/api/v2/customers',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ customerName: name }),
    }),
    createdStatus: 202,
    numberOf: (text) => Number((JSON.parse(text) as { customerCode: string }).customerCode),
    count: async (app, auth) =>
      (JSON.parse(await fullList(app, auth as { authorization: string })) as unknown[]).length,
    exists: async (app, auth, name) =>
      (JSON.parse(await fullList(app, auth as { authorization: string })) as { customerName?: string }[]).some(
        (row) => row.customerName === name,
      ),
  };
}

/** Sends a kit's call through inject. */
export function injectKitCall(app: FastifyInstance, call: Call): Promise<Answer> {
  return injectCall(app, call.method, call.path, call.headers, call.body);
}

// ---------------------------------------------------------------------------------------------
// Real sockets.

/** Starts the app on a free port of 127.0.0.1; answers the port. */
export async function listenOn(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** What a client saw on its own connection. */
export interface SocketAnswer {
  /** The request failed before any response head arrived (a reset). */
  error: NodeJS.ErrnoException | null;
  status: number | null;
  headers: IncomingHttpHeaders;
  /** Body chunks as they arrived, `at` in ms since the request was sent. */
  chunks: { at: number; size: number }[];
  body: Buffer;
  /** When the head arrived (ms since the request was sent). */
  headAt: number | null;
  /** The body arrived in full (its Content-Length) and the message ended. */
  complete: boolean;
  /** The connection died while the body was coming. */
  aborted: boolean;
  /** When the exchange was over (ms since the request was sent). */
  doneAt: number;
}

/** One request on a connection of its own (no keep-alive reuse), recorded as the client sees it. */
export function socketCall(port: number, call: Call): Promise<SocketAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const since = () => performance.now() - started;
    const answer: SocketAnswer = {
      error: null,
      status: null,
      headers: {},
      chunks: [],
      body: Buffer.alloc(0),
      headAt: null,
      complete: false,
      aborted: false,
      doneAt: 0,
    };
    const parts: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      answer.body = Buffer.concat(parts);
      answer.doneAt = since();
      resolve(answer);
    };
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: call.method,
        path: call.path,
        headers: call.headers,
        agent: false,
      },
      (res) => {
        answer.headAt = since();
        answer.status = res.statusCode ?? null;
        answer.headers = res.headers;
        res.on('data', (chunk: Buffer) => {
          parts.push(chunk);
          answer.chunks.push({ at: since(), size: chunk.length });
        });
        res.on('aborted', () => {
          answer.aborted = true;
        });
        res.on('error', () => {
          answer.aborted = true;
        });
        res.on('end', () => {
          answer.complete = res.complete;
        });
        res.on('close', () => {
          if (!res.complete) answer.aborted = true;
          finish();
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answer.status === null) answer.error = error;
      finish();
    });
    req.end(call.body);
  });
}
