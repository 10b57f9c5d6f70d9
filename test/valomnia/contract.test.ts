import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TenantStore } from '../../src/core/store.js';
import type { ValomniaData } from '../../src/vendors/valomnia/model.js';
import { type TestAppOptions, testSandbox } from '../helpers/app.js';
import { BOUNDARY, MULTIPART_TYPE, multipart, type Part } from '../helpers/multipart.js';
import {
  type Answer as AnswerChecked,
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
  isObject,
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
import { advanceClock, DOCS_LOGIN, form, valomniaLogin } from '../helpers/valomnia.js';

/**
 * openapi/valomnia.yaml against the running code: the document is valid OpenAPI 3.1, its
 * operations are exactly the routes the Valomnia plugin registers (the /api/v1/ twins mapped onto
 * the /api/v1.0/ paths the document declares), every declared status of every operation is
 * answered by at least one real request and fits what the document declares for it (headers,
 * content type, body, key order), and every example a request can carry is accepted.
 */

const raw = loadSpec('valomnia');
const declaredOperations = operationsOf(raw);

let validator: ContractValidator;
let spec: JsonObject;
let operations: Map<string, SpecOperation>;

beforeAll(async () => {
  ({ spec, validator, operations } = await loadContract('valomnia'));
});

type Method = 'GET' | 'POST' | 'DELETE';

interface Answer extends AnswerChecked {
  rawPayload: Buffer;
}

/** The declared path a request URL goes to: /api/v1/… serves what /api/v1.0/… declares. */
function declaredUrlOf(url: string): string {
  return url.replace(/^\/api\/v1\//, '/api/v1.0/');
}

function operationOfUrl(method: string, url: string): SpecOperation[] {
  return findOperation(declaredOperations, method, declaredUrlOf(url));
}

// ---------------------------------------------------------------------------------------------
// Checking one answer against the operation's declared responses

const IMAGE_SIGNATURES: Record<string, (bytes: Buffer) => boolean> = {
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/png': (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/gif': (bytes) => bytes.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/bmp': (bytes) => bytes.subarray(0, 2).toString('latin1') === 'BM',
};

/**
 * What is wrong with a JSON value against a schema: its values, then (answers only: a form's
 * fields have no order that matters) its keys' order.
 */
function checkJson(schema: Schema, value: unknown, ordered = true): string[] {
  const errors = validator.validate(schema, value);
  if (errors.length > 0 || !ordered) return errors;
  return validator.orderErrors(schema, value).map((error) => `order: ${error}`);
}

/** What is wrong with an answer, as the operation declares its responses; empty when nothing. */
function checkAnswer(op: SpecOperation, answer: Answer): string[] {
  return checkDeclaredAnswer(validator, op, answer, (media, mediaType, contentType) => {
    const signature = IMAGE_SIGNATURES[mediaType];
    if (signature) return signature(answer.rawPayload) ? [] : [`the bytes are no ${mediaType}`];
    if (mediaType !== 'application/json') return [`no checker for ${mediaType}`];
    const parsed = parseJsonBody(answer.body);
    return [
      ...charsetErrors(contentType),
      ...('error' in parsed ? [parsed.error] : checkJson(objectAt(media.schema, 'schema'), parsed.value)),
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Request bodies

interface FilePart {
  field: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

type Body =
  | { kind: 'form'; fields: Record<string, string> | [string, string][] }
  | { kind: 'multipart'; fields: Record<string, string> | [string, string][]; files?: FilePart[] }
  | { kind: 'raw'; contentType: string; payload: string | Buffer };

function multipartPayload(fields: Record<string, string> | [string, string][], files: FilePart[] = []): Buffer {
  return multipart([
    ...(Array.isArray(fields) ? fields : Object.entries(fields)),
    ...files.map((file): Part => [file.field, file.bytes, file.filename, file.type]),
  ]);
}

function encodeBody(body: Body): { contentType: string; payload: string | Buffer } {
  switch (body.kind) {
    case 'form':
      return {
        contentType: 'application/x-www-form-urlencoded',
        payload: new URLSearchParams(body.fields).toString(),
      };
    case 'multipart':
      return {
        contentType: MULTIPART_TYPE,
        payload: multipartPayload(body.fields, body.files),
      };
    case 'raw':
      return { contentType: body.contentType, payload: body.payload };
  }
}

/** What is wrong with a form's fields, as the operation declares its request body. */
function checkRequest(op: SpecOperation, body: Body): string[] {
  if (body.kind === 'raw') return [];
  const mediaType = body.kind === 'form' ? 'application/x-www-form-urlencoded' : 'multipart/form-data';
  const schema = requestSchema(op, mediaType);
  if (!schema) return [`request content-type ${mediaType} is not declared`];
  const fields = Object.fromEntries(Array.isArray(body.fields) ? body.fields : Object.entries(body.fields));
  if (body.kind === 'multipart') for (const file of body.files ?? []) fields[file.field] = '<bytes>';
  return validator.validate(schema, fields);
}

// ---------------------------------------------------------------------------------------------
// Images to upload

const IMAGE_BYTES_LIMIT = 2 * 1024 * 1024;

function bmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + row * height;
  const bytes = Buffer.alloc(size);
  bytes.write('BM', 0, 'latin1');
  bytes.writeUInt32LE(size, 2);
  bytes.writeUInt32LE(54, 10);
  bytes.writeUInt32LE(40, 14);
  bytes.writeInt32LE(width, 18);
  bytes.writeInt32LE(height, 22);
  bytes.writeUInt16LE(1, 26);
  bytes.writeUInt16LE(24, 28);
  bytes.writeUInt32LE(row * height, 34);
  bytes.writeInt32LE(2835, 38);
  bytes.writeInt32LE(2835, 42);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) bytes.set([0x40, 0x80 + y, 0xc0 + x], 54 + y * row + x * 3);
  }
  return bytes;
}

const images = {} as Record<'png' | 'jpeg' | 'gif' | 'bmp', Buffer>;

beforeAll(async () => {
  const canvas = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#c0392b' } });
  images.png = await canvas().png().toBuffer();
  images.jpeg = await canvas().jpeg().toBuffer();
  images.gif = await canvas().gif().toBuffer();
  images.bmp = bmp(40, 30);
});

const IMAGE_TYPES = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' } as const;

/** An image field; its bytes are read when the request is sent (they are made in beforeAll). */
function imagePart(format: keyof typeof images, filename = `logo.${format}`): FilePart {
  return {
    field: 'imageFile',
    filename,
    type: IMAGE_TYPES[format],
    get bytes() {
      return images[format];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The sandboxes the requests go to

type AppName = 'docs' | 'empty' | 'demo' | 'limited';
/** Bodies past this many bytes get a 413 from the "limited" app. */
const BODY_LIMIT = 1024;

interface Sandbox {
  app: FastifyInstance;
  store: TenantStore;
}

/** A sandbox with room for a tenant per exchange (each logs in as a login of its own). */
function sandbox(options: TestAppOptions): Promise<Sandbox> {
  return testSandbox({ maxTenants: 1000, ...options });
}

// ---------------------------------------------------------------------------------------------
// The requests: every declared status of every operation

/**
 * How the request carries its session: the cookie (default), the Bearer token, both (the cookie
 * live, the token forged: the cookie counts), none, or a cookie or token that names no live
 * session (never was, logged out, idle too long).
 */
type Auth = 'cookie' | 'bearer' | 'both' | 'none' | 'forged' | 'forgedBearer' | 'loggedOut' | 'expired';

/** What an exchange's URL, checks and steps can read: its session and the last step's answer. */
interface Context {
  sandbox: Sandbox;
  login: string;
  cookie: string | null;
  /** The last `before` step's JSON answer. */
  last: JsonObject;
  /** A request in the exchange's session. */
  send: (method: Method, url: string, body?: Body) => Promise<Answer>;
}

interface Step {
  method: Method;
  url: string;
  body?: Body;
}

interface Exchange {
  app: AppName;
  method: Method;
  /** The URL, or one made from the context once the `before` steps ran. */
  url: string | ((context: Context) => string);
  /** A URL of the same operation, for sorting the exchange to it when `url` is a function. */
  route?: string;
  auth?: Auth;
  /** The login (tenant); by default one of its own, a fresh copy of the dataset. */
  login?: string;
  body?: Body;
  /** Requests made first, in the same session; each must succeed. */
  before?: Step[];
  /** Changes the tenant's data before the request (what no request can set up cheaply). */
  prepare?: (context: Context) => void;
  /** Makes the request fail inside the sandbox, as a bug would. */
  fault?: boolean;
  status: number;
  why: string;
  /** The `error` code of the answer. */
  error?: string;
  /** The exact `error_description`. */
  description?: string;
  /** More assertions on the answer. */
  verify?: (answer: Answer, context: Context) => Promise<void> | void;
  /** A request the contract offers as an example: the body must fit the declared request schema. */
  documented?: boolean;
}

let loginCounter = 0;
const freshLogin = (what: string) => `contract-${++loginCounter}-${what}@example.com`;

const FORGED_ID = '0123456789ABCDEF0123456789ABCDEF';
const BROKEN_MULTIPART: Body = {
  kind: 'raw',
  contentType: MULTIPART_TYPE,
  payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="reference"\r\n\r\nNC-TRUNCATED`,
};
const TOO_MANY_PARTS: Body = {
  kind: 'multipart',
  fields: Array.from({ length: 101 }, (_, i): [string, string] => [`field${i}`, 'x']),
};
const BIG_FORM: Body = {
  kind: 'form',
  fields: { reference: 'NC-BIG', name: 'Big', comment: 'x'.repeat(2 * BODY_LIMIT) },
};

function unauthorized(method: Method, url: string, body?: Body): Exchange[] {
  const base = {
    app: 'docs' as const,
    method,
    url,
    status: 401,
    error: 'unauthorized',
    description: 'Full authentication is required to access this resource',
    ...(body ? { body } : {}),
  };
  return [
    { ...base, auth: 'none', why: 'no session' },
    { ...base, auth: 'forged', why: 'a cookie naming no session' },
    { ...base, auth: 'forgedBearer', why: 'a Bearer token naming no session' },
    { ...base, auth: 'loggedOut', why: 'a session logged out' },
    { ...base, auth: 'expired', why: 'a session idle for more than 30 minutes' },
  ];
}

function serverError(method: Method, url: string): Exchange {
  return {
    app: 'docs',
    method,
    url,
    fault: true,
    status: 500,
    error: 'server_error',
    description: 'Oops! Something went wrong...',
    why: 'an unexpected failure inside the sandbox',
  };
}

const V = '/api/v1.0';

// --- login and logout ------------------------------------------------------------------------

function loginExchanges(): Exchange[] {
  const check = '/j_spring_security_check';
  const query = (fields: Record<string, string>) => `${check}?${form(fields)}`;
  const loggedIn = (answer: Answer) => {
    expect(answer.headers.location).toBe('/login/ajaxSuccess');
    expect(String(answer.headers['set-cookie'])).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\/; HttpOnly$/);
  };
  const refused = (answer: Answer) => {
    expect(answer.headers.location).toBe('/login/authfail?ajax=true');
    expect(answer.headers['set-cookie']).toBeUndefined();
  };
  const credentials = (login: string) => ({ j_username: login, j_password: 'secret', ajax: 'true' });
  const exchanges: Exchange[] = [];
  for (const method of ['GET', 'POST'] as const) {
    exchanges.push(
      {
        app: 'docs',
        method,
        url: query(credentials(freshLogin('query'))),
        auth: 'none',
        status: 302,
        why: 'credentials in the query string',
        verify: loggedIn,
      },
      { app: 'docs', method, url: check, auth: 'none', status: 302, why: 'no credentials', verify: refused },
      {
        app: 'docs',
        method,
        url: query({ j_username: freshLogin('blank'), j_password: ' ', ajax: 'true' }),
        auth: 'none',
        status: 302,
        why: 'a blank password',
        verify: refused,
      },
      {
        app: 'docs',
        method,
        url: query({ j_username: `${'x'.repeat(245)}@example.com`, j_password: 'secret' }),
        auth: 'none',
        status: 302,
        why: 'a login name of 257 characters',
        verify: refused,
      },
      {
        app: 'limited',
        method,
        url: query(credentials('no-room@example.com')),
        auth: 'none',
        status: 503,
        error: 'service_unavailable',
        description: 'Service Unavailable',
        why: 'no room for a new tenant',
      },
    );
  }
  exchanges.push(
    {
      app: 'docs',
      method: 'POST',
      url: check,
      auth: 'none',
      body: { kind: 'multipart', fields: credentials(freshLogin('multipart')) },
      status: 302,
      why: 'credentials in a multipart body',
      verify: loggedIn,
    },
    {
      app: 'docs',
      method: 'POST',
      url: query({ j_username: freshLogin('wins'), j_password: '' }),
      auth: 'none',
      body: { kind: 'form', fields: { j_password: 'secret' } },
      status: 302,
      why: 'the body wins over the query string',
      verify: loggedIn,
    },
    {
      app: 'docs',
      method: 'POST',
      url: query(credentials(freshLogin('json'))),
      auth: 'none',
      body: { kind: 'raw', contentType: 'application/json', payload: '{}' },
      status: 302,
      why: 'credentials in the query string beside an empty JSON body',
      verify: loggedIn,
    },
    {
      app: 'docs',
      method: 'POST',
      url: check,
      auth: 'none',
      body: { kind: 'raw', contentType: 'application/json', payload: JSON.stringify(credentials('json@example.com')) },
      status: 302,
      why: 'credentials in a JSON body, which is not read',
      verify: refused,
    },
    {
      app: 'docs',
      method: 'POST',
      url: check,
      auth: 'none',
      body: BROKEN_MULTIPART,
      status: 400,
      error: 'bad_request',
      description: 'Bad Request',
      why: 'a truncated multipart body',
    },
    {
      app: 'limited',
      method: 'POST',
      url: check,
      auth: 'none',
      body: { kind: 'form', fields: { ...credentials(DOCS_LOGIN), filler: 'x'.repeat(2 * BODY_LIMIT) } },
      status: 413,
      error: 'payload_too_large',
      description: 'Payload Too Large',
      why: 'a form body past the limit',
    },
    {
      app: 'docs',
      method: 'POST',
      url: check,
      auth: 'none',
      body: TOO_MANY_PARTS,
      status: 413,
      error: 'payload_too_large',
      why: 'a multipart body of 101 parts',
    },
  );

  for (const method of ['GET', 'POST'] as const) {
    const url = '/login/ajaxSuccess';
    exchanges.push(
      {
        app: 'docs',
        method,
        url,
        login: 'Mixed.Case@Example.com',
        status: 200,
        why: 'a session cookie',
        verify: (answer, context) => {
          const body = JSON.parse(answer.body) as { token: string; user: { email: string; companyName: string } };
          expect(context.cookie).toBe(`JSESSIONID=${body.token}`);
          expect(body.user.email).toBe('mixed.case@example.com');
          expect(body.user.companyName).toBe('entity1');
        },
      },
      {
        app: 'docs',
        method,
        url,
        login: DOCS_LOGIN,
        status: 200,
        why: "the docs login's account, as the contract shows it",
        verify: equalsExample('AjaxSuccess', ['token']),
      },
      { app: 'docs', method, url, auth: 'bearer', status: 200, why: 'the token as a Bearer token' },
      { app: 'docs', method, url, auth: 'both', status: 200, why: 'a live cookie beside a forged token' },
      ...unauthorized(method, url),
    );
    for (const authfail of ['/login/authfail', '/login/authfail?ajax=true']) {
      exchanges.push({ app: 'docs', method, url: authfail, auth: 'none', status: 200, why: 'a failed login' });
    }
    for (const logout of ['/logout', '/j_spring_security_logout']) {
      exchanges.push(
        {
          app: 'docs',
          method,
          url: logout,
          status: 302,
          why: 'a live session, which ends',
          verify: async (_answer, context) => {
            expect((await context.send('GET', '/login/ajaxSuccess')).statusCode).toBe(401);
          },
        },
        {
          app: 'docs',
          method,
          url: logout,
          auth: 'bearer',
          status: 302,
          why: 'a Bearer token, whose session ends',
          verify: async (_answer, context) => {
            expect((await context.send('GET', '/login/ajaxSuccess')).statusCode).toBe(401);
          },
        },
        { app: 'docs', method, url: logout, auth: 'none', status: 302, why: 'no session' },
      );
    }
  }
  return exchanges;
}

// --- customers -------------------------------------------------------------------------------

function customerListExchanges(): Exchange[] {
  const url = `${V}/customers`;
  const get = (query: string, why: string, more: Partial<Exchange> = {}): Exchange => ({
    app: 'docs',
    method: 'GET',
    url: `${url}${query}`,
    status: 200,
    why,
    ...more,
  });
  const refused = (query: string, error: string, description: string, why: string): Exchange =>
    get(query, why, { status: 400, error, description });
  const paging = (expected: JsonObject) => (answer: Answer) => {
    expect((JSON.parse(answer.body) as { paging: JsonObject }).paging).toEqual(expected);
  };
  return [
    get('', 'the docs dataset, as the contract shows it', { verify: equalsExample('CustomerListDocs') }),
    get('', 'the empty dataset', {
      app: 'empty',
      verify: paging({ total: 0, max: 100, offset: 0, previous: null, next: null }),
    }),
    // The demo dataset holds the docs customer and the 120 generated ones.
    get('?max=500', 'a full page of generated customers, max capped', {
      app: 'demo',
      verify: paging({
        total: 121,
        max: 100,
        offset: 0,
        previous: null,
        next: `${V}/customers?max=100&offset=100&sort=dateCreated&order=asc`,
      }),
    }),
    get('?offset=100&max=0', 'the last page (max 0 is the default)', {
      app: 'demo',
      verify: paging({
        total: 121,
        max: 100,
        offset: 100,
        previous: `${V}/customers?max=100&offset=0&sort=dateCreated&order=asc`,
        next: null,
      }),
    }),
    get('?max=5&offset=-3&sort=name&order=DESC&isActive=TRUE&name=*a*', 'filters kept in the links', {
      app: 'demo',
      verify: (answer) => {
        const { paging: page } = JSON.parse(answer.body) as { paging: { next: string | null; offset: number } };
        expect(page.offset).toBe(0);
        expect(page.next).toBe(`${V}/customers?max=5&offset=5&sort=name&order=desc&isActive=TRUE&name=*a*`);
      },
    }),
    get('?reference=nc-*&categoryReference=JEWEL*&lastUpdated_gte=2016-08-16T09:02:13Z', 'filters that match', {
      verify: (answer) => expect((JSON.parse(answer.body) as { paging: { total: number } }).paging.total).toBe(1),
    }),
    get('?dateCreated_lt=2015-12-18T00:00:00.5%2B01:00', 'a date with a fraction and an offset'),
    { ...get('', 'the /api/v1/ twin'), url: '/api/v1/customers' },
    get('', 'the Bearer token', { auth: 'bearer' }),
    get('', 'a live cookie beside a forged token', { auth: 'both' }),
    refused(
      '?dateCreated_gta=2016-08-15T14:52:48Z',
      'invalid_param',
      'The parameters [dateCreated_gta] you provided are not valid for this request.',
      'an unknown parameter',
    ),
    refused(
      '?foo=1&max=2&bar=2&foo=3',
      'invalid_param',
      'The parameters [foo, bar] you provided are not valid for this request.',
      'unknown parameters, listed once each in the order sent',
    ),
    refused(
      '?name=a&name=b',
      'invalid_param_type',
      'The type of parameter name you provided is not valid for this request.',
      'a parameter sent twice',
    ),
    refused(
      '?max=abc',
      'invalid_param_type',
      'The type of parameter max you provided is not valid for this request.',
      'a max that is no integer',
    ),
    refused(
      '?offset=1.5',
      'invalid_param_type',
      'The type of parameter offset you provided is not valid for this request.',
      'an offset that is no integer',
    ),
    refused(
      '?isActive=yes',
      'invalid_param_type',
      'The type of parameter isActive you provided is not valid for this request.',
      'an isActive that is no boolean',
    ),
    refused(
      '?sort=size',
      'invalid_param',
      'The parameters [size] you provided are not valid for this request.',
      'an unknown sort field',
    ),
    refused(
      '?order=up',
      'invalid_param',
      'The parameters [up] you provided are not valid for this request.',
      'an order that is neither asc nor desc',
    ),
    refused(
      '?lastUpdated_gt=2016-08-1Z',
      'invalid_datetime_format',
      'Invalid datetime filter (not ISO-8601 formatted): [2016-08-1Z]',
      'the documented bad date',
    ),
    refused(
      '?dateCreated_gte=2016-08-15',
      'invalid_datetime_format',
      'Invalid datetime filter (not ISO-8601 formatted): [2016-08-15]',
      'a date without a time',
    ),
    ...unauthorized('GET', url),
    serverError('GET', url),
  ];
}

const CUSTOMER_256 = `${V}/customers/256`;
const NC3 = `${V}/customers/reference/NC-3`;

/** The checks every write makes, in the vendor's order; `url` decides create, update or upsert. */
function writeRefusals(url: string, kind: 'create' | 'update' | 'upsert'): Exchange[] {
  const post = (body: Body, status: number, error: string, description: string, why: string): Exchange => ({
    app: 'docs',
    method: 'POST',
    url,
    body,
    status,
    error,
    description,
    why,
  });
  const fields = (more: Record<string, string>): Body => ({
    kind: 'form',
    fields: kind === 'create' ? { reference: 'NC-REFUSED', name: 'Refused', ...more } : more,
  });
  const type = (name: string) => `The type of parameter ${name} you provided is not valid for this request.`;
  const exchanges: Exchange[] = [
    post(fields({ isActive: 'maybe' }), 400, 'invalid_param_type', type('isActive'), 'a boolean that is not one'),
    post(fields({ creditLimit: '5k' }), 400, 'invalid_param_type', type('creditLimit'), 'a decimal that is not one'),
    post(
      fields({ dueDateConfigType: '3' }),
      400,
      'invalid_param_type',
      type('dueDateConfigType'),
      'a due-date type of 3',
    ),
    post(fields({ categoryId: 'jewelry' }), 400, 'invalid_param_type', type('categoryId'), 'a reference as categoryId'),
    post(fields({ paymentTypes: '7,8' }), 400, 'invalid_param_type', type('paymentTypes'), 'paymentTypes not a list'),
    post(
      fields({ paymentTypes: '[{"id"=cash}]' }),
      400,
      'invalid_param_type',
      type('payment type id'),
      'a payment type reference without useExternalId',
    ),
    post(
      {
        kind: 'form',
        fields: [
          ...Object.entries((fields({}) as { fields: Record<string, string> }).fields),
          ['phone', '1'],
          ['phone', '2'],
        ],
      },
      400,
      'invalid_param_type',
      type('phone'),
      'a parameter sent twice',
    ),
    post(fields({ name: 'x'.repeat(256) }), 400, 'save_failed', 'Failed to save instance.', 'a name of 256 characters'),
    post(
      fields({ dueDateConfigType: '1', ...(kind === 'create' ? {} : { dueDateConfigNumber: '' }) }),
      400,
      'missing_param',
      'dueDateConfigNumber parameter is missing',
      'a due-date type without a number',
    ),
    post(
      fields({ isSubCustomer: 'true' }),
      400,
      'missing_param',
      'parentCustomer parameter is missing',
      'a sub-customer without a parent',
    ),
    post(
      {
        kind: 'multipart',
        fields: (fields({}) as { fields: Record<string, string> }).fields,
        files: [
          { field: 'imageFile', filename: 'big.png', type: 'image/png', bytes: Buffer.alloc(IMAGE_BYTES_LIMIT + 1) },
        ],
      },
      400,
      'exceeded_file_size',
      'image size should not exceed 2Mo',
      'an image past 2 MB',
    ),
    post(
      {
        kind: 'multipart',
        fields: (fields({}) as { fields: Record<string, string> }).fields,
        files: [
          { field: 'imageFile', filename: 'logo.png', type: 'image/png', bytes: Buffer.from('not an image at all') },
        ],
      },
      400,
      'unsupported_file_type',
      'image format not supported.',
      'an image file that is no image',
    ),
    post(BROKEN_MULTIPART, 400, 'bad_request', 'Bad Request', 'a truncated multipart body'),
    // Links, then the currency.
    post(
      fields({ categoryId: '9' }),
      404,
      'not_found',
      "The customer category with the id 9 doesn't exist.",
      'an unknown category',
    ),
    post(
      fields({ customerSegmentationId: '99' }),
      404,
      'not_found',
      "The customer segmentation with the id 99 doesn't exist.",
      'an unknown segmentation',
    ),
    post(fields({ userId: '100' }), 404, 'not_found', "The user with the id 100 doesn't exist.", 'an unknown user'),
    post(
      fields({ regionId: '999' }),
      404,
      'not_found',
      "The region with the id 999 doesn't exist.",
      'an unknown region',
    ),
    post(
      fields({ paymentTypes: '[{"id"=7},{"id"=999}]' }),
      404,
      'not_found',
      "The payment type with the id 999 doesn't exist.",
      'an unknown payment type',
    ),
    post(
      fields({ parentCustomer: '188911' }),
      404,
      'not_found',
      "The parent customer with the id 188911 doesn't exist.",
      'an unknown parent',
    ),
    post(
      fields({ useExternalId: 'true', categoryId: 'no-such-category' }),
      404,
      'not_found',
      "The customer category with the id no-such-category doesn't exist.",
      'an unknown category reference',
    ),
    post(fields({ currency: 'GmBP' }), 404, 'not_found', "The currency with name GmBP doesn't exist.", 'no ISO code'),
    post(
      fields({ currency: 'GBP' }),
      404,
      'not_found',
      'The currency with name GBP is not configured.',
      'not configured',
    ),
    {
      ...post(BIG_FORM, 413, 'payload_too_large', 'Payload Too Large', 'a form body past the limit'),
      app: 'limited',
      login: DOCS_LOGIN,
    },
    post(TOO_MANY_PARTS, 413, 'payload_too_large', 'Payload Too Large', 'a multipart body of 101 parts'),
    post(
      { kind: 'multipart', fields: {}, files: Array.from({ length: 6 }, () => imagePart('gif')) },
      413,
      'payload_too_large',
      'Payload Too Large',
      'a multipart body of 6 files',
    ),
    ...unauthorized('POST', url, fields({})),
    serverError('POST', url),
  ];
  if (kind === 'update') {
    exchanges.push({
      ...post(fields({ reference: 'other' }), 400, 'not_unique', 'reference already used', 'a reference another holds'),
      before: [
        { method: 'POST', url: `${V}/customers`, body: { kind: 'form', fields: { reference: 'OTHER', name: 'X' } } },
      ],
    });
  }
  if (kind === 'create') {
    exchanges.push(
      post(
        fields({ reference: 'nc-3' }),
        400,
        'not_unique',
        'reference already used',
        'a reference taken, in another case',
      ),
    );
  }
  return exchanges;
}

/** The 503 of a tenant whose images fill its 64 MB: any write with an image. */
function imageQuotaFull(url: string, fields: Record<string, string>): Exchange {
  return {
    app: 'docs',
    method: 'POST',
    url,
    body: { kind: 'multipart', fields, files: [imagePart('png')] },
    prepare: ({ sandbox: { store }, login }) => {
      const data = store.find('valomnia', login.toLowerCase())?.data as ValomniaData;
      data.images.push({
        fileName: '1_filler.png',
        folder: 'photoCustomer',
        contentType: 'image/png',
        original: Buffer.alloc(64 * 1024 * 1024 - 1000),
        small: Buffer.alloc(0),
        medium: Buffer.alloc(0),
      });
    },
    status: 503,
    error: 'service_unavailable',
    description: 'Service Unavailable',
    why: 'the tenant holds 64 MB of images already',
  };
}

function customerWriteExchanges(): Exchange[] {
  const collection = `${V}/customers`;
  const upload = (format: keyof typeof images): Exchange => ({
    app: 'docs',
    method: 'POST',
    url: collection,
    body: {
      kind: 'multipart',
      fields: { reference: `IMG-${format}`, name: `Image ${format}` },
      files: [imagePart(format)],
    },
    status: 201,
    why: `a ${format.toUpperCase()} image`,
    verify: async (answer, context) => {
      const { logo } = JSON.parse(answer.body) as { logo: string };
      expect(logo).toMatch(
        new RegExp(`^http://localhost:80/entity1-1450169988465/photoCustomer/\\d{13}_logo\\.${format}$`),
      );
      const image = await context.send('GET', new URL(logo).pathname);
      expect(image.headers['content-type']).toBe(IMAGE_TYPES[format]);
      expect(image.rawPayload.equals(images[format])).toBe(true);
    },
  });
  const exchanges: Exchange[] = [
    // create
    ...documentedWrites('POST', collection, 201),
    ...(['png', 'jpeg', 'gif', 'bmp'] as const).map(upload),
    {
      app: 'docs',
      method: 'POST',
      url: `${collection}?reference=NC-Q&name=Ignored`,
      body: { kind: 'form', fields: { name: 'From the body' } },
      status: 201,
      why: 'query parameters count, the body wins',
      verify: (answer) => {
        const customer = JSON.parse(answer.body) as JsonObject;
        expect([customer.reference, customer.name]).toEqual(['NC-Q', 'From the body']);
      },
    },
    {
      app: 'docs',
      method: 'POST',
      url: collection,
      body: { kind: 'form', fields: { reference: 'NC-SUB', name: 'Sub', parentCustomer: '256' } },
      status: 201,
      why: 'a parent alone makes a sub-customer',
      verify: (answer) => {
        const customer = JSON.parse(answer.body) as JsonObject;
        expect([customer.isSubCustomer, customer.parentCustomer]).toEqual([
          true,
          { id: 256, reference: 'NC-3', name: "Marie's Jewelry", href: `${V}/customers/256` },
        ]);
      },
    },
    {
      app: 'docs',
      method: 'POST',
      url: collection,
      body: {
        kind: 'form',
        fields: { reference: 'NC-D2', name: 'Month end', dueDateConfigNumber: '30', dueDateConfigType: '2' },
      },
      status: 201,
      why: 'a due date after the end of the month',
      verify: (answer) => {
        expect((JSON.parse(answer.body) as JsonObject).dueDateConfigType).toBe('daysAfterEndOfMonth');
      },
    },
    {
      app: 'docs',
      method: 'POST',
      url: collection,
      body: { kind: 'raw', contentType: 'application/json', payload: '{"reference": "NC-J", "name": "JSON"}' },
      status: 400,
      error: 'missing_param',
      description: 'reference parameter is missing',
      why: 'a JSON body, which is not read',
    },
    {
      app: 'docs',
      method: 'POST',
      url: collection,
      body: { kind: 'form', fields: { reference: ' ', name: 'Blank' } },
      status: 400,
      error: 'missing_param',
      description: 'reference parameter is missing',
      why: 'a blank reference',
    },
    {
      app: 'docs',
      method: 'POST',
      url: collection,
      body: { kind: 'form', fields: { reference: 'NC-N' } },
      status: 400,
      error: 'missing_param',
      description: 'name parameter is missing',
      why: 'no name',
    },
    ...writeRefusals(collection, 'create'),
    {
      app: 'limited',
      method: 'POST',
      url: collection,
      login: DOCS_LOGIN,
      body: { kind: 'form', fields: { reference: 'NC-FULL', name: 'Full' } },
      status: 503,
      error: 'service_unavailable',
      description: 'Service Unavailable',
      why: 'the tenant holds as many records as it may',
    },
    imageQuotaFull(collection, { reference: 'NC-Q', name: 'Quota' }),

    // update
    ...documentedWrites('POST', CUSTOMER_256, 200),
    {
      app: 'docs',
      method: 'POST',
      url: CUSTOMER_256,
      body: { kind: 'multipart', fields: { name: 'New logo' }, files: [imagePart('jpeg', 'new logo.jpg')] },
      status: 200,
      why: 'a new image, which replaces the old one',
      verify: async (answer, context) => {
        const { logo } = JSON.parse(answer.body) as { logo: string };
        expect(logo).toMatch(/\/photoCustomer\/\d{13}_new_logo\.jpg$/);
        expect((await context.send('GET', new URL(logo).pathname)).statusCode).toBe(200);
        const old = '/entity1-1450169988465/photoCustomer/1471338230737_logo_color_272x92dp.png';
        // Other docs tenants keep their copy of the seeded logo; this session sees only its own.
        expect((await context.send('GET', old)).statusCode).toBe(404);
      },
    },
    {
      app: 'docs',
      method: 'POST',
      url: CUSTOMER_256,
      body: { kind: 'form', fields: { categoryId: '', customerSegmentationId: '', regionId: '', comment: '' } },
      status: 200,
      why: 'empty links fall back (category) or clear',
      verify: (answer) => {
        const customer = JSON.parse(answer.body) as JsonObject;
        expect([customer.categoryReference, customer.customerSegmentation, customer.region]).toEqual([
          'root',
          null,
          null,
        ]);
      },
    },
    {
      app: 'docs',
      method: 'POST',
      url: `${V}/customers/abc`,
      body: { kind: 'form', fields: { name: 'X' } },
      status: 400,
      error: 'invalid_param_type',
      description: 'The type of parameter id you provided is not valid for this request.',
      why: 'an id that is no number',
    },
    {
      app: 'docs',
      method: 'POST',
      url: `${V}/customers/%ZZ`,
      auth: 'none',
      body: { kind: 'form', fields: { name: 'X' } },
      status: 400,
      error: 'bad_request',
      description: 'Bad Request',
      why: 'a broken escape, before the session is looked at',
    },
    {
      app: 'docs',
      method: 'POST',
      url: CUSTOMER_256,
      body: { kind: 'form', fields: { name: '' } },
      status: 400,
      error: 'missing_param',
      description: 'name parameter is missing',
      why: 'a name sent blank',
    },
    {
      app: 'docs',
      method: 'POST',
      url: `${V}/customers/2559`,
      body: { kind: 'form', fields: { name: 'Nobody' } },
      status: 404,
      error: 'not_found',
      description: "The customer with the id 2559 doesn't exist.",
      why: 'an unknown id',
    },
    {
      app: 'docs',
      method: 'POST',
      url: CUSTOMER_256,
      body: { kind: 'form', fields: { parentCustomer: '256' } },
      status: 404,
      error: 'not_found',
      description: 'The customer cannot be a subcustomer of itself.',
      why: 'its own parent',
    },
    {
      app: 'docs',
      method: 'POST',
      url: CUSTOMER_256,
      before: [
        {
          method: 'POST',
          url: collection,
          body: { kind: 'form', fields: { reference: 'KID', name: 'Kid', parentCustomer: '256' } },
        },
      ],
      body: { kind: 'form', fields: { parentCustomer: '257' } },
      status: 404,
      error: 'not_found',
      description: 'The customer cannot be a subcustomer of itself.',
      why: 'the parent of its own parent',
    },
    ...writeRefusals(CUSTOMER_256, 'update'),
    imageQuotaFull(CUSTOMER_256, { name: 'Quota' }),

    // upsert
    ...documentedWrites('POST', NC3, 201),
    ...documentedWrites('POST', `${V}/customers/reference/NC-NEW`, 201),
    {
      app: 'docs',
      method: 'POST',
      url: `${V}/customers/reference/nc-3`,
      body: { kind: 'form', fields: { comment: 'Found whatever the case' } },
      status: 201,
      why: 'an existing reference in another case: an update',
      verify: (answer) => expect((JSON.parse(answer.body) as JsonObject).id).toBe(256),
    },
    {
      app: 'docs',
      method: 'POST',
      url: `${V}/customers/reference/NC-NONAME`,
      body: { kind: 'form', fields: { comment: 'No name' } },
      status: 400,
      error: 'missing_param',
      description: 'name parameter is missing',
      why: 'a new reference without a name',
    },
    {
      app: 'docs',
      method: 'POST',
      url: `${V}/customers/reference/%ZZ`,
      auth: 'none',
      body: { kind: 'form', fields: { name: 'X' } },
      status: 400,
      error: 'bad_request',
      description: 'Bad Request',
      why: 'a broken escape',
    },
    ...writeRefusals(NC3, 'upsert'),
    {
      app: 'limited',
      method: 'POST',
      url: `${V}/customers/reference/NC-FULL`,
      login: DOCS_LOGIN,
      body: { kind: 'form', fields: { name: 'Full' } },
      status: 503,
      error: 'service_unavailable',
      description: 'Service Unavailable',
      why: 'a new reference in a tenant that holds as many records as it may',
    },
    imageQuotaFull(NC3, { name: 'Quota' }),
  ];
  return exchanges;
}

function customerReadAndDeleteExchanges(): Exchange[] {
  const deleted = (url: string) => async (answer: Answer, context: Context) => {
    expect(JSON.parse(answer.body)).toEqual({ success: 'true', success_description: 'Instance deleted successfully' });
    expect((await context.send('GET', url)).statusCode).toBe(404);
    const logo = '/entity1-1450169988465/photoCustomer/1471338230737_logo_color_272x92dp.png';
    expect((await context.send('GET', logo)).statusCode).toBe(404);
  };
  const withChild: Step[] = [
    {
      method: 'POST',
      url: `${V}/customers`,
      body: {
        kind: 'form',
        fields: { reference: 'CHILD', name: 'Child', isSubCustomer: 'true', parentCustomer: '256' },
      },
    },
  ];
  const exchanges: Exchange[] = [];
  for (const [url, byId] of [
    [CUSTOMER_256, true],
    [NC3, false],
  ] as const) {
    exchanges.push(
      {
        app: 'docs',
        method: 'GET',
        url,
        status: 200,
        why: 'the documented customer, as the contract shows it',
        verify: equalsExample('Customer256'),
      },
      { app: 'docs', method: 'GET', url: url.replace('/api/v1.0/', '/api/v1/'), status: 200, why: 'the /api/v1/ twin' },
      { app: 'docs', method: 'GET', url, auth: 'bearer', status: 200, why: 'the Bearer token' },
      {
        app: 'docs',
        method: 'GET',
        url: byId ? `${V}/customers/%ZZ` : `${V}/customers/reference/%ZZ`,
        auth: 'none',
        status: 400,
        error: 'bad_request',
        description: 'Bad Request',
        why: 'a broken escape, before the session is looked at',
      },
      ...unauthorized('GET', url),
      serverError('GET', url),
      { app: 'docs', method: 'DELETE', url, status: 200, why: 'a customer and its image', verify: deleted(url) },
      {
        app: 'docs',
        method: 'DELETE',
        url,
        before: withChild,
        status: 400,
        error: 'delete_failed',
        description: 'Failed to delete instance.',
        why: 'the parent of another customer',
      },
      {
        app: 'docs',
        method: 'DELETE',
        url: byId ? `${V}/customers/%ZZ` : `${V}/customers/reference/%ZZ`,
        status: 400,
        error: 'bad_request',
        description: 'Bad Request',
        why: 'a broken escape',
      },
      {
        app: 'limited',
        method: 'DELETE',
        url,
        login: DOCS_LOGIN,
        body: BIG_FORM,
        status: 413,
        error: 'payload_too_large',
        description: 'Payload Too Large',
        why: 'a body past the limit',
      },
      ...unauthorized('DELETE', url),
      serverError('DELETE', url),
    );
  }
  exchanges.push(
    {
      app: 'docs',
      method: 'GET',
      url: `${V}/customers/reference/nc-3`,
      status: 200,
      why: 'a reference in another case',
    },
    {
      app: 'docs',
      method: 'GET',
      url: `${V}/customers/2559`,
      status: 404,
      error: 'not_found',
      description: "The customer with the id 2559 doesn't exist.",
      why: 'an unknown id',
    },
    {
      app: 'docs',
      method: 'GET',
      url: `${V}/customers/reference/NC-404`,
      status: 404,
      error: 'not_found',
      description: "The customer with the id NC-404 doesn't exist.",
      why: 'an unknown reference',
    },
    {
      app: 'docs',
      method: 'DELETE',
      url: `${V}/customers/32987`,
      status: 404,
      error: 'not_found',
      description: "The customer with the id 32987 doesn't exist.",
      why: 'an unknown id',
    },
    {
      app: 'docs',
      method: 'DELETE',
      url: `${V}/customers/reference/NC-404`,
      status: 404,
      error: 'not_found',
      description: "The customer with the id NC-404 doesn't exist.",
      why: 'an unknown reference',
    },
  );
  for (const method of ['GET', 'DELETE'] as const) {
    for (const [id, why] of [
      ['abc', 'an id that is no number'],
      ['1234567890123456789', 'an id of 19 digits'],
      ['-1', 'a negative id'],
    ] as const) {
      exchanges.push({
        app: 'docs',
        method,
        url: `${V}/customers/${id}`,
        status: 400,
        error: 'invalid_param_type',
        description: 'The type of parameter id you provided is not valid for this request.',
        why,
      });
    }
  }
  return exchanges;
}

// --- linked resources ------------------------------------------------------------------------

interface Linked {
  path: string;
  words: string;
  docsId: number;
  docsReference: string | null;
  /** A filter of the customers list this resource's list does not take. */
  foreignFilter: string;
  /** The document's example of the docs record. */
  example: string;
}

const LINKED: Linked[] = [
  {
    path: 'customerCategories',
    words: 'customer category',
    docsId: 2,
    docsReference: 'jewelry',
    foreignFilter: 'isActive',
    example: 'CustomerCategory2',
  },
  {
    path: 'customerSegmentations',
    words: 'customer segmentation',
    docsId: 1,
    docsReference: 'seg_a',
    foreignFilter: 'categoryReference',
    example: 'CustomerSegmentation1',
  },
  {
    path: 'paymentTypes',
    words: 'payment type',
    docsId: 7,
    docsReference: 'cash',
    foreignFilter: 'isActive',
    example: 'PaymentType7',
  },
  { path: 'regions', words: 'region', docsId: 3, docsReference: null, foreignFilter: 'reference', example: 'Region3' },
  { path: 'users', words: 'user', docsId: 1, docsReference: 'emp05', foreignFilter: 'name', example: 'User1' },
  {
    path: 'employees',
    words: 'employee',
    docsId: 22,
    docsReference: 'emp22',
    foreignFilter: 'name',
    example: 'Employee22',
  },
];

function linkedExchanges(resource: Linked): Exchange[] {
  const list = `${V}/${resource.path}`;
  const one = `${list}/${resource.docsId}`;
  const missing = `${list}/999999`;
  const exchanges: Exchange[] = [
    { app: 'docs', method: 'GET', url: list, status: 200, why: 'the docs dataset' },
    { app: 'empty', method: 'GET', url: list, status: 200, why: 'the empty dataset keeps the linked records' },
    { app: 'demo', method: 'GET', url: `${list}?max=2&order=desc`, status: 200, why: 'a page of the demo dataset' },
    { app: 'docs', method: 'GET', url: list.replace('/api/v1.0/', '/api/v1/'), status: 200, why: 'the /api/v1/ twin' },
    {
      app: 'docs',
      method: 'GET',
      url: `${list}?${resource.foreignFilter}=x`,
      status: 400,
      error: 'invalid_param',
      description: `The parameters [${resource.foreignFilter}] you provided are not valid for this request.`,
      why: `${resource.foreignFilter}, a filter of customers only`,
    },
    {
      app: 'docs',
      method: 'GET',
      url: `${list}?max=1.5`,
      status: 400,
      error: 'invalid_param_type',
      description: 'The type of parameter max you provided is not valid for this request.',
      why: 'a max that is no integer',
    },
    {
      app: 'docs',
      method: 'GET',
      url: `${list}?lastUpdated_lt=yesterday`,
      status: 400,
      error: 'invalid_datetime_format',
      description: 'Invalid datetime filter (not ISO-8601 formatted): [yesterday]',
      why: 'a date that is no date',
    },
    ...unauthorized('GET', list),
    serverError('GET', list),
    {
      app: 'docs',
      method: 'GET',
      url: one,
      status: 200,
      why: 'a record of the docs dataset, as the contract shows it',
      verify: equalsExample(resource.example),
    },
    {
      app: 'docs',
      method: 'GET',
      url: `${list}/abc`,
      status: 400,
      error: 'invalid_param_type',
      description: 'The type of parameter id you provided is not valid for this request.',
      why: 'an id that is no number',
    },
    {
      app: 'docs',
      method: 'GET',
      url: `${list}/%ZZ`,
      auth: 'none',
      status: 400,
      error: 'bad_request',
      description: 'Bad Request',
      why: 'a broken escape',
    },
    {
      app: 'docs',
      method: 'GET',
      url: missing,
      status: 404,
      error: 'not_found',
      description: `The ${resource.words} with the id 999999 doesn't exist.`,
      why: 'an unknown id',
    },
    ...unauthorized('GET', one),
    serverError('GET', one),
  ];
  if (resource.docsReference !== null) {
    const byReference = `${list}/reference/${resource.docsReference.toUpperCase()}`;
    exchanges.push(
      { app: 'docs', method: 'GET', url: byReference, status: 200, why: 'a reference, in another case' },
      {
        app: 'docs',
        method: 'GET',
        url: `${list}/reference/%ZZ`,
        auth: 'none',
        status: 400,
        error: 'bad_request',
        description: 'Bad Request',
        why: 'a broken escape',
      },
      {
        app: 'docs',
        method: 'GET',
        url: `${list}/reference/none`,
        status: 404,
        error: 'not_found',
        description: `The ${resource.words} with the id none doesn't exist.`,
        why: 'an unknown reference',
      },
      ...unauthorized('GET', byReference),
      serverError('GET', byReference),
    );
  }
  return exchanges;
}

// --- images ----------------------------------------------------------------------------------

function imageExchanges(): Exchange[] {
  const docsLogo = '/entity1-1450169988465/photoCustomer/1471338230737_logo_color_272x92dp.png';
  const route = '/entity1-1450169988465/photoCustomer/x.png';
  const uploaded = (format: keyof typeof images, prefix = ''): Exchange => ({
    app: 'docs',
    method: 'GET',
    route,
    url: (context) => {
      const logo = new URL(String(context.last.logo));
      return logo.pathname.replace(/\/([^/]+)$/, `/${prefix}$1`);
    },
    auth: 'none',
    before: [
      {
        method: 'POST',
        url: `${V}/customers`,
        body: { kind: 'multipart', fields: { reference: 'PIC', name: 'Picture' }, files: [imagePart(format)] },
      },
    ],
    status: 200,
    why: `an uploaded ${format.toUpperCase()}${prefix ? `, ${prefix} variant` : ''}`,
  });
  const size = async (answer: Answer) => {
    const { width, height } = await sharp(answer.rawPayload).metadata();
    return [width, height];
  };
  return [
    { app: 'docs', method: 'GET', url: docsLogo, auth: 'none', status: 200, why: 'the docs logo, without a session' },
    {
      app: 'docs',
      method: 'GET',
      url: docsLogo.replace('/1471', '/small_1471'),
      auth: 'none',
      status: 200,
      why: 'the small variant',
      verify: async (answer) => expect(await size(answer)).toEqual([100, 34]),
    },
    {
      app: 'docs',
      method: 'GET',
      url: docsLogo.replace('/1471', '/medium_1471'),
      auth: 'none',
      status: 200,
      why: 'the medium variant, never enlarged',
      verify: async (answer) => expect(await size(answer)).toEqual([272, 92]),
    },
    { app: 'docs', method: 'GET', url: docsLogo, status: 200, why: 'the docs logo, with a session of its tenant' },
    ...(['png', 'jpeg', 'gif', 'bmp'] as const).map((format) => uploaded(format)),
    uploaded('bmp', 'small_'),
    uploaded('gif', 'medium_'),
    {
      app: 'docs',
      method: 'GET',
      url: docsLogo.replace('1471338230737', '1471338230738'),
      auth: 'none',
      status: 404,
      error: 'not_found',
      description: "The requested resource doesn't exist.",
      why: 'an unknown file',
    },
    {
      app: 'docs',
      method: 'GET',
      url: docsLogo.replace('entity1-1450169988465', 'entity2-1450169988465'),
      auth: 'none',
      status: 404,
      error: 'not_found',
      why: 'an unknown upload directory',
    },
    {
      app: 'demo',
      method: 'GET',
      url: docsLogo,
      status: 404,
      error: 'not_found',
      why: "another organization's directory, with a session",
    },
  ];
}

// --- the examples the document offers --------------------------------------------------------

/** The examples' origin; requests made with inject call http://localhost:80. */
const EXAMPLE_ORIGIN = 'http://127.0.0.1:3000';

/** A check that the answer is the named example of the document (its origin aside). */
function equalsExample(name: string, ignore: readonly string[] = []) {
  return (answer: Answer) => {
    const drop = (value: unknown) => {
      if (!isObject(value)) return value;
      return Object.fromEntries(Object.entries(value).filter(([key]) => !ignore.includes(key)));
    };
    const actual = JSON.parse(answer.body.replaceAll('http://localhost:80/', `${EXAMPLE_ORIGIN}/`)) as unknown;
    expect(drop(actual)).toEqual(drop(exampleValue(name)));
  };
}

function exampleValue(name: string): unknown {
  const examples = objectAt(objectAt(raw.components, 'components').examples, 'examples');
  return objectAt(resolveLocal(raw, examples[name]), name).value;
}

/** Each request body example of an operation, in each media type, sent as it stands. */
function documentedWrites(method: Method, url: string, status: number): Exchange[] {
  const [op] = operationOfUrl(method, url);
  if (!op?.operation.requestBody) return [];
  const requestBody = objectAt(resolveLocal(raw, op.operation.requestBody), `${opKey(op)} requestBody`);
  const exchanges: Exchange[] = [];
  for (const [mediaType, media] of entriesOf(requestBody.content)) {
    for (const [name, example] of entriesOf(media.examples)) {
      const fields = objectAt(objectAt(resolveLocal(raw, example), name).value, name) as Record<string, string>;
      const kind = mediaType === 'multipart/form-data' ? 'multipart' : 'form';
      // The create sample's parameters give the create sample's answer (its times aside).
      const sample = op.operation.operationId === 'createCustomer' && name === 'vendorSample' && kind === 'form';
      exchanges.push({
        app: 'docs',
        method,
        url,
        body: { kind, fields },
        status,
        documented: true,
        why: `the example "${name}" as ${mediaType}`,
        ...(sample ? { verify: equalsExample('CreatedCustomer', ['dateCreated', 'lastUpdated']) } : {}),
      });
      if (kind === 'multipart' && url.includes('/customers')) {
        exchanges.push({
          app: 'docs',
          method,
          url,
          body: { kind, fields, files: [imagePart('png')] },
          status,
          documented: true,
          why: `the example "${name}" as ${mediaType}, with an image`,
        });
      }
    }
  }
  return exchanges;
}

/**
 * Each GET the document's parameter examples make: every parameter that has one at its first
 * example, then each further example in turn. They must answer the operation's success.
 */
function documentedParameters(): Exchange[] {
  const exchanges: Exchange[] = [];
  for (const op of declaredOperations) {
    if (op.method !== 'GET') continue;
    const parameters = [
      ...(Array.isArray(objectAt(objectAt(raw.paths, 'paths')[op.path], op.path).parameters)
        ? (objectAt(objectAt(raw.paths, 'paths')[op.path], op.path).parameters as unknown[])
        : []),
      ...(Array.isArray(op.operation.parameters) ? op.operation.parameters : []),
    ].map((parameter) => objectAt(resolveLocal(raw, parameter), 'parameter'));
    const examplesOf = (parameter: JsonObject): string[] => {
      if ('example' in parameter) return [String(parameter.example)];
      return entriesOf(parameter.examples).map(([name, example]) =>
        String(objectAt(resolveLocal(raw, example), name).value),
      );
    };
    const withExamples = parameters.filter((parameter) => examplesOf(parameter).length > 0);
    if (withExamples.length === 0) continue;
    if (parameters.some((parameter) => parameter.in === 'path' && examplesOf(parameter).length === 0)) continue;
    const success = Object.keys(objectAt(op.operation.responses, 'responses')).find((status) => /^[23]/.test(status));
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
    const first = new Map(withExamples.map((parameter) => [parameter, examplesOf(parameter)[0] ?? '']));
    const urls = new Set([build(first)]);
    for (const parameter of withExamples) {
      for (const value of examplesOf(parameter).slice(1)) urls.add(build(new Map([...first, [parameter, value]])));
    }
    const isLogin = op.path === '/j_spring_security_check';
    for (const url of urls) {
      exchanges.push({
        app: 'docs',
        method: 'GET',
        url,
        auth: op.operation.security === undefined ? 'cookie' : 'none',
        status: Number(success),
        documented: true,
        why: 'the parameter examples',
        ...(isLogin ? { verify: (answer: Answer) => expect(answer.headers.location).toBe('/login/ajaxSuccess') } : {}),
      });
    }
  }
  return exchanges;
}

// ---------------------------------------------------------------------------------------------

const exchanges: Exchange[] = [
  ...loginExchanges(),
  ...customerListExchanges(),
  ...customerWriteExchanges(),
  ...customerReadAndDeleteExchanges(),
  ...LINKED.flatMap(linkedExchanges),
  ...imageExchanges(),
  ...documentedParameters(),
];

// Each exchange goes to the one operation its method and URL fit.
const { byOperation: exchangesByOperation, strays: strayExchanges } = sortToOperations(
  exchanges,
  (exchange) => ({
    method: exchange.method,
    url: typeof exchange.url === 'string' ? exchange.url : (exchange.route ?? ''),
  }),
  operationOfUrl,
);

// ---------------------------------------------------------------------------------------------

describe('openapi/valomnia.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    await expectValidDocument('valomnia');
  });

  it('is served as written at /openapi/valomnia.yaml', async () => {
    await expectServedAsWritten('valomnia');
  });

  it('declares exactly the routes the Valomnia plugin registers, each under /api/v1.0/ and /api/v1/', async () => {
    const routes: string[] = [];
    const twins: string[] = [];
    for (const { method, url } of await registeredRoutes('valomnia')) {
      // Path parameters are not on the wire: only their places are compared.
      const path = url.replace(/:\w+/g, '{}');
      if (path.startsWith('/api/v1/')) twins.push(`${method} ${declaredUrlOf(path)}`);
      else routes.push(`${method} ${path}`);
    }
    const declared = declaredOperations.map((op) => `${op.method} ${op.path.replace(/\{\w+\}/g, '{}')}`);
    expect(new Set(declared).size).toBe(declared.length);
    expect(routes.length).toBeGreaterThan(0);
    expect([...routes].sort()).toEqual([...declared].sort());
    expect([...twins].sort()).toEqual(declared.filter((op) => op.includes(' /api/v1.0/')).sort());
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
    expect(examples.length).toBeGreaterThan(40);
  });

  it('lists every sort field the lists take, and only those', async () => {
    const { app } = await sandbox({ dataset: 'demo', seed: 3, records: 10 });
    const session = await login(app, 'sorting@example.com');
    const problems: string[] = [];
    for (const op of declaredOperations) {
      const parameters = Array.isArray(op.operation.parameters) ? op.operation.parameters : [];
      const sort = parameters
        .map((parameter) => objectAt(resolveLocal(raw, parameter), 'parameter'))
        .find((parameter) => parameter.name === 'sort');
      if (!sort) continue;
      const fields = objectAt(sort.schema, 'schema').enum as string[];
      for (const field of fields) {
        for (const order of ['asc', 'desc']) {
          const answer = await app.inject({
            url: `${op.path}?sort=${field}&order=${order}`,
            headers: { cookie: session },
          });
          if (answer.statusCode !== 200) problems.push(`${op.path} sort=${field}: ${answer.statusCode} ${answer.body}`);
        }
      }
      const answer = await app.inject({ url: `${op.path}?sort=organization`, headers: { cookie: session } });
      if (answer.statusCode !== 400) problems.push(`${op.path} sort=organization: ${answer.statusCode}`);
    }
    await app.close();
    expect(problems).toEqual([]);
  });
});

/** A session's Cookie header value. */
async function login(app: FastifyInstance, username: string): Promise<string> {
  return (await valomniaLogin(app, username)).cookie;
}

describe('answers fit the contract', () => {
  const sandboxes = {} as Record<AppName, Sandbox>;
  const covered = new Set<string>();

  beforeAll(async () => {
    sandboxes.docs = await sandbox({});
    sandboxes.empty = await sandbox({ dataset: 'empty' });
    sandboxes.demo = await sandbox({ dataset: 'demo', seed: 7, records: 120 });
    // One tenant (the docs login's), holding as many customers as it may already.
    sandboxes.limited = await sandbox({ bodyLimit: BODY_LIMIT, maxTenants: 1, maxRecordsPerTenant: 1 });
    await login(sandboxes.limited.app, DOCS_LOGIN);
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
        const shown = typeof exchange.url === 'string' ? exchange.url : (exchange.route ?? '');
        it(`${exchange.status}: ${exchange.why} (${exchange.method} ${shown.slice(0, 90)})`, async () => {
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

const asAnswer = (response: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  rawPayload: Buffer;
}): Answer => ({
  statusCode: response.statusCode,
  headers: response.headers,
  body: response.body,
  rawPayload: response.rawPayload,
});

async function run(box: Sandbox, exchange: Exchange, op: SpecOperation): Promise<Answer> {
  const { app, store } = box;
  const username = exchange.login ?? freshLogin('x');
  const auth = exchange.auth ?? 'cookie';
  const needsSession = auth !== 'none' && auth !== 'forged' && auth !== 'forgedBearer';
  const session = needsSession || exchange.before || exchange.prepare ? await login(app, username) : null;
  const inject = async (method: Method, url: string, headers: Record<string, string>, body?: Body) => {
    const encoded = body ? encodeBody(body) : undefined;
    const response = await app.inject({
      method,
      url,
      headers: { ...headers, ...(encoded ? { 'content-type': encoded.contentType } : {}) },
      ...(encoded ? { payload: encoded.payload } : {}),
    });
    return asAnswer(response);
  };
  const context: Context = {
    sandbox: box,
    login: username,
    cookie: session,
    last: {},
    send: (method, url, body) => inject(method, url, session ? { cookie: session } : {}, body),
  };
  for (const step of exchange.before ?? []) {
    const answer = await context.send(step.method, step.url, step.body);
    expect(answer.statusCode, `before: ${step.method} ${step.url}: ${answer.body}`).toBeLessThan(400);
    context.last = answer.body ? (JSON.parse(answer.body) as JsonObject) : {};
  }
  exchange.prepare?.(context);

  const headers: Record<string, string> = {};
  const token = session?.slice('JSESSIONID='.length) ?? '';
  switch (auth) {
    case 'cookie':
      headers.cookie = session ?? '';
      break;
    case 'bearer':
      headers.authorization = `Bearer ${token}`;
      break;
    case 'both':
      headers.cookie = session ?? '';
      headers.authorization = `Bearer ${FORGED_ID}`;
      break;
    case 'forged':
      headers.cookie = `JSESSIONID=${FORGED_ID}`;
      break;
    case 'forgedBearer':
      headers.authorization = `Bearer ${FORGED_ID}`;
      break;
    case 'loggedOut':
      headers.cookie = session ?? '';
      expect((await inject('POST', '/logout', headers)).statusCode).toBe(302);
      break;
    case 'expired': {
      headers.cookie = session ?? '';
      await advanceClock(app, username.toLowerCase(), 30 * 60 + 1);
      break;
    }
    case 'none':
      break;
  }

  const url = typeof exchange.url === 'string' ? exchange.url : exchange.url(context);
  const [target] = operationOfUrl(exchange.method, url);
  expect(target && opKey(target), `${url} goes to the exchange's operation`).toBe(opKey(op));
  if (exchange.documented && exchange.body) expect(checkRequest(op, exchange.body), 'the request itself').toEqual([]);

  // A failure the request cannot cause: the session lookup throws, inside the vendor's routes.
  const fault = exchange.fault
    ? vi.spyOn(store, 'find').mockImplementationOnce(() => {
        throw new Error('injected by the contract test');
      })
    : undefined;
  let answer: Answer;
  try {
    answer = await inject(exchange.method, url, headers, exchange.body);
  } finally {
    fault?.mockRestore();
  }

  expect(answer.statusCode, answer.body.slice(0, 300)).toBe(exchange.status);
  expect(checkAnswer(op, answer)).toEqual([]);
  if (exchange.error !== undefined || exchange.description !== undefined) {
    const body = JSON.parse(answer.body) as { error?: string; error_description?: string };
    if (exchange.error !== undefined) expect(body.error).toBe(exchange.error);
    if (exchange.description !== undefined) expect(body.error_description).toBe(exchange.description);
  }
  await exchange.verify?.(answer, context);
  return answer;
}
