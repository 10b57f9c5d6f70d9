import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TenantStore } from '../../src/core/store.js';
import { basic, type TestAppOptions, testSandbox } from '../helpers/app.js';
import {
  type Answer,
  type ContractValidator,
  charsetErrors,
  checkAnswer as checkDeclaredAnswer,
  declaredStatuses,
  entriesOf,
  examplesOf,
  expectOperationsNamed,
  expectServedAsWritten,
  expectValidDocument,
  findOperation,
  type JsonObject,
  loadContract,
  loadSpec,
  objectAt,
  operationsOf,
  opKey,
  parseJsonBody,
  registeredRoutes,
  requestSchema,
  resolveLocal,
  type Schema,
  type SpecOperation,
  sortToOperations,
} from '../helpers/openapi.js';

/**
 * openapi/myposconnect.yaml against the running code: the document is valid OpenAPI 3.1, its
 * operations are exactly the routes the MYPOS plugin registers under /api/v2/ (the others answer
 * the 405 the document describes), every declared status of every operation is answered by at
 * least one real request and fits what the document declares for it (content type and charset,
 * body, key order), the exact texts of docs/myposconnect.md come out, and every example a
 * request can carry is accepted.
 */

const raw = loadSpec('myposconnect');
const declaredOperations = operationsOf(raw);

let validator: ContractValidator;
let spec: JsonObject;
let operations: Map<string, SpecOperation>;

beforeAll(async () => {
  ({ spec, validator, operations } = await loadContract('myposconnect'));
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const V = '/api/v2';
const TOKEN_URL = `${V}/auth/token`;
const CUSTOMERS = `${V}/customers`;
/** The vendor's sample customer in the docs dataset; it has no sales. */
const SAMPLE_CODE = '1000070';
const SAMPLE_GUID = 'ef1b97c9-4c4e-4f76-9bf5-ce909e7539c0';
const SAMPLE = `${CUSTOMERS}/${SAMPLE_CODE}`;
/** Docs customers with sales (they cannot be deleted) and without. */
const WITH_SALES = '1000001';
const WITH_BALANCE = '1000002';
const WITHOUT_SALES = '1000005';
/** The vendor's own example list call. */
const VENDOR_LIST_QUERY =
  'liPage=1&liPageSize=100&sSortKey=LastEditDateUTCDESC&filt_LastEditDateUTC_dt_min=2020-oct-01%2009%3a00&filt_LastEditDateUTC_dt_max=2022-dec-31%2009%3a00';

/** The exact texts of docs/myposconnect.md. */
const TEXT = {
  denied: 'Authorization has been denied for this request.',
  tooLarge: 'The request is too large.',
  serverError: 'An error has occurred.',
  invalidRequest: 'The request is invalid.',
  unavailable: 'Service Unavailable.',
  noBasic: 'Basic authentication with an email and password is required.',
  unreadable: 'The Basic credentials could not be read.',
  blank: 'The email and password are required.',
  tooLong: 'The email is too long.',
  dailyLimit: 'The daily limit of 250 bearer tokens for this user has been reached.',
  notFound: 'Customer not found.',
  notAnObject: 'The request body must be a customer object.',
  nameRequired: 'customerName is required.',
  idsMismatch: 'customerId and customerCode must match the customer being updated.',
  hasSales: 'The customer has transactions and cannot be deleted; it has been set to inactive.',
  forbidden: (right: 'read' | 'write' | 'delete') => `You do not have permission to ${right} customers.`,
  page: (name: 'liPage' | 'liPageSize') => `${name} must be a whole number of 1 or more.`,
  sort: 'sSortKey must name a returned field followed by ASC or DESC.',
  field: (name: string) => `sFieldList contains an unknown field: ${name}.`,
  date: (bound: 'min' | 'max') => `filt_LastEditDateUTC_dt_${bound} is not a valid date (yyyy-MMM-dd HH:mm).`,
  type: (name: string, type: string) => `The field ${name} must be a ${type}.`,
  long: (name: string) => `The field ${name} is too long.`,
  noResource: (uri: string) => `No HTTP resource was found that matches the request URI '${uri}'.`,
  method: (method: string) => `The requested resource does not support http method '${method}'.`,
};

// ---------------------------------------------------------------------------------------------
// Checking one answer against the operation's declared responses

/** What is wrong with a JSON value against a schema: its values, then (answers) its keys' order. */
function checkJson(schema: Schema, value: unknown, ordered = true): string[] {
  const errors = validator.validate(schema, value);
  if (errors.length > 0 || !ordered) return errors;
  return validator.orderErrors(schema, value).map((error) => `order: ${error}`);
}

/** What is wrong with a JSON answer against a schema, its Content-Type's charset included. */
function checkJsonAnswer(schema: Schema, answer: Answer): string[] {
  const contentType = String(answer.headers['content-type'] ?? '');
  const parsed = parseJsonBody(answer.body);
  return [...charsetErrors(contentType), ...('error' in parsed ? [parsed.error] : checkJson(schema, parsed.value))];
}

/** What is wrong with an answer, as the operation declares its responses; empty when nothing. */
function checkAnswer(op: SpecOperation, answer: Answer): string[] {
  return checkDeclaredAnswer(validator, op, answer, (media, mediaType) => {
    if (mediaType !== 'application/json') return [`no checker for ${mediaType}`];
    return checkJsonAnswer(objectAt(media.schema, 'schema'), answer);
  });
}

/** A schema of the document's components (dereferenced). */
function componentSchema(name: string): Schema {
  return objectAt(objectAt(objectAt(spec.components, 'components').schemas, 'schemas')[name], name);
}

// ---------------------------------------------------------------------------------------------
// Tokens

function decodePart(part: string | undefined): JsonObject {
  return objectAt(JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')), 'JWT part');
}

/** The same claims, signed with a secret the sandbox does not know. */
function forge(token: string): string {
  const [header, payload] = token.split('.');
  const signature = createHmac('sha256', 'not the sandbox secret').update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The same claims, unsigned, with `alg: none`. */
function algNone(token: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return `${header}.${token.split('.')[1]}.`;
}

// ---------------------------------------------------------------------------------------------
// The sandboxes the requests go to

type AppName = 'docs' | 'empty' | 'demo' | 'limited';
/** Bodies past this many bytes get a 413 from the "limited" app. */
const BODY_LIMIT = 1024;
/** The one tenant the "limited" app keeps; it holds as many customers as it may (the six docs ones). */
const LIMITED_EMAIL = 'limited@example.com';
/** One byte past the default body limit (1 MiB). */
const PAST_DEFAULT_LIMIT = 1024 * 1024 + 1;

interface Sandbox {
  app: FastifyInstance;
  store: TenantStore;
}

function sandbox(options: TestAppOptions): Promise<Sandbox> {
  return testSandbox({ maxTenants: 1000, ...options });
}

let userCounter = 0;
const freshEmail = (what: string) => `contract-${++userCounter}-${what}@example.com`;

// ---------------------------------------------------------------------------------------------
// The requests: every declared status of every operation

/**
 * How an API call carries its token: the user's token (default), none, the user's Basic
 * credentials, a malformed one, one re-signed with another secret, one with `alg: none`, the
 * user's token once the tenant clock is 7,300 s on (past its two hours) or 7,199 s on (not yet),
 * or a token of a tenant deleted since (the email logged in again after).
 */
type Auth = 'token' | 'none' | 'basic' | 'malformed' | 'forged' | 'algNone' | 'expired' | 'nearlyExpired' | 'deleted';

interface Context {
  sandbox: Sandbox;
  email: string;
  token: string | null;
  /** A request with the user's token. */
  send: (method: Method, url: string, body?: unknown) => Promise<Answer>;
  /** A control-API request about the user's tenant ("/clock/freeze", "/permissions"…). */
  admin: (method: Method, path: string, body?: unknown) => Promise<Answer>;
}

interface Step {
  method: Method;
  url: string;
  body?: unknown;
}

interface Exchange {
  app: AppName;
  method: Method;
  url: string;
  /** How an API call carries its token; 'token' unless given ('none' for the token endpoint). */
  auth?: Auth;
  /** An Authorization header of its own (the token endpoint's Basic credentials). */
  authorization?: string;
  /** The user (tenant); by default one of its own, a fresh copy of the dataset. */
  email?: string;
  /** A JSON body, sent as application/json. */
  body?: unknown;
  /** A body sent as it stands, with this Content-Type (none when undefined). */
  raw?: { payload: string | Buffer; contentType?: string };
  /** The user's permissions, set through the control API first. */
  permissions?: Partial<Record<'read' | 'write' | 'delete', boolean>>;
  /** Set up the tenant first (its clock, say), after the permissions and before the steps. */
  prepare?: (context: Context) => Promise<void>;
  /** Requests made first with the user's token; each must succeed. */
  before?: Step[];
  /** Makes the request fail inside the sandbox, as a bug would: the tenant lookup throws. */
  fault?: 'find' | 'open';
  status: number;
  why: string;
  /** The exact failureDescription of the answer. */
  failure?: string;
  /** The exact Message of the answer. */
  message?: string;
  verify?: (answer: Answer, context: Context) => Promise<void> | void;
  /** A request the contract offers as an example: its body must fit the declared request schema. */
  documented?: boolean;
}

const FROZEN_AT = '2024-03-01T10:00:00.120Z';
/** FROZEN_AT as the wire shows it: no zone, the fraction's trailing zero dropped. */
const FROZEN_WIRE = '2024-03-01T10:00:00.12';
const freeze =
  (at = FROZEN_AT) =>
  async (context: Context) => {
    expect((await context.admin('POST', '/clock/freeze', { at })).statusCode).toBe(200);
  };

function unauthorized(method: Method, url: string, body?: unknown): Exchange[] {
  const base = { app: 'docs' as const, method, url, status: 401, message: TEXT.denied, ...(body ? { body } : {}) };
  return [
    { ...base, auth: 'none', why: 'no token' },
    { ...base, auth: 'basic', why: 'Basic credentials instead of a token' },
    { ...base, auth: 'malformed', why: 'a token that is no JWT' },
    { ...base, auth: 'forged', why: 'a token signed with another secret' },
    { ...base, auth: 'algNone', why: 'a token with alg none' },
    { ...base, auth: 'expired', why: 'a token past its two hours on the tenant clock' },
    { ...base, auth: 'deleted', why: 'a token of a tenant deleted since (the email logged in again)' },
  ];
}

function serverError(method: Method, url: string, body?: unknown): Exchange {
  return {
    app: 'docs',
    method,
    url,
    ...(body ? { body } : {}),
    fault: url === TOKEN_URL ? 'open' : 'find',
    status: 500,
    message: TEXT.serverError,
    why: 'an unexpected failure inside the sandbox',
  };
}

function forbidden(method: Method, url: string, right: 'read' | 'write' | 'delete', body?: unknown): Exchange {
  return {
    app: 'docs',
    method,
    url,
    ...(body ? { body } : {}),
    permissions: { [right]: false },
    status: 403,
    failure: TEXT.forbidden(right),
    why: `a user without the ${right} permission`,
  };
}

function tooLarge(method: Method, url: string, email = LIMITED_EMAIL): Exchange[] {
  return [
    {
      app: 'limited',
      method,
      url,
      email,
      raw: {
        payload: JSON.stringify({ customerName: 'Big', notes: 'x'.repeat(2 * BODY_LIMIT) }),
        contentType: 'application/json',
      },
      status: 413,
      message: TEXT.tooLarge,
      why: 'a body past the configured limit',
    },
    {
      app: 'docs',
      method,
      url,
      raw: { payload: 'x'.repeat(PAST_DEFAULT_LIMIT), contentType: 'application/json' },
      status: 413,
      message: TEXT.tooLarge,
      why: 'a body one byte past 1 MiB',
    },
  ];
}

// --- tokens ----------------------------------------------------------------------------------

function tokenExchanges(): Exchange[] {
  const post = (authorization: string | undefined, status: number, why: string, more: Partial<Exchange> = {}) => ({
    app: 'docs' as const,
    method: 'POST' as const,
    url: TOKEN_URL,
    auth: 'none' as const,
    ...(authorization === undefined ? {} : { authorization }),
    status,
    why,
    ...more,
  });
  const issued = (email: string) => async (answer: Answer, context: Context) => {
    const { bearerToken } = JSON.parse(answer.body) as { bearerToken: string };
    const [header, payload, signature] = bearerToken.split('.');
    expect(decodePart(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodePart(payload);
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'sub', 'tnt']);
    expect(claims.sub).toBe(email.trim().toLowerCase());
    expect(Number(claims.exp) - Number(claims.iat)).toBe(7200);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await context.sandbox.app.inject({
      url: CUSTOMERS,
      headers: { authorization: `Bearer ${bearerToken}` },
    });
    expect(list.statusCode).toBe(200);
  };
  const plain = freshEmail('token');
  const mixed = `  Mixed.Case-${userCounter}@Example.COM `;
  const longest = `${'x'.repeat(244)}@example.com`;
  const daily = freshEmail('daily');
  return [
    post(basic(plain, 'secret'), 200, 'an email and a password', { verify: issued(plain) }),
    post(basic(mixed, 'secret'), 200, 'an email in mixed case with spaces: the tenant is lower-cased', {
      verify: issued(mixed),
    }),
    post(basic(longest, 'secret'), 200, 'an email of 256 characters', { verify: issued(longest) }),
    post(basic(freshEmail('body'), 'secret'), 200, 'a JSON body, which is ignored', {
      raw: { payload: '{"email": "someone@else.com", "password": ""}', contentType: 'application/json' },
    }),
    post(basic(freshEmail('garbage'), 'secret'), 200, 'a body that is no JSON, which is ignored', {
      raw: { payload: 'not json at all', contentType: 'text/plain' },
    }),
    post(undefined, 400, 'no Authorization header', { failure: TEXT.noBasic }),
    post('Bearer abc.def.ghi', 400, 'a Bearer header', { failure: TEXT.noBasic }),
    post('Digest username="a"', 400, 'another scheme', { failure: TEXT.noBasic }),
    post('Basic !!!', 400, 'Basic credentials that are no base64', { failure: TEXT.unreadable }),
    post(`Basic ${Buffer.from('no-colon@example.com').toString('base64')}`, 400, 'no colon', {
      failure: TEXT.unreadable,
    }),
    post(basic(' ', 'secret'), 400, 'a blank email', { failure: TEXT.blank }),
    post(basic(freshEmail('blank'), ' '), 400, 'a blank password', { failure: TEXT.blank }),
    post(basic(freshEmail('empty'), ''), 400, 'an empty password', { failure: TEXT.blank }),
    post(basic(`x${longest}`, 'secret'), 400, 'an email of 257 characters', { failure: TEXT.tooLong }),
    post(basic(daily, 'secret'), 400, 'the 251st token of the user in one UTC day', {
      email: daily,
      failure: TEXT.dailyLimit,
      prepare: async (context) => {
        // Frozen at midday, so the 250 tokens fall on one day of the tenant's clock.
        await freeze('2024-03-01T12:00:00.000Z')(context);
        for (let n = 0; n < 250; n += 1) {
          const answer = await context.sandbox.app.inject({
            method: 'POST',
            url: TOKEN_URL,
            headers: { authorization: basic(daily, 'secret') },
          });
          expect(answer.statusCode, `token ${n + 1}`).toBe(200);
        }
      },
      verify: async (_answer, context) => {
        // A new UTC day of the tenant's clock starts a new count.
        expect((await context.admin('POST', '/clock/advance', { seconds: 12 * 3600 })).statusCode).toBe(200);
        const next = await context.sandbox.app.inject({
          method: 'POST',
          url: TOKEN_URL,
          headers: { authorization: basic(daily, 'secret') },
        });
        expect(next.statusCode).toBe(200);
      },
    }),
    post(basic(LIMITED_EMAIL, 'secret'), 413, 'a body past the configured limit', {
      app: 'limited',
      raw: { payload: 'x'.repeat(2 * BODY_LIMIT), contentType: 'application/json' },
      message: TEXT.tooLarge,
    }),
    post(basic(freshEmail('huge'), 'secret'), 413, 'a body one byte past 1 MiB', {
      raw: { payload: 'x'.repeat(PAST_DEFAULT_LIMIT), contentType: 'text/plain' },
      message: TEXT.tooLarge,
    }),
    { ...serverError('POST', TOKEN_URL), auth: 'none', authorization: basic(freshEmail('fault'), 'secret') },
    post(basic('no-room@example.com', 'secret'), 503, 'no room for a new tenant', {
      app: 'limited',
      message: TEXT.unavailable,
    }),
  ];
}

// --- the list --------------------------------------------------------------------------------

interface FlatRow {
  [field: string]: unknown;
  customerCode: string;
  customSortRowNumber: number;
  liTotalCount: number;
}

const rowsOf = (answer: Answer) => JSON.parse(answer.body) as FlatRow[];

function listExchanges(): Exchange[] {
  const get = (query: string, why: string, more: Partial<Exchange> = {}): Exchange => ({
    app: 'docs',
    method: 'GET',
    url: `${CUSTOMERS}${query}`,
    status: 200,
    why,
    ...more,
  });
  const refused = (query: string, failure: string, why: string) => get(query, why, { status: 400, failure });
  const codes =
    (expected: string[], total = expected.length) =>
    (answer: Answer) => {
      const rows = rowsOf(answer);
      expect(rows.map((row) => row.customerCode)).toEqual(expected);
      for (const row of rows) expect(row.liTotalCount).toBe(total);
    };
  const docsCodes = ['1000001', '1000002', '1000003', '1000004', '1000005', SAMPLE_CODE];
  return [
    get('', 'the docs dataset, every field, by customerCode', {
      verify: async (answer, context) => {
        codes(docsCodes)(answer);
        const rows = rowsOf(answer);
        expect(rows.map((row) => row.customSortRowNumber)).toEqual([1, 2, 3, 4, 5, 6]);
        // A flat row shows what the whole customer holds.
        for (const row of rows) {
          const whole = JSON.parse((await context.send('GET', `${CUSTOMERS}/${row.customerCode}`)).body) as JsonObject;
          const { customSortRowNumber: _n, liTotalCount: _t, ...fields } = row;
          for (const [field, value] of Object.entries(fields)) expect(value, field).toEqual(whole[field]);
        }
      },
    }),
    get(`?${VENDOR_LIST_QUERY}`, "the vendor's example call, as the contract shows it", {
      verify: equalsExample('CustomerListVendorCall'),
    }),
    get(`?${VENDOR_LIST_QUERY}&sFieldList=customerId,customerCode,customerName`, 'the same with a field list', {
      verify: equalsExample('CustomerListFieldList'),
    }),
    get('', 'the empty dataset', { app: 'empty', verify: (answer) => expect(rowsOf(answer)).toEqual([]) }),
    get('?liPage=2&liPageSize=50', 'a middle page of the demo dataset', {
      app: 'demo',
      verify: (answer) => {
        const rows = rowsOf(answer);
        expect(rows.map((row) => row.customSortRowNumber)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
        for (const row of rows) expect(row.liTotalCount).toBe(126);
      },
    }),
    get('?liPage=3&liPageSize=50', 'the last page of the demo dataset', {
      app: 'demo',
      verify: (answer) =>
        expect(rowsOf(answer).map((row) => row.customSortRowNumber)).toEqual(
          Array.from({ length: 26 }, (_, i) => 101 + i),
        ),
    }),
    get('?liPageSize=2147483647', 'the largest page size', { verify: codes(docsCodes) }),
    get('?liPage=99', 'a page past the end', { verify: (answer) => expect(rowsOf(answer)).toEqual([]) }),
    get('?sSortKey=lastEditDateUTC', 'a field name alone: ascending', {
      verify: codes(['1000005', SAMPLE_CODE, '1000002', '1000003', '1000001', '1000004']),
    }),
    get('?sSortKey=CUSTOMERCODEdesc', 'a field and a direction in any case', {
      verify: codes([...docsCodes].reverse()),
    }),
    get('?sSortKey=customerTypeASC&sFieldList=customerType', 'ties ordered by customerCode', {
      verify: (answer) => {
        // Adult (1000003, 1000070), Senior, Staff, Student, Trade: the two Adults in code order.
        expect(rowsOf(answer).map((row) => row.customerType)).toEqual([
          'Adult',
          'Adult',
          'Senior',
          'Staff',
          'Student',
          'Trade',
        ]);
      },
    }),
    get('?sFieldList=%20EmailAddress%20,%20lastEditDateUTC', 'a field list in any case, spaces around names', {
      verify: (answer) => {
        for (const row of rowsOf(answer)) {
          expect(Object.keys(row)).toEqual(['emailAddress', 'lastEditDateUTC', 'customSortRowNumber', 'liTotalCount']);
        }
      },
    }),
    get('?sFieldList=lastEditDateUTC,customerCode', "a field list answered in the flat view's order", {
      verify: (answer) => {
        for (const row of rowsOf(answer)) {
          expect(Object.keys(row)).toEqual(['customerCode', 'lastEditDateUTC', 'customSortRowNumber', 'liTotalCount']);
        }
      },
    }),
    get(
      '?filt_LastEditDateUTC_dt_min=2020-OCT-01&filt_LastEditDateUTC_dt_max=2022-Dec-31%2009:00:00',
      'a date alone, seconds, month names in any case',
      {
        verify: codes(['1000001', '1000002', '1000003']),
      },
    ),
    get(
      '?filt_LastEditDateUTC_dt_min=2024-mar-01%2010:00&filt_LastEditDateUTC_dt_max=2024-mar-01%2010:00',
      'both bounds inclusive, to the millisecond stored',
      {
        prepare: freeze('2024-03-01T10:00:00.000Z'),
        before: [{ method: 'PUT', url: SAMPLE, body: exampleValue('EditedCustomer') }],
        verify: codes([SAMPLE_CODE]),
      },
    ),
    get('?filt_LastEditDateUTC_dt_max=2020-aug-21%2012:47:18', 'a bound before the stored milliseconds', {
      verify: codes(['1000005']),
    }),
    get('?liPage=1&unknown=1&filt_XXXXXXX_XXX=2', 'unknown arguments, which are ignored', { verify: codes(docsCodes) }),
    refused('?liPage=0', TEXT.page('liPage'), 'a page of 0'),
    refused('?liPage=abc', TEXT.page('liPage'), 'a page that is no number'),
    refused('?liPageSize=-1', TEXT.page('liPageSize'), 'a negative page size'),
    refused('?liPageSize=1.5', TEXT.page('liPageSize'), 'a page size that is no whole number'),
    refused('?liPageSize=2147483648', TEXT.page('liPageSize'), 'a page size past 2,147,483,647'),
    refused('?sSortKey=balanceASC', TEXT.sort, 'a sort field the flat view does not return'),
    refused('?sSortKey=ASC', TEXT.sort, 'a direction alone'),
    refused('?sFieldList=customerId,balance', TEXT.field('balance'), 'a field the flat view does not return'),
    refused('?filt_LastEditDateUTC_dt_min=2020-10-01', TEXT.date('min'), 'a numeric month'),
    refused('?filt_LastEditDateUTC_dt_min=2020-oct-01T09:00', TEXT.date('min'), 'a T between date and time'),
    refused('?filt_LastEditDateUTC_dt_max=2021-feb-29', TEXT.date('max'), 'a day the month does not have'),
    refused('?filt_LastEditDateUTC_dt_max=2022-dec-31%2024:00', TEXT.date('max'), 'an hour of 24'),
    ...unauthorized('GET', CUSTOMERS),
    get('', 'a token just short of its two hours', { auth: 'nearlyExpired' }),
    forbidden('GET', CUSTOMERS, 'read'),
    serverError('GET', CUSTOMERS),
  ];
}

// --- one customer ----------------------------------------------------------------------------

function readExchanges(): Exchange[] {
  const get = (identifier: string, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    app: 'docs',
    method: 'GET',
    url: `${CUSTOMERS}/${identifier}`,
    status,
    why,
    ...(status === 404 ? { failure: TEXT.notFound } : {}),
    ...more,
  });
  const sample = (answer: Answer) => expect((JSON.parse(answer.body) as JsonObject).customerCode).toBe(SAMPLE_CODE);
  return [
    get(SAMPLE_CODE, 200, "the vendor's sample customer by code, as the contract shows it", {
      verify: equalsExample('Customer1000070'),
    }),
    get(SAMPLE_GUID, 200, 'by customerId', { verify: sample }),
    get(SAMPLE_GUID.toUpperCase(), 200, 'by customerId in upper case', { verify: sample }),
    get(WITH_BALANCE, 200, 'a customer with a balance, sales and bank details'),
    get('1000071', 200, 'a customer just added', {
      prepare: freeze(),
      before: [{ method: 'POST', url: CUSTOMERS, body: { customerName: 'Just Added' } }],
      verify: (answer) => {
        const customer = JSON.parse(answer.body) as JsonObject;
        expect(customer).toMatchObject({
          customerCode: '1000071',
          customerName: 'Just Added',
          creationDateUTC: FROZEN_WIRE,
          lastEditDateUTC: FROZEN_WIRE,
          creationUser: 'API',
          lastEditUser: 'API',
          creationDevice: 'Web',
          lastEditDevice: 'Web',
        });
      },
    }),
    get('%ZZ', 400, 'a broken percent-escape, before the token is looked at', {
      auth: 'none',
      message: TEXT.invalidRequest,
    }),
    get('9999999', 404, 'an unknown code'),
    get('1000006', 404, 'a code the sequence skipped'),
    get(`0${SAMPLE_CODE}`, 404, 'a code with a leading zero'),
    get('00000000-0000-4000-8000-000000000000', 404, 'an unknown customerId'),
    get('abc', 404, 'an identifier that is neither'),
    get(WITHOUT_SALES, 404, 'a customer deleted', {
      before: [{ method: 'DELETE', url: `${CUSTOMERS}/${WITHOUT_SALES}` }],
    }),
    ...unauthorized('GET', SAMPLE),
    forbidden('GET', SAMPLE, 'read'),
    serverError('GET', SAMPLE),
  ];
}

// --- writes ----------------------------------------------------------------------------------

/** The sample customer as read, with changes. */
function sampleWith(changes: JsonObject): JsonObject {
  return { ...objectAt(exampleValue('Customer1000070'), 'Customer1000070'), ...changes };
}

function createExchanges(): Exchange[] {
  const post = (body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    app: 'docs',
    method: 'POST',
    url: CUSTOMERS,
    body,
    status,
    why,
    ...more,
  });
  const rawPost = (
    payload: string | Buffer,
    contentType: string | undefined,
    status: number,
    why: string,
    more: Partial<Exchange> = {},
  ): Exchange => ({
    app: 'docs',
    method: 'POST',
    url: CUSTOMERS,
    raw: { payload, ...(contentType ? { contentType } : {}) },
    status,
    why,
    ...more,
  });
  const notAnObject = (payload: string, why: string, contentType: string | undefined = 'application/json') =>
    rawPost(payload, contentType, 400, why, { failure: TEXT.notAnObject });
  const stored = (expected: JsonObject) => async (answer: Answer, context: Context) => {
    const { customerCode } = JSON.parse(answer.body) as { customerCode: string };
    const customer = JSON.parse((await context.send('GET', `${CUSTOMERS}/${customerCode}`)).body) as JsonObject;
    expect(customer).toMatchObject(expected);
  };
  const named = { customerName: 'Refused Customer' };
  return [
    ...documentedWrites('POST', CUSTOMERS, 202),
    rawPost('{"customerName": "Sent as text"}', 'text/plain', 202, 'JSON sent as text/plain'),
    rawPost('{"customerName": "No type"}', undefined, 202, 'JSON sent without a Content-Type'),
    post(
      {
        customerId: '00000000-0000-4000-8000-000000000000',
        customerCode: '1234567',
        customerName: 'Read Only',
        balance: 99,
        lastSaledate: '2020-01-01T00:00:00',
        creationDateUTC: '1999-01-01T00:00:00',
        lastEditUser: 'me',
        creationDevice: 'POS9',
      },
      202,
      'read-only fields, which are ignored (and echoed as sent)',
      {
        prepare: freeze(),
        verify: stored({
          customerId: 'f4055e10-822b-4af9-8e49-04d5578e3077',
          customerCode: '1000071',
          balance: 0,
          lastSaledate: null,
          creationDateUTC: FROZEN_WIRE,
          lastEditUser: 'API',
          creationDevice: 'Web',
        }),
      },
    ),
    post(
      { favouriteColour: 'green', customerName: 'Unknown Keys', nested: { a: [1] } },
      202,
      'unknown keys, echoed in place',
    ),
    post(
      { customerName: 'x'.repeat(255), city: null, creditLimit: 12.5, priceBand: 3, cC_010: 'custom' },
      202,
      'every kind of field at its limit',
      {
        verify: stored({ city: null, creditLimit: 12.5, priceBand: 3, cC_010: 'custom', active: true }),
      },
    ),
    post({ firstName: 'Only' }, 202, 'a first name alone makes the name', { verify: stored({ customerName: 'Only' }) }),
    post({ customerName: '  ', lastName: 'Last' }, 202, 'a blank name beside a last name', {
      verify: stored({ customerName: 'Last' }),
    }),
    notAnObject('{"customerName": ', 'malformed JSON'),
    notAnObject('', 'an empty body'),
    notAnObject('', 'no body and no Content-Type', undefined),
    notAnObject('[{"customerName": "In an array"}]', 'an array'),
    notAnObject('"Customer"', 'a string'),
    notAnObject('42', 'a number'),
    notAnObject('null', 'null'),
    notAnObject('{"Customers": []}', 'a wrapper without a customer'),
    notAnObject('{"Customers": [{"customerName": "A"}, {"customerName": "B"}]}', 'a wrapper with two customers'),
    notAnObject('{"Customers": ["A"]}', 'a wrapper holding no object'),
    notAnObject('{"Customers": {"customerName": "A"}}', 'a wrapper that is no list'),
    rawPost(
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      'application/json',
      400,
      'bytes that are no UTF-8',
      {
        failure: TEXT.notAnObject,
      },
    ),
    post({ ...named, creditLimit: '100' }, 400, 'a numeric string', { failure: TEXT.type('creditLimit', 'number') }),
    post({ ...named, discountPercent: null }, 400, 'null for a number', {
      failure: TEXT.type('discountPercent', 'number'),
    }),
    post({ ...named, priceBand: 1.5 }, 400, 'a fraction for a whole number', {
      failure: TEXT.type('priceBand', 'whole number'),
    }),
    post({ ...named, active: 'true' }, 400, 'a string for a boolean', { failure: TEXT.type('active', 'boolean') }),
    post({ ...named, cC_003: 7 }, 400, 'a number for text', { failure: TEXT.type('cC_003', 'string') }),
    post({ customerName: ['A'] }, 400, 'a list for the name', { failure: TEXT.type('customerName', 'string') }),
    post({ ...named, notes: 'x'.repeat(256) }, 400, 'text of 256 characters', { failure: TEXT.long('notes') }),
    post({ emailAddress: 'nobody@example.com' }, 400, 'no name at all', { failure: TEXT.nameRequired }),
    post({ customerName: ' ', firstName: null, lastName: '' }, 400, 'blank names', { failure: TEXT.nameRequired }),
    post({ Customers: [{ emailAddress: 'nobody@example.com' }] }, 400, 'a wrapped customer without a name', {
      failure: TEXT.nameRequired,
    }),
    ...unauthorized('POST', CUSTOMERS, named),
    forbidden('POST', CUSTOMERS, 'write', named),
    ...tooLarge('POST', CUSTOMERS),
    serverError('POST', CUSTOMERS, named),
    {
      app: 'limited',
      method: 'POST',
      url: CUSTOMERS,
      email: LIMITED_EMAIL,
      body: { customerName: 'No Room' },
      status: 503,
      message: TEXT.unavailable,
      why: 'a tenant that holds as many records as it may',
    },
  ];
}

function replaceExchanges(): Exchange[] {
  const put = (code: string, body: unknown, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    app: 'docs',
    method: 'PUT',
    url: `${CUSTOMERS}/${code}`,
    body,
    status,
    why,
    ...(status === 404 ? { failure: TEXT.notFound } : {}),
    ...more,
  });
  const ids = { customerId: SAMPLE_GUID, customerCode: SAMPLE_CODE };
  const minimal = { ...ids, customerName: 'Sarah Mitchell' };
  const customer = (answer: Answer) => JSON.parse(answer.body) as JsonObject;
  return [
    ...documentedWrites('PUT', SAMPLE, 200).map((exchange) => ({
      ...exchange,
      prepare: freeze(),
      verify: async (answer: Answer, context: Context) => {
        // Only the phone number changed; the system stamps the edit.
        const before = objectAt(exampleValue('Customer1000070'), 'Customer1000070');
        expect(customer(answer)).toEqual({
          ...before,
          phoneNumber: '519-555-0199',
          lastEditDateUTC: FROZEN_WIRE,
          lastEditUser: 'API',
          lastEditDevice: 'Web',
        });
        expect((await context.send('GET', SAMPLE)).body).toBe(answer.body);
      },
    })),
    put(SAMPLE_CODE, minimal, 200, 'a body of the ids and name alone clears every other writable field', {
      verify: (answer) => {
        expect(customer(answer)).toMatchObject({
          firstName: null,
          city: null,
          active: false,
          rewardsCollector: false,
          rewardsNumber: null,
          rewardsValue: 0,
          allowMailing: false,
          priceBand: 0,
          correspondenceEmail: false,
          cC_001: null,
          creationDateUTC: '2020-07-28T12:31:47.417',
          creationUser: 'admin@maplecrest.example',
        });
      },
    }),
    put(
      WITH_BALANCE,
      {
        customerId: 'A8C41E07-5D2B-4F93-B6E8-0C9D7F3A2B15',
        customerCode: WITH_BALANCE,
        customerName: 'Hillcrest',
        balance: 0,
        lastSaledate: null,
      },
      200,
      'a customerId in upper case; read-only fields kept whatever the body says',
      {
        verify: (answer) => {
          expect(customer(answer)).toMatchObject({
            customerName: 'Hillcrest',
            balance: 1284.5,
            firstSaledate: '2020-03-10T14:31:08.442',
            lastSaledate: '2022-12-01T17:45:19.084',
          });
        },
      },
    ),
    put(SAMPLE_CODE, { customerName: 'No Ids' }, 400, 'no customerId or customerCode', { failure: TEXT.idsMismatch }),
    put(SAMPLE_CODE, { ...minimal, customerId: undefined }, 400, 'no customerId', { failure: TEXT.idsMismatch }),
    put(SAMPLE_CODE, { ...minimal, customerCode: WITHOUT_SALES }, 400, "another customer's code", {
      failure: TEXT.idsMismatch,
    }),
    put(
      SAMPLE_CODE,
      { ...minimal, customerId: '91e5c3a0-7b48-4d6f-8c2a-f3b6d0e1a958' },
      400,
      "another customer's customerId",
      {
        failure: TEXT.idsMismatch,
      },
    ),
    put(SAMPLE_CODE, { ...minimal, customerCode: 1000070 }, 400, 'the code as a number', { failure: TEXT.idsMismatch }),
    put(SAMPLE_CODE, { Customers: [minimal] }, 400, 'the POST wrapper, which PUT does not take', {
      failure: TEXT.idsMismatch,
    }),
    put(SAMPLE_CODE, sampleWith({ active: 'yes' }), 400, 'a string for a boolean', {
      failure: TEXT.type('active', 'boolean'),
    }),
    put(SAMPLE_CODE, sampleWith({ bankAccount: 'x'.repeat(256) }), 400, 'text of 256 characters', {
      failure: TEXT.long('bankAccount'),
    }),
    put(SAMPLE_CODE, ids, 400, 'no name', { failure: TEXT.nameRequired }),
    {
      ...put(SAMPLE_CODE, undefined, 400, 'an array', { failure: TEXT.notAnObject }),
      raw: { payload: '[]', contentType: 'application/json' },
    },
    {
      ...put(SAMPLE_CODE, undefined, 400, 'malformed JSON', { failure: TEXT.notAnObject }),
      raw: { payload: '{', contentType: 'application/json' },
    },
    put('%ZZ', minimal, 400, 'a broken percent-escape, before the token is looked at', {
      auth: 'none',
      message: TEXT.invalidRequest,
    }),
    put('9999999', { ...minimal, customerCode: '9999999' }, 404, 'an unknown code'),
    put(SAMPLE_GUID, minimal, 404, 'a customerId in the path: PUT takes the code'),
    ...unauthorized('PUT', SAMPLE, minimal),
    forbidden('PUT', SAMPLE, 'write', minimal),
    ...tooLarge('PUT', SAMPLE),
    serverError('PUT', SAMPLE, minimal),
  ];
}

function deleteExchanges(): Exchange[] {
  const del = (code: string, status: number, why: string, more: Partial<Exchange> = {}): Exchange => ({
    app: 'docs',
    method: 'DELETE',
    url: `${CUSTOMERS}/${code}`,
    status,
    why,
    ...(status === 404 ? { failure: TEXT.notFound } : {}),
    ...more,
  });
  const gone = (code: string) => async (_answer: Answer, context: Context) => {
    expect((await context.send('GET', `${CUSTOMERS}/${code}`)).statusCode).toBe(404);
    const list = rowsOf(await context.send('GET', CUSTOMERS));
    expect(list.map((row) => row.customerCode)).not.toContain(code);
    expect(list[0]?.liTotalCount).toBe(5);
  };
  return [
    del(WITHOUT_SALES, 204, 'a customer without sales', { verify: gone(WITHOUT_SALES) }),
    del(SAMPLE_CODE, 204, "the vendor's sample customer", { verify: gone(SAMPLE_CODE) }),
    del('1000071', 204, 'a customer just added', {
      before: [{ method: 'POST', url: CUSTOMERS, body: { customerName: 'Short Lived' } }],
    }),
    del(WITH_SALES, 409, 'a customer with sales: set inactive instead', {
      prepare: freeze(),
      failure: TEXT.hasSales,
      verify: async (_answer, context) => {
        const customer = JSON.parse((await context.send('GET', `${CUSTOMERS}/${WITH_SALES}`)).body) as JsonObject;
        expect(customer).toMatchObject({ active: false, lastEditDateUTC: FROZEN_WIRE });
        const again = await context.send('DELETE', `${CUSTOMERS}/${WITH_SALES}`);
        expect([again.statusCode, JSON.parse(again.body)]).toEqual([409, { failureDescription: TEXT.hasSales }]);
      },
    }),
    del('%ZZ', 400, 'a broken percent-escape, before the token is looked at', {
      auth: 'none',
      message: TEXT.invalidRequest,
    }),
    del('9999999', 404, 'an unknown code'),
    del(SAMPLE_GUID, 404, 'a customerId in the path: DELETE takes the code'),
    del(WITHOUT_SALES, 404, 'a customer deleted already', {
      before: [{ method: 'DELETE', url: `${CUSTOMERS}/${WITHOUT_SALES}` }],
    }),
    ...unauthorized('DELETE', SAMPLE),
    forbidden('DELETE', SAMPLE, 'delete'),
    ...tooLarge('DELETE', SAMPLE),
    serverError('DELETE', SAMPLE),
  ];
}

// --- the examples the document offers --------------------------------------------------------

/** A check that the answer is the named example of the document. */
function equalsExample(name: string) {
  return (answer: Answer) => {
    expect(answer.body).toBe(JSON.stringify(exampleValue(name)));
  };
}

function exampleValue(name: string): unknown {
  const examples = objectAt(objectAt(raw.components, 'components').examples, 'examples');
  return objectAt(resolveLocal(raw, examples[name]), name).value;
}

/** Each request body example of an operation, sent as it stands. */
function documentedWrites(method: Method, url: string, status: number): Exchange[] {
  const [op] = findOperation(declaredOperations, method, url);
  if (!op?.operation.requestBody) return [];
  const requestBody = objectAt(resolveLocal(raw, op.operation.requestBody), `${opKey(op)} requestBody`);
  const exchanges: Exchange[] = [];
  for (const [, media] of entriesOf(requestBody.content)) {
    for (const [name, example] of entriesOf(media.examples)) {
      const body = objectAt(resolveLocal(raw, example), name).value;
      exchanges.push({
        app: 'docs',
        method,
        url,
        body,
        status,
        documented: true,
        why: `the example "${name}"`,
        ...(name === 'vendorSample' && method === 'POST' ? { verify: equalsExample('NewCustomerEcho') } : {}),
        ...(name === 'namesOnly'
          ? {
              verify: async (answer: Answer, context: Context) => {
                const { customerCode } = JSON.parse(answer.body) as { customerCode: string };
                const customer = JSON.parse(
                  (await context.send('GET', `${CUSTOMERS}/${customerCode}`)).body,
                ) as JsonObject;
                expect(customer.customerName).toBe('Jane Smith');
              },
            }
          : {}),
      });
    }
  }
  return exchanges;
}

/**
 * Each GET the document's parameter examples make: every parameter at its first example, then
 * each further example in turn. They must answer the operation's success.
 */
function documentedParameters(): Exchange[] {
  const exchanges: Exchange[] = [];
  for (const op of declaredOperations) {
    if (op.method !== 'GET') continue;
    const parameters = (Array.isArray(op.operation.parameters) ? op.operation.parameters : []).map((parameter) =>
      objectAt(resolveLocal(raw, parameter), 'parameter'),
    );
    const valuesOf = (parameter: JsonObject) =>
      entriesOf(parameter.examples).map(([name, example]) => String(objectAt(resolveLocal(raw, example), name).value));
    const build = (values: Map<JsonObject, string>) => {
      let path = op.path;
      const query = new URLSearchParams();
      for (const [parameter, value] of values) {
        if (parameter.in === 'path') path = path.replace(`{${String(parameter.name)}}`, encodeURIComponent(value));
        else query.append(String(parameter.name), value);
      }
      const search = query.toString();
      return search ? `${path}?${search}` : path;
    };
    const first = new Map(parameters.map((parameter) => [parameter, valuesOf(parameter)[0] ?? '']));
    const urls = new Set([build(first)]);
    for (const parameter of parameters) {
      for (const value of valuesOf(parameter).slice(1)) urls.add(build(new Map([...first, [parameter, value]])));
    }
    for (const url of urls) {
      exchanges.push({ app: 'docs', method: 'GET', url, status: 200, documented: true, why: 'the parameter examples' });
    }
  }
  return exchanges;
}

// ---------------------------------------------------------------------------------------------

const exchanges: Exchange[] = [
  ...tokenExchanges(),
  ...listExchanges(),
  ...readExchanges(),
  ...createExchanges(),
  ...replaceExchanges(),
  ...deleteExchanges(),
  ...documentedParameters(),
];

const { byOperation: exchangesByOperation, strays: strayExchanges } = sortToOperations(
  exchanges,
  (exchange) => exchange,
  (method, url) => findOperation(declaredOperations, method, url),
);

// ---------------------------------------------------------------------------------------------

/** Fastify's form of a path ("/api/v2/customers/:identifier") and OpenAPI's, with the parameters' names dropped. */
const placeless = (path: string) => path.replace(/:\w+|\{\w+\}/g, '{}');
// Every method Fastify routes but HEAD (it follows GET, and the route list leaves it out) and
// QUERY (a draft method the plugin leaves to the 404).
const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'] as const;

describe('openapi/myposconnect.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    await expectValidDocument('myposconnect');
  });

  it('is served as written at /openapi/myposconnect.yaml', async () => {
    await expectServedAsWritten('myposconnect');
  });

  it('declares exactly the routes the MYPOS plugin registers, besides the 405 answers of its paths', async () => {
    const routes = (await registeredRoutes('myposconnect')).map(({ method, url }) => `${method} ${placeless(url)}`);
    const declared = declaredOperations.map((op) => `${op.method} ${placeless(op.path)}`);
    expect(new Set(declared).size).toBe(declared.length);
    expect(routes.filter((route) => declared.includes(route)).sort()).toEqual([...declared].sort());
    // The rest answer 405: every other method of a declared path, and nothing else.
    const paths = [...new Set(declaredOperations.map((op) => placeless(op.path)))];
    const unsupported = paths.flatMap((path) =>
      ALL_METHODS.filter((method) => !declared.includes(`${method} ${path}`)).map((method) => `${method} ${path}`),
    );
    expect(routes.filter((route) => !declared.includes(route)).sort()).toEqual(unsupported.sort());
  });

  it('gives every operation a unique operationId, a tag and a summary', () => {
    expectOperationsNamed(declaredOperations);
  });

  it('has examples that fit their schemas, keys in order', () => {
    const problems: string[] = [];
    const examples = examplesOf(spec);
    for (const { where, mediaType, schema, name, example, isAnswer } of examples) {
      const errors = checkJson(schema, example.value, isAnswer);
      problems.push(...errors.map((error) => `${where} ${mediaType} "${name}": ${error}`));
    }
    expect(problems).toEqual([]);
    expect(examples.length).toBeGreaterThan(30);
  });

  it("lists as the flat row's fields exactly those the list sorts by and selects", async () => {
    const { app } = await sandbox({ dataset: 'demo', seed: 3, records: 10 });
    const authorization = await bearer(app, 'flat-fields@example.com');
    const row = componentSchema('FlatRow');
    const fields = Object.keys(objectAt(row.properties, 'FlatRow properties')).filter(
      (field) => field !== 'customSortRowNumber' && field !== 'liTotalCount',
    );
    const problems: string[] = [];
    for (const field of fields) {
      for (const direction of ['ASC', 'DESC']) {
        const answer = await app.inject({
          url: `${CUSTOMERS}?sSortKey=${field}${direction}`,
          headers: { authorization },
        });
        if (answer.statusCode !== 200)
          problems.push(`sSortKey=${field}${direction}: ${answer.statusCode} ${answer.body}`);
      }
      const answer = await app.inject({ url: `${CUSTOMERS}?sFieldList=${field}`, headers: { authorization } });
      const keys =
        answer.statusCode === 200 ? rowsOf(answer).map((item) => Object.keys(item).join(',')) : [answer.body];
      for (const key of new Set(keys)) {
        if (key !== `${field},customSortRowNumber,liTotalCount`) problems.push(`sFieldList=${field}: ${key}`);
      }
    }
    // The whole customer's other fields are not in the flat view.
    for (const field of ['address', 'balance', 'notes', 'cC_001']) {
      const sort = await app.inject({ url: `${CUSTOMERS}?sSortKey=${field}`, headers: { authorization } });
      if (sort.statusCode !== 400) problems.push(`sSortKey=${field}: ${sort.statusCode}`);
      const list = await app.inject({ url: `${CUSTOMERS}?sFieldList=${field}`, headers: { authorization } });
      if (list.statusCode !== 400) problems.push(`sFieldList=${field}: ${list.statusCode}`);
    }
    await app.close();
    expect(problems).toEqual([]);
    expect(fields).toHaveLength(15);
  });
});

/** The Authorization header of a fresh token for an email. */
async function bearer(app: FastifyInstance, email: string): Promise<string> {
  const answer = await app.inject({
    method: 'POST',
    url: TOKEN_URL,
    headers: { authorization: basic(email, 'secret') },
  });
  expect(answer.statusCode, answer.body).toBe(200);
  return `Bearer ${(JSON.parse(answer.body) as { bearerToken: string }).bearerToken}`;
}

describe('answers fit the contract', () => {
  const sandboxes = {} as Record<AppName, Sandbox>;
  const covered = new Set<string>();

  beforeAll(async () => {
    sandboxes.docs = await sandbox({});
    sandboxes.empty = await sandbox({ dataset: 'empty' });
    sandboxes.demo = await sandbox({ dataset: 'demo', seed: 7, records: 120 });
    // One tenant, holding as many customers as it may already (the six of the docs dataset).
    sandboxes.limited = await sandbox({ bodyLimit: BODY_LIMIT, maxTenants: 1, maxRecordsPerTenant: 6 });
    await bearer(sandboxes.limited.app, LIMITED_EMAIL);
  });

  afterAll(async () => {
    await Promise.all(Object.values(sandboxes).map(({ app }) => app.close()));
  });

  it('sends every request to exactly one declared operation', () => {
    expect(strayExchanges).toEqual([]);
  });

  for (const declared of declaredOperations) {
    const key = opKey(declared);
    describe(key, () => {
      for (const exchange of exchangesByOperation.get(key) ?? []) {
        it(`${exchange.status}: ${exchange.why} (${exchange.method} ${exchange.url.slice(0, 90)})`, async () => {
          const op = operations.get(key);
          if (!op) throw new Error(`${key} is not in the dereferenced document`);
          const answer = await run(sandboxes[exchange.app], exchange, op);
          covered.add(`${key} ${answer.statusCode}`);
        });
      }
    });
  }

  it('exercised every declared status of every operation', () => {
    expect(declaredStatuses(declaredOperations).filter((status) => !covered.has(status))).toEqual([]);
  });
});

/** The object a POST's answer echoes: the body, or the wrapper's one entry. */
function postedObject(body: unknown): JsonObject {
  const object = objectAt(body, 'posted body');
  const wrapped = Object.keys(object).length === 1 && Array.isArray(object.Customers) ? object.Customers[0] : object;
  return objectAt(wrapped, 'posted customer');
}

async function run(box: Sandbox, exchange: Exchange, op: SpecOperation): Promise<Answer> {
  const { app, store } = box;
  const email = exchange.email ?? freshEmail('user');
  const auth = exchange.auth ?? (exchange.url === TOKEN_URL ? 'none' : 'token');
  const inject = async (
    method: Method | 'PATCH',
    url: string,
    headers: Record<string, string>,
    body?: Exchange['raw'],
  ) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...headers, ...(body?.contentType ? { 'content-type': body.contentType } : {}) },
      ...(body ? { payload: body.payload } : {}),
    });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
  const json = (body: unknown) =>
    body === undefined ? undefined : { payload: JSON.stringify(body), contentType: 'application/json' };
  const wantsToken = auth !== 'none' || exchange.before !== undefined;
  const token = wantsToken ? ((await bearer(app, email)).slice('Bearer '.length) as string) : null;
  const context: Context = {
    sandbox: box,
    email,
    token,
    send: (method, url, body) => inject(method, url, token ? { authorization: `Bearer ${token}` } : {}, json(body)),
    admin: (method, path, body) =>
      inject(method, `/__admin/tenants/myposconnect/${encodeURIComponent(email)}${path}`, {}, json(body)),
  };
  if (exchange.permissions) {
    expect((await context.admin('PUT', '/permissions', exchange.permissions)).statusCode).toBe(200);
  }
  await exchange.prepare?.(context);
  for (const step of exchange.before ?? []) {
    const answer = await context.send(step.method, step.url, step.body);
    expect(answer.statusCode, `before: ${step.method} ${step.url}: ${answer.body}`).toBeLessThan(400);
  }

  const headers: Record<string, string> = {};
  switch (auth) {
    case 'token':
      headers.authorization = `Bearer ${token}`;
      break;
    case 'basic':
      headers.authorization = basic(email, 'secret');
      break;
    case 'malformed':
      headers.authorization = 'Bearer not-a-jwt';
      break;
    case 'forged':
      headers.authorization = `Bearer ${forge(token ?? '')}`;
      break;
    case 'algNone':
      headers.authorization = `Bearer ${algNone(token ?? '')}`;
      break;
    case 'expired':
    case 'nearlyExpired':
      headers.authorization = `Bearer ${token}`;
      expect(
        (await context.admin('POST', '/clock/advance', { seconds: auth === 'expired' ? 7300 : 7199 })).statusCode,
      ).toBe(200);
      break;
    case 'deleted':
      headers.authorization = `Bearer ${token}`;
      expect((await context.admin('DELETE', '')).statusCode).toBe(204);
      await bearer(app, email);
      break;
    case 'none':
      break;
  }
  if (exchange.authorization !== undefined) headers.authorization = exchange.authorization;

  const body = exchange.raw ?? json(exchange.body);
  if (exchange.documented && exchange.body !== undefined) {
    const schema = requestSchema(op, 'application/json');
    expect(schema, 'a declared request body').toBeDefined();
    expect(checkJson(schema ?? {}, exchange.body, false), 'the request itself').toEqual([]);
  }

  // A failure the request cannot cause: the tenant lookup throws, inside the vendor's code.
  const fault = exchange.fault
    ? vi.spyOn(store, exchange.fault).mockImplementationOnce(() => {
        throw new Error('injected by the contract test');
      })
    : undefined;
  let answer: Answer;
  try {
    answer = await inject(exchange.method, exchange.url, headers, body);
  } finally {
    fault?.mockRestore();
  }

  expect(answer.statusCode, answer.body.slice(0, 300)).toBe(exchange.status);
  expect(checkAnswer(op, answer)).toEqual([]);
  if (exchange.failure !== undefined) {
    // The token endpoint's refusals carry a null bearerToken beside the reason.
    const extra = exchange.url === TOKEN_URL ? { bearerToken: null } : {};
    expect(JSON.parse(answer.body)).toEqual({ failureDescription: exchange.failure, ...extra });
  }
  if (exchange.message !== undefined) expect(JSON.parse(answer.body)).toEqual({ Message: exchange.message });
  if (answer.statusCode === 202) {
    // The posted object comes back, customerId and customerCode first, every other key as sent.
    const posted = postedObject(exchange.raw ? JSON.parse(String(exchange.raw.payload)) : exchange.body);
    const { customerId: _id, customerCode: _code, ...rest } = posted;
    const echo = JSON.parse(answer.body) as JsonObject;
    expect(Object.keys(echo)).toEqual(['customerId', 'customerCode', ...Object.keys(rest)]);
    expect(echo).toEqual({ customerId: echo.customerId, customerCode: echo.customerCode, ...rest });
  }
  await exchange.verify?.(answer, context);
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Answers outside the declared operations, in the bodies the document describes

describe('answers outside the operations', () => {
  let docs: Sandbox;
  let authorization: string;

  beforeAll(async () => {
    docs = await sandbox({});
    authorization = await bearer(docs.app, 'outside@example.com');
  });

  afterAll(async () => {
    await docs.app.close();
  });

  it('405 for every method a declared path does not take, with or without a token', async () => {
    const problems: string[] = [];
    const paths = [...new Set(declaredOperations.map((op) => op.path))];
    for (const path of paths) {
      const url = path.replace('{identifier}', SAMPLE_CODE);
      for (const method of ALL_METHODS) {
        if (findOperation(declaredOperations, method, url).length > 0) continue;
        for (const headers of [{}, { authorization }]) {
          const answer = await docs.app.inject({ method, url, headers });
          if (answer.statusCode !== 405) problems.push(`${method} ${url}: ${answer.statusCode}`);
          problems.push(
            ...checkJsonAnswer(componentSchema('MethodNotAllowedError'), answer).map((e) => `${method} ${url}: ${e}`),
          );
          if (answer.statusCode === 405 && JSON.parse(answer.body).Message !== TEXT.method(method)) {
            problems.push(`${method} ${url}: ${answer.body}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('404 naming the URI as called for any other path under /api/v2/, with or without a token', async () => {
    const problems: string[] = [];
    for (const url of [
      `${V}/products`,
      `${V}/products?liPage=1`,
      `${V}/customers/${SAMPLE_CODE}/notes`,
      `${V}/auth`,
      `${V}/auth/token/extra`,
      `${V}/Customers`,
      `${V}/customers.json`,
    ]) {
      for (const [method, headers] of [
        ['GET', {}],
        ['GET', { authorization }],
        ['POST', { authorization }],
        ['DELETE', { host: 'sandbox.test:8080' }],
      ] as const) {
        const answer = await docs.app.inject({ method, url, headers });
        const host = 'host' in headers ? headers.host : 'localhost:80';
        if (answer.statusCode !== 404) problems.push(`${method} ${url}: ${answer.statusCode}`);
        problems.push(
          ...checkJsonAnswer(componentSchema('NoResourceError'), answer).map((e) => `${method} ${url}: ${e}`),
        );
        const expected = { Message: TEXT.noResource(`http://${host}${url}`) };
        if (answer.statusCode === 404 && answer.body !== JSON.stringify(expected))
          problems.push(`${url}: ${answer.body}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('HEAD beside every GET: the same status and headers, no body', async () => {
    for (const url of [CUSTOMERS, SAMPLE]) {
      for (const headers of [{ authorization }, {}]) {
        const get = await docs.app.inject({ method: 'GET', url, headers });
        const head = await docs.app.inject({ method: 'HEAD', url, headers });
        expect([head.statusCode, head.headers['content-type'], head.body]).toEqual([
          get.statusCode,
          get.headers['content-type'],
          '',
        ]);
      }
    }
  });

  // Three answers the doc promises that a first implementation got wrong.
  it('docs: a trailing slash is "any other path": 404 with the Message body', async () => {
    const answer = await docs.app.inject({ url: `${CUSTOMERS}/`, headers: { authorization } });
    expect([answer.statusCode, answer.body]).toEqual([
      404,
      JSON.stringify({ Message: TEXT.noResource(`http://localhost:80${CUSTOMERS}/`) }),
    ]);
  });

  it('docs: a token of a deleted tenant is refused even if the email logs in again (same millisecond)', async () => {
    const email = 'reborn@example.com';
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2024-03-01T10:00:00.000Z'));
      const old = await bearer(docs.app, email);
      const deleted = await docs.app.inject({ method: 'DELETE', url: `/__admin/tenants/myposconnect/${email}` });
      expect(deleted.statusCode).toBe(204);
      await bearer(docs.app, email);
      const answer = await docs.app.inject({ url: CUSTOMERS, headers: { authorization: old } });
      expect([answer.statusCode, answer.body]).toEqual([401, JSON.stringify({ Message: TEXT.denied })]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('docs: "any Content-Type is read as JSON", even one that does not parse', async () => {
    const answer = await docs.app.inject({
      method: 'POST',
      url: CUSTOMERS,
      headers: { authorization, 'content-type': ';;;' },
      payload: '{"customerName": "Odd Type"}',
    });
    expect(answer.statusCode, answer.body).toBe(202);
  });
});
