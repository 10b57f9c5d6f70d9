import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { createMemoryDb, TenantStore } from '../src/core/store.js';
import { DOCS_TOKEN, type TestAppOptions, testApp } from './helpers/app.js';
import {
  type Answer,
  type ContractValidator,
  charsetErrors,
  checkAnswer as checkDeclaredAnswer,
  declaredStatuses,
  entriesOf,
  examplesOf,
  expectOperationsNamed,
  expectValidDocument,
  findOperation,
  isObject,
  type JsonObject,
  loadContract,
  loadSpec,
  objectAt,
  operationsOf,
  opKey,
  parseJsonBody,
  requestSchema,
  resolveLocal,
  type SpecOperation,
  sortToOperations,
} from './helpers/openapi.js';

/**
 * openapi/admin.yaml against the running code: the document is valid OpenAPI 3.1, its operations
 * are exactly the routes registered under /__admin (the MYPOS permissions included), every
 * declared status of every operation is answered by at least one real request, and the answer
 * fits what the document declares (content type and charset, body, key order). Every request-body
 * example is accepted, and every success example is exactly what the sandbox answers (its clock
 * faked to NOW; only `durationMs` is left out of the comparison). A body the server refuses for
 * its shape is one the request schema refuses too.
 */

const raw = loadSpec('admin');
const declaredOperations = operationsOf(raw);

/** The real time every exchange runs at (Date is faked): the examples' `createdAt` and `at`. */
const NOW = '2024-05-14T09:30:00.000Z';
const A = '/__admin';
const T = DOCS_TOKEN;
/** Imonggo's sample token's tenant. */
const IM = `${A}/tenants/imonggo/${T}`;
const MYPOS_EMAIL = 'demo@example.com';

function tenantPath(vendor: string, credential: string, suffix = ''): string {
  return `${A}/tenants/${vendor}/${encodeURIComponent(credential)}${suffix}`;
}

// ---------------------------------------------------------------------------------------------
// (a) The document

describe('openapi/admin.yaml', () => {
  it('is valid OpenAPI 3.1, without warnings', async () => {
    await expectValidDocument('admin');
  });

  it('names every operation (camelCase operationId, a tag, a summary)', () => {
    expectOperationsNamed(declaredOperations);
    for (const op of declaredOperations) expect(op.operation.operationId, opKey(op)).toMatch(/^[a-z][a-zA-Z]+$/);
  });

  it('declares its tags, each used', () => {
    const declared = (raw.tags as JsonObject[]).map((tag) => tag.name);
    const used = new Set(declaredOperations.flatMap((op) => op.operation.tags as string[]));
    expect(declared).toEqual(['health', 'tenants', 'clock', 'journal', 'faults', 'snapshots', 'permissions']);
    expect([...used].sort()).toEqual([...declared].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Operations = routes

/** The routes the app registers under /__admin, as "GET /__admin/tenants/{vendor}/{credential}". */
async function adminRoutes(): Promise<string[]> {
  const store = new TenantStore(createMemoryDb(), { seed: { dataset: 'empty', seed: 1, records: 0 }, maxTenants: 1 });
  const app = buildApp({ store });
  const routes: string[] = [];
  // buildApp registers its plugins lazily, so this hook still sees every route.
  app.addHook('onRoute', (route) => {
    if (route.url !== A && !route.url.startsWith(`${A}/`)) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      // Fastify adds a HEAD route beside each GET on its own.
      if (method !== 'HEAD') routes.push(`${method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  });
  await app.ready();
  await app.close();
  return routes;
}

describe('operations and routes', () => {
  it('every route under /__admin is an operation, and every operation a route', async () => {
    const routes = await adminRoutes();
    expect(new Set(routes).size).toBe(routes.length);
    expect([...routes].sort()).toEqual(declaredOperations.map(opKey).sort());
  });
});

// ---------------------------------------------------------------------------------------------
// (c) Every declared status, answered for real

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The sandboxes an exchange runs in, each fresh: as the process starts by default, and variants. */
type AppKind = 'default' | 'strict' | 'full' | 'small';
const DEFAULTS: TestAppOptions = { dataset: 'demo', seed: 1, records: 120 };
const APPS: Record<AppKind, TestAppOptions> = {
  default: DEFAULTS,
  strict: { ...DEFAULTS, strict: true },
  // One tenant at most: the preparation makes it, the exchange asks for another.
  full: { ...DEFAULTS, maxTenants: 1 },
  // Bodies past 64 bytes are refused.
  small: { ...DEFAULTS, bodyLimit: 64 },
};

interface Context {
  /** A request whose answer must be a success. */
  ok: (method: Method, url: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;
  send: (method: Method, url: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;
}

type Prepare = (context: Context) => Promise<void>;

interface Exchange {
  app?: AppKind;
  method: Method;
  url: string;
  /** A JSON body, sent as application/json. */
  body?: unknown;
  /** A body sent as it stands, with this Content-Type. */
  raw?: { payload: string | Buffer; contentType?: string };
  prepare?: Prepare;
  status: number;
  why: string;
  /** The exact `message` of a refusal. */
  message?: string;
  /** The success example of the declared status the answer must equal. */
  example?: string;
  /** A 400 for the body's shape: the request schema must refuse the body too. */
  refusedBody?: boolean;
  verify?: (answer: Answer, context: Context) => Promise<void> | void;
}

// --- preparations ----------------------------------------------------------------------------

/** Imonggo's sample token's tenant with the vendor's docs data and a frozen clock. */
const IMONGGO_TENANT = { vendor: 'imonggo', credential: T, dataset: 'docs', clock: '2011-04-21T03:01:51Z' };

const imonggoTenant: Prepare = async ({ ok }) => {
  await ok('POST', `${A}/tenants`, IMONGGO_TENANT);
};

/** Two tenants: Imonggo's (frozen, docs data) and a MYPOS Connect user's (as the process starts). */
const world: Prepare = async (context) => {
  await imonggoTenant(context);
  await context.ok('POST', `${A}/tenants`, { vendor: 'myposconnect', credential: MYPOS_EMAIL });
};

/** One tenant, so a request for another finds the sandbox full ("full" app). */
const anotherTenant: Prepare = async ({ ok }) => {
  await ok('POST', tenantPath('imonggo', 'the-only-tenant', '/reset'));
};

const ONE_503_ON_CREATES = {
  match: { operationId: 'createCustomerJson' },
  times: 1,
  fault: { kind: 'status', status: 503 },
};

/**
 * An Imonggo client's session: a rule for one 503 on creates, a create (faulted: nothing is
 * written), then a count of the customers.
 */
const faultedCreate: Prepare = async (context) => {
  await imonggoTenant(context);
  await context.ok('POST', `${IM}/faults`, ONE_503_ON_CREATES);
  const client = {
    authorization: `Basic ${Buffer.from(`${T}:X`).toString('base64')}`,
    'user-agent': 'sync-client/1.0',
    host: 'localhost:3000',
  };
  const create = await context.send('POST', '/api/customers.json', { customer: { name: 'Juan Dela Cruz' } }, client);
  expect(create.statusCode).toBe(503);
  await context.ok('GET', '/api/customers.json?q=count', undefined, client);
};

// --- refusals every tenant route shares ------------------------------------------------------

interface TenantRoute {
  method: Method;
  /** After /__admin/tenants/{vendor}/{credential}. */
  suffix: string;
  /** A body the route accepts, sent with every refusal of the path. */
  body?: unknown;
}

/** A credential Imonggo refuses, a vendor the sandbox does not serve, strict mode, a full sandbox. */
function tenantRefusals({ method, suffix, body }: TenantRoute): Exchange[] {
  const withBody = body === undefined ? {} : { body };
  return [
    {
      method,
      url: tenantPath('imonggo', 'a:b', suffix),
      ...withBody,
      status: 400,
      why: 'a credential Imonggo refuses (a colon)',
      message: 'imonggo refuses this credential: it contains ":", which HTTP Basic cannot carry in a user name',
    },
    {
      method,
      url: tenantPath('valomnia', ' ', suffix),
      ...withBody,
      status: 400,
      why: 'a blank credential',
      message: 'valomnia refuses this credential: it is blank',
    },
    {
      method,
      url: tenantPath('imonggo', 'x'.repeat(257), suffix),
      ...withBody,
      status: 400,
      why: 'a credential of 257 characters',
      message: 'imonggo refuses this credential: it is longer than 256 characters',
    },
    {
      method,
      url: tenantPath('shopify', T, suffix),
      ...withBody,
      status: 404,
      why: 'a vendor the sandbox does not serve',
      message: 'unknown vendor "shopify"; known: imonggo, valomnia, myposconnect',
    },
    {
      app: 'strict',
      method,
      url: tenantPath('valomnia', 'nobody@example.com', suffix),
      ...withBody,
      status: 404,
      why: 'strict mode: a credential without a tenant',
      message: 'valomnia has no tenant for this credential (strict mode: create it first)',
    },
    {
      app: 'full',
      method,
      url: tenantPath('imonggo', T, suffix),
      ...withBody,
      prepare: anotherTenant,
      status: 503,
      why: 'the sandbox holds as many tenants as it may',
      message: 'at most 1 tenants',
    },
  ];
}

/** What a route that reads JSON refuses whatever it does: malformed JSON, another type, too large. */
function bodyRefusals(method: Method, url: string, more: Partial<Exchange> = {}): Exchange[] {
  return [
    {
      method,
      url,
      raw: { payload: '{"at": ', contentType: 'application/json' },
      status: 400,
      why: 'malformed JSON',
      message: 'the body is not JSON',
      ...more,
    },
    {
      method,
      url,
      raw: { payload: 'at=2011-04-21', contentType: 'application/x-www-form-urlencoded' },
      status: 415,
      why: 'a form body',
      message: 'a body here must be application/json',
      ...more,
    },
    {
      app: 'small',
      method,
      url,
      body: { padding: 'x'.repeat(100) },
      status: 413,
      why: 'a body past the body limit',
      message: 'Request body is too large',
      ...more,
    },
  ];
}

// --- the exchanges, operation by operation ---------------------------------------------------

function healthExchanges(): Exchange[] {
  return [
    { method: 'GET', url: `${A}/health`, status: 200, why: 'the sandbox is up', example: 'up' },
    {
      method: 'GET',
      url: `${A}/health`,
      raw: { payload: 'ignored', contentType: 'text/plain' },
      status: 200,
      why: 'a body, which is ignored',
    },
  ];
}

function tenantExchanges(): Exchange[] {
  const create = (body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    method: 'POST',
    url: `${A}/tenants`,
    body,
    status,
    why,
    ...more,
  });
  const refused = (body: unknown, message: string, why: string) =>
    create(body, 400, why, { message, refusedBody: true });
  const order = { vendor: 'imonggo', credential: T };
  const listsNothing = async (_answer: Answer, { ok }: Context) => {
    expect(JSON.parse((await ok('GET', `${A}/tenants`)).body)).toEqual({ tenants: [] });
  };
  return [
    // GET /tenants
    { method: 'GET', url: `${A}/tenants`, status: 200, why: 'no tenant yet', example: 'none' },
    {
      method: 'GET',
      url: `${A}/tenants`,
      prepare: imonggoTenant,
      status: 200,
      why: 'one tenant',
      example: 'oneTenant',
    },
    // POST /tenants
    create({ ...order, dataset: 'empty', seed: 4294967295, records: 0 }, 201, 'every field at a limit'),
    create({ ...order, clock: 1303354911000 }, 201, 'a clock in epoch ms'),
    create({ ...order, clock: { at: '2011-04-21T03:01:51Z' } }, 201, 'a clock object, frozen by default'),
    create({ ...order, clock: null }, 201, 'a null clock: real time'),
    create({ ...order, clock: '0000-01-01T00:00:00Z' }, 201, 'a clock at the earliest time'),
    create({ ...order, dataset: 'docs' }, 201, 'an existing tenant is replaced', {
      prepare: async ({ ok }) => {
        await ok('POST', `${A}/tenants`, { ...order, dataset: 'empty' });
      },
      verify: async (_answer, { ok }) => {
        const { tenants } = JSON.parse((await ok('GET', `${A}/tenants`)).body) as { tenants: JsonObject[] };
        expect(tenants.map((tenant) => tenant.dataset)).toEqual(['docs']);
      },
    }),
    create(order, 201, 'strict mode: the way a tenant comes to be', { app: 'strict' }),
    refused([order], 'body needs "vendor" and "credential"', 'an array'),
    refused(
      { ...order, name: 'x' },
      'unknown field name; known: vendor, credential, dataset, seed, records, clock',
      'an unknown field',
    ),
    refused({ vendor: 'imonggo' }, 'body needs "vendor" and "credential": strings', 'no credential'),
    refused(
      { ...order, credential: 42 },
      'body needs "vendor" and "credential": strings',
      'a credential that is no string',
    ),
    refused({ ...order, dataset: 'big' }, '"dataset" must be one of docs, demo, empty', 'an unknown dataset'),
    refused({ ...order, dataset: null }, '"dataset" must be one of docs, demo, empty', 'a null dataset'),
    refused({ ...order, seed: -1 }, '"seed" must be a whole number from 0 to 4294967295', 'a negative seed'),
    refused({ ...order, seed: 1.5 }, '"seed" must be a whole number from 0 to 4294967295', 'a seed with a fraction'),
    refused({ ...order, records: 100001 }, '"records" must be a whole number from 0 to 100000', 'too many records'),
    refused({ ...order, clock: 'yesterday' }, '"at" is not a time', 'a clock that is no time'),
    refused({ ...order, clock: {} }, '"clock" needs a time: ISO-8601 or epoch ms', 'a clock object without "at"'),
    refused(
      { ...order, clock: { at: '2011-04-21T03:01:51Z', frozen: 'yes' } },
      '"clock.frozen" must be true or false',
      'a clock whose "frozen" is no boolean',
    ),
    refused(
      { ...order, clock: { at: '2011-04-21T03:01:51Z', zone: 'Asia/Manila' } },
      '"clock" takes "at" and "frozen", not zone',
      'a clock object with an unknown field',
    ),
    create({ ...order, clock: 253402300800000 }, 400, 'a clock past 9999-12-31', {
      refusedBody: true,
      verify: listsNothing,
    }),
    create({ ...order, credential: 'a:b' }, 400, 'a credential Imonggo refuses', { verify: listsNothing }),
    create({ ...order, vendor: 'shopify' }, 404, 'a vendor the sandbox does not serve', {
      message: 'unknown vendor "shopify"; known: imonggo, valomnia, myposconnect',
      verify: listsNothing,
    }),
    create(order, 503, 'the sandbox holds as many tenants as it may', {
      app: 'full',
      prepare: anotherTenant,
      message: 'at most 1 tenants',
    }),
    create(
      { ...order, vendor: 'imonggo', credential: 'the-only-tenant' },
      201,
      'replacing the one tenant of a full sandbox',
      {
        app: 'full',
        prepare: anotherTenant,
      },
    ),
    ...bodyRefusals('POST', `${A}/tenants`),
    // DELETE /tenants/{vendor}/{credential}
    {
      method: 'DELETE',
      url: IM,
      prepare: imonggoTenant,
      status: 204,
      why: 'a tenant',
      verify: listsNothing,
    },
    {
      method: 'DELETE',
      url: tenantPath('valomnia', ' Sync-Test@Example.com '),
      prepare: async ({ ok }) => {
        await ok('POST', `${A}/tenants`, { vendor: 'valomnia', credential: 'sync-test@example.com' });
      },
      status: 204,
      why: 'a Valomnia login in another case, with spaces',
      verify: listsNothing,
    },
    {
      method: 'DELETE',
      url: IM,
      raw: { payload: 'ignored', contentType: 'text/plain' },
      prepare: imonggoTenant,
      status: 204,
      why: 'a body, which is ignored',
    },
    { method: 'DELETE', url: IM, status: 404, why: 'no tenant', message: 'no imonggo tenant for that credential' },
    ...tenantRefusals({ method: 'DELETE', suffix: '' }).filter((exchange) => exchange.status < 404),
    {
      method: 'DELETE',
      url: tenantPath('shopify', T),
      status: 404,
      why: 'a vendor the sandbox does not serve',
    },
    // POST …/reset
    {
      method: 'POST',
      url: `${IM}/reset`,
      prepare: async (context) => {
        await imonggoTenant(context);
        await context.ok('POST', `${IM}/clock/advance`, { seconds: 3600 });
      },
      status: 200,
      why: 'back to the clock the tenant was created with',
      example: 'backToCreation',
    },
    {
      method: 'POST',
      url: `${IM}/reset`,
      status: 200,
      why: 'a tenant made on first use, as the process was started',
      verify: (answer) =>
        expect(JSON.parse(answer.body)).toMatchObject({ dataset: 'demo', seed: 1, records: 120, createdAt: NOW }),
    },
    {
      method: 'POST',
      url: `${IM}/reset`,
      raw: { payload: 'not json', contentType: 'text/plain' },
      status: 200,
      why: 'a body, which is ignored',
    },
    ...tenantRefusals({ method: 'POST', suffix: '/reset' }),
  ];
}

function clockExchanges(): Exchange[] {
  const clock = (method: Method, suffix: string, status: number, why: string, more: Partial<Exchange> = {}) => ({
    method,
    url: `${IM}/clock${suffix}`,
    status,
    why,
    ...more,
  });
  const refused = (suffix: string, body: unknown, message: string, why: string, schemaRefuses = true) =>
    clock('POST', suffix, 400, why, { body, message, refusedBody: schemaRefuses });
  // ClockRangeError's message: the time the clock would read (epoch ms when no Date holds it).
  const range = (ms: number) => {
    const date = new Date(ms);
    const reading = Number.isNaN(date.getTime()) ? `epoch ms ${ms}` : date.toISOString();
    return `the clock would read ${reading}; it holds 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z (epoch ms -62167219200000 to 253402300799999)`;
  };
  return [
    // GET …/clock
    clock('GET', '', 200, 'a tenant made on first use: real time', { example: 'running' }),
    clock('GET', '', 200, 'a frozen clock', {
      prepare: imonggoTenant,
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: '2011-04-21T03:01:51.000Z', frozen: true }),
    }),
    ...tenantRefusals({ method: 'GET', suffix: '/clock' }),
    // POST …/clock/freeze
    clock('POST', '/freeze', 200, 'no body: where it stands', {
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: NOW, frozen: true }),
    }),
    clock('POST', '/freeze', 200, 'a blank text body is no body', { raw: { payload: ' ', contentType: 'text/plain' } }),
    clock('POST', '/freeze', 200, 'a null "at"', { body: { at: null } }),
    clock('POST', '/freeze', 200, 'a date alone, in the year 99', {
      body: { at: '0099-12-31' },
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: '0099-12-31T00:00:00.000Z', frozen: true }),
    }),
    clock('POST', '/freeze', 200, 'a space, no seconds, an offset without a colon', {
      body: { at: '2024-03-01 16:00+0800' },
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: '2024-03-01T08:00:00.000Z', frozen: true }),
    }),
    clock('POST', '/freeze', 200, 'the latest time', {
      body: { at: '9999-12-31T23:59:59.999Z' },
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: '9999-12-31T23:59:59.999Z', frozen: true }),
    }),
    refused('/freeze', { at: 'soon' }, '"at" is not a time', 'a time that is none'),
    refused('/freeze', { at: '2011-02-30' }, '"at" is not a time', 'a day the month does not have', false),
    refused('/freeze', { at: true }, '"at" is not a time', 'a boolean'),
    refused('/freeze', { at: 253402300800000 }, range(253402300800000), 'past 9999-12-31'),
    refused('/freeze', { at: '10000-01-01' }, '"at" is not a time', 'a five-digit year'),
    ...tenantRefusals({ method: 'POST', suffix: '/clock/freeze', body: {} }),
    ...bodyRefusals('POST', `${IM}/clock/freeze`),
    // POST …/clock/set
    clock('POST', '/set', 200, 'a frozen clock stays frozen', {
      prepare: imonggoTenant,
      body: { at: 1709280000000 },
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: '2024-03-01T08:00:00.000Z', frozen: true }),
    }),
    refused('/set', {}, 'body needs "at": an ISO-8601 time or epoch ms', 'no "at"'),
    refused('/set', { at: null }, 'body needs "at": an ISO-8601 time or epoch ms', 'a null "at"'),
    clock('POST', '/set', 400, 'no body', { message: 'body needs "at": an ISO-8601 time or epoch ms' }),
    refused('/set', { at: -62167219200001 }, range(-62167219200001), 'before 0000-01-01'),
    ...tenantRefusals({ method: 'POST', suffix: '/clock/set', body: { at: '2024-03-01T08:00:00Z' } }),
    ...bodyRefusals('POST', `${IM}/clock/set`),
    // POST …/clock/advance
    clock('POST', '/advance', 200, 'a frozen clock, by a fraction of a second', {
      prepare: imonggoTenant,
      body: { seconds: 0.25 },
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ now: '2011-04-21T03:01:51.250Z', frozen: true }),
    }),
    refused('/advance', {}, 'body needs "seconds": a number (negative moves back)', 'no "seconds"'),
    refused(
      '/advance',
      { seconds: '60' },
      'body needs "seconds": a number (negative moves back)',
      'seconds in a string',
    ),
    clock('POST', '/advance', 400, 'past 9999-12-31', {
      prepare: imonggoTenant,
      body: { seconds: 1e13 },
      message: range(1303354911000 + 1e16),
    }),
    ...tenantRefusals({ method: 'POST', suffix: '/clock/advance', body: { seconds: 60 } }),
    ...bodyRefusals('POST', `${IM}/clock/advance`),
    // POST …/clock/release
    clock('POST', '/release', 200, 'a frozen clock runs again', { prepare: imonggoTenant, example: 'running' }),
    clock('POST', '/release', 200, 'a body, which is ignored', {
      raw: { payload: '{"at": 1}', contentType: 'application/json' },
    }),
    ...tenantRefusals({ method: 'POST', suffix: '/clock/release' }),
  ];
}

function journalExchanges(): Exchange[] {
  const list = (query: string, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    method: 'GET',
    url: `${IM}/requests${query}`,
    status,
    why,
    ...more,
  });
  const count = (query: string, expected: number, why: string): Exchange => ({
    method: 'GET',
    url: `${IM}/requests/count${query}`,
    prepare: faultedCreate,
    status: 200,
    why,
    verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ count: expected }),
  });
  const ids = (expected: number[]) => (answer: Answer) =>
    expect((JSON.parse(answer.body) as { requests: { id: number }[] }).requests.map((entry) => entry.id)).toEqual(
      expected,
    );
  const badFilter = (query: string, message: string, why: string): Exchange[] =>
    ['/requests', '/requests/count'].map((suffix) => ({
      method: 'GET',
      url: `${IM}${suffix}${query}`,
      status: 400,
      why,
      message,
    }));
  return [
    // GET …/requests
    list('', 200, 'a faulted create, then a count', { prepare: faultedCreate, example: 'faultedCreate' }),
    list('', 200, 'a tenant made on first use: nothing yet', {
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ requests: [] }),
    }),
    list('?method=get', 200, 'by method, in any case', { prepare: faultedCreate, verify: ids([2]) }),
    list('?path=/api/customers*&status=503', 200, 'by path and status', { prepare: faultedCreate, verify: ids([1]) }),
    list('?operationId=listCustomersJson', 200, 'by operationId', { prepare: faultedCreate, verify: ids([2]) }),
    list('?operationId=noSuchOperation', 200, 'by an operationId no contract has', {
      prepare: faultedCreate,
      verify: ids([]),
    }),
    list(`?since=${encodeURIComponent(NOW)}`, 200, 'since a time, inclusive', {
      prepare: faultedCreate,
      verify: ids([1, 2]),
    }),
    list(`?since=${Date.parse(NOW) + 1}`, 200, 'since epoch ms after them', {
      prepare: faultedCreate,
      verify: ids([]),
    }),
    ...badFilter(
      '?from=2024-01-01',
      'unknown filter from; known: method, path, operationId, status, since',
      'an unknown filter',
    ),
    ...badFilter('?status=200&status=503', '"status" is given more than once', 'a filter twice'),
    ...badFilter('?status=42', '"status" must be an HTTP status', 'a status that is none'),
    ...badFilter('?since=yesterday', '"since" must be an ISO-8601 time or epoch ms', 'a time that is none'),
    ...tenantRefusals({ method: 'GET', suffix: '/requests' }),
    // GET …/requests/count
    {
      method: 'GET',
      url: `${IM}/requests/count?status=503`,
      prepare: faultedCreate,
      status: 200,
      why: 'the faulted creates',
      example: 'faultedCreates',
    },
    count('', 2, 'everything'),
    count('?method=POST&operationId=createCustomerJson', 1, 'by method and operationId'),
    ...tenantRefusals({ method: 'GET', suffix: '/requests/count' }),
    // DELETE …/requests
    {
      method: 'DELETE',
      url: `${IM}/requests`,
      prepare: faultedCreate,
      status: 204,
      why: 'a journal with two entries',
      verify: async (_answer, { ok }) => {
        expect(JSON.parse((await ok('GET', `${IM}/requests/count`)).body)).toEqual({ count: 0 });
      },
    },
    ...tenantRefusals({ method: 'DELETE', suffix: '/requests' }),
  ];
}

function faultExchanges(): Exchange[] {
  const add = (body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    method: 'POST',
    url: `${IM}/faults`,
    body,
    status,
    why,
    ...more,
  });
  const refused = (body: unknown, message: string, why: string, schemaRefuses = true) =>
    add(body, 400, why, { message, refusedBody: schemaRefuses });
  const reset = { kind: 'reset' };
  return [
    // GET …/faults
    {
      method: 'GET',
      url: `${IM}/faults`,
      prepare: faultedCreate,
      status: 200,
      why: 'a rule after it fired',
      example: 'firedOnce',
    },
    {
      method: 'GET',
      url: `${IM}/faults`,
      status: 200,
      why: 'no rule',
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ faults: [] }),
    },
    ...tenantRefusals({ method: 'GET', suffix: '/faults' }),
    // POST …/faults
    add({ match: { method: 'get' }, fault: reset }, 201, 'a method in lower case, kept in upper case', {
      verify: (answer) => expect(JSON.parse(answer.body).match).toEqual({ method: 'GET' }),
    }),
    add(
      {
        match: null,
        skip: null,
        times: null,
        probability: null,
        seed: null,
        writeApplied: null,
        fault: { kind: 'rateLimit', retryAfter: null },
      },
      201,
      'every optional field null: as left out',
      {
        verify: (answer) =>
          expect(JSON.parse(answer.body)).toMatchObject({
            match: {},
            skip: 0,
            times: null,
            probability: null,
            seed: 0,
            writeApplied: false,
            fault: { kind: 'rateLimit', retryAfter: 1 },
          }),
      },
    ),
    add(
      {
        match: { method: 'DELETE', path: '/api/customers/*.json', operationId: 'deleteCustomerJson' },
        skip: 1000000000,
        times: 1000000000,
        probability: 0,
        seed: 4294967295,
        writeApplied: true,
        fault: { kind: 'status', status: 599 },
      },
      201,
      'every field at a limit',
    ),
    add({ fault: { kind: 'delay', ms: 0 }, writeApplied: true }, 201, 'a delay of 0 ms, writeApplied true'),
    add({ fault: { kind: 'rateLimit', retryAfter: 0 } }, 201, 'a Retry-After of 0'),
    add({ fault: { kind: 'dribble', ms: 120000 } }, 201, 'the longest dribble'),
    add({ match: { operationId: 'getCustomerImage' }, fault: reset }, 201, "an operationId of Valomnia's contract", {
      url: tenantPath('valomnia', 'sync-test@example.com', '/faults'),
    }),
    refused(
      { match: { operationId: 'getCustomerImage' }, fault: reset },
      'match.operationId: the vendor\'s contract has no "getCustomerImage"',
      "an operationId of another vendor's contract",
      false,
    ),
    add({ fault: reset }, 201, 'strict mode, a tenant made first', {
      app: 'strict',
      prepare: imonggoTenant,
    }),
    refused([], 'the body must be a JSON object', 'an array'),
    refused({}, '"fault" must be a JSON object', 'no fault'),
    add(undefined, 400, 'no body', { message: 'the body must be a JSON object' }),
    refused(
      { fault: reset, when: 'always' },
      'the rule has unknown field when; known: match, skip, times, probability, seed, writeApplied, fault',
      'an unknown field',
    ),
    refused(
      { match: { host: 'x' }, fault: reset },
      '"match" has unknown field host; known: method, path, operationId',
      'an unknown match field',
    ),
    refused({ match: [], fault: reset }, '"match" must be a JSON object', 'a match that is a list'),
    refused(
      { match: { method: 'G T' }, fault: reset },
      'match.method must be a string like ^[A-Za-z]+$',
      'a method with a space',
    ),
    refused(
      { match: { path: 'api/customers' }, fault: reset },
      'match.path must be a string like ^\\/\\S*$',
      'a path without its slash',
    ),
    refused(
      { match: { path: `/${'x'.repeat(2048)}` }, fault: reset },
      'match.path must be a string like ^\\/\\S*$',
      'a path past 2,048 characters',
    ),
    refused(
      { match: { operationId: 'create customer' }, fault: reset },
      'match.operationId must be a string like ^\\S+$',
      'an operationId with a space',
    ),
    refused(
      { match: { operationId: 'createInvoice' }, fault: reset },
      'match.operationId: the vendor\'s contract has no "createInvoice"',
      'an operationId no contract has',
      false,
    ),
    refused(
      { fault: { kind: 'explode' } },
      'fault.kind must be one of delay, status, rateLimit, reset, truncate, dribble',
      'an unknown kind',
    ),
    refused(
      { fault: { kind: 'status', status: 399 } },
      'fault.status must be a whole number from 400 to 599',
      'a status below 400',
    ),
    refused(
      { fault: { kind: 'status' } },
      'fault.status must be a whole number from 400 to 599',
      'a status fault without its status',
    ),
    refused(
      { fault: { kind: 'status', status: 503, ms: 10 } },
      '"fault" has unknown field ms; known: kind, status',
      'a field of another kind',
    ),
    refused(
      { fault: { kind: 'reset', retryAfter: 1 } },
      '"fault" has unknown field retryAfter; known: kind',
      'a reset with a field',
    ),
    refused(
      { fault: { kind: 'rateLimit', retryAfter: 86401 } },
      'fault.retryAfter must be a whole number from 0 to 86400',
      'a Retry-After past a day',
    ),
    refused(
      { fault: { kind: 'delay', ms: 120001 } },
      'fault.ms must be a whole number from 0 to 120000',
      'a delay past two minutes',
    ),
    refused(
      { fault: { kind: 'dribble', ms: 0 } },
      'fault.ms must be a whole number from 1 to 120000',
      'a dribble of 0 ms',
    ),
    refused(
      { fault: { kind: 'truncate', extra: true } },
      '"fault" has unknown field extra; known: kind',
      'a truncate with a field',
    ),
    refused(
      { writeApplied: false, fault: { kind: 'truncate' } },
      '"truncate" serves the real answer, so the request is carried out: writeApplied cannot be false',
      'writeApplied false for a truncate',
    ),
    refused(
      { writeApplied: 'yes', fault: reset },
      '"writeApplied" must be true or false',
      'writeApplied that is no boolean',
    ),
    refused({ probability: 1.5, fault: reset }, '"probability" must be a number from 0 to 1', 'a probability past 1'),
    refused({ times: 0, fault: reset }, '"times" must be a whole number from 1 to 1000000000', 'times 0'),
    refused({ skip: -1, fault: reset }, '"skip" must be a whole number from 0 to 1000000000', 'a negative skip'),
    refused(
      { seed: 4294967296, fault: reset },
      '"seed" must be a whole number from 0 to 4294967295',
      'a seed past 32 bits',
    ),
    ...tenantRefusals({ method: 'POST', suffix: '/faults', body: { fault: reset } }),
    ...bodyRefusals('POST', `${IM}/faults`),
    // DELETE …/faults
    {
      method: 'DELETE',
      url: `${IM}/faults`,
      prepare: async ({ ok }) => {
        await ok('POST', `${IM}/faults`, { fault: reset });
      },
      status: 204,
      why: 'a tenant with a rule',
      verify: async (_answer, { ok }) => {
        expect(JSON.parse((await ok('GET', `${IM}/faults`)).body)).toEqual({ faults: [] });
        // Ids keep counting.
        expect(JSON.parse((await ok('POST', `${IM}/faults`, { fault: reset })).body).id).toBe(2);
      },
    },
    ...tenantRefusals({ method: 'DELETE', suffix: '/faults' }),
  ];
}

function snapshotExchanges(): Exchange[] {
  const save = (body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    method: 'POST',
    url: `${A}/snapshots`,
    body,
    prepare: world,
    status,
    why,
    ...more,
  });
  const refused = (body: unknown, message: string, why: string) => save(body, 400, why, { message, refusedBody: true });
  const twoSnapshots: Prepare = async (context) => {
    await world(context);
    await context.ok('POST', `${A}/snapshots`, { name: 'before-sync' });
    await context.ok('POST', `${A}/snapshots`, {
      name: 'imonggo-only',
      tenants: [{ vendor: 'imonggo', credential: T }],
    });
  };
  const tenantsAre =
    (expected: string[]) =>
    async (_answer: Answer, { ok }: Context) => {
      const { tenants } = JSON.parse((await ok('GET', `${A}/tenants`)).body) as { tenants: JsonObject[] };
      expect(tenants.map((tenant) => `${tenant.vendor} ${tenant.credential}`).sort()).toEqual(expected);
    };
  return [
    // GET /snapshots
    { method: 'GET', url: `${A}/snapshots`, prepare: twoSnapshots, status: 200, why: 'two snapshots', example: 'two' },
    {
      method: 'GET',
      url: `${A}/snapshots`,
      status: 200,
      why: 'none',
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ snapshots: [] }),
    },
    // POST /snapshots
    save({ name: 'empty', tenants: [] }, 201, 'no tenant', {
      verify: (answer) => expect(JSON.parse(answer.body)).toMatchObject({ scope: 'some', tenants: [] }),
    }),
    save(
      { name: 'A.b_c-9', tenants: [{ vendor: 'myposconnect', credential: ' Demo@Example.COM ' }] },
      201,
      'a MYPOS email in another case, with spaces: stored as the tenant is',
      {
        verify: (answer) =>
          expect(JSON.parse(answer.body).tenants).toEqual([{ vendor: 'myposconnect', credential: MYPOS_EMAIL }]),
      },
    ),
    save({ name: 'x'.repeat(100) }, 201, 'a name of 100 characters'),
    save({ name: 'before-sync' }, 201, 'a name in use is replaced', {
      prepare: async (context) => {
        await world(context);
        await context.ok('POST', `${A}/snapshots`, { name: 'before-sync', tenants: [] });
      },
      verify: async (_answer, { ok }) => {
        const { snapshots } = JSON.parse((await ok('GET', `${A}/snapshots`)).body) as { snapshots: JsonObject[] };
        expect(snapshots.map((snapshot) => snapshot.scope)).toEqual(['all']);
      },
    }),
    refused('before-sync', 'body needs "name"', 'a string'),
    refused({}, '"name" must be 1 to 100 letters, digits, ".", "_" or "-"', 'no name'),
    refused({ name: 'before sync' }, '"name" must be 1 to 100 letters, digits, ".", "_" or "-"', 'a name with a space'),
    refused(
      { name: 'x'.repeat(101) },
      '"name" must be 1 to 100 letters, digits, ".", "_" or "-"',
      'a name of 101 characters',
    ),
    refused({ name: 'a', scope: 'all' }, 'unknown field scope; known: name, tenants', 'an unknown field'),
    refused({ name: 'a', tenants: null }, '"tenants" must be a list of {vendor, credential}', 'null tenants'),
    refused(
      { name: 'a', tenants: [{ vendor: 'imonggo' }] },
      '"tenants" must be a list of {vendor, credential}',
      'a tenant without its credential',
    ),
    refused(
      { name: 'a', tenants: [{ vendor: 'imonggo', credential: T, dataset: 'docs' }] },
      '"tenants" must be a list of {vendor, credential}',
      'a tenant with another field',
    ),
    save({ name: 'a', tenants: [{ vendor: 'imonggo', credential: 'a:b' }] }, 400, 'a credential Imonggo refuses', {
      refusedBody: false,
    }),
    save({ name: 'a', tenants: [{ vendor: 'imonggo', credential: 'nobody' }] }, 404, 'a tenant that does not exist', {
      message: 'no imonggo tenant for credential "nobody"',
      verify: async (_answer, { ok }) => {
        expect(JSON.parse((await ok('GET', `${A}/snapshots`)).body)).toEqual({ snapshots: [] });
      },
    }),
    save({ name: 'a', tenants: [{ vendor: 'shopify', credential: T }] }, 404, 'a vendor the sandbox does not serve'),
    save({ name: 'a' }, 201, 'a full sandbox: saving makes no tenant', { app: 'full', prepare: anotherTenant }),
    ...bodyRefusals('POST', `${A}/snapshots`),
    // POST /snapshots/{name}/restore
    {
      method: 'POST',
      url: `${A}/snapshots/before-sync/restore`,
      prepare: async (context) => {
        await world(context);
        await context.ok('POST', `${A}/snapshots`, { name: 'before-sync' });
        await context.ok('DELETE', IM);
        await context.ok('POST', tenantPath('valomnia', 'made-since@example.com', '/reset'));
        await context.ok('POST', tenantPath('myposconnect', MYPOS_EMAIL, '/clock/advance'), { seconds: 60 });
      },
      status: 200,
      why: 'the whole world: a deleted tenant comes back, one made since goes',
      example: 'restored',
      verify: tenantsAre([`imonggo ${T}`, `myposconnect ${MYPOS_EMAIL}`]),
    },
    {
      method: 'POST',
      url: `${A}/snapshots/imonggo-only/restore`,
      prepare: async (context) => {
        await twoSnapshots(context);
        await context.ok('POST', tenantPath('valomnia', 'made-since@example.com', '/reset'));
      },
      raw: { payload: 'ignored', contentType: 'text/plain' },
      status: 200,
      why: 'some tenants: the others stay (a body is ignored)',
      verify: tenantsAre([`imonggo ${T}`, `myposconnect ${MYPOS_EMAIL}`, 'valomnia made-since@example.com']),
    },
    {
      method: 'POST',
      url: `${A}/snapshots/before-sync/restore`,
      status: 404,
      why: 'no snapshot',
      message: 'no snapshot "before-sync"',
    },
    {
      method: 'POST',
      url: `${A}/snapshots/%ZZ/restore`,
      status: 400,
      why: 'a broken percent-escape',
      message: 'Bad Request',
    },
    {
      app: 'full',
      method: 'POST',
      url: `${A}/snapshots/imonggo-only/restore`,
      prepare: async (context) => {
        await imonggoTenant(context);
        await context.ok('POST', `${A}/snapshots`, {
          name: 'imonggo-only',
          tenants: [{ vendor: 'imonggo', credential: T }],
        });
        await context.ok('DELETE', IM);
        await anotherTenant(context);
      },
      status: 503,
      why: 'a tenant deleted since, in a sandbox full again',
      message: 'at most 1 tenants',
    },
    // DELETE /snapshots/{name}
    {
      method: 'DELETE',
      url: `${A}/snapshots/before-sync`,
      prepare: twoSnapshots,
      status: 204,
      why: 'a snapshot',
      verify: async (_answer, { ok }) => {
        const { snapshots } = JSON.parse((await ok('GET', `${A}/snapshots`)).body) as { snapshots: JsonObject[] };
        expect(snapshots.map((snapshot) => snapshot.name)).toEqual(['imonggo-only']);
      },
    },
    {
      method: 'DELETE',
      url: `${A}/snapshots/before-sync`,
      status: 404,
      why: 'no snapshot',
      message: 'no snapshot "before-sync"',
    },
    {
      method: 'DELETE',
      url: `${A}/snapshots/%ZZ`,
      status: 400,
      why: 'a broken percent-escape',
      message: 'Bad Request',
    },
  ];
}

function permissionExchanges(): Exchange[] {
  const url = tenantPath('myposconnect', MYPOS_EMAIL, '/permissions');
  const put = (body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    method: 'PUT',
    url,
    body,
    status,
    why,
    ...more,
  });
  const refused = (body: unknown, why: string) =>
    put(body, 400, why, {
      message: 'body needs some of "read", "write", "delete": booleans',
      refusedBody: true,
    });
  const mypos = (method: Method, body?: unknown): Exchange[] => {
    const withBody = body === undefined ? {} : { body };
    return [
      {
        method,
        url: tenantPath('myposconnect', ' ', '/permissions'),
        ...withBody,
        status: 400,
        why: 'a blank email',
        message: 'myposconnect refuses this credential: it is blank',
      },
      {
        app: 'strict',
        method,
        url,
        ...withBody,
        status: 404,
        why: 'strict mode: an email without a tenant',
        message: 'myposconnect has no tenant for this credential (strict mode: create it first)',
      },
      { app: 'full', method, url, ...withBody, prepare: anotherTenant, status: 503, why: 'a full sandbox' },
    ];
  };
  return [
    { method: 'GET', url, status: 200, why: 'a user made on first use: every right', example: 'all' },
    {
      method: 'GET',
      url: tenantPath('myposconnect', 'DEMO@example.com', '/permissions'),
      prepare: async ({ ok }) => {
        await ok('PUT', url, { delete: false });
      },
      status: 200,
      why: 'the email in another case',
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ read: true, write: true, delete: false }),
    },
    ...mypos('GET'),
    put({ read: false, write: true, delete: true }, 200, 'all three', {
      verify: (answer) => expect(JSON.parse(answer.body)).toEqual({ read: false, write: true, delete: true }),
    }),
    put({ write: false }, 200, 'strict mode, a tenant made first', {
      app: 'strict',
      prepare: async ({ ok }) => {
        await ok('POST', `${A}/tenants`, { vendor: 'myposconnect', credential: MYPOS_EMAIL });
      },
    }),
    refused({}, 'no permission'),
    refused({ read: 'no' }, 'a permission that is no boolean'),
    refused({ admin: true }, 'an unknown permission'),
    refused([{ read: false }], 'an array'),
    put(undefined, 400, 'no body', { message: 'body needs some of "read", "write", "delete": booleans' }),
    ...mypos('PUT', { read: false }),
    ...bodyRefusals('PUT', url),
  ];
}

/** A request-body example of the document, a fresh copy. */
function requestExample(operationId: string, name: string): JsonObject {
  const op = declaredOperations.find((candidate) => candidate.operation.operationId === operationId);
  const body = objectAt(resolveLocal(raw, op?.operation.requestBody), `${operationId} requestBody`);
  const media = objectAt(objectAt(body.content, 'content')['application/json'], 'application/json');
  const example = objectAt(objectAt(media.examples, 'examples')[name], name);
  return structuredClone(objectAt(example.value, `${operationId} ${name}`));
}

function documentExchanges(): Exchange[] {
  const EXPORTED = requestExample('importTenant', 'emptyImonggo');
  const { clockSpec: _spec, ...withoutClockSpec } = EXPORTED;
  const put = (body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    method: 'PUT',
    url: `${IM}/import`,
    body,
    status,
    why,
    ...more,
  });
  const refused = (changes: JsonObject, message: string, why: string, schemaRefuses = true) =>
    put({ ...EXPORTED, ...changes }, 400, why, { message, refusedBody: schemaRefuses });
  const emptyImonggo: Prepare = async ({ ok }) => {
    await ok('POST', `${A}/tenants`, { ...IMONGGO_TENANT, dataset: 'empty' });
  };
  return [
    // GET …/export
    {
      method: 'GET',
      url: `${IM}/export`,
      prepare: emptyImonggo,
      status: 200,
      why: 'a tenant made with the empty dataset and a frozen clock',
      example: 'emptyImonggo',
      // Pretty-printed, with a final newline: a file to commit.
      verify: (answer) => expect(answer.body).toBe(`${JSON.stringify(JSON.parse(answer.body), null, 2)}\n`),
    },
    {
      method: 'GET',
      url: `${IM}/export`,
      prepare: imonggoTenant,
      status: 200,
      why: "the vendor's docs data, loaded again under another token",
      verify: async (answer, { ok }) => {
        const copy = tenantPath('imonggo', 'copy');
        const loaded = JSON.parse((await ok('PUT', `${copy}/import`, JSON.parse(answer.body))).body);
        expect(loaded).toMatchObject({ vendor: 'imonggo', credential: 'copy', dataset: 'docs' });
        const again = JSON.parse((await ok('GET', `${copy}/export`)).body);
        expect(again).toEqual({ ...JSON.parse(answer.body), credential: 'copy' });
      },
    },
    {
      method: 'GET',
      url: `${IM}/export`,
      status: 200,
      why: 'a tenant made on first use: a clock in real time, no clock spec',
      verify: (answer) => {
        const document = JSON.parse(answer.body);
        expect(document.clock).toEqual({ frozenAt: null, offsetMs: 0 });
        expect(document).not.toHaveProperty('clockSpec');
      },
    },
    ...tenantRefusals({ method: 'GET', suffix: '/export' }),
    // PUT …/import
    put(EXPORTED, 200, 'into a tenant that exists: it keeps its journal and rules', {
      prepare: faultedCreate,
      verify: async (_answer, { ok }) => {
        expect(JSON.parse((await ok('GET', `${IM}/requests/count`)).body)).toEqual({ count: 2 });
        expect(JSON.parse((await ok('GET', `${IM}/faults`)).body).faults).toHaveLength(1);
      },
    }),
    put(EXPORTED, 200, 'strict mode: the tenant is made', { app: 'strict' }),
    put({ ...withoutClockSpec, clock: { frozenAt: null, offsetMs: -3600000 } }, 200, 'a running clock', {
      verify: (answer) =>
        expect(JSON.parse(answer.body).clock).toEqual({ now: '2024-05-14T08:30:00.000Z', frozen: false }),
    }),
    refused(
      { format: 'pos-sandbox/snapshot' },
      'not a tenant document: "format" must be "pos-sandbox/tenant" and "version" 1',
      'another format',
    ),
    refused(
      { version: 2 },
      'not a tenant document: "format" must be "pos-sandbox/tenant" and "version" 1',
      'another version',
    ),
    refused({ journal: [] }, 'unknown field journal', 'an unknown field'),
    refused({ credential: 42 }, '"credential" must be a string', 'a credential that is no string'),
    refused({ createdAt: 'yesterday' }, '"createdAt" must be an ISO-8601 time', 'a creation time that is none', false),
    refused(
      { seed: { dataset: 'big', seed: 1, records: 0 } },
      '"seed.dataset" must be one of docs, demo, empty',
      'an unknown dataset',
    ),
    refused(
      { seed: { dataset: 'empty', seed: -1, records: 0 } },
      '"seed.seed" must be a whole number',
      'a negative seed',
    ),
    refused(
      { clock: { frozenAt: 'now', offsetMs: 0 } },
      '"clock" must be {"frozenAt": epoch ms or null, "offsetMs": a number}',
      'a clock that is none',
    ),
    refused(
      { clock: { frozenAt: 253402300800000, offsetMs: 0 } },
      '"clock": the clock would read +010000-01-01T00:00:00.000Z; it holds 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z (epoch ms -62167219200000 to 253402300799999)',
      'a clock past 9999-12-31',
    ),
    refused(
      { clockSpec: { at: 0, frozen: true, zone: 'UTC' } },
      '"clockSpec" must be {"at": epoch ms, "frozen": true or false}',
      'a clock spec with another field',
    ),
    refused({ data: [] }, '"data" must be a JSON object', 'data that is a list'),
    refused(
      { data: { ...(EXPORTED.data as JsonObject), customers: {} } },
      "the document's data does not fit imonggo: data.customers must be a list",
      "data that does not have the vendor's shape",
      false,
    ),
    put([EXPORTED], 400, 'a list', { message: 'the document must be a JSON object', refusedBody: true }),
    put(EXPORTED, 400, 'a document of another vendor', {
      url: tenantPath('valomnia', 'sync-test@example.com', '/import'),
      message: 'the document holds a tenant of imonggo, not of valomnia',
    }),
    put(EXPORTED, 400, 'a credential Imonggo refuses', {
      url: tenantPath('imonggo', 'a:b', '/import'),
      message: 'imonggo refuses this credential: it contains ":", which HTTP Basic cannot carry in a user name',
    }),
    put(EXPORTED, 404, 'a vendor the sandbox does not serve', {
      url: tenantPath('shopify', T, '/import'),
      message: 'unknown vendor "shopify"; known: imonggo, valomnia, myposconnect',
    }),
    put(EXPORTED, 503, 'a full sandbox', { app: 'full', prepare: anotherTenant, message: 'at most 1 tenants' }),
    {
      method: 'PUT',
      url: `${IM}/import`,
      raw: { payload: Buffer.alloc(64 * 1024 * 1024 + 1, 0x20), contentType: 'application/json' },
      status: 413,
      why: 'a body past 64 MiB',
      message: 'Request body is too large',
    },
    put(EXPORTED, 200, 'a body past the process body limit, within 64 MiB', { app: 'small' }),
    ...bodyRefusals('PUT', `${IM}/import`).filter((exchange) => exchange.status !== 413),
  ];
}

/** Every request-body example, sent as it stands to a fresh sandbox (see exampleExchanges). */
const EXAMPLE_WORLDS: Record<string, Prepare> = { saveSnapshot: world };

/** A request per request-body example of the document: it must succeed, as its same-named answer. */
function exampleExchanges(): Exchange[] {
  const exchanges: Exchange[] = [];
  for (const op of declaredOperations) {
    const body = resolveLocal(raw, op.operation.requestBody);
    if (!isObject(body)) continue;
    const media = objectAt(objectAt(body.content, 'content')['application/json'], 'application/json');
    const success = successStatus(op);
    const answers = new Set(Object.keys(successExamples(op, success)));
    for (const [name, example] of entriesOf(media.examples)) {
      const operationId = String(op.operation.operationId);
      exchanges.push({
        method: op.method as Method,
        url: filledPath(op),
        body: example.value,
        ...(EXAMPLE_WORLDS[operationId] ? { prepare: EXAMPLE_WORLDS[operationId] } : {}),
        status: Number(success),
        why: `request example "${name}"`,
        ...(answers.has(name) ? { example: name } : {}),
      });
    }
  }
  return exchanges;
}

/** The one 2xx status an operation declares. */
function successStatus(op: SpecOperation): string {
  const statuses = Object.keys(objectAt(op.operation.responses, 'responses')).filter((status) => /^2/.test(status));
  expect(statuses, opKey(op)).toHaveLength(1);
  return statuses[0] as string;
}

/** The examples of an operation's answer of a status, by name (the raw document's, $refs followed). */
function successExamples(op: SpecOperation, status: string): Record<string, JsonObject> {
  const response = objectAt(resolveLocal(raw, objectAt(op.operation.responses, 'responses')[status]), status);
  if (response.content === undefined) return {};
  const media = objectAt(objectAt(response.content, 'content')['application/json'], 'application/json');
  return Object.fromEntries(entriesOf(media.examples));
}

/** An operation's path with the example of each path parameter. */
function filledPath(op: SpecOperation): string {
  const item = objectAt(objectAt(raw.paths, 'paths')[op.path], op.path);
  const parameters = [...((item.parameters as unknown[]) ?? []), ...((op.operation.parameters as unknown[]) ?? [])].map(
    (parameter) => objectAt(resolveLocal(raw, parameter), 'parameter'),
  );
  return op.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(String(parameter?.example));
  });
}

const exchanges: Exchange[] = [
  ...healthExchanges(),
  ...tenantExchanges(),
  ...documentExchanges(),
  ...clockExchanges(),
  ...journalExchanges(),
  ...faultExchanges(),
  ...snapshotExchanges(),
  ...permissionExchanges(),
  ...exampleExchanges(),
];

const { byOperation: exchangesByOperation, strays: strayExchanges } = sortToOperations(
  exchanges,
  (exchange) => exchange,
  (method, url) => findOperation(declaredOperations, method, url),
);

// ---------------------------------------------------------------------------------------------
// Running an exchange and checking its answer

let contract: Awaited<ReturnType<typeof loadContract>> | undefined;

async function loaded() {
  contract ??= await loadContract('admin');
  return contract;
}

/** What is wrong with a JSON value against a schema: its values, then (answers) its keys' order. */
function checkJson(validator: ContractValidator, schema: JsonObject, value: unknown, ordered = true): string[] {
  const errors = validator.validate(schema, value);
  if (errors.length > 0 || !ordered) return errors;
  return validator.orderErrors(schema, value).map((error) => `order: ${error}`);
}

function checkAnswer(validator: ContractValidator, op: SpecOperation, answer: Answer): string[] {
  return checkDeclaredAnswer(validator, op, answer, (media, mediaType, contentType) => {
    if (mediaType !== 'application/json') return [`no checker for ${mediaType}`];
    const parsed = parseJsonBody(answer.body);
    if ('error' in parsed) return [parsed.error];
    return [...charsetErrors(contentType), ...checkJson(validator, objectAt(media.schema, 'schema'), parsed.value)];
  });
}

/** A value with every `durationMs` (a measured time, never the same twice) set to 0. */
function withoutDurations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDurations);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === 'durationMs' ? 0 : withoutDurations(inner)]),
  );
}

/** "<opKey> <status> <name>" of every success example an answer was found equal to. */
const comparedExamples = new Set<string>();

async function run(exchange: Exchange, op: SpecOperation): Promise<Answer> {
  const { validator } = await loaded();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  const app = await testApp(APPS[exchange.app ?? 'default']);
  try {
    const send: Context['send'] = async (method, url, body, headers = {}) => {
      const answer = await app.inject({
        method,
        url,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { statusCode: answer.statusCode, headers: answer.headers, body: answer.body };
    };
    const context: Context = {
      send,
      ok: async (method, url, body, headers) => {
        const answer = await send(method, url, body, headers);
        expect(answer.statusCode, `prepare: ${method} ${url}: ${answer.body}`).toBeLessThan(300);
        return answer;
      },
    };
    await exchange.prepare?.(context);

    const response = exchange.raw
      ? await app.inject({
          method: exchange.method,
          url: exchange.url,
          headers: exchange.raw.contentType ? { 'content-type': exchange.raw.contentType } : {},
          payload: exchange.raw.payload,
        })
      : await send(exchange.method, exchange.url, exchange.body);
    const answer: Answer = { statusCode: response.statusCode, headers: response.headers, body: response.body };

    expect(answer.statusCode, answer.body.slice(0, 300)).toBe(exchange.status);
    expect(checkAnswer(validator, op, answer)).toEqual([]);
    if (exchange.message !== undefined) expect(JSON.parse(answer.body).message).toBe(exchange.message);

    if (exchange.example !== undefined) {
      const examples = successExamples(op, String(exchange.status));
      const example = examples[exchange.example];
      expect(example, `example "${exchange.example}" of ${opKey(op)} ${exchange.status}`).toBeDefined();
      const served = withoutDurations(JSON.parse(answer.body));
      expect(served).toEqual(withoutDurations(example?.value));
      // Key for key in the order served, the request headers included.
      expect(JSON.stringify(served), 'key order').toBe(JSON.stringify(withoutDurations(example?.value)));
      comparedExamples.add(`${opKey(op)} ${exchange.status} ${exchange.example}`);
    }

    // The request schema takes what the server takes, and refuses what it refuses for its shape.
    const schema =
      exchange.body === undefined || !op.operation.requestBody ? undefined : requestSchema(op, 'application/json');
    if (schema && exchange.status < 300) {
      expect(
        checkJson(validator, schema, exchange.body, false),
        'the request schema refuses a body the server takes',
      ).toEqual([]);
    }
    if (schema && exchange.refusedBody) {
      expect(
        checkJson(validator, schema, exchange.body, false),
        'the request schema takes a body the server refuses',
      ).not.toEqual([]);
    }

    await exchange.verify?.(answer, context);
    return answer;
  } finally {
    await app.close();
    vi.useRealTimers();
  }
}

describe('every declared status, answered', () => {
  const covered = new Set<string>();

  afterAll(() => {
    vi.useRealTimers();
  });

  it('sends every request to exactly one declared operation', () => {
    expect(strayExchanges).toEqual([]);
  });

  for (const declared of declaredOperations) {
    const key = opKey(declared);
    describe(key, () => {
      for (const exchange of exchangesByOperation.get(key) ?? []) {
        it(`${exchange.status}: ${exchange.why} (${exchange.method} ${exchange.url.slice(0, 90)})`, async () => {
          const op = (await loaded()).operations.get(key);
          if (!op) throw new Error(`${key} is not in the dereferenced document`);
          const answer = await run(exchange, op);
          covered.add(`${key} ${answer.statusCode}`);
        });
      }
    });
  }

  it('exercised every declared status of every operation', () => {
    expect(declaredStatuses(declaredOperations).filter((status) => !covered.has(status))).toEqual([]);
  });

  it('found every success example equal to a real answer', () => {
    const declared = declaredOperations.flatMap((op) => {
      const status = successStatus(op);
      return Object.keys(successExamples(op, status)).map((name) => `${opKey(op)} ${status} ${name}`);
    });
    expect(declared.filter((example) => !comparedExamples.has(example))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// (d) The examples themselves

describe('examples', () => {
  it('every example fits its schema, an answer in its key order', async () => {
    const { spec, validator } = await loaded();
    const found = examplesOf(spec);
    expect(found.length).toBeGreaterThan(0);
    const problems = found.flatMap(({ where, name, schema, example, isAnswer }) =>
      checkJson(validator, schema, example.value, isAnswer).map((error) => `${where} ${name}: ${error}`),
    );
    expect(problems).toEqual([]);
  });

  it('every request-body example is sent (and must succeed) above', () => {
    const sent = new Set(exchanges.map((exchange) => `${exchange.method} ${exchange.url} ${exchange.why}`));
    const expected = declaredOperations.flatMap((op) => {
      const body = resolveLocal(raw, op.operation.requestBody);
      if (!isObject(body)) return [];
      const media = objectAt(objectAt(body.content, 'content')['application/json'], 'application/json');
      return Object.keys(objectAt(media.examples, 'examples')).map(
        (name) => `${op.method} ${filledPath(op)} request example "${name}"`,
      );
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.filter((key) => !sent.has(key))).toEqual([]);
  });
});
