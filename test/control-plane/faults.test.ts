import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { myposToken, requestToken } from '../helpers/mypos.js';
import { valomniaLogin } from '../helpers/valomnia.js';
import {
  type Answer,
  addFault,
  clearFaults,
  imonggoKit,
  injectCall,
  injectKitCall,
  journalOf,
  listFaults,
  myposKit,
  postFault,
  responseBodyOf,
  tenantUrl,
  type VendorKit,
  valomniaKit,
} from './fault-helpers.js';

/**
 * Fault rules through the control API, on all three vendors, as a client sees them through
 * inject: the routes and their refusals, the status and rateLimit kinds in each vendor's own
 * envelope, which requests a rule matches (method, path, operationId, skip, times, seeded
 * probability, first rule wins), what a faulted write leaves behind (writeApplied), isolation
 * between tenants, the journal's record of faults, and rules across a reset or a delete.
 * The kinds that act on the connection (reset, truncate, dribble, delay) are in
 * faults-socket.test.ts.
 */

const XML = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app.close();
});

// Every test takes tenants of its own, so none sees another's rules.
let serial = 0;
function imonggoToken(): string {
  serial += 1;
  return `faults-${serial}`.padEnd(40, 'x');
}
function email(prefix: string): string {
  serial += 1;
  return `${prefix}${serial}@faults.example`;
}

function imonggoGet(token: string, url: string): Promise<Answer> {
  return injectCall(app, 'GET', url, { authorization: basic(token) });
}

function imonggoWrite(token: string, method: string, url: string, body: unknown): Promise<Answer> {
  return injectCall(
    app,
    method,
    url,
    { authorization: basic(token), 'content-type': 'application/json' },
    JSON.stringify(body),
  );
}

function imonggoXml(status: number, error: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">${status}</status>\n  <error>${error}</error>\n</hash>\n`;
}

/** The answer matches another one in status, content type and exact body. */
function expectSameAnswer(faulted: Answer, real: Answer): void {
  expect(faulted.status, faulted.text).toBe(real.status);
  expect(faulted.headers['content-type']).toBe(real.headers['content-type']);
  expect(faulted.text).toBe(real.text);
}

/** Statuses a list of answers came with. */
function statuses(answers: Answer[]): number[] {
  return answers.map((answer) => answer.status);
}

describe('the fault routes', () => {
  it('adds a rule: 201 with the rule, its id and its counters', async () => {
    const token = imonggoToken();
    const res = await postFault(app, 'imonggo', token, {
      match: { method: 'get', path: '/api/customers.*' },
      skip: 1,
      times: 2,
      fault: { kind: 'status', status: 503 },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(res.text)).toEqual({
      id: 1,
      match: { method: 'GET', path: '/api/customers.*' },
      skip: 1,
      times: 2,
      probability: null,
      seed: 0,
      writeApplied: false,
      fault: { kind: 'status', status: 503 },
      matched: 0,
      fired: 0,
      remaining: 2,
    });
    const second = await addFault(app, 'imonggo', token, { probability: 0.5, seed: 3, fault: { kind: 'reset' } });
    expect(second).toMatchObject({ id: 2, times: null, remaining: null, probability: 0.5, seed: 3 });
    expect((await listFaults(app, 'imonggo', token)).map((rule) => rule.id)).toEqual([1, 2]);
  });

  it('lists the rules with matched, fired and remaining after traffic', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { path: '/api/customers.xml' },
      skip: 1,
      times: 2,
      fault: { kind: 'status', status: 503 },
    });
    await addFault(app, 'imonggo', token, { match: { method: 'DELETE' }, fault: { kind: 'status', status: 500 } });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await imonggoGet(token, '/api/customers.xml'));
    expect(statuses(answers)).toEqual([200, 503, 503]);
    expect(await listFaults(app, 'imonggo', token)).toMatchObject([
      { id: 1, matched: 3, fired: 2, remaining: 0 },
      { id: 2, matched: 0, fired: 0, remaining: null },
    ]);
    // Spent, the rule lets the next request through.
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
    expect((await listFaults(app, 'imonggo', token))[0]).toMatchObject({ fired: 2, remaining: 0 });
  });

  it('drops every rule on DELETE (204), and requests go through again', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { fault: { kind: 'status', status: 503 } });
    await addFault(app, 'imonggo', token, { fault: { kind: 'rateLimit' } });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(503);
    const res = await app.inject({ method: 'DELETE', url: tenantUrl('imonggo', token, '/faults') });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await listFaults(app, 'imonggo', token)).toEqual([]);
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
  });

  it('answers an empty list for a tenant without rules', async () => {
    expect(await listFaults(app, 'valomnia', email('nothing'))).toEqual([]);
  });

  const refused: [string, unknown][] = [
    ['an unknown field of the rule', { fault: { kind: 'reset' }, when: 'always' }],
    ['an unknown field of match', { match: { host: 'x' }, fault: { kind: 'reset' } }],
    ['an unknown field of fault', { fault: { kind: 'reset', ms: 10 } }],
    ['an unknown kind', { fault: { kind: 'hang' } }],
    ['no fault', { match: {} }],
    ['status 399', { fault: { kind: 'status', status: 399 } }],
    ['status 600', { fault: { kind: 'status', status: 600 } }],
    ['a fractional times', { times: 1.5, fault: { kind: 'reset' } }],
    ['times 0', { times: 0, fault: { kind: 'reset' } }],
    ['a negative skip', { skip: -1, fault: { kind: 'reset' } }],
    ['a fractional skip', { skip: 0.5, fault: { kind: 'reset' } }],
    ['a probability over 1', { probability: 1.5, fault: { kind: 'reset' } }],
    ['a negative probability', { probability: -0.5, fault: { kind: 'reset' } }],
    ['a delay over 120 s', { fault: { kind: 'delay', ms: 120_001 } }],
    ['a dribble over 120 s', { fault: { kind: 'dribble', ms: 120_001 } }],
    ['an unknown operationId', { match: { operationId: 'listWidgets' }, fault: { kind: 'reset' } }],
    ['writeApplied false on a delay', { writeApplied: false, fault: { kind: 'delay', ms: 10 } }],
    ['writeApplied false on a truncate', { writeApplied: false, fault: { kind: 'truncate' } }],
    ['writeApplied false on a dribble', { writeApplied: false, fault: { kind: 'dribble', ms: 10 } }],
    ['an array', [{ fault: { kind: 'reset' } }]],
    ['a string', 'reset'],
    ['a number', 503],
    ['null', null],
  ];

  it.each(refused)('refuses %s with 400, adding nothing', async (_label, rule) => {
    const token = imonggoToken();
    const res = await postFault(app, 'imonggo', token, rule);
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const body = JSON.parse(res.text) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(body.message.length).toBeGreaterThan(0);
    // No tenant was made for the refused rule, and requests go through.
    const tenants = (await app.inject({ url: '/__admin/tenants' })).json() as { tenants: { credential: string }[] };
    expect(tenants.tenants.map((tenant) => tenant.credential)).not.toContain(token);
    expect(await listFaults(app, 'imonggo', token)).toEqual([]);
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
  });

  it('refuses malformed JSON and a blank body with 400', async () => {
    const token = imonggoToken();
    for (const text of ['{"fault": {"kind": "reset"}', '{fault: reset}', '']) {
      const res = await postFault(app, 'imonggo', token, undefined, { text });
      expect(res.status, JSON.stringify(text)).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'bad_request' });
    }
    expect(await listFaults(app, 'imonggo', token)).toEqual([]);
  });

  it('answers 404 for an unknown vendor and 400 for a credential the vendor refuses', async () => {
    const unknown = await postFault(app, 'shopify', 'abc', { fault: { kind: 'reset' } });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: 'not_found' });
    const colon = await postFault(app, 'imonggo', 'a:b', { fault: { kind: 'reset' } });
    expect(colon.status).toBe(400);
    expect(JSON.parse(colon.text)).toMatchObject({ error: 'bad_request' });
    const tenants = (await app.inject({ url: '/__admin/tenants' })).json() as { tenants: { credential: string }[] };
    expect(tenants.tenants.map((tenant) => tenant.credential)).not.toContain('a:b');
  });
});

describe('status and rateLimit in each vendor envelope', () => {
  it('Imonggo: Rails <hash> in XML, its JSON form on .json paths, as its own errors', async () => {
    const token = imonggoToken();
    const real404Xml = await imonggoGet(token, '/api/customers/999999.xml');
    const real404Json = await imonggoGet(token, '/api/customers/999999.json');
    const real500 = await injectCall(
      app,
      'POST',
      '/api/customers.xml',
      { authorization: basic(token), 'content-type': 'application/xml' },
      '<customer><name>Broken</customer>',
    );
    expect(real500.status).toBe(500);

    await addFault(app, 'imonggo', token, { times: 2, fault: { kind: 'status', status: 404 } });
    expectSameAnswer(await imonggoGet(token, '/api/customers.xml'), real404Xml);
    expectSameAnswer(await imonggoGet(token, '/api/suppliers.json'), real404Json);
    expect(real404Json.text).toBe('{"status":404,"error":"Not Found"}');

    await clearFaults(app, 'imonggo', token);
    await addFault(app, 'imonggo', token, { times: 1, fault: { kind: 'status', status: 500 } });
    expectSameAnswer(await imonggoGet(token, '/api/customers/11.xml'), real500);

    await clearFaults(app, 'imonggo', token);
    await addFault(app, 'imonggo', token, { times: 2, fault: { kind: 'status', status: 503 } });
    const xml = await imonggoGet(token, '/api/customers.xml');
    expect(xml.status).toBe(503);
    expect(xml.headers['content-type']).toBe(XML);
    expect(xml.text).toBe(imonggoXml(503, 'Service Unavailable'));
    const json = await imonggoGet(token, '/api/customers.json?page=2');
    expect(json.status).toBe(503);
    expect(json.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(json.text)).toEqual({ status: 503, error: 'Service Unavailable' });
  });

  it('Valomnia: {error, error_description}, as its own errors', async () => {
    const login = email('envelope');
    const session = await valomniaLogin(app, login);
    const auth = { cookie: session.cookie };
    const real401 = await injectCall(app, 'GET', '/api/v1.0/customers', {});
    const real404 = await injectCall(app, 'GET', '/api/v1.0/noSuchThing', auth);
    expect(statuses([real401, real404])).toEqual([401, 404]);

    await addFault(app, 'valomnia', login, { times: 1, fault: { kind: 'status', status: 401 } });
    expectSameAnswer(await injectCall(app, 'GET', '/api/v1.0/customers', auth), real401);
    await clearFaults(app, 'valomnia', login);
    await addFault(app, 'valomnia', login, { times: 1, fault: { kind: 'status', status: 404 } });
    expectSameAnswer(await injectCall(app, 'GET', '/api/v1.0/customers/256', auth), real404);
    await clearFaults(app, 'valomnia', login);
    await addFault(app, 'valomnia', login, { times: 2, fault: { kind: 'status', status: 500 } });
    const server = await injectCall(app, 'GET', '/api/v1.0/customers', auth);
    expect(server.status).toBe(500);
    expect(server.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(server.text)).toEqual({
      error: 'server_error',
      error_description: 'Oops! Something went wrong...',
    });
    // The /api/v1 alias answers in the same envelope.
    expectSameAnswer(await injectCall(app, 'GET', '/api/v1/customers', auth), server);

    await clearFaults(app, 'valomnia', login);
    await addFault(app, 'valomnia', login, { times: 1, fault: { kind: 'status', status: 503 } });
    const unavailable = await injectCall(app, 'GET', '/api/v1.0/customers', auth);
    expect(unavailable.status).toBe(503);
    expect(JSON.parse(unavailable.text)).toEqual({
      error: 'service_unavailable',
      error_description: 'Service Unavailable',
    });
  });

  it('MYPOS Connect: ASP.NET {"Message"}, as its own framework errors', async () => {
    const user = email('envelope');
    const auth = await myposToken(app, user);
    const real401 = await injectCall(app, 'GET', '/api/v2/customers', {});
    const real400 = await injectCall(app, 'GET', '/api/v2/customers/%E0%A4%A', auth);
    expect(statuses([real401, real400])).toEqual([401, 400]);
    expect(JSON.parse(real400.text)).toEqual({ Message: 'The request is invalid.' });

    await addFault(app, 'myposconnect', user, { times: 1, fault: { kind: 'status', status: 401 } });
    expectSameAnswer(await injectCall(app, 'GET', '/api/v2/customers', auth), real401);
    await clearFaults(app, 'myposconnect', user);
    await addFault(app, 'myposconnect', user, { times: 1, fault: { kind: 'status', status: 400 } });
    expectSameAnswer(await injectCall(app, 'GET', '/api/v2/customers?liPage=1', auth), real400);
    await clearFaults(app, 'myposconnect', user);
    await addFault(app, 'myposconnect', user, { times: 2, fault: { kind: 'status', status: 500 } });
    const server = await injectCall(app, 'GET', '/api/v2/customers', auth);
    expect(server.status).toBe(500);
    expect(server.headers['content-type']).toBe(JSON_TYPE);
    expect(server.text).toBe('{"Message":"An error has occurred."}');
    const onWrite = await injectCall(
      app,
      'POST',
      '/api/v2/customers',
      { ...auth, 'content-type': 'application/json' },
      '{"customerName":"X"}',
    );
    expectSameAnswer(onWrite, server);
  });

  const kits: [string, () => VendorKit][] = [
    ['Imonggo', () => imonggoKit(imonggoToken())],
    ['Valomnia', () => valomniaKit(email('rate'))],
    ['MYPOS Connect', () => myposKit(email('rate'))],
  ];

  it.each(kits)('%s: rateLimit is 429 in the envelope with Retry-After', async (_vendor, makeKit) => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    await addFault(app, kit.vendor, kit.credential, { times: 1, fault: { kind: 'rateLimit', retryAfter: 17 } });
    await addFault(app, kit.vendor, kit.credential, { times: 1, fault: { kind: 'rateLimit' } });
    const first = await injectCall(app, 'GET', kit.listPath, auth);
    const envelope = app.errorEnvelopes.answer(429, kit.listPath);
    expect(first.status, first.text).toBe(429);
    expect(first.headers['retry-after']).toBe('17');
    expect(first.headers['content-type']).toBe(envelope.contentType);
    expect(first.text).toBe(envelope.body);
    const second = await injectCall(app, 'GET', kit.listPath, auth);
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('1');
    const third = await injectCall(app, 'GET', kit.listPath, auth);
    expect(third.status).toBe(200);
    expect(third.headers['retry-after']).toBeUndefined();
  });

  it('each vendor writes 429 in its own shape', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { times: 2, fault: { kind: 'rateLimit' } });
    const xml = await imonggoGet(token, '/api/customers.xml');
    expect(xml.headers['content-type']).toBe(XML);
    expect(xml.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<hash>\n {2}<status type="integer">429<\/status>\n {2}<error>[^<]+<\/error>\n<\/hash>\n$/,
    );
    const json = await imonggoGet(token, '/api/customers.json');
    expect(json.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(json.text)).toMatchObject({ status: 429 });

    const login = email('shape');
    const session = await valomniaLogin(app, login);
    await addFault(app, 'valomnia', login, { times: 1, fault: { kind: 'rateLimit' } });
    const valomnia = await injectCall(app, 'GET', '/api/v1.0/customers', { cookie: session.cookie });
    expect(JSON.parse(valomnia.text)).toEqual({ error: 'too_many_requests', error_description: 'Too Many Requests' });

    const user = email('shape');
    const auth = await myposToken(app, user);
    await addFault(app, 'myposconnect', user, { times: 1, fault: { kind: 'rateLimit' } });
    const mypos = await injectCall(app, 'GET', '/api/v2/customers', auth);
    expect(JSON.parse(mypos.text)).toEqual({ Message: 'Too Many Requests.' });
  });
});

describe('what a rule matches', () => {
  it('by method (in any case)', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { match: { method: 'post' }, fault: { kind: 'status', status: 503 } });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
    expect((await imonggoWrite(token, 'POST', '/api/customers.json', { customer: { name: 'M' } })).status).toBe(503);
    expect((await imonggoWrite(token, 'PUT', '/api/customers/11.json', { customer: { remark: 'x' } })).status).toBe(
      200,
    );
  });

  it('by a path wildcard, without the query, case-sensitive', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { path: '/api/customers.*' },
      fault: { kind: 'status', status: 503 },
    });
    const answers = await Promise.all(
      [
        '/api/customers.xml',
        '/api/customers.json',
        '/api/customers.xml?page=2&per_page=5',
        '/api/suppliers.xml',
        '/api/customers/11.xml',
      ].map((url) => imonggoGet(token, url)),
    );
    expect(statuses(answers)).toEqual([503, 503, 503, 200, 200]);

    const other = imonggoToken();
    await addFault(app, 'imonggo', other, {
      match: { path: '/api/Customers.*' },
      fault: { kind: 'status', status: 503 },
    });
    expect((await imonggoGet(other, '/api/customers.xml')).status).toBe(200);
  });

  it('by every match field at once', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { method: 'GET', path: '/api/*.json', operationId: 'getCustomerJson' },
      fault: { kind: 'status', status: 503 },
    });
    const answers = [
      await imonggoGet(token, '/api/customers/11.json'),
      await imonggoGet(token, '/api/customers/11.xml'),
      await imonggoGet(token, '/api/customers.json'),
      await imonggoWrite(token, 'PUT', '/api/customers/11.json', { customer: { remark: 'x' } }),
    ];
    expect(statuses(answers)).toEqual([503, 200, 200, 200]);
  });

  it('by operationId on Imonggo', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { operationId: 'getCustomerXml' },
      fault: { kind: 'status', status: 503 },
    });
    const answers = await Promise.all(
      ['/api/customers/11.xml', '/api/customers/999.xml', '/api/customers/11.json', '/api/customers.xml'].map((url) =>
        imonggoGet(token, url),
      ),
    );
    expect(statuses(answers)).toEqual([503, 503, 200, 200]);
  });

  it('by operationId on Valomnia', async () => {
    const login = email('operation');
    const auth = { cookie: (await valomniaLogin(app, login)).cookie };
    await addFault(app, 'valomnia', login, {
      match: { operationId: 'getCustomerByReference' },
      fault: { kind: 'status', status: 503 },
    });
    const answers = [
      await injectCall(app, 'GET', '/api/v1.0/customers/reference/NC-3', auth),
      await injectCall(app, 'GET', '/api/v1.0/customers/256', auth),
      await injectCall(app, 'GET', '/api/v1.0/customers', auth),
      await injectCall(app, 'GET', '/api/v1.0/users/reference/emp05', auth),
    ];
    expect(statuses(answers)).toEqual([503, 200, 200, 200]);
  });

  it('by operationId on MYPOS Connect', async () => {
    const kit = myposKit(email('operation'));
    const auth = await kit.auth(app);
    await addFault(app, kit.vendor, kit.credential, {
      match: { operationId: 'createCustomer' },
      fault: { kind: 'status', status: 503 },
    });
    expect((await injectCall(app, 'GET', '/api/v2/customers', auth)).status).toBe(200);
    expect((await injectKitCall(app, kit.create(auth, 'Blocked'))).status).toBe(503);
    expect((await injectCall(app, 'GET', '/api/v2/customers/1000070', auth)).status).toBe(200);
  });

  it('every API call of the tenant when match is empty', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { match: {}, fault: { kind: 'status', status: 503 } });
    const answers = [
      await imonggoGet(token, '/api/customers.xml'),
      await imonggoGet(token, '/api/suppliers.json'),
      await imonggoGet(token, '/api/customers/11.xml'),
      await imonggoWrite(token, 'POST', '/api/suppliers.json', { supplier: { name: 'S' } }),
      await imonggoWrite(token, 'PUT', '/api/customers/11.json', { customer: { remark: 'x' } }),
      await injectCall(app, 'DELETE', '/api/customers/11.json', { authorization: basic(token) }),
    ];
    expect(statuses(answers)).toEqual([503, 503, 503, 503, 503, 503]);
    expect((await listFaults(app, 'imonggo', token))[0]).toMatchObject({ matched: 6, fired: 6 });
  });

  it('skips K matching requests, then faults exactly the next N', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { path: '/api/customers.xml' },
      skip: 3,
      times: 2,
      fault: { kind: 'status', status: 503 },
    });
    const faulted: number[] = [];
    for (let i = 1; i <= 9; i += 1) {
      // Requests the rule does not match, in between, neither count nor get faulted.
      expect((await imonggoGet(token, '/api/suppliers.xml')).status).toBe(200);
      if ((await imonggoGet(token, '/api/customers.xml')).status === 503) faulted.push(i);
    }
    expect(faulted).toEqual([4, 5]);
  });

  it('fires exactly times times under concurrent requests', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { times: 3, fault: { kind: 'status', status: 503 } });
    const answers = await Promise.all(Array.from({ length: 12 }, () => imonggoGet(token, '/api/customers.xml')));
    expect(statuses(answers).filter((status) => status === 503)).toHaveLength(3);
    expect(statuses(answers).filter((status) => status === 200)).toHaveLength(9);
    expect((await listFaults(app, 'imonggo', token))[0]).toMatchObject({ fired: 3, remaining: 0 });
  });

  it('lets the first rule added win when two fire', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { path: '/api/customers.*' },
      fault: { kind: 'status', status: 500 },
    });
    await addFault(app, 'imonggo', token, { fault: { kind: 'status', status: 502 } });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(500);
    expect((await imonggoGet(token, '/api/suppliers.xml')).status).toBe(502);
    expect(await listFaults(app, 'imonggo', token)).toMatchObject([
      { matched: 1, fired: 1 },
      { matched: 2, fired: 1 },
    ]);
  });

  it('counts down remaining to 0, then stops', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { times: 2, fault: { kind: 'status', status: 503 } });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(503);
    expect((await listFaults(app, 'imonggo', token))[0]).toMatchObject({ fired: 1, remaining: 1 });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(503);
    expect((await listFaults(app, 'imonggo', token))[0]).toMatchObject({ fired: 2, remaining: 0 });
    for (let i = 0; i < 3; i += 1) expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
    expect((await listFaults(app, 'imonggo', token))[0]).toMatchObject({ fired: 2, remaining: 0 });
  });

  describe('probability with a seed', () => {
    const TOKEN = 'p'.repeat(40);

    /** The 1-based indices of the faulted calls among `total`, in a fresh app with one rule. */
    async function faultedIndices(rule: Record<string, unknown>, total = 50): Promise<number[]> {
      const fresh = await testApp();
      try {
        const res = await postFault(fresh, 'imonggo', TOKEN, { ...rule, fault: { kind: 'status', status: 503 } });
        expect(res.status, res.text).toBe(201);
        const faulted: number[] = [];
        for (let i = 1; i <= total; i += 1) {
          const answer = await fresh.inject({ url: '/api/customers.xml', headers: { authorization: basic(TOKEN) } });
          expect([200, 503]).toContain(answer.statusCode);
          if (answer.statusCode === 503) faulted.push(i);
        }
        return faulted;
      } finally {
        await fresh.close();
      }
    }

    it('faults the same requests in two fresh apps with one seed, others with another seed', async () => {
      const first = await faultedIndices({ probability: 0.5, seed: 1234 });
      const again = await faultedIndices({ probability: 0.5, seed: 1234 });
      const other = await faultedIndices({ probability: 0.5, seed: 4321 });
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
      expect(first.length).toBeGreaterThan(5);
      expect(first.length).toBeLessThan(45);
    });

    it('never faults at 0 and always at 1', async () => {
      expect(await faultedIndices({ probability: 0, seed: 5 }, 30)).toEqual([]);
      expect(await faultedIndices({ probability: 1, seed: 5 }, 30)).toHaveLength(30);
    });
  });
});

describe('what a faulted write leaves behind', () => {
  const kits: [string, () => VendorKit][] = [
    ['Imonggo', () => imonggoKit(imonggoToken())],
    ['Valomnia', () => valomniaKit(email('write'))],
    ['MYPOS Connect', () => myposKit(email('write'))],
  ];

  it.each(kits)('%s: with writeApplied false, nothing (count and next id unchanged)', async (_vendor, makeKit) => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const probe = await injectKitCall(app, kit.create(auth, 'Probe-1'));
    expect(probe.status, probe.text).toBe(kit.createdStatus);
    const before = await kit.count(app, auth);
    await addFault(app, kit.vendor, kit.credential, {
      match: { method: 'POST' },
      times: 1,
      fault: { kind: 'status', status: 503 },
    });
    const faulted = await injectKitCall(app, kit.create(auth, 'Never-1'));
    expect(faulted.status).toBe(503);
    expect(faulted.text).toBe(app.errorEnvelopes.answer(503, kit.create(auth, 'x').path).body);
    expect(await kit.count(app, auth)).toBe(before);
    expect(await kit.exists(app, auth, 'Never-1')).toBe(false);
    const next = await injectKitCall(app, kit.create(auth, 'Probe-2'));
    expect(next.status, next.text).toBe(kit.createdStatus);
    expect(kit.numberOf(next.text)).toBe(kit.numberOf(probe.text) + 1);
  });

  it.each(kits)(
    '%s: with writeApplied true, the write is applied and its answer replaced',
    async (_vendor, makeKit) => {
      const kit = makeKit();
      const auth = await kit.auth(app);
      const probe = await injectKitCall(app, kit.create(auth, 'Probe-1'));
      expect(probe.status, probe.text).toBe(kit.createdStatus);
      const before = await kit.count(app, auth);
      await addFault(app, kit.vendor, kit.credential, {
        match: { method: 'POST' },
        times: 1,
        writeApplied: true,
        fault: { kind: 'status', status: 500 },
      });
      const faulted = await injectKitCall(app, kit.create(auth, 'Lost-1'));
      const envelope = app.errorEnvelopes.answer(500, kit.create(auth, 'x').path);
      expect(faulted.status).toBe(500);
      expect(faulted.headers['content-type']).toBe(envelope.contentType);
      expect(faulted.text).toBe(envelope.body);
      expect(await kit.count(app, auth)).toBe(before + 1);
      expect(await kit.exists(app, auth, 'Lost-1')).toBe(true);
      const next = await injectKitCall(app, kit.create(auth, 'Probe-2'));
      expect(kit.numberOf(next.text)).toBe(kit.numberOf(probe.text) + 2);
    },
  );

  it('Valomnia: a rateLimit with writeApplied true applies the write, then answers 429 with Retry-After', async () => {
    const kit = valomniaKit(email('rate-write'));
    const auth = await kit.auth(app);
    await addFault(app, kit.vendor, kit.credential, {
      match: { method: 'POST', path: '/api/v1.0/customers' },
      times: 1,
      writeApplied: true,
      fault: { kind: 'rateLimit', retryAfter: 9 },
    });
    const faulted = await injectKitCall(app, kit.create(auth, 'Limited-1'));
    expect(faulted.status).toBe(429);
    expect(faulted.headers['retry-after']).toBe('9');
    expect(await kit.exists(app, auth, 'Limited-1')).toBe(true);
    // A retry of the same create now meets the record the lost answer made.
    const retry = await injectKitCall(app, kit.create(auth, 'Limited-1'));
    expect(retry.status).toBe(400);
    expect(JSON.parse(retry.text)).toMatchObject({ error: 'not_unique' });
  });

  it('Imonggo: an update faulted with writeApplied false leaves the record as it was', async () => {
    const token = imonggoToken();
    const before = await imonggoGet(token, '/api/customers/11.json');
    expect(before.status).toBe(200);
    await addFault(app, 'imonggo', token, { match: { method: 'PUT' }, fault: { kind: 'status', status: 502 } });
    const faulted = await imonggoWrite(token, 'PUT', '/api/customers/11.json', { customer: { remark: 'changed' } });
    expect(faulted.status).toBe(502);
    expect((await imonggoGet(token, '/api/customers/11.json')).text).toBe(before.text);
  });
});

describe('isolation and the journal', () => {
  it("faults one tenant only: not another of the vendor, nor another vendor's", async () => {
    const faultedToken = imonggoToken();
    const calmToken = imonggoToken();
    await addFault(app, 'imonggo', faultedToken, { fault: { kind: 'status', status: 503 } });
    expect((await imonggoGet(faultedToken, '/api/customers.xml')).status).toBe(503);
    expect((await imonggoGet(calmToken, '/api/customers.xml')).status).toBe(200);

    // The same email is a tenant of Valomnia and one of MYPOS Connect: two tenants.
    const shared = email('shared');
    const session = await valomniaLogin(app, shared);
    const bearer = await myposToken(app, shared);
    await addFault(app, 'valomnia', shared, { fault: { kind: 'status', status: 503 } });
    expect((await injectCall(app, 'GET', '/api/v1.0/customers', { cookie: session.cookie })).status).toBe(503);
    expect((await injectCall(app, 'GET', '/api/v2/customers', bearer)).status).toBe(200);
    const otherLogin = email('calm');
    const other = await valomniaLogin(app, otherLogin);
    expect((await injectCall(app, 'GET', '/api/v1.0/customers', { cookie: other.cookie })).status).toBe(200);

    await clearFaults(app, 'valomnia', shared);
    await addFault(app, 'myposconnect', shared, { fault: { kind: 'status', status: 503 } });
    expect((await injectCall(app, 'GET', '/api/v2/customers', bearer)).status).toBe(503);
    expect((await injectCall(app, 'GET', '/api/v1.0/customers', { cookie: session.cookie })).status).toBe(200);
    expect((await imonggoGet(calmToken, '/api/customers.xml')).status).toBe(200);
  });

  it('addresses a case-insensitive credential in any case', async () => {
    const login = email('case');
    const session = await valomniaLogin(app, login);
    await addFault(app, 'valomnia', login.toUpperCase(), { times: 1, fault: { kind: 'status', status: 503 } });
    expect((await injectCall(app, 'GET', '/api/v1.0/customers', { cookie: session.cookie })).status).toBe(503);
    expect(await listFaults(app, 'valomnia', login)).toMatchObject([{ fired: 1 }]);
  });

  it('journals the fault kind and the status of faulted requests, in their tenant only', async () => {
    const token = imonggoToken();
    const calm = imonggoToken();
    await addFault(app, 'imonggo', token, {
      match: { path: '/api/customers.xml' },
      times: 1,
      fault: { kind: 'status', status: 503 },
    });
    await addFault(app, 'imonggo', token, {
      match: { path: '/api/suppliers.xml' },
      times: 1,
      fault: { kind: 'rateLimit', retryAfter: 5 },
    });
    await addFault(app, 'imonggo', token, {
      match: { method: 'POST' },
      times: 1,
      writeApplied: true,
      fault: { kind: 'status', status: 502 },
    });
    await imonggoGet(token, '/api/customers.xml');
    await imonggoGet(token, '/api/suppliers.xml');
    await imonggoWrite(token, 'POST', '/api/customers.json', { customer: { name: 'Journaled' } });
    await imonggoGet(token, '/api/customers.xml');
    await imonggoGet(calm, '/api/customers.xml');
    const entries = await journalOf(app, 'imonggo', token);
    expect(entries.map((entry) => [entry.method, entry.path, entry.status, entry.fault])).toEqual([
      ['GET', '/api/customers.xml', 503, 'status'],
      ['GET', '/api/suppliers.xml', 429, 'rateLimit'],
      ['POST', '/api/customers.json', 502, 'status'],
      ['GET', '/api/customers.xml', 200, null],
    ]);
    // The journal keeps the answer as sent: the envelope, not the route's.
    expect(responseBodyOf(entries[0]).text).toBe(imonggoXml(503, 'Service Unavailable'));
    expect(responseBodyOf(entries[2]).text).toBe(app.errorEnvelopes.answer(502, '/api/customers.json').body);
    const calmEntries = await journalOf(app, 'imonggo', calm);
    expect(calmEntries.map((entry) => [entry.status, entry.fault])).toEqual([[200, null]]);
    const count = await app.inject({ url: tenantUrl('imonggo', token, '/requests/count?status=503') });
    expect(count.json()).toEqual({ count: 1 });
  });

  it('never faults the Valomnia login nor the MYPOS token, which are journaled with no fault', async () => {
    const login = email('login');
    await addFault(app, 'valomnia', login, { fault: { kind: 'status', status: 503 } });
    const session = await valomniaLogin(app, login);
    const ajax = await injectCall(app, 'GET', '/login/ajaxSuccess', { cookie: session.cookie });
    expect(ajax.status).toBe(200);
    expect((await injectCall(app, 'GET', '/api/v1.0/customers', { cookie: session.cookie })).status).toBe(503);
    const valomniaEntries = await journalOf(app, 'valomnia', login);
    expect(valomniaEntries[0]).toMatchObject({ path: '/j_spring_security_check', status: 302, fault: null });
    expect(valomniaEntries.at(-1)).toMatchObject({ path: '/api/v1.0/customers', status: 503, fault: 'status' });

    const user = email('token');
    await addFault(app, 'myposconnect', user, { fault: { kind: 'reset' } });
    const token = await requestToken(app, user);
    expect(token.status, token.text).toBe(200);
    const myposEntries = await journalOf(app, 'myposconnect', user);
    expect(myposEntries).toMatchObject([{ path: '/api/v2/auth/token', status: 200, fault: null }]);
    expect((await listFaults(app, 'myposconnect', user))[0]).toMatchObject({ matched: 0, fired: 0 });
  });
});

describe('rules and the life of a tenant', () => {
  it('survive a tenant reset, counters and all', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { times: 2, fault: { kind: 'status', status: 503 } });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(503);
    const reset = await app.inject({ method: 'POST', url: tenantUrl('imonggo', token, '/reset') });
    expect(reset.statusCode).toBe(200);
    expect(await listFaults(app, 'imonggo', token)).toMatchObject([{ matched: 1, fired: 1, remaining: 1 }]);
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(503);
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
  });

  it('survive a reset on MYPOS Connect, whose tokens live on', async () => {
    const user = email('reset');
    const auth = await myposToken(app, user);
    await addFault(app, 'myposconnect', user, { fault: { kind: 'status', status: 503 } });
    const reset = await app.inject({ method: 'POST', url: tenantUrl('myposconnect', user, '/reset') });
    expect(reset.statusCode).toBe(200);
    expect((await injectCall(app, 'GET', '/api/v2/customers', auth)).status).toBe(503);
  });

  it('go with a deleted tenant: the next one starts without rules', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { fault: { kind: 'status', status: 503 } });
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(503);
    const deleted = await app.inject({ method: 'DELETE', url: tenantUrl('imonggo', token) });
    expect(deleted.statusCode).toBe(204);
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
    expect(await listFaults(app, 'imonggo', token)).toEqual([]);
  });

  it('go with a tenant made again by POST /__admin/tenants', async () => {
    const token = imonggoToken();
    await addFault(app, 'imonggo', token, { fault: { kind: 'status', status: 503 } });
    const created = await app.inject({
      method: 'POST',
      url: '/__admin/tenants',
      payload: { vendor: 'imonggo', credential: token },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await listFaults(app, 'imonggo', token)).toEqual([]);
    expect((await imonggoGet(token, '/api/customers.xml')).status).toBe(200);
  });
});
