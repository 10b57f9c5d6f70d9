import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { MULTIPART_TYPE, multipart } from '../helpers/multipart.js';
import { basicAuth, takeToken } from '../helpers/mypos.js';
import {
  authHeaders,
  contractOperationId,
  createCustomer,
  createTenant,
  type JournalEntry,
  journal,
  journalCount,
  LIST_PATH,
  listen,
  listTenants,
  type Reply,
  send,
  sendJson,
  tenantPath,
  VENDORS,
  type Vendor,
  valomniaCookie,
} from './helpers.js';

/**
 * The request journal (docs/control-plane.md): every request on a vendor's paths whose tenant is
 * known, in that tenant's journal only, with credentials redacted, bodies cut at 64 KiB, images and
 * multipart bodies left out; its filters and count, clearing, the ring bound, and what a reset or a
 * delete does to it.
 */

const KIB64 = 64 * 1024;
const T0 = '2020-01-02T03:04:05.000Z';
const ENTRY_KEYS = [
  'aborted',
  'at',
  'durationMs',
  'fault',
  'id',
  'method',
  'operationId',
  'path',
  'query',
  'request',
  'response',
  'status',
  'tenantAt',
];

let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp({ dataset: 'docs' });
});
afterAll(async () => {
  await app.close();
});

/** What the journal shows of a text body sent or answered whole. */
function textBody(contentType: string, text: string) {
  return { contentType, size: Buffer.byteLength(text), text };
}

/** Checks the parts of an entry every request has: its keys, times and duration. */
function expectShape(entry: JournalEntry, before: number, after: number): void {
  expect(Object.keys(entry).sort()).toEqual(ENTRY_KEYS);
  expect(Object.keys(entry.request).sort()).toEqual(['body', 'headers']);
  expect(Object.keys(entry.response)).toEqual(['body']);
  expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before);
  expect(Date.parse(entry.at)).toBeLessThanOrEqual(after);
  expect(typeof entry.durationMs).toBe('number');
  expect(entry.durationMs).toBeGreaterThanOrEqual(0);
  expect(entry.fault).toBeNull();
  expect(entry.aborted).toBe(false);
}

describe('an entry per request, on each vendor', () => {
  it('Imonggo: a GET of the XML list and a POST creating a customer in XML', async () => {
    const token = 'journal-imonggo-shape';
    await createTenant(app, { vendor: 'imonggo', credential: token, clock: T0 });
    const before = Date.now();
    const list = await send(app, '/api/customers.xml?page=1&per_page=5', { headers: { authorization: basic(token) } });
    const xml = '<customer><name>John Smith</name><email>john@example.com</email></customer>';
    const created = await send(app, '/api/customers.xml', {
      method: 'POST',
      headers: { authorization: basic(token), 'content-type': 'application/xml' },
      body: xml,
    });
    const after = Date.now();
    expect(list.status).toBe(200);
    expect(created.status).toBe(200);

    const [get, post, ...rest] = await journal(app, 'imonggo', token);
    expect(rest).toEqual([]);
    for (const entry of [get, post] as JournalEntry[]) expectShape(entry, before, after);
    expect(get).toMatchObject({
      id: 1,
      tenantAt: T0,
      method: 'GET',
      path: '/api/customers.xml',
      query: 'page=1&per_page=5',
      operationId: contractOperationId('imonggo', 'get', '/api/customers.xml'),
      status: 200,
      request: { body: null },
      response: { body: textBody('application/xml; charset=utf-8', list.text) },
    });
    expect(get?.request.headers.authorization).toBe('Basic [redacted]');
    expect(post).toMatchObject({
      id: 2,
      tenantAt: T0,
      method: 'POST',
      path: '/api/customers.xml',
      query: '',
      operationId: contractOperationId('imonggo', 'post', '/api/customers.xml'),
      status: 200,
      request: { body: textBody('application/xml', xml) },
      response: { body: textBody('application/xml; charset=utf-8', created.text) },
    });
    expect(post?.request.headers).toMatchObject({
      authorization: 'Basic [redacted]',
      'content-type': 'application/xml',
      'content-length': String(xml.length),
    });
    // Each body as it went: the POST's answer is the created customer.
    expect(post?.response.body?.text).toContain('<name>John Smith</name>');
  });

  it('Valomnia: the login, a list and a form-urlencoded create', async () => {
    const login = 'journal.valomnia.shape@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login, clock: T0 });
    const before = Date.now();
    const loginForm = new URLSearchParams({ j_username: login, j_password: 'hunter2-valomnia', ajax: 'true' });
    const signIn = await send(app, '/j_spring_security_check', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: loginForm.toString(),
    });
    const cookie = /JSESSIONID=[0-9A-F]{32}/.exec(signIn.headers['set-cookie'] ?? '')?.[0] ?? '';
    const list = await send(app, '/api/v1.0/customers?max=2&sort=id', { headers: { cookie } });
    const form = 'reference=J-1&name=Journal+Shop&email=shop%40example.com';
    const created = await send(app, '/api/v1.0/customers', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const after = Date.now();
    expect(signIn.status).toBe(302);
    expect(list.status).toBe(200);
    expect(created.status, created.text).toBe(201);

    const entries = await journal(app, 'valomnia', login);
    expect(entries.map((entry) => entry.id)).toEqual([1, 2, 3]);
    const [loginEntry, listEntry, createEntry] = entries as [JournalEntry, JournalEntry, JournalEntry];
    for (const entry of entries) expectShape(entry, before, after);
    expect(loginEntry).toMatchObject({
      tenantAt: T0,
      method: 'POST',
      path: '/j_spring_security_check',
      query: '',
      operationId: contractOperationId('valomnia', 'post', '/j_spring_security_check'),
      status: 302,
    });
    const sentLogin = loginEntry.request.body;
    expect(sentLogin).toMatchObject({
      contentType: 'application/x-www-form-urlencoded',
      size: loginForm.toString().length,
    });
    expect(Object.fromEntries(new URLSearchParams(sentLogin?.text ?? ''))).toEqual({
      j_username: login,
      j_password: '[redacted]',
      ajax: 'true',
    });
    expect(loginEntry.response.body?.text ?? '').toBe('');

    expect(listEntry).toMatchObject({
      tenantAt: T0,
      method: 'GET',
      path: '/api/v1.0/customers',
      query: 'max=2&sort=id',
      operationId: contractOperationId('valomnia', 'get', '/api/v1.0/customers'),
      status: 200,
      request: { headers: { cookie: 'JSESSIONID=[redacted]' }, body: null },
      response: { body: textBody('application/json; charset=utf-8', list.text) },
    });
    expect(createEntry).toMatchObject({
      method: 'POST',
      path: '/api/v1.0/customers',
      operationId: contractOperationId('valomnia', 'post', '/api/v1.0/customers'),
      status: 201,
      request: {
        headers: { cookie: 'JSESSIONID=[redacted]', 'content-type': 'application/x-www-form-urlencoded' },
        body: textBody('application/x-www-form-urlencoded', form),
      },
      response: { body: textBody('application/json; charset=utf-8', created.text) },
    });
    expect(JSON.parse(createEntry.response.body?.text ?? '{}')).toMatchObject({
      name: 'Journal Shop',
      dateCreated: '2020-01-02T03:04:05Z',
    });
  });

  it('Valomnia: ajaxSuccess and the logout are journaled; the /api/v1 alias has no operationId', async () => {
    const login = 'journal.valomnia.flow@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login });
    const cookie = await valomniaCookie(app, login);
    expect((await send(app, '/login/ajaxSuccess', { headers: { cookie } })).status).toBe(200);
    expect((await send(app, '/api/v1/customers?max=1', { headers: { cookie } })).status).toBe(200);
    expect((await send(app, '/logout', { headers: { cookie } })).status).toBe(302);
    const entries = await journal(app, 'valomnia', login);
    expect(entries.map((entry) => [entry.method, entry.path, entry.operationId, entry.status])).toEqual([
      ['POST', '/j_spring_security_check', contractOperationId('valomnia', 'post', '/j_spring_security_check'), 302],
      ['GET', '/login/ajaxSuccess', contractOperationId('valomnia', 'get', '/login/ajaxSuccess'), 200],
      ['GET', '/api/v1/customers', null, 200],
      ['GET', '/logout', contractOperationId('valomnia', 'get', '/logout'), 302],
    ]);
  });

  it('MYPOS Connect: the token, a list and a JSON create', async () => {
    const email = 'journal.mypos.shape@example.com';
    await createTenant(app, { vendor: 'myposconnect', credential: email, clock: T0 });
    const before = Date.now();
    const tokenReply = await send(app, '/api/v2/auth/token', {
      method: 'POST',
      headers: { authorization: basicAuth(email, 'hunter2-mypos') },
    });
    const bearer = `Bearer ${(JSON.parse(tokenReply.text) as { bearerToken: string }).bearerToken}`;
    const list = await send(app, '/api/v2/customers?liPageSize=3&sSortKey=customerCode', {
      headers: { authorization: bearer },
    });
    const payload = JSON.stringify({ firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann@example.com' });
    const created = await send(app, '/api/v2/customers', {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: payload,
    });
    const after = Date.now();
    expect(tokenReply.status).toBe(200);
    expect(list.status).toBe(200);
    expect(created.status, created.text).toBe(202);

    const entries = await journal(app, 'myposconnect', email);
    expect(entries.map((entry) => entry.id)).toEqual([1, 2, 3]);
    const [tokenEntry, listEntry, createEntry] = entries as [JournalEntry, JournalEntry, JournalEntry];
    for (const entry of entries) expectShape(entry, before, after);
    expect(tokenEntry).toMatchObject({
      tenantAt: T0,
      method: 'POST',
      path: '/api/v2/auth/token',
      query: '',
      operationId: contractOperationId('myposconnect', 'post', '/api/v2/auth/token'),
      status: 200,
      request: { headers: { authorization: 'Basic [redacted]' }, body: null },
      // The answer's size is the real one; its token is never shown.
      response: {
        body: {
          ...textBody('application/json; charset=utf-8', tokenReply.text),
          text: '{"failureDescription":null,"bearerToken":"[redacted]"}',
        },
      },
    });
    expect(JSON.stringify(entries)).not.toContain(JSON.parse(tokenReply.text).bearerToken);
    expect(listEntry).toMatchObject({
      tenantAt: T0,
      method: 'GET',
      path: '/api/v2/customers',
      query: 'liPageSize=3&sSortKey=customerCode',
      operationId: contractOperationId('myposconnect', 'get', '/api/v2/customers'),
      status: 200,
      request: { headers: { authorization: 'Bearer [redacted]' }, body: null },
      response: { body: textBody('application/json; charset=utf-8', list.text) },
    });
    expect(createEntry).toMatchObject({
      tenantAt: T0,
      method: 'POST',
      path: '/api/v2/customers',
      operationId: contractOperationId('myposconnect', 'post', '/api/v2/customers'),
      status: 202,
      request: { headers: { authorization: 'Bearer [redacted]' }, body: { size: Buffer.byteLength(payload) } },
      response: { body: textBody('application/json; charset=utf-8', created.text) },
    });
  });

  it('names the operation of paths with parameters as the contract does', async () => {
    const token = 'journal-operations';
    await createTenant(app, { vendor: 'imonggo', credential: token });
    const headers = { authorization: basic(token) };
    await send(app, '/api/customers/11.xml', { headers });
    await send(app, '/api/suppliers/22259.json', { headers });
    await send(app, '/api/customers/11.xml', {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: '<customer><remark>x</remark></customer>',
    });
    await send(app, '/api/customers/11.xml', { method: 'DELETE', headers });
    expect((await journal(app, 'imonggo', token)).map((entry) => entry.operationId)).toEqual([
      contractOperationId('imonggo', 'get', '/api/customers/{id}.xml'),
      contractOperationId('imonggo', 'get', '/api/suppliers/{id}.json'),
      contractOperationId('imonggo', 'put', '/api/customers/{id}.xml'),
      contractOperationId('imonggo', 'delete', '/api/customers/{id}.xml'),
    ]);

    const login = 'journal.operations@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login });
    const cookie = await valomniaCookie(app, login);
    await send(app, '/api/v1.0/customers/256', { headers: { cookie } });
    await send(app, '/api/v1.0/customers/reference/NC-3', { headers: { cookie } });
    await send(app, '/api/v1.0/regions/2', { headers: { cookie } });
    expect((await journal(app, 'valomnia', login)).slice(1).map((entry) => entry.operationId)).toEqual([
      contractOperationId('valomnia', 'get', '/api/v1.0/customers/{id}'),
      contractOperationId('valomnia', 'get', '/api/v1.0/customers/reference/{reference}'),
      contractOperationId('valomnia', 'get', '/api/v1.0/regions/{id}'),
    ]);

    const email = 'journal.operations@example.com';
    await createTenant(app, { vendor: 'myposconnect', credential: email });
    const auth = { authorization: `Bearer ${await takeToken(app, email)}` };
    await send(app, '/api/v2/customers/1000070', { headers: auth });
    await send(app, '/api/v2/customers/1000001', { method: 'DELETE', headers: auth });
    expect((await journal(app, 'myposconnect', email)).slice(1).map((entry) => entry.operationId)).toEqual([
      contractOperationId('myposconnect', 'get', '/api/v2/customers/{identifier}'),
      contractOperationId('myposconnect', 'delete', '/api/v2/customers/{identifier}'),
    ]);
  });
});

describe('credentials never enter the journal', () => {
  it('Imonggo: the Basic credentials', async () => {
    const token = 'journal-secret-token-0123456789';
    await createTenant(app, { vendor: 'imonggo', credential: token });
    const authorization = basic(token, 'imonggo-password-SECRET');
    await send(app, '/api/customers.xml', { headers: { authorization } });
    await send(app, '/api/customers.xml', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/xml', cookie: 'remember=imonggo-cookie-SECRET' },
      body: '<customer><name>Kept Out</name></customer>',
    });
    const entries = await journal(app, 'imonggo', token);
    expect(entries).toHaveLength(2);
    expect(entries[1]?.request.headers.cookie).toBe('remember=[redacted]');
    const text = JSON.stringify(entries);
    for (const secret of [
      authorization.slice('Basic '.length),
      'imonggo-password-SECRET',
      'imonggo-cookie-SECRET',
      token,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('Valomnia: j_password in a form and in the query, the session in a cookie or a bearer header', async () => {
    const login = 'journal.secret@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login });
    const formLogin = await send(app, '/j_spring_security_check', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `j_username=${encodeURIComponent(login)}&j_password=form-password-SECRET&ajax=true`,
    });
    const queryLogin = await send(
      app,
      `/j_spring_security_check?j_username=${encodeURIComponent(login)}&j_password=query-password-SECRET`,
    );
    const session = /JSESSIONID=([0-9A-F]{32})/.exec(formLogin.headers['set-cookie'] ?? '')?.[1] ?? 'none';
    const other = /JSESSIONID=([0-9A-F]{32})/.exec(queryLogin.headers['set-cookie'] ?? '')?.[1] ?? 'none';
    await send(app, '/api/v1.0/customers?max=1', {
      headers: { cookie: `theme=dark-SECRET; JSESSIONID=${session}` },
    });
    await send(app, '/api/v1.0/customers?max=1', { headers: { authorization: `Bearer ${other}` } });
    await send(app, '/api/v1.0/customers', {
      method: 'POST',
      headers: { cookie: `JSESSIONID=${session}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reference=S-1&name=Secretive&client_secret=form-secret-SECRET&passcode=pass-field-SECRET',
    });

    const entries = await journal(app, 'valomnia', login);
    expect(entries).toHaveLength(5);
    const [formEntry, queryEntry, cookieEntry, bearerEntry, createEntry] = entries as JournalEntry[] as [
      JournalEntry,
      JournalEntry,
      JournalEntry,
      JournalEntry,
      JournalEntry,
    ];
    expect(new URLSearchParams(formEntry.request.body?.text).get('j_password')).toBe('[redacted]');
    expect(queryEntry.method).toBe('GET');
    expect(queryEntry.operationId).toBe(contractOperationId('valomnia', 'get', '/j_spring_security_check'));
    expect(new URLSearchParams(queryEntry.query).get('j_password')).toBe('[redacted]');
    expect(new URLSearchParams(queryEntry.query).get('j_username')).toBe(login);
    expect(cookieEntry.request.headers.cookie).toBe('theme=[redacted]; JSESSIONID=[redacted]');
    expect(bearerEntry.request.headers.authorization).toBe('Bearer [redacted]');
    const fields = new URLSearchParams(createEntry.request.body?.text);
    expect(fields.get('client_secret')).toBe('[redacted]');
    expect(fields.get('passcode')).toBe('[redacted]');
    expect(fields.get('name')).toBe('Secretive');

    const text = JSON.stringify(entries);
    for (const secret of ['form-password-SECRET', 'query-password-SECRET', 'dark-SECRET', 'form-secret-SECRET']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('pass-field-SECRET');
    expect(text).not.toContain(session);
    expect(text).not.toContain(other);
  });

  it('MYPOS Connect: the Basic password of the token request and the bearer token of API calls', async () => {
    const email = 'journal.secret@example.com';
    await createTenant(app, { vendor: 'myposconnect', credential: email });
    const basicHeader = basicAuth(email, 'mypos-password-SECRET');
    const tokenReply = await send(app, '/api/v2/auth/token', {
      method: 'POST',
      headers: { authorization: basicHeader },
    });
    const token = (JSON.parse(tokenReply.text) as { bearerToken: string }).bearerToken;
    await send(app, '/api/v2/customers', { headers: { authorization: `Bearer ${token}` } });
    await send(app, '/api/v2/customers/1000070', { headers: { authorization: `bearer ${token}` } });
    const entries = await journal(app, 'myposconnect', email);
    expect(entries.map((entry) => entry.request.headers.authorization)).toEqual([
      'Basic [redacted]',
      'Bearer [redacted]',
      'bearer [redacted]',
    ]);
    const headersText = JSON.stringify(entries.map((entry) => [entry.request, entry.query]));
    expect(headersText).not.toContain(token);
    const text = JSON.stringify(entries);
    expect(text).not.toContain('mypos-password-SECRET');
    expect(text).not.toContain(basicHeader.slice('Basic '.length));
  });
});

describe('bodies', () => {
  it('cuts a list answer at 64 KiB, with truncated: true and the full size', async () => {
    const token = 'journal-big-list';
    await createTenant(app, { vendor: 'imonggo', credential: token, dataset: 'demo', records: 150 });
    const res = await send(app, '/api/customers.xml?per_page=100', { headers: { authorization: basic(token) } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(res.text);
    expect(bytes.length).toBeGreaterThan(KIB64);
    const [entry] = await journal(app, 'imonggo', token);
    expect(entry?.response.body).toEqual({
      contentType: 'application/xml; charset=utf-8',
      size: bytes.length,
      text: bytes.subarray(0, KIB64).toString('utf8'),
      truncated: true,
    });
  });

  it('keeps a page as it was sent, after its records change, in XML and JSON', async () => {
    const token = 'journal-page-then-edit';
    await createTenant(app, { vendor: 'imonggo', credential: token, dataset: 'demo', records: 5 });
    const headers = { authorization: basic(token) };
    const before = [
      await send(app, '/api/customers.xml', { headers }),
      await send(app, '/api/customers.json', { headers }),
    ];
    const [first] = JSON.parse(before[1]?.text ?? '[]') as { id: number }[];
    const edited = await send(app, `/api/customers/${first?.id}.xml`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: '<customer><remark>changed after the list</remark></customer>',
    });
    expect(edited.status).toBe(200);
    const after = await send(app, '/api/customers.json', { headers });
    expect(after.text).toContain('changed after the list');
    const lists = (await journal(app, 'imonggo', token)).filter((entry) => entry.method === 'GET');
    expect(lists.map((entry) => entry.response.body?.text)).toEqual([before[0]?.text, before[1]?.text, after.text]);
    expect(before[1]?.text).not.toContain('changed after the list');
  });

  it('keeps Valomnia and MYPOS pages as they were sent, cut at 64 KiB', async () => {
    const login = 'journal.pages@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login, dataset: 'demo', records: 300 });
    const cookie = await valomniaCookie(app, login);
    await createTenant(app, { vendor: 'myposconnect', credential: login, dataset: 'demo', records: 300 });
    const auth = { authorization: `Bearer ${await takeToken(app, login)}` };
    const valomnia = [
      await send(app, '/api/v1.0/customers?max=100', { headers: { cookie } }),
      await send(app, '/api/v1.0/customers?max=2&offset=5', { headers: { cookie } }),
    ];
    const mypos = [
      await send(app, '/api/v2/customers?liPage=1&liPageSize=100', { headers: auth }),
      await send(app, '/api/v2/customers?liPage=2&liPageSize=3&sFieldList=customerName,customerCode', {
        headers: auth,
      }),
    ];
    const kept = [
      ...(await journal(app, 'valomnia', login)).slice(1),
      ...(await journal(app, 'myposconnect', login)).slice(1),
    ].map((entry) => entry.response.body);
    expect([...valomnia, ...mypos].map((res) => res.status)).toEqual([200, 200, 200, 200]);
    const sent = [...valomnia, ...mypos].map((res) => Buffer.from(res.text));
    expect(sent.map((bytes) => bytes.length > KIB64)).toEqual([true, false, false, false]);
    expect(kept).toEqual(
      sent.map((bytes) => ({
        contentType: 'application/json; charset=utf-8',
        size: bytes.length,
        text: bytes.subarray(0, KIB64).toString('utf8'),
        ...(bytes.length > KIB64 ? { truncated: true } : {}),
      })),
    );
  });

  it('cuts a request body at 64 KiB; one of exactly 64 KiB is whole', async () => {
    const token = 'journal-big-body';
    await createTenant(app, { vendor: 'imonggo', credential: token, dataset: 'empty' });
    const open = '<customer><name>Big</name><remark>';
    const close = '</remark></customer>';
    const exact = `${open}${'r'.repeat(KIB64 - open.length - close.length)}${close}`;
    const big = `${open}${'r'.repeat(100_000)}${close}`;
    expect(Buffer.byteLength(exact)).toBe(KIB64);
    for (const body of [exact, big]) {
      const res = await send(app, '/api/customers.xml', {
        method: 'POST',
        headers: { authorization: basic(token), 'content-type': 'application/xml' },
        body,
      });
      expect(res.status).toBe(200);
    }
    const [whole, cut] = await journal(app, 'imonggo', token);
    expect(whole?.request.body).toEqual({ contentType: 'application/xml', size: KIB64, text: exact });
    expect(cut?.request.body).toEqual({
      contentType: 'application/xml',
      size: Buffer.byteLength(big),
      text: big.slice(0, KIB64),
      truncated: true,
    });
  });

  it('cuts on a character boundary: a 64 KiB mark inside a UTF-8 character keeps only whole ones', async () => {
    const token = 'journal-utf8-cut';
    await createTenant(app, { vendor: 'imonggo', credential: token, dataset: 'empty' });
    // An odd number of one-byte characters before the two-byte ones puts the mark inside an "é".
    const open = '<customer><name>Accents</name><remark>';
    const body = `${open}${open.length % 2 === 0 ? 'x' : ''}${'é'.repeat(40_000)}</remark></customer>`;
    const res = await send(app, '/api/customers.xml', {
      method: 'POST',
      headers: { authorization: basic(token), 'content-type': 'application/xml' },
      body,
    });
    expect(res.status).toBe(200);
    const [entry] = await journal(app, 'imonggo', token);
    for (const [kept, sent] of [
      [entry?.request.body, Buffer.from(body)],
      [entry?.response.body, Buffer.from(res.text)],
    ] as const) {
      expect(sent.length).toBeGreaterThan(KIB64);
      const text = kept?.text ?? '';
      expect(text).not.toContain('\uFFFD');
      expect(Buffer.byteLength(text)).toBeGreaterThan(KIB64 - 4);
      expect(sent.subarray(0, Buffer.byteLength(text)).toString('utf8')).toBe(text);
      expect(kept?.truncated).toBe(true);
    }
  });

  it('leaves a multipart body out: omitted "multipart" with its size', async () => {
    const login = 'journal.multipart@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login });
    const cookie = await valomniaCookie(app, login);
    const body = multipart([
      ['reference', 'MP-1'],
      ['name', 'Multipart Shop'],
    ]);
    const res = await send(app, '/api/v1.0/customers', {
      method: 'POST',
      headers: { cookie, 'content-type': MULTIPART_TYPE },
      body,
    });
    expect(res.status, res.text).toBe(201);
    const entry = (await journal(app, 'valomnia', login)).at(-1);
    expect(entry?.request.body).toEqual({ contentType: MULTIPART_TYPE, size: body.length, omitted: 'multipart' });
    expect(entry?.request.headers['content-type']).toBe(MULTIPART_TYPE);
    expect(entry?.response.body).toEqual(textBody('application/json; charset=utf-8', res.text));
  });

  it('leaves a body that is not text out: omitted "binary" with its size', async () => {
    const token = 'journal-binary';
    await createTenant(app, { vendor: 'imonggo', credential: token });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    await send(app, '/api/customers.xml', {
      method: 'POST',
      headers: { authorization: basic(token), 'content-type': 'image/png' },
      body: png,
    });
    const [entry] = await journal(app, 'imonggo', token);
    expect(entry?.request.body).toMatchObject({ size: png.length, omitted: 'binary' });
    expect(entry?.request.body?.text).toBeUndefined();
  });

  it('journals no image fetched without a credential (its tenant is not known)', async () => {
    const login = 'journal.images@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login, dataset: 'docs' });
    const image = await send(app, '/entity1-1450169988465/photoCustomer/1471338230737_logo_color_272x92dp.png');
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(await journal(app, 'valomnia', login)).toEqual([]);
  });
});

describe('filters and count', () => {
  const TOKEN = 'journal-filters';
  let entries: JournalEntry[];

  beforeAll(async () => {
    await createTenant(app, { vendor: 'imonggo', credential: TOKEN, dataset: 'docs' });
    const headers = { authorization: basic(TOKEN) };
    await send(app, '/api/customers.xml', { headers }); // 1
    await send(app, '/api/customers/11.xml', { headers }); // 2
    // Entries 3 on arrive at least a millisecond later than 1 and 2.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await send(app, '/api/customers/99999.xml', { headers }); // 3: 404
    await createCustomer(app, 'imonggo', headers, 'Filter Me'); // 4
    await send(app, '/api/suppliers.xml?page=1', { headers }); // 5
    entries = await journal(app, 'imonggo', TOKEN);
  });

  function ids(list: JournalEntry[]): number[] {
    return list.map((entry) => entry.id);
  }

  it('lists every entry oldest first without a filter', () => {
    expect(entries.map((entry) => [entry.id, entry.method, entry.path, entry.status])).toEqual([
      [1, 'GET', '/api/customers.xml', 200],
      [2, 'GET', '/api/customers/11.xml', 200],
      [3, 'GET', '/api/customers/99999.xml', 404],
      [4, 'POST', '/api/customers.xml', 200],
      [5, 'GET', '/api/suppliers.xml', 200],
    ]);
  });

  const since3 = () => Date.parse(entries[2]?.at ?? '');

  const FILTERS: [string, () => string, number[]][] = [
    ['method=GET', () => 'method=GET', [1, 2, 3, 5]],
    ['method=POST', () => 'method=POST', [4]],
    ['method=DELETE', () => 'method=DELETE', []],
    ['a path', () => 'path=/api/suppliers.xml', [5]],
    ['a path wildcard', () => `path=${encodeURIComponent('/api/customers*')}`, [1, 2, 3, 4]],
    ['a wildcard inside a path', () => `path=${encodeURIComponent('/api/customers/*.xml')}`, [2, 3]],
    ['a path wildcard in another case', () => `path=${encodeURIComponent('/API/*')}`, []],
    ['operationId', () => `operationId=${contractOperationId('imonggo', 'get', '/api/customers/{id}.xml')}`, [2, 3]],
    ['another operationId', () => `operationId=${contractOperationId('imonggo', 'post', '/api/customers.xml')}`, [4]],
    ['status=404', () => 'status=404', [3]],
    ['status=200', () => 'status=200', [1, 2, 4, 5]],
    ['since in epoch ms', () => `since=${since3()}`, [3, 4, 5]],
    ['since in ISO-8601', () => `since=${encodeURIComponent(new Date(since3()).toISOString())}`, [3, 4, 5]],
    ['since in the future', () => `since=${Date.now() + 3_600_000}`, []],
    ['since long ago', () => 'since=2000-01-01T00:00:00Z', [1, 2, 3, 4, 5]],
    ['several filters', () => `method=GET&status=200&path=${encodeURIComponent('/api/customers*')}`, [1, 2]],
  ];

  it.each(FILTERS)('filters by %s, and the count agrees', async (_what, query, expected) => {
    const listed = await journal(app, 'imonggo', TOKEN, query());
    expect(ids(listed)).toEqual(expected);
    expect(listed).toEqual(entries.filter((entry) => expected.includes(entry.id)));
    expect(await journalCount(app, 'imonggo', TOKEN, query())).toBe(expected.length);
  });

  it('counts every entry without a filter', async () => {
    expect(await journalCount(app, 'imonggo', TOKEN)).toBe(entries.length);
  });

  const BAD: [string, string][] = [
    ['an unknown filter', 'verb=GET'],
    ['a paging argument no filter knows', 'limit=1'],
    ['an unknown filter beside a good one', 'method=GET&tenant=x'],
    ['a repeated method', 'method=GET&method=POST'],
    ['a repeated path', 'path=/a&path=/b'],
    ['a repeated status', 'status=200&status=404'],
    ['a status that is no number', 'status=ok'],
    ['a status of two digits', 'status=99'],
    ['a status past 599', 'status=600'],
    ['a status of four digits', 'status=2000'],
    ['a since that is no time', 'since=yesterday'],
    ['a since of garbage', 'since=2020-13-45T99:99:99Z'],
  ];

  it.each(BAD)('400 bad_request for %s, on the listing and the count', async (_what, query) => {
    for (const path of ['requests', 'requests/count']) {
      const res = await send(app, `${tenantPath('imonggo', TOKEN)}/${path}?${query}`);
      expect(res.status, res.text).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    }
  });
});

describe('clearing, the ring bound, journaling off', () => {
  it('DELETE …/requests empties the journal (204) and ids start again at 1', async () => {
    const token = 'journal-clear';
    await createTenant(app, { vendor: 'imonggo', credential: token });
    const headers = { authorization: basic(token) };
    for (let i = 0; i < 3; i++) await send(app, '/api/customers.xml', { headers });
    expect(await journalCount(app, 'imonggo', token)).toBe(3);
    const cleared = await send(app, `${tenantPath('imonggo', token)}/requests`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect(cleared.text).toBe('');
    expect(await journal(app, 'imonggo', token)).toEqual([]);
    expect(await journalCount(app, 'imonggo', token)).toBe(0);
    await send(app, '/api/suppliers.xml', { headers });
    expect((await journal(app, 'imonggo', token)).map((entry) => [entry.id, entry.path])).toEqual([
      [1, '/api/suppliers.xml'],
    ]);
  });

  it('keeps the last journalSize entries, their ids going on', async () => {
    const small = await testApp({ journalSize: 3 });
    try {
      for (const vendor of VENDORS) {
        const credential = vendor === 'imonggo' ? 'ring-token' : 'ring@example.com';
        const headers = await authHeaders(small, vendor, credential);
        const sent = vendor === 'imonggo' ? 0 : 1;
        for (let i = 1; i <= 6 - sent; i++) {
          expect((await send(small, `${LIST_PATH[vendor]}?ring=${i}`, { headers })).status).toBeLessThan(500);
        }
        const kept = await journal(small, vendor, credential);
        expect(kept.map((entry) => entry.id)).toEqual([4, 5, 6]);
        expect(kept.map((entry) => entry.query)).toEqual([`ring=${4 - sent}`, `ring=${5 - sent}`, `ring=${6 - sent}`]);
        expect(await journalCount(small, vendor, credential)).toBe(3);
        expect(await journalCount(small, vendor, credential, 'since=2000-01-01')).toBe(3);
        expect((await send(small, `${tenantPath(vendor, credential)}/requests`, { method: 'DELETE' })).status).toBe(
          204,
        );
        await send(small, LIST_PATH[vendor], { headers });
        expect((await journal(small, vendor, credential)).map((entry) => entry.id)).toEqual([1]);
      }
    } finally {
      await small.close();
    }
  });

  it('journals nothing with journalSize 0, and the API still answers', async () => {
    const off = await testApp({ journalSize: 0 });
    try {
      for (const vendor of VENDORS) {
        const credential = vendor === 'imonggo' ? 'off-token' : 'off@example.com';
        const headers = await authHeaders(off, vendor, credential);
        expect((await send(off, LIST_PATH[vendor], { headers })).status).toBe(200);
        expect((await createCustomer(off, vendor, headers, 'Off Record')).status).toBeLessThan(300);
        expect(await journal(off, vendor, credential)).toEqual([]);
        expect(await journalCount(off, vendor, credential)).toBe(0);
      }
    } finally {
      await off.close();
    }
  });
});

describe('whose journal', () => {
  it('keeps each tenant to its own entries, across tenants and vendors', async () => {
    const shared = 'journal.isolation@example.com';
    await createTenant(app, { vendor: 'imonggo', credential: 'journal-iso-a' });
    await createTenant(app, { vendor: 'imonggo', credential: 'journal-iso-b' });
    for (const vendor of VENDORS) await createTenant(app, { vendor, credential: shared });
    await send(app, '/api/customers.xml?who=a', { headers: { authorization: basic('journal-iso-a') } });
    await send(app, '/api/suppliers.xml?who=b', { headers: { authorization: basic('journal-iso-b') } });
    await send(app, '/api/customers.xml?who=b', { headers: { authorization: basic('journal-iso-b') } });
    for (const vendor of VENDORS) {
      const headers = await authHeaders(app, vendor, shared);
      await send(app, `${LIST_PATH[vendor]}?who=${vendor}`, { headers });
    }

    const queries = async (vendor: Vendor, credential: string) =>
      (await journal(app, vendor, credential)).map((entry) => `${entry.path}?${entry.query}`);
    expect(await queries('imonggo', 'journal-iso-a')).toEqual(['/api/customers.xml?who=a']);
    expect(await queries('imonggo', 'journal-iso-b')).toEqual(['/api/suppliers.xml?who=b', '/api/customers.xml?who=b']);
    expect(await queries('imonggo', shared)).toEqual(['/api/customers.xml?who=imonggo']);
    expect(await queries('valomnia', shared)).toEqual([
      '/j_spring_security_check?',
      '/api/v1.0/customers?who=valomnia',
    ]);
    expect(await queries('myposconnect', shared)).toEqual([
      '/api/v2/auth/token?',
      '/api/v2/customers?who=myposconnect',
    ]);
  });

  it('keeps the journal across a reset and drops it with a delete', async () => {
    for (const vendor of VENDORS) {
      const credential = vendor === 'imonggo' ? 'journal-lifetime' : 'journal.lifetime@example.com';
      await createTenant(app, { vendor, credential });
      const headers = await authHeaders(app, vendor, credential);
      await send(app, LIST_PATH[vendor], { headers });
      const before = await journal(app, vendor, credential);
      expect(before.length).toBeGreaterThan(0);
      expect((await send(app, `${tenantPath(vendor, credential)}/reset`, { method: 'POST' })).status).toBe(200);
      expect(await journal(app, vendor, credential)).toEqual(before);
      // Journaling goes on after the reset, the ids continuing.
      await send(app, LIST_PATH[vendor], { headers });
      expect((await journal(app, vendor, credential)).at(-1)?.id).toBe(before.length + 1);

      expect((await send(app, tenantPath(vendor, credential), { method: 'DELETE' })).status).toBe(204);
      expect(await journal(app, vendor, credential)).toEqual([]);
    }
  });

  it('journals no request refused before its tenant is known', async () => {
    const login = 'journal.refused@example.com';
    for (const vendor of VENDORS) {
      await createTenant(app, { vendor, credential: vendor === 'imonggo' ? 'journal-refused' : login });
    }
    const totals = async () => {
      const tenants = await listTenants(app);
      let sum = 0;
      for (const tenant of tenants) sum += await journalCount(app, tenant.vendor, tenant.credential);
      return { tenants: tenants.map((tenant) => `${tenant.vendor}:${tenant.credential}`), sum };
    };
    const before = await totals();

    const refusals: [string, Parameters<typeof send>[2]][] = [
      ['/api/customers.xml', {}],
      ['/api/customers.xml', { headers: { authorization: 'Bearer journal-refused' } }],
      ['/api/customers.xml', { headers: { authorization: basic('   ') } }],
      ['/api/tokens.xml?email=journal-refused@example.com&password=x', {}],
      ['/api/v1.0/customers', {}],
      ['/api/v1.0/customers', { headers: { cookie: 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF' } }],
      ['/login/ajaxSuccess', {}],
      ['/login/authfail?ajax=true', {}],
      ['/logout', { headers: { cookie: 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF' } }],
      [`/j_spring_security_check?j_username=${encodeURIComponent(login)}`, {}],
      ['/api/v2/customers', {}],
      ['/api/v2/customers', { headers: { authorization: 'Bearer not.a.token' } }],
      ['/api/v2/auth/token', { method: 'POST', headers: { authorization: basicAuth(login, ' ') } }],
      ['/api/v2/auth/token', { method: 'POST' }],
    ];
    for (const [path, options] of refusals) {
      const res = await send(app, path, options);
      expect(res.status, `${path}: ${res.text}`).not.toBe(500);
    }
    expect(await totals()).toEqual(before);
  });

  it('stamps tenantAt from a frozen tenant clock and at from real time', async () => {
    const token = 'journal-tenant-at';
    await createTenant(app, { vendor: 'imonggo', credential: token, clock: T0 });
    const headers = { authorization: basic(token) };
    const before = Date.now();
    await send(app, '/api/customers.xml', { headers });
    await sendJson(app, 'POST', `${tenantPath('imonggo', token)}/clock/advance`, { seconds: 90 });
    await send(app, '/api/customers.xml', { headers });
    const after = Date.now();
    const [first, second] = await journal(app, 'imonggo', token);
    expect(first?.tenantAt).toBe(T0);
    expect(second?.tenantAt).toBe('2020-01-02T03:05:35.000Z');
    for (const entry of [first, second]) {
      expect(Date.parse(entry?.at ?? '')).toBeGreaterThanOrEqual(before);
      expect(Date.parse(entry?.at ?? '')).toBeLessThanOrEqual(after);
    }
  });

  it('stamps tenantAt from a running tenant clock', async () => {
    const email = 'journal.running@example.com';
    await createTenant(app, {
      vendor: 'myposconnect',
      credential: email,
      clock: { at: '2019-05-06T07:08:09Z', frozen: false },
    });
    await takeToken(app, email);
    const [entry] = await journal(app, 'myposconnect', email);
    const tenantAt = Date.parse(entry?.tenantAt ?? '');
    expect(tenantAt).toBeGreaterThanOrEqual(Date.parse('2019-05-06T07:08:09Z'));
    expect(entry?.tenantAt.startsWith('2019-05-06T07:')).toBe(true);
    expect(Math.abs(Date.parse(entry?.at ?? '') - Date.now())).toBeLessThan(86_400_000);
  });
});

describe('over a real socket', () => {
  let base: string;
  let server: FastifyInstance;

  beforeAll(async () => {
    server = await testApp({ dataset: 'demo', records: 60 });
    base = await listen(server);
  });
  afterAll(async () => {
    await server.close();
  });

  function hostHeader(entry: JournalEntry | undefined): string | string[] | undefined {
    return entry?.request.headers.host;
  }

  it('Imonggo: an incremental sync, every page journaled as sent', async () => {
    const token = 'socket-imonggo';
    await createTenant(base, { vendor: 'imonggo', credential: token, clock: '2025-03-01T09:00:00Z' });
    const headers = { authorization: basic(token, 'socket-password-SECRET') };
    const last = await send(base, '/api/customers.xml?q=last_updated_at', { headers });
    const to = /<last-updated-at[^>]*>([^<]*)</.exec(last.text)?.[1] ?? '';
    expect(to).not.toBe('');
    const pages: Reply[] = [];
    for (let page = 1; ; page++) {
      const res = await send(base, `/api/customers.xml?after=&to=${encodeURIComponent(to)}&page=${page}&per_page=25`, {
        headers,
      });
      expect(res.status).toBe(200);
      pages.push(res);
      if (!res.text.includes('<customer>')) break;
    }
    expect(pages.length).toBeGreaterThan(2);

    const entries = await journal(base, 'imonggo', token);
    expect(entries).toHaveLength(1 + pages.length);
    expect(entries[0]?.query).toBe('q=last_updated_at');
    expect(entries[0]?.response.body?.text).toBe(last.text);
    for (const [i, page] of pages.entries()) {
      const entry = entries[i + 1];
      expect(entry).toMatchObject({
        id: i + 2,
        method: 'GET',
        path: '/api/customers.xml',
        query: `after=&to=${encodeURIComponent(to)}&page=${i + 1}&per_page=25`,
        operationId: contractOperationId('imonggo', 'get', '/api/customers.xml'),
        status: 200,
        tenantAt: '2025-03-01T09:00:00.000Z',
        response: { body: textBody('application/xml; charset=utf-8', page.text) },
      });
      expect(entry?.request.headers.authorization).toBe('Basic [redacted]');
      expect(hostHeader(entry)).toBe(new URL(base).host);
    }
    expect(JSON.stringify(entries)).not.toContain('socket-password-SECRET');
    expect(await journalCount(base, 'imonggo', token, `path=${encodeURIComponent('/api/customers*')}&status=200`)).toBe(
      entries.length,
    );
  });

  it('Valomnia: the login flow and a sync by lastUpdated, following next', async () => {
    const login = 'socket.valomnia@example.com';
    await createTenant(base, { vendor: 'valomnia', credential: login });
    const signIn = await fetch(`${base}/j_spring_security_check`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ j_username: login, j_password: 'socket-valomnia-SECRET', ajax: 'true' }),
    });
    expect(signIn.status).toBe(302);
    const session = /JSESSIONID=([0-9A-F]{32})/.exec(signIn.headers.getSetCookie().join(';'))?.[1] ?? '';
    const cookie = `JSESSIONID=${session}`;
    const ajax = await fetch(`${base}/login/ajaxSuccess`, { headers: { cookie } });
    expect(ajax.status).toBe(200);
    await ajax.text();
    let next: string | null = '/api/v1.0/customers?max=20&lastUpdated_gte=1970-01-01T00:00:00Z&sort=id';
    const paths: string[] = [];
    while (next) {
      paths.push(next);
      const res = await fetch(`${base}${next}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      next = ((await res.json()) as { paging: { next: string | null } }).paging.next;
    }
    expect(paths.length).toBeGreaterThan(2);

    const entries = await journal(base, 'valomnia', login);
    expect(entries.map((entry) => entry.operationId)).toEqual([
      contractOperationId('valomnia', 'post', '/j_spring_security_check'),
      contractOperationId('valomnia', 'get', '/login/ajaxSuccess'),
      ...paths.map(() => contractOperationId('valomnia', 'get', '/api/v1.0/customers')),
    ]);
    expect(entries.slice(2).map((entry) => `${entry.path}?${entry.query}`)).toEqual(paths);
    expect(new URLSearchParams(entries[0]?.request.body?.text).get('j_password')).toBe('[redacted]');
    for (const entry of entries.slice(1)) {
      expect(entry.request.headers.cookie).toBe('JSESSIONID=[redacted]');
      expect(hostHeader(entry)).toBe(new URL(base).host);
    }
    expect(JSON.stringify(entries)).not.toContain('socket-valomnia-SECRET');
    expect(await journalCount(base, 'valomnia', login, 'operationId=listCustomers')).toBe(paths.length);
  });

  it('keeps a body sent chunked, in pieces apart in time, whole and with its size', async () => {
    const token = 'socket-chunked';
    await createTenant(base, { vendor: 'imonggo', credential: token, dataset: 'empty' });
    const pieces = ['<customer><name>Chunked', ' Body</name><remark>', 'r'.repeat(20_000), '</remark></customer>'];
    const url = new URL('/api/customers.xml', base);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: { authorization: basic(token), 'content-type': 'application/xml', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      // Each piece after the hooks have run: the journal must see the body as the parser does.
      const write = (index: number) => {
        if (index === pieces.length) {
          req.end();
          return;
        }
        req.write(pieces[index]);
        setTimeout(() => write(index + 1), 20);
      };
      write(0);
    });
    expect(status).toBe(200);
    const body = pieces.join('');
    const [entry] = await journal(base, 'imonggo', token);
    expect(entry?.request.headers['transfer-encoding']).toBe('chunked');
    expect(entry?.request.body).toEqual(textBody('application/xml', body));
  });

  it('MYPOS Connect: a token and a sync by filt_LastEditDateUTC_dt_min, page by page', async () => {
    const email = 'socket.mypos@example.com';
    await createTenant(base, { vendor: 'myposconnect', credential: email });
    const tokenRes = await fetch(`${base}/api/v2/auth/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(email, 'socket-mypos-SECRET') },
    });
    expect(tokenRes.status).toBe(200);
    const token = ((await tokenRes.json()) as { bearerToken: string }).bearerToken;
    const queries: string[] = [];
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({
        liPage: String(page),
        liPageSize: '25',
        sSortKey: 'LastEditDateUTCASC',
        filt_LastEditDateUTC_dt_min: '2000-jan-01',
      }).toString();
      queries.push(query);
      const res = await fetch(`${base}/api/v2/customers?${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      if (((await res.json()) as unknown[]).length === 0) break;
    }
    expect(queries.length).toBeGreaterThan(2);

    const entries = await journal(base, 'myposconnect', email);
    expect(entries.map((entry) => [entry.method, entry.path, entry.query, entry.status])).toEqual([
      ['POST', '/api/v2/auth/token', '', 200],
      ...queries.map((query) => ['GET', '/api/v2/customers', query, 200]),
    ]);
    expect(entries[0]?.request.headers.authorization).toBe('Basic [redacted]');
    for (const entry of entries.slice(1)) {
      expect(entry.request.headers.authorization).toBe('Bearer [redacted]');
      expect(entry.operationId).toBe(contractOperationId('myposconnect', 'get', '/api/v2/customers'));
    }
    expect(JSON.stringify(entries)).not.toContain('socket-mypos-SECRET');
    expect(await journalCount(base, 'myposconnect', email, 'method=GET')).toBe(queries.length);
  });
});
