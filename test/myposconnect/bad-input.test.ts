import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import {
  type Answer,
  bearer,
  call,
  clockNow,
  DOCS_GUID,
  expectFailure,
  expectMessage,
  freezeClock,
  fullList,
  JSON_TYPE,
  type Json,
  MYPOS_EMAIL,
  myposToken,
  resetTenant,
  send,
  setPermissions,
  takeToken,
} from '../helpers/mypos.js';

/**
 * MYPOS Connect's customer writes refused: bodies that are not JSON or not a customer object,
 * values of the wrong JSON type for every typed field, text over 255 characters, oversized bodies
 * (over a real socket). Each answers its exact body and changes nothing: the list, every customer
 * and the code sequence are as before. Then concurrent creates, and tenants kept apart.
 */

const NOT_AN_OBJECT = 'The request body must be a customer object.';
const FROZEN = '2031-07-08T09:10:11.250Z';

const TEXT_FIELDS = [
  'customerName',
  'firstName',
  'lastName',
  'address',
  'city',
  'region',
  'postalCode',
  'country',
  'phoneNumber',
  'faxNumber',
  'emailAddress',
  'webSite',
  'notes',
  'customerType',
  'rewardsNumber',
  'bankSortCode',
  'bankAccount',
  'bankAccountName',
  'cC_001',
  'cC_002',
  'cC_003',
  'cC_004',
  'cC_005',
  'cC_006',
  'cC_007',
  'cC_008',
  'cC_009',
  'cC_010',
];
const NUMBER_FIELDS = ['creditLimit', 'rewardsValue', 'discountPercent'];
const BOOLEAN_FIELDS = [
  'active',
  'rewardsCollector',
  'allowMailing',
  'allowDataShare',
  'correspondenceEmail',
  'correspondencePaper',
];

let app: FastifyInstance;
let auth: { authorization: string };

beforeAll(async () => {
  app = await testApp({ dataset: 'docs' });
});
afterAll(async () => {
  await app.close();
});

beforeEach(async () => {
  await resetTenant(app, MYPOS_EMAIL);
  await freezeClock(app, MYPOS_EMAIL, FROZEN);
  auth = await myposToken(app, MYPOS_EMAIL);
});

/** The tenant as a client can see it: the list and every customer in full. */
async function snapshot(target: FastifyInstance | string = app, as = auth): Promise<{ list: string; full: string[] }> {
  const list = await fullList(target, as);
  const full: string[] = [];
  for (const row of JSON.parse(list) as Json[]) {
    const res = await call(target, `/api/v2/customers/${row.customerCode}`, { headers: as });
    expect(res.status).toBe(200);
    full.push(res.text);
  }
  return { list, full };
}

/** Runs a refused write and checks it changed nothing, not even the next code. */
async function expectNothingChanged(write: () => Promise<Answer>, check: (res: Answer) => void): Promise<void> {
  const before = await snapshot();
  check(await write());
  expect(await snapshot()).toEqual(before);
  const probe = await send(app, auth, 'POST', '/api/v2/customers', { customerName: 'Probe' });
  expect(probe.status, probe.text).toBe(202);
  expect(JSON.parse(probe.text).customerCode).toBe('1000071');
}

function postRaw(body: string | Buffer, contentType = 'application/json'): Promise<Answer> {
  return call(app, '/api/v2/customers', {
    method: 'POST',
    headers: { ...auth, 'content-type': contentType },
    body,
  });
}

function putRaw(body: string | Buffer, code = '1000070'): Promise<Answer> {
  return call(app, `/api/v2/customers/${code}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body,
  });
}

/** The sample customer as GET shows it: a valid PUT body to spoil one field of. */
async function sample(): Promise<Json> {
  const res = await call(app, '/api/v2/customers/1000070', { headers: auth });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as Json;
}

describe('bodies that are not a customer object: 400, nothing changed', () => {
  const bodies: [string, string | Buffer][] = [
    ['malformed JSON', '{"customerName": "Broken"'],
    ['a trailing comma', '{"customerName": "Broken",}'],
    ['single quotes', "{'customerName': 'Broken'}"],
    ['not JSON at all', 'customerName=Broken'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['an array', '[{"customerName": "In An Array"}]'],
    ['an empty array', '[]'],
    ['a string', '"customerName"'],
    ['a number', '42'],
    ['a boolean', 'true'],
    ['null', 'null'],
    ['an empty body', ''],
    ['whitespace', '  \n '],
    ['a wrapper with no entry', '{"Customers": []}'],
    ['a wrapper with two entries', '{"Customers": [{"customerName": "One"}, {"customerName": "Two"}]}'],
    ['a wrapper holding an object', '{"Customers": {"customerName": "Not A List"}}'],
    ['a wrapper holding a string', '{"Customers": ["Not An Object"]}'],
    ['a wrapper holding null', '{"Customers": [null]}'],
    ['a wrapper of null', '{"Customers": null}'],
  ];

  it.each(bodies)('POST: %s', async (_name, body) => {
    await expectNothingChanged(
      () => postRaw(body),
      (res) => expectFailure(res, 400, NOT_AN_OBJECT),
    );
  });

  it.each(bodies.filter(([name]) => !name.startsWith('a wrapper')))('PUT: %s', async (_name, body) => {
    await expectNothingChanged(
      () => putRaw(body),
      (res) => expectFailure(res, 400, NOT_AN_OBJECT),
    );
  });

  it('POST without a Content-Type and with an empty body', async () => {
    await expectNothingChanged(
      () => call(app, '/api/v2/customers', { method: 'POST', headers: auth }),
      (res) => expectFailure(res, 400, NOT_AN_OBJECT),
    );
  });

  it('POST with text/plain malformed JSON', async () => {
    await expectNothingChanged(
      () => postRaw('{oops', 'text/plain'),
      (res) => expectFailure(res, 400, NOT_AN_OBJECT),
    );
  });
});

describe('values of the wrong JSON type: 400 naming the field, nothing changed', () => {
  const cases: [string, unknown, string][] = [];
  for (const field of TEXT_FIELDS) {
    cases.push([field, 5, 'string'], [field, true, 'string']);
  }
  cases.push(['customerName', { first: 'A' }, 'string'], ['notes', ['a', 'b'], 'string']);
  for (const field of NUMBER_FIELDS) {
    cases.push([field, '100', 'number'], [field, true, 'number'], [field, null, 'number'], [field, [1], 'number']);
  }
  // JSON's 1e400 parses to Infinity: no number a column can hold.
  cases.push(['creditLimit', '1e400', 'number']);
  for (const field of BOOLEAN_FIELDS) {
    cases.push([field, 'true', 'boolean'], [field, 1, 'boolean'], [field, 0, 'boolean'], [field, null, 'boolean']);
  }
  cases.push(
    ['priceBand', 1.5, 'whole number'],
    ['priceBand', '1', 'whole number'],
    ['priceBand', null, 'whole number'],
    ['priceBand', true, 'whole number'],
  );

  /** The JSON text of a body with one field set to `value` (1e400 written as the literal). */
  function withField(base: Json, field: string, value: unknown): string {
    if (value === '1e400') return JSON.stringify({ ...base, [field]: 0 }).replace(`"${field}":0`, `"${field}":1e400`);
    return JSON.stringify({ ...base, [field]: value });
  }

  it.each(cases)('POST %s = %j: must be a %s', async (field, value, kind) => {
    const base = field === 'customerName' ? {} : { customerName: 'Typed' };
    await expectNothingChanged(
      () => postRaw(withField(base, field, value)),
      (res) => expectFailure(res, 400, `The field ${field} must be a ${kind}.`),
    );
  });

  it.each(cases)('PUT %s = %j: must be a %s', async (field, value, kind) => {
    const base = await sample();
    await expectNothingChanged(
      () => putRaw(withField(base, field, value)),
      (res) => expectFailure(res, 400, `The field ${field} must be a ${kind}.`),
    );
  });

  it('inside the POST wrapper too', async () => {
    await expectNothingChanged(
      () => postRaw('{"Customers": [{"customerName": "Wrapped", "priceBand": 2.5}]}'),
      (res) => expectFailure(res, 400, 'The field priceBand must be a whole number.'),
    );
  });

  it('the values a field does take: null for text, whole and fractional numbers, negative ones, true/false', async () => {
    const res = await send(app, auth, 'POST', '/api/v2/customers', {
      customerName: 'Typed Right',
      notes: null,
      creditLimit: -12.75,
      rewardsValue: 0,
      discountPercent: 12.5,
      priceBand: -1,
      active: false,
      allowMailing: true,
    });
    expect(res.status, res.text).toBe(202);
    const stored = await call(app, '/api/v2/customers/1000071', { headers: auth });
    expect(JSON.parse(stored.text)).toMatchObject({
      notes: null,
      creditLimit: -12.75,
      discountPercent: 12.5,
      priceBand: -1,
      active: false,
      allowMailing: true,
    });
  });

  it('read-only and unknown fields of any type are ignored on POST', async () => {
    const res = await send(app, auth, 'POST', '/api/v2/customers', {
      customerName: 'Read Only',
      balance: 'lots',
      firstSaledate: 12,
      lastSaledate: true,
      creationDateUTC: 'yesterday',
      lastEditDateUTC: { when: 'now' },
      lastEditUser: 5,
      creationUser: false,
      lastEditDevice: [],
      creationDevice: null,
      customerId: 7,
      customerCode: true,
      somethingElse: 'x'.repeat(1000),
    });
    expect(res.status, res.text).toBe(202);
    const stored = JSON.parse((await call(app, '/api/v2/customers/1000071', { headers: auth })).text) as Json;
    expect(stored).toMatchObject({
      customerCode: '1000071',
      balance: 0,
      firstSaledate: null,
      lastSaledate: null,
      creationDateUTC: '2031-07-08T09:10:11.25',
      lastEditDateUTC: '2031-07-08T09:10:11.25',
      lastEditUser: 'API',
      creationUser: 'API',
      lastEditDevice: 'Web',
      creationDevice: 'Web',
    });
  });
});

describe('text over 255 characters: 400, nothing changed', () => {
  it.each(TEXT_FIELDS)('POST %s', async (field) => {
    const base = field === 'customerName' ? {} : { customerName: 'Long' };
    await expectNothingChanged(
      () => postRaw(JSON.stringify({ ...base, [field]: 'x'.repeat(256) })),
      (res) => expectFailure(res, 400, `The field ${field} is too long.`),
    );
  });

  it.each(TEXT_FIELDS)('PUT %s', async (field) => {
    const current = await sample();
    await expectNothingChanged(
      () => putRaw(JSON.stringify({ ...current, [field]: 'y'.repeat(256) })),
      (res) => expectFailure(res, 400, `The field ${field} is too long.`),
    );
  });

  it('255 characters are taken, counted in characters (not bytes)', async () => {
    const name = 'é'.repeat(255);
    const res = await send(app, auth, 'POST', '/api/v2/customers', { customerName: name, notes: 'n'.repeat(255) });
    expect(res.status, res.text).toBe(202);
    const stored = JSON.parse((await call(app, '/api/v2/customers/1000071', { headers: auth })).text) as Json;
    expect(stored.customerName).toBe(name);
  });
});

describe('a 10 MB body, over a real socket', () => {
  let server: FastifyInstance;
  let base: string;
  let token: string;

  beforeAll(async () => {
    server = await testApp({ dataset: 'docs' });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
    token = await takeToken(base, MYPOS_EMAIL);
  });
  afterAll(async () => {
    await server.close();
  });

  const tenMegabytes = () => JSON.stringify({ customerName: 'Huge', notes: 'x'.repeat(10 * 1024 * 1024) });

  it('POST and PUT: 413 with ASP.NET’s body; nothing changed; the process keeps serving', async () => {
    const before = await snapshot(base, bearer(token));
    for (const [method, path] of [
      ['POST', '/api/v2/customers'],
      ['PUT', '/api/v2/customers/1000070'],
    ] as const) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: tenMegabytes(),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toBe(JSON_TYPE);
      expect(await res.text()).toBe('{"Message":"The request is too large."}');
    }
    expect(await snapshot(base, bearer(token))).toEqual(before);
    const next = await send(base, bearer(token), 'POST', '/api/v2/customers', { customerName: 'After The Flood' });
    expect(next.status, next.text).toBe(202);
    expect(JSON.parse(next.text).customerCode).toBe('1000071');
  });

  it('without a token it is the 401, before the body is read', async () => {
    const res = await fetch(`${base}/api/v2/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tenMegabytes(),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('{"Message":"Authorization has been denied for this request."}');
    expect((await fetch(`${base}/api/v2/customers`, { headers: bearer(token) })).status).toBe(200);
  });
});

describe('concurrent creates', () => {
  it('50 POSTs at once: 50 distinct codes and GUIDs, the next 50 of the sequence, all listed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(app, auth, 'POST', '/api/v2/customers', { customerName: `Concurrent ${i}` }),
      ),
    );
    const echoes = answers.map((res) => {
      expect(res.status, res.text).toBe(202);
      return JSON.parse(res.text) as { customerCode: string; customerId: string; customerName: string };
    });
    const codes = echoes.map((echo) => echo.customerCode);
    expect(new Set(codes).size).toBe(50);
    expect(new Set(echoes.map((echo) => echo.customerId)).size).toBe(50);
    expect([...codes].sort()).toEqual(Array.from({ length: 50 }, (_, i) => String(1000071 + i)));
    const list = JSON.parse(await fullList(app, auth)) as Json[];
    expect(list).toHaveLength(56);
    for (const echo of echoes) {
      const row = list.find((r) => r.customerCode === echo.customerCode);
      expect(row).toMatchObject({ customerId: echo.customerId, customerName: echo.customerName });
    }
  });

  it('50 tokens and 50 POSTs across five tenants at once: each tenant counts its own sequence', async () => {
    const emails = Array.from({ length: 5 }, (_, i) => `concurrent.${i}@example.com`);
    for (const email of emails) await resetTenant(app, email);
    const tokens = await Promise.all(emails.map((email) => myposToken(app, email)));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(app, tokens[i % 5] ?? auth, 'POST', '/api/v2/customers', { customerName: `Tenant ${i % 5} #${i}` }),
      ),
    );
    for (const res of answers) expect(res.status).toBe(202);
    for (const [t, as] of tokens.entries()) {
      const list = JSON.parse(await fullList(app, as)) as Json[];
      expect(list).toHaveLength(16);
      expect(list.filter((row) => String(row.customerName).startsWith(`Tenant ${t} `))).toHaveLength(10);
      expect(list.some((row) => String(row.customerName).startsWith(`Tenant ${(t + 1) % 5} `))).toBe(false);
    }
  });
});

describe('tenants kept apart', () => {
  const A = 'isolated.a@example.com';
  const B = 'isolated.b@example.com';
  let a: { authorization: string };
  let b: { authorization: string };

  beforeEach(async () => {
    await resetTenant(app, A);
    await resetTenant(app, B);
    a = await myposToken(app, A);
    b = await myposToken(app, B);
  });

  it("A's creates, replacements and deletes are invisible to B", async () => {
    const bBefore = await snapshot(app, b);
    const made = await send(app, a, 'POST', '/api/v2/customers', { customerName: 'A Only' });
    expect(made.status).toBe(202);
    const current = JSON.parse((await call(app, '/api/v2/customers/1000070', { headers: a })).text) as Json;
    expect((await send(app, a, 'PUT', '/api/v2/customers/1000070', { ...current, city: 'Elsewhere' })).status).toBe(
      200,
    );
    expect((await send(app, a, 'DELETE', '/api/v2/customers/1000005')).status).toBe(204);
    expect((await send(app, a, 'DELETE', '/api/v2/customers/1000001')).status).toBe(409);
    expect(await snapshot(app, b)).toEqual(bBefore);
    // B's sequence is its own: B's first customer is 1000071 too, with the same GUID as A's.
    const bMade = await send(app, b, 'POST', '/api/v2/customers', { customerName: 'B Only' });
    expect(JSON.parse(bMade.text)).toMatchObject({
      customerCode: '1000071',
      customerId: JSON.parse(made.text).customerId,
    });
    expect(JSON.parse((await call(app, '/api/v2/customers/1000071', { headers: a })).text).customerName).toBe('A Only');
    expect(JSON.parse((await call(app, '/api/v2/customers/1000071', { headers: b })).text).customerName).toBe('B Only');
  });

  it("A's permissions do not touch B", async () => {
    await setPermissions(app, A, { read: false, write: false, delete: false });
    expectFailure(
      await call(app, '/api/v2/customers', { headers: a }),
      403,
      'You do not have permission to read customers.',
    );
    expect((await call(app, '/api/v2/customers', { headers: b })).status).toBe(200);
    expect((await send(app, b, 'POST', '/api/v2/customers', { customerName: 'B Writes' })).status).toBe(202);
    expect((await send(app, b, 'DELETE', '/api/v2/customers/1000005')).status).toBe(204);
  });

  it("A's clock does not move B's", async () => {
    await freezeClock(app, A, '2040-01-01T00:00:00.000Z');
    a = await myposToken(app, A);
    const bNow = await clockNow(app, B);
    expect(bNow.startsWith('2040')).toBe(false);
    const bMade = await send(app, b, 'POST', '/api/v2/customers', { customerName: 'B Now' });
    const stored = JSON.parse(
      (await call(app, `/api/v2/customers/${JSON.parse(bMade.text).customerCode}`, { headers: b })).text,
    );
    expect(String(stored.creationDateUTC).startsWith('2040')).toBe(false);
    const aMade = await send(app, a, 'POST', '/api/v2/customers', { customerName: 'A Then' });
    const aStored = JSON.parse((await call(app, '/api/v2/customers/1000071', { headers: a })).text);
    expect(JSON.parse(aMade.text).customerCode).toBe('1000071');
    expect(aStored.creationDateUTC).toBe('2040-01-01T00:00:00');
  });

  it("a token of A names A's customers only, even by GUID", async () => {
    const made = await send(app, a, 'POST', '/api/v2/customers', { customerName: 'A Secret' });
    const deleted = await send(app, b, 'DELETE', '/api/v2/customers/1000070');
    expect(deleted.status).toBe(204);
    // B deleted its own sample; A's is still there.
    expect((await call(app, `/api/v2/customers/${DOCS_GUID}`, { headers: a })).status).toBe(200);
    expectFailure(await call(app, `/api/v2/customers/${DOCS_GUID}`, { headers: b }), 404, 'Customer not found.');
    const guid = JSON.parse(made.text).customerId;
    expectFailure(await call(app, `/api/v2/customers/${guid}`, { headers: b }), 404, 'Customer not found.');
    expectMessage(
      await call(app, '/api/v2/customers', { headers: { authorization: `${a.authorization}x` } }),
      401,
      'Authorization has been denied for this request.',
    );
  });
});
