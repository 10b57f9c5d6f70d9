import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TenantStore } from '../src/core/store.js';
import type { ValomniaData } from '../src/vendors/valomnia/model.js';
import { basic, testSandbox } from './helpers/app.js';
import { MULTIPART_TYPE, multipart, type Part } from './helpers/multipart.js';
import {
  type ContractVendor,
  entriesOf,
  isObject,
  loadSpec,
  mediaTypeOf,
  objectAt,
  operationsOf,
  opKey,
  resolveLocal,
  type SpecOperation,
} from './helpers/openapi.js';
import { DOCS_LOGIN, valomniaLogin } from './helpers/valomnia.js';

/**
 * Every error example of the three contracts (each example of each 4xx and 5xx response of each
 * operation) is what the sandbox sends, byte for byte: the docs page shows these examples instead
 * of the ones Swagger UI would make up from the schemas, so each is triggered against the app, at
 * that operation, and the answer must have the example's status, media type and exact body. An
 * XML or text example is the body as it stands; a JSON example is the body `JSON.stringify` writes
 * of it (the sandbox sends compact JSON; the page shows it indented).
 *
 * Each example is triggered by the request of its response component and name below; an example
 * without one fails, so a new example needs its request too.
 */

/** One error example: where the contract declares it and the bytes it claims the sandbox sends. */
interface WireExample {
  op: SpecOperation;
  status: number;
  /** The name of the response under components/responses. */
  response: string;
  mediaType: string;
  name: string;
  wire: string;
}

function errorResponsesOf(vendor: ContractVendor): { examples: WireExample[]; bare: string[] } {
  const raw = loadSpec(vendor);
  const examples: WireExample[] = [];
  const bare: string[] = [];
  for (const op of operationsOf(raw)) {
    for (const [status, declared] of Object.entries(objectAt(op.operation.responses, 'responses'))) {
      if (Number(status) < 400) continue;
      const ref = isObject(declared) && typeof declared.$ref === 'string' ? declared.$ref : '';
      const response = ref.split('/').pop() ?? '';
      const where = `${opKey(op)} ${status}`;
      if (response === '') bare.push(`${where}: not a components/responses $ref`);
      for (const [mediaType, media] of entriesOf(objectAt(resolveLocal(raw, declared), where).content)) {
        const named = entriesOf(media.examples);
        if (named.length === 0) bare.push(`${where} ${mediaType}: no examples`);
        for (const [name, example] of named) {
          const value = objectAt(resolveLocal(raw, example), name).value;
          const wire = typeof value === 'string' ? value : JSON.stringify(value);
          examples.push({ op, status: Number(status), response, mediaType, name, wire });
        }
      }
    }
  }
  return { examples, bare };
}

// ---------------------------------------------------------------------------------------------
// Triggering an answer

type AppName = 'docs' | 'limited';
/** Bodies past this many bytes get a 413 from the "limited" app. */
const BODY_LIMIT = 1024;

interface Sandbox {
  app: FastifyInstance;
  store: TenantStore;
}

/** Whose credential a request carries: a tenant of its own, none, or the limited app's one tenant. */
type As = 'fresh' | 'none' | 'limited';

interface Context {
  sandbox: Sandbox;
  credential: string;
  headers: Record<string, string>;
}

interface Body {
  type?: string;
  payload: string | Buffer;
}

/** The request that makes an operation answer one example. */
interface Trigger {
  /** The limited app (small bodies, one tenant holding one record) instead of the docs one. */
  app?: AppName;
  /** 'fresh' unless given. */
  as?: As;
  /** Path parameters, where the vendor's defaults will not do. */
  path?: Record<string, string>;
  query?: string;
  headers?: Record<string, string>;
  body?: Body;
  /** Set the tenant up first, with the request's credential. */
  before?: (context: Context) => Promise<void> | void;
  /** Makes the store throw once, as a bug would. */
  fault?: 'find' | 'open';
}

interface VendorWire {
  vendor: ContractVendor;
  /** The credential the limited app's one tenant belongs to. */
  limited: string;
  /** A credential for a tenant of its own. */
  fresh: () => string;
  /** The headers that authenticate as a credential (logging it in when the vendor needs that). */
  authenticate: (app: FastifyInstance, credential: string) => Promise<Record<string, string>>;
  /** A path parameter's value when the trigger gives none: a record of the docs dataset. */
  pathValue: (op: SpecOperation, name: string) => string;
  /** By "<response>/<example name>". */
  triggers: Record<string, (op: SpecOperation, example: WireExample) => Trigger>;
}

async function send(sandboxes: Record<AppName, Sandbox>, wire: VendorWire, example: WireExample) {
  const make = wire.triggers[`${example.response}/${example.name}`];
  if (!make) throw new Error(`no trigger for ${example.response}/${example.name}: add one`);
  const trigger = make(example.op, example);
  const sandbox = sandboxes[trigger.app ?? 'docs'];
  const as = trigger.as ?? 'fresh';
  const credential = as === 'limited' ? wire.limited : wire.fresh();
  const headers = as === 'none' ? {} : await wire.authenticate(sandbox.app, credential);
  await trigger.before?.({ sandbox, credential, headers });
  const path = example.op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    trigger.path?.[name] !== undefined ? trigger.path[name] : wire.pathValue(example.op, name),
  );
  const fault = trigger.fault
    ? vi.spyOn(sandbox.store, trigger.fault).mockImplementationOnce(() => {
        throw new Error('injected by the wire examples test');
      })
    : undefined;
  try {
    return await sandbox.app.inject({
      method: example.op.method as 'GET',
      url: trigger.query ? `${path}?${trigger.query}` : path,
      headers: {
        ...headers,
        ...(trigger.body?.type ? { 'content-type': trigger.body.type } : {}),
        ...trigger.headers,
      },
      ...(trigger.body ? { payload: trigger.body.payload } : {}),
    });
  } finally {
    fault?.mockRestore();
  }
}

function describeVendor(wire: VendorWire, setUp: (sandboxes: Record<AppName, Sandbox>) => Promise<void>): void {
  const { examples, bare } = errorResponsesOf(wire.vendor);
  describe(`openapi/${wire.vendor}.yaml: error examples are the wire`, () => {
    const sandboxes = {} as Record<AppName, Sandbox>;
    beforeAll(async () => {
      sandboxes.docs = await testSandbox({ maxTenants: 1000 });
      sandboxes.limited = await testSandbox({ bodyLimit: BODY_LIMIT, maxTenants: 1, maxRecordsPerTenant: 1 });
      await setUp(sandboxes);
    });
    afterAll(async () => {
      await Promise.all(Object.values(sandboxes).map(({ app }) => app.close()));
    });

    it('gives every error response an example for each of its media types', () => {
      expect(bare).toEqual([]);
      expect(examples.length).toBeGreaterThan(20);
    });

    for (const example of examples) {
      it(`${opKey(example.op)} ${example.status} ${example.response}/${example.name}`, async () => {
        const answer = await send(sandboxes, wire, example);
        expect(answer.statusCode, answer.body.slice(0, 300)).toBe(example.status);
        expect(mediaTypeOf(answer.headers['content-type'] as string)).toBe(example.mediaType);
        expect(answer.body).toBe(example.wire);
      });
    }
  });
}

// What an example's "… with the id N doesn't exist" names (an id or a reference), for every path parameter.
const namedIn = (example: WireExample) =>
  /with the id (\S+) doesn't exist/.exec(JSON.parse(example.wire).error_description ?? '')?.[1] ?? '';
const everyParameter = (op: SpecOperation, value: string) =>
  Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, value]));

// ---------------------------------------------------------------------------------------------
// Imonggo

let imonggoTokens = 0;
const IMONGGO_LIMITED = 'wire-limited';

const imonggoBody = (op: SpecOperation, fields: string | Record<string, string>): Body => {
  const xml = /\.xml$/.test(op.path);
  const element = op.path.includes('suppliers') ? 'supplier' : 'customer';
  if (typeof fields === 'string') return { type: xml ? 'application/xml' : 'application/json', payload: fields };
  const payload = xml
    ? `<${element}>${Object.entries(fields)
        .map(([name, value]) => `<${name}>${value}</${name}>`)
        .join('')}</${element}>`
    : JSON.stringify({ [element]: fields });
  return { type: xml ? 'application/xml' : 'application/json', payload };
};

const IMONGGO: VendorWire = {
  vendor: 'imonggo',
  limited: IMONGGO_LIMITED,
  fresh: () => `wire-token-${++imonggoTokens}`,
  authenticate: async (_app, token) => ({ authorization: basic(token) }),
  pathValue: (op) => (op.path.includes('suppliers') ? '22259' : '11'),
  triggers: {
    'AccessDenied/accessDenied': () => ({ as: 'none' }),
    'BadRequestXml/brokenPath': () => ({ path: { id: '%ZZ' } }),
    'BadRequestJson/brokenPath': () => ({ path: { id: '%ZZ' } }),
    // The token API answers 404 to a login without its parameters.
    'NotFoundXml/notFound': () => ({ path: { id: '999999' } }),
    'NotFoundJson/notFound': () => ({ path: { id: '999999' } }),
    'PayloadTooLargeXml/tooLarge': (op) => ({ app: 'limited', as: 'limited', body: imonggoBody(op, 'x'.repeat(3000)) }),
    'PayloadTooLargeJson/tooLarge': (op) => ({
      app: 'limited',
      as: 'limited',
      body: imonggoBody(op, 'x'.repeat(3000)),
    }),
    'ValidationFailedXml/blankName': (op) => ({ body: imonggoBody(op, { name: '' }) }),
    'ValidationFailedJson/blankName': (op) => ({ body: imonggoBody(op, { name: '' }) }),
    'ServerErrorXml/malformedBody': (op) => ({ body: imonggoBody(op, '<customer><name>Broken</customer>') }),
    'ServerErrorJson/malformedBody': (op) => ({ body: imonggoBody(op, '{"customer": {"name": "Broken"') }),
    'ServiceUnavailableXml/full': () => ({ app: 'limited' }),
    'ServiceUnavailableJson/full': () => ({ app: 'limited' }),
  },
};

describeVendor(IMONGGO, async ({ limited }) => {
  const first = await limited.app.inject({
    url: '/api/customers.xml',
    headers: { authorization: basic(IMONGGO_LIMITED) },
  });
  expect(first.statusCode).toBe(200);
});

// ---------------------------------------------------------------------------------------------
// Valomnia

let valomniaLogins = 0;
const V = '/api/v1.0';
const CUSTOMERS = `${V}/customers`;

const form = (fields: Record<string, string>): Body => ({
  type: 'application/x-www-form-urlencoded',
  payload: new URLSearchParams(fields).toString(),
});
const multipartBody = (parts: Part[]): Body => ({ type: MULTIPART_TYPE, payload: multipart(parts) });
const BROKEN_MULTIPART: Body = {
  type: MULTIPART_TYPE,
  payload: `--${MULTIPART_TYPE.split('boundary=')[1]}\r\nContent-Disposition: form-data; name="reference"\r\n\r\nNC-CUT`,
};
const BIG_FORM = form({ reference: 'NC-BIG', name: 'Big', comment: 'x'.repeat(2 * BODY_LIMIT) });

// A create needs a reference and a name beside the field under test; an update or upsert does not.
const writeFields = (op: SpecOperation, fields: Record<string, string>) =>
  op.path === CUSTOMERS ? { reference: 'NC-WIRE', name: 'Wire', ...fields } : fields;
const write = (fields: Record<string, string>) => (op: SpecOperation) => ({ body: form(writeFields(op, fields)) });
const withImage = (bytes: Buffer) => (op: SpecOperation) => ({
  body: multipartBody([...Object.entries(writeFields(op, {})), ['imageFile', bytes, 'logo.png', 'image/png'] as Part]),
});
/** A customer of the session's tenant besides 256, made first. */
const another =
  (fields: Record<string, string>) =>
  async ({ sandbox, headers }: Context) => {
    const { type, payload } = form(fields);
    const made = await sandbox.app.inject({
      method: 'POST',
      url: CUSTOMERS,
      headers: { ...headers, 'content-type': type ?? '' },
      payload,
    });
    expect(made.statusCode, made.body).toBe(201);
  };

let png: Buffer;

const valomniaWrites = {
  // The upsert takes its reference from the path only.
  missingReference: (op: SpecOperation) =>
    op.path.endsWith('{reference}')
      ? { path: { reference: '%20' }, body: form({ name: 'Wire' }) }
      : write({ reference: ' ' })(op),
  missingDueDateNumber: write({ dueDateConfigType: '1', dueDateConfigNumber: '' }),
  notUnique: (op: SpecOperation) => ({
    ...write({ reference: 'NC-TAKEN' })(op),
    before: another({ reference: 'NC-TAKEN', name: 'Taken' }),
  }),
  badPaymentTypeId: write({ paymentTypes: '[{"id"=cash}]' }),
  badBoolean: write({ isActive: 'maybe' }),
  tooLong: write({ name: 'x'.repeat(256) }),
  imageTooLarge: withImage(Buffer.alloc(2 * 1024 * 1024 + 1)),
  imageUnsupported: withImage(Buffer.from('not an image at all')),
  brokenBody: () => ({ body: BROKEN_MULTIPART }),
  badId: () => ({ path: { id: 'abc' }, body: form({ name: 'Wire' }) }),
};
const valomniaLinks = {
  category: write({ categoryId: '9' }),
  paymentType: write({ paymentTypes: '[{"id"=7},{"id"=999}]' }),
  parent: write({ parentCustomer: '188911' }),
  // Customer 256 is the one the path names (by id or by its reference NC-3).
  selfParent: write({ parentCustomer: '256' }),
  unknownCurrency: write({ currency: 'GmBP' }),
  unconfiguredCurrency: write({ currency: 'GBP' }),
};
const prefixed = (response: string, triggers: Record<string, (op: SpecOperation) => Trigger>) =>
  Object.fromEntries(Object.entries(triggers).map(([name, trigger]) => [`${response}/${name}`, trigger]));
const withChild = another({ reference: 'CHILD', name: 'Child', isSubCustomer: 'true', parentCustomer: '256' });

const VALOMNIA: VendorWire = {
  vendor: 'valomnia',
  limited: DOCS_LOGIN,
  fresh: () => `wire-${++valomniaLogins}@example.com`,
  authenticate: async (app, login) => ({ cookie: (await valomniaLogin(app, login)).cookie }),
  pathValue: (_op, name) =>
    ({ id: '256', reference: 'NC-3', uploadDirectory: 'entity1-1450169988465', fileName: 'none.png' })[name] ?? '',
  triggers: {
    'Unauthorized/unauthorized': () => ({ as: 'none' }),
    'ServiceUnavailable/full': () => ({
      app: 'limited',
      as: 'none',
      query: 'j_username=no-room%40example.com&j_password=secret&ajax=true',
    }),
    'BrokenBody/brokenBody': () => ({ as: 'none', body: BROKEN_MULTIPART }),
    'PayloadTooLarge/tooLarge': () => ({ app: 'limited', as: 'limited', body: BIG_FORM }),
    'ServerError/oops': () => ({ fault: 'find' }),
    'ListBadRequest/unknownParameter': () => ({ query: 'dateCreated_gta=2016-08-15T14:52:48Z' }),
    'ListBadRequest/badDate': () => ({ query: 'dateCreated_gt=2016-08-1Z' }),
    'ListBadRequest/badMax': () => ({ query: 'max=ten' }),
    'ListBadRequest/unknownSort': () => ({ query: 'sort=size' }),
    'IdBadRequest/badId': () => ({ path: { id: 'abc' } }),
    'IdBadRequest/brokenPath': () => ({ path: { id: '%ZZ' } }),
    'BrokenPath/brokenPath': () => ({ path: { reference: '%ZZ' } }),
    ...prefixed('WriteBadRequest', valomniaWrites),
    ...prefixed('UpsertBadRequest', valomniaWrites),
    ...prefixed('IdWriteBadRequest', valomniaWrites),
    ...prefixed('LinkNotFound', valomniaLinks),
    ...prefixed('CreateLinkNotFound', valomniaLinks),
    ...prefixed('CustomerOrLinkNotFound', valomniaLinks),
    'IdDeleteBadRequest/badId': () => ({ path: { id: 'abc' } }),
    'IdDeleteBadRequest/parent': () => ({ before: withChild }),
    'DeleteBadRequest/parent': () => ({ before: withChild }),
    'NoRoom/full': (op) => ({
      app: 'limited',
      as: 'limited',
      path: { reference: 'NC-FULL' },
      ...write({ reference: 'NC-FULL', name: 'Full' })(op),
    }),
    'ImageQuotaFull/full': (op) => ({
      ...withImage(png)(op),
      before: ({ sandbox, credential }) => {
        const data = sandbox.store.find('valomnia', credential)?.data as ValomniaData;
        data.images.push({
          fileName: '1_filler.png',
          folder: 'photoCustomer',
          contentType: 'image/png',
          original: Buffer.alloc(64 * 1024 * 1024 - 1000),
          small: Buffer.alloc(0),
          medium: Buffer.alloc(0),
        });
      },
    }),
    'ImageNotFound/unknown': () => ({}),
    // Every "… with the id N doesn't exist" names what its path must carry.
    ...Object.fromEntries(
      [
        'CustomerNotFound',
        'CustomerReferenceNotFound',
        'CustomerCategoryNotFound',
        'CustomerSegmentationNotFound',
        'PaymentTypeNotFound',
        'RegionNotFound',
        'UserNotFound',
        'EmployeeNotFound',
      ].map((response) => [
        `${response}/unknown`,
        (op: SpecOperation, example: WireExample) => ({ path: everyParameter(op, namedIn(example)) }),
      ]),
    ),
    'CustomerOrLinkNotFound/unknown': (op, example) => ({
      path: everyParameter(op, namedIn(example)),
      body: form({ name: 'Nobody' }),
    }),
  },
};

describeVendor(VALOMNIA, async ({ limited }) => {
  png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#c0392b' } })
    .png()
    .toBuffer();
  // The limited app's one tenant, which already holds more records than it may.
  await valomniaLogin(limited.app, DOCS_LOGIN);
});

// ---------------------------------------------------------------------------------------------
// MYPOS Connect

let myposUsers = 0;
const MYPOS_LIMITED = 'limited@example.com';
/** The vendor's sample customer in the docs dataset, and one with sales. */
const SAMPLE = { customerId: 'ef1b97c9-4c4e-4f76-9bf5-ce909e7539c0', customerCode: '1000070' };
const WITH_SALES = '1000001';

const json = (value: unknown): Body => ({ type: 'application/json', payload: JSON.stringify(value) });
const forbid =
  (right: 'read' | 'write' | 'delete', body?: Body): ((op: SpecOperation) => Trigger) =>
  () => ({
    ...(body ? { body } : {}),
    before: async ({ sandbox, credential }) => {
      const url = `/__admin/tenants/myposconnect/${encodeURIComponent(credential)}/permissions`;
      const answer = await sandbox.app.inject({ method: 'PUT', url, payload: { [right]: false } });
      expect(answer.statusCode, answer.body).toBe(200);
    },
  });
/** The token endpoint's Authorization header, instead of the user's bearer token. */
const tokenAuth = (authorization: string) => ({ as: 'none' as const, headers: { authorization } });
const BIG_JSON: Body = { type: 'application/json', payload: JSON.stringify({ notes: 'x'.repeat(2 * BODY_LIMIT) }) };

const MYPOS: VendorWire = {
  vendor: 'myposconnect',
  limited: MYPOS_LIMITED,
  fresh: () => `wire-${++myposUsers}@example.com`,
  authenticate: async (app, email) => {
    const answer = await app.inject({
      method: 'POST',
      url: '/api/v2/auth/token',
      headers: { authorization: basic(email, 'secret') },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    return { authorization: `Bearer ${answer.json<{ bearerToken: string }>().bearerToken}` };
  },
  pathValue: () => SAMPLE.customerCode,
  triggers: {
    'TokenRefused/noCredentials': () => ({ as: 'none' }),
    'TokenRefused/unreadable': () => tokenAuth('Basic !!!'),
    'TokenRefused/blank': () => tokenAuth(basic(' ', 'secret')),
    'TokenRefused/tooLong': () => tokenAuth(basic(`${'x'.repeat(245)}@example.com`, 'secret')),
    'TokenRefused/dailyLimit': () => ({
      ...tokenAuth(basic('daily@example.com', 'secret')),
      before: async ({ sandbox }) => {
        // Frozen at midday, so the 250 tokens fall on one UTC day of the tenant's clock.
        const clock = `/__admin/tenants/myposconnect/daily%40example.com/clock/freeze`;
        await sandbox.app.inject({ method: 'POST', url: clock, payload: { at: '2024-03-01T12:00:00.000Z' } });
        for (let n = 0; n < 250; n += 1) {
          const answer = await sandbox.app.inject({
            method: 'POST',
            url: '/api/v2/auth/token',
            headers: { authorization: basic('daily@example.com', 'secret') },
          });
          expect(answer.statusCode).toBe(200);
        }
      },
    }),
    'PayloadTooLarge/tooLarge': (op) =>
      op.path.endsWith('/token')
        ? { app: 'limited', ...tokenAuth(basic(MYPOS_LIMITED, 'secret')), body: BIG_JSON }
        : { app: 'limited', as: 'limited', body: BIG_JSON },
    'ServerError/error': (op) =>
      op.path.endsWith('/token')
        ? { ...tokenAuth(basic('fault@example.com', 'secret')), fault: 'open' }
        : {
            fault: 'find',
            ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { body: json({ customerName: 'X' }) }),
          },
    'NoRoomForTenant/full': () => ({ app: 'limited', ...tokenAuth(basic('no-room@example.com', 'secret')) }),
    'NoRoomForRecord/full': () => ({ app: 'limited', as: 'limited', body: json({ customerName: 'No Room' }) }),
    'ListBadRequest/badPage': () => ({ query: 'liPage=0' }),
    'ListBadRequest/badSort': () => ({ query: 'sSortKey=balance' }),
    'ListBadRequest/badField': () => ({ query: 'sFieldList=customerCode,balance' }),
    'ListBadRequest/badDate': () => ({ query: 'filt_LastEditDateUTC_dt_min=yesterday' }),
    'Unauthorized/denied': () => ({ as: 'none' }),
    'ReadForbidden/forbidden': forbid('read'),
    'WriteForbidden/forbidden': forbid('write', json({ ...SAMPLE, customerName: 'X' })),
    'DeleteForbidden/forbidden': forbid('delete'),
    'CreateBadRequest/notAnObject': () => ({ body: json(['not', 'a', 'customer']) }),
    'CreateBadRequest/wrongType': () => ({ body: json({ customerName: 'X', creditLimit: 'lots' }) }),
    'CreateBadRequest/noName': () => ({ body: json({ emailAddress: 'nobody@example.com' }) }),
    'CreateBadRequest/tooLong': () => ({ body: json({ customerName: 'X', notes: 'x'.repeat(256) }) }),
    'ReplaceBadRequest/mismatch': () => ({ body: json({ customerName: 'No Ids' }) }),
    'ReplaceBadRequest/wrongType': () => ({ body: json({ ...SAMPLE, customerName: 'X', active: 'yes' }) }),
    'ReplaceBadRequest/brokenPath': () => ({ as: 'none', path: { identifier: '%ZZ' }, body: json(SAMPLE) }),
    'InvalidRequest/brokenPath': () => ({ as: 'none', path: { identifier: '%ZZ' } }),
    'CustomerNotFound/missing': () => ({ path: { identifier: '9999999' }, body: json({ customerName: 'X' }) }),
    'HasTransactions/inactive': () => ({ path: { identifier: WITH_SALES } }),
  },
};

describeVendor(MYPOS, async ({ limited }) => {
  // The limited app's one tenant, which already holds more records than it may.
  await MYPOS.authenticate(limited.app, MYPOS_LIMITED);
});
