import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { advanceClock, freezeClock } from '../helpers/valomnia.js';

/**
 * Valomnia's session login over real sockets, as the vendor's page and its public clients use it:
 * the three ways credentials arrive, ajaxSuccess, authfail, cookie and Bearer sessions, logout,
 * idle expiry on the tenant's clock, case-insensitive logins, tenant reset/delete and isolation.
 */

let docsApp: FastifyInstance;
let docs: string;
let demoApp: FastifyInstance;
let demo: string;

beforeAll(async () => {
  docsApp = await testApp({ dataset: 'docs' });
  docs = await docsApp.listen({ port: 0, host: '127.0.0.1' });
  demoApp = await testApp({ dataset: 'demo', records: 5 });
  demo = await demoApp.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all([docsApp.close(), demoApp.close()]);
});

const FAILURE = '/login/authfail?ajax=true';
const SUCCESS = '/login/ajaxSuccess';
const COOKIE_SHAPE = /^JSESSIONID=([0-9A-F]{32}); Path=\/; HttpOnly$/;
const UNAUTHORIZED =
  '{"error":"unauthorized","error_description":"Full authentication is required to access this resource"}';
const AUTHFAIL = '{"error":"Sorry, we were not able to find a user with that username and password."}';
const NOT_FOUND = `{"error":"not_found","error_description":"The requested resource doesn't exist."}`;
const CLEARED_COOKIE = 'JSESSIONID=; Path=/; Max-Age=0; HttpOnly';

const USER_KEYS = [
  'firstName',
  'lastName',
  'email',
  'address',
  'city',
  'country',
  'postalCode',
  'gender',
  'phone',
  'job',
  'avatar',
  'birthday',
  'companyName',
  'companyDescription',
  'companyPhone',
  'companyFax',
  'companyEmail',
  'companyWebSite',
  'companyAddress',
  'companyPostalCode',
  'companyCity',
  'companyCountry',
  'isGeoLocationActivated',
  'enableCheckStock',
  'enableAssignRegionToCustomer',
  'role',
  'enabled',
  'homeBackground',
];

interface Options {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
}

/** One request with fetch, never following a redirect. */
function call(base: string, path: string, options: Options = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: options.method ?? 'GET',
    redirect: 'manual',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

interface Raw {
  status: number;
  /** Header names (lower-case) with every value, in the order sent. */
  headers: [string, string][];
  body: string;
}

/** One request with node:http: every header line as the server wrote it, and the raw body. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          pairs.push([String(res.rawHeaders[i]).toLowerCase(), String(res.rawHeaders[i + 1])]);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function headerValues(response: Raw, name: string): string[] {
  return response.headers.filter(([key]) => key === name).map(([, value]) => value);
}

const credentials = (username: string, password = 'secret') =>
  new URLSearchParams({ j_username: username, j_password: password, ajax: 'true' }).toString();

/** Logs in with a form POST (the vendor's page); returns the session id. */
async function login(base: string, username: string): Promise<string> {
  const res = await call(base, '/j_spring_security_check', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: credentials(username),
  });
  expect(res.status).toBe(302);
  const match = COOKIE_SHAPE.exec(res.headers.getSetCookie()[0] ?? '');
  if (!match?.[1]) throw new Error(`no session cookie for ${username}`);
  return match[1];
}

const cookie = (token: string) => ({ cookie: `JSESSIONID=${token}` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function customers(base: string, headers: Record<string, string>, query = ''): Promise<Response> {
  return call(base, `/api/v1.0/customers${query}`, { headers });
}

async function expectUnauthorized(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.text()).toBe(UNAUTHORIZED);
}

async function ajaxSuccess(base: string, token: string, method = 'GET') {
  const res = await call(base, SUCCESS, { method, headers: cookie(token) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(await res.text()) as { token: string; user: Record<string, unknown> } & Record<string, unknown>;
}

async function createCustomer(base: string, token: string, reference: string): Promise<Record<string, unknown>> {
  const res = await call(base, '/api/v1.0/customers', {
    method: 'POST',
    headers: { ...cookie(token), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ reference, name: `Customer ${reference}` }).toString(),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, unknown>;
}

async function referenceStatus(base: string, token: string, reference: string): Promise<number> {
  return (await call(base, `/api/v1.0/customers/reference/${reference}`, { headers: cookie(token) })).status;
}

async function admin(base: string, method: string, path: string, body?: object): Promise<Response> {
  return fetch(`${base}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Checks a login answer: 302 to ajaxSuccess, one well-formed session cookie, no body. Returns the id. */
function expectLoggedIn(res: Raw): string {
  expect(res.status).toBe(302);
  expect(headerValues(res, 'location')).toEqual([SUCCESS]);
  const cookies = headerValues(res, 'set-cookie');
  expect(cookies).toHaveLength(1);
  const match = COOKIE_SHAPE.exec(cookies[0] ?? '');
  expect(match, cookies[0]).not.toBeNull();
  expect(res.body).toBe('');
  return match?.[1] ?? '';
}

function expectRefused(res: Raw): void {
  expect(res.status).toBe(302);
  expect(headerValues(res, 'location')).toEqual([FAILURE]);
  expect(headerValues(res, 'set-cookie')).toEqual([]);
}

describe('the three login styles of the vendor and its clients', () => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const styles: [string, (user: string) => Promise<Raw>][] = [
    ['(a) POST form body', (user) => raw(docs, 'POST', '/j_spring_security_check', FORM, credentials(user))],
    [
      '(b) POST, query string, application/json, empty body',
      (user) =>
        raw(docs, 'POST', `/j_spring_security_check?${credentials(user)}`, {
          'content-type': 'application/json',
          'content-length': '0',
        }),
    ],
    ['(c) GET with the query string', (user) => raw(docs, 'GET', `/j_spring_security_check?${credentials(user)}`)],
  ];

  it.each(styles)('%s: 302 to ajaxSuccess with a JSESSIONID, then the documented ajaxSuccess', async (_name, send) => {
    const res = await send('FooBar@Example.com');
    const token = expectLoggedIn(res);
    // The PHP client's test of success: the raw answer holds 302 and login/ajaxSuccess.
    expect(`${res.status} ${headerValues(res, 'location').join()}`).toMatch(/302.*login\/ajaxSuccess/);

    for (const method of ['GET', 'POST']) {
      const body = await ajaxSuccess(docs, token, method);
      expect(Object.keys(body)).toEqual(['warning', 'success', 'token', 'user']);
      expect(body.warning).toEqual({
        warning_code: 'deprecated_version',
        warning_description:
          'All versions older than 1.0 version are deprecated and will be removed in the next release',
      });
      expect(body.success).toBe(true);
      expect(body.token).toBe(token);
      expect(Object.keys(body.user)).toEqual(USER_KEYS);
      expect(body.user).toEqual({
        firstName: 'Jane',
        lastName: 'Doe',
        email: 'foobar@example.com',
        address: null,
        city: null,
        country: null,
        postalCode: null,
        gender: null,
        phone: null,
        job: null,
        avatar: '1455115600210_1448038178_supportfemale.png',
        birthday: null,
        companyName: 'entity1',
        companyDescription: null,
        companyPhone: null,
        companyFax: null,
        companyEmail: 'foobar@example.com',
        companyWebSite: null,
        companyAddress: null,
        companyPostalCode: null,
        companyCity: 'Sousse',
        companyCountry: 'TN',
        isGeoLocationActivated: true,
        enableCheckStock: true,
        enableAssignRegionToCustomer: true,
        role: ['ROLE_USER'],
        enabled: true,
        homeBackground: null,
      });
    }
    // The token is the session: it reads the API as a Bearer token too.
    expect((await customers(docs, bearer(token))).status).toBe(200);
  });

  it('each login begins a new session with a new id', async () => {
    const ids = new Set<string>();
    for (const [, send] of styles) ids.add(expectLoggedIn(await send('fresh-ids@example.com')));
    ids.add(await login(docs, 'fresh-ids@example.com'));
    expect(ids.size).toBe(4);
    for (const id of ids) expect((await customers(docs, cookie(id))).status).toBe(200);
  });

  it('a multipart form body logs in', async () => {
    const body = new FormData();
    body.append('j_username', 'Multi.Part@Example.com');
    body.append('j_password', 'secret');
    body.append('ajax', 'true');
    const res = await call(docs, '/j_spring_security_check', { method: 'POST', body });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(SUCCESS);
    const match = COOKIE_SHAPE.exec(res.headers.getSetCookie()[0] ?? '');
    expect(match).not.toBeNull();
    const answer = await ajaxSuccess(docs, match?.[1] ?? '');
    expect(answer.user.email).toBe('multi.part@example.com');
  });

  it('the body wins over the query string; a JSON body is not read', async () => {
    const res = await call(docs, `/j_spring_security_check?${credentials('query.user@example.com')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: credentials('body.user@example.com'),
    });
    expect(res.status).toBe(302);
    const token = COOKIE_SHAPE.exec(res.headers.getSetCookie()[0] ?? '')?.[1] ?? '';
    expect((await ajaxSuccess(docs, token)).user.email).toBe('body.user@example.com');

    expectRefused(
      await raw(
        docs,
        'POST',
        '/j_spring_security_check',
        { 'content-type': 'application/json' },
        JSON.stringify({ j_username: 'json@example.com', j_password: 'secret', ajax: 'true' }),
      ),
    );
  });
});

describe('refused logins', () => {
  const cases: [string, Record<string, string>][] = [
    ['no fields', {}],
    ['no j_username', { j_password: 'secret', ajax: 'true' }],
    ['no j_password', { j_username: 'someone@example.com', ajax: 'true' }],
    ['blank j_username', { j_username: '   ', j_password: 'secret', ajax: 'true' }],
    ['empty j_username', { j_username: '', j_password: 'secret', ajax: 'true' }],
    ['blank j_password', { j_username: 'someone@example.com', j_password: ' ', ajax: 'true' }],
    ['empty j_password', { j_username: 'someone@example.com', j_password: '', ajax: 'true' }],
  ];

  it.each(cases)('%s: 302 to authfail, no cookie (form POST, query POST and GET)', async (_name, fields) => {
    const text = new URLSearchParams(fields).toString();
    expectRefused(
      await raw(
        docs,
        'POST',
        '/j_spring_security_check',
        { 'content-type': 'application/x-www-form-urlencoded' },
        text,
      ),
    );
    expectRefused(
      await raw(docs, 'POST', `/j_spring_security_check?${text}`, {
        'content-type': 'application/json',
        'content-length': '0',
      }),
    );
    expectRefused(await raw(docs, 'GET', `/j_spring_security_check?${text}`));
  });

  it('/login/authfail answers 200 with the framework text (GET and POST)', async () => {
    for (const method of ['GET', 'POST']) {
      for (const path of ['/login/authfail', FAILURE]) {
        const res = await call(docs, path, { method });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.text()).toBe(AUTHFAIL);
      }
    }
  });

  it('a login name longer than 256 characters is refused; the control API answers 400 for it', async () => {
    const tooLong = `${'a'.repeat(294)}@x.com`;
    expect(tooLong).toHaveLength(300);
    expectRefused(await raw(docs, 'GET', `/j_spring_security_check?${credentials(tooLong)}`));
    expectRefused(
      await raw(
        docs,
        'POST',
        '/j_spring_security_check',
        { 'content-type': 'application/x-www-form-urlencoded' },
        credentials(tooLong),
      ),
    );
    expect((await admin(docs, 'POST', `/tenants/valomnia/${tooLong}/reset`)).status).toBe(400);
    expect((await admin(docs, 'GET', `/tenants/valomnia/${tooLong}/clock`)).status).toBe(400);
    expect((await admin(docs, 'POST', `/tenants/valomnia/${tooLong}/clock/freeze`, {})).status).toBe(400);

    // 257 is one too many; 256 is taken, by the login and by the control API.
    const limit = `${'b'.repeat(250)}@x.com`;
    expect(limit).toHaveLength(256);
    expectRefused(await raw(docs, 'GET', `/j_spring_security_check?${credentials(`b${limit}`)}`));
    expect((await admin(docs, 'POST', `/tenants/valomnia/b${limit}/reset`)).status).toBe(400);
    expectLoggedIn(await raw(docs, 'GET', `/j_spring_security_check?${credentials(limit)}`));
    expect((await admin(docs, 'POST', `/tenants/valomnia/${limit}/reset`)).status).toBe(200);

    const { tenants } = (await (await admin(docs, 'GET', '/tenants')).json()) as {
      tenants: { vendor: string; credential: string }[];
    };
    const logins = tenants.filter((tenant) => tenant.vendor === 'valomnia').map((tenant) => tenant.credential);
    expect(logins).toContain(limit);
    expect(logins.filter((name) => name.length > 256)).toEqual([]);
  });
});

describe('sessions', () => {
  it('the cookie and the Bearer token both read the API', async () => {
    const token = await login(docs, 'session.reader@example.com');
    for (const headers of [cookie(token), bearer(token), { cookie: `other=1; JSESSIONID=${token}; x=y` }]) {
      const res = await customers(docs, headers);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { paging: { total: number }; data: unknown[] };
      expect(body.paging.total).toBe(1);
      expect(body.data).toHaveLength(1);
    }
    expect((await call(docs, '/api/v1/customers', { headers: bearer(token) })).status).toBe(200);
  });

  it('no, a forged or a garbage session: 401 with the exact body, on the API and on ajaxSuccess', async () => {
    const forged = 'ABCDEF0123456789ABCDEF0123456789';
    const variants: Record<string, string>[] = [
      {},
      cookie(forged),
      bearer(forged),
      { cookie: 'JSESSIONID=garbage' },
      { cookie: 'JSESSIONID=' },
      { cookie: ';;;=;JSESSIONID' },
      { authorization: 'Bearer' },
      { authorization: 'Basic Zm9vOmJhcg==' },
    ];
    for (const headers of variants) {
      await expectUnauthorized(await customers(docs, headers));
      await expectUnauthorized(await call(docs, '/api/v1.0/customers/256', { headers }));
      await expectUnauthorized(await call(docs, SUCCESS, { headers }));
      await expectUnauthorized(await call(docs, SUCCESS, { method: 'POST', headers }));
    }
  });

  it('when both are sent, the cookie is used', async () => {
    const token = await login(docs, 'both.sent@example.com');
    const forged = 'ABCDEF0123456789ABCDEF0123456789';
    await expectUnauthorized(await customers(docs, { ...cookie(forged), ...bearer(token) }));
    expect((await customers(docs, { ...cookie(token), ...bearer(forged) })).status).toBe(200);
  });

  describe.each([
    ['GET', '/logout'],
    ['POST', '/logout'],
    ['GET', '/j_spring_security_logout'],
    ['POST', '/j_spring_security_logout'],
  ])('%s %s', (method, path) => {
    it('ends the session: 302 to /, the cookie cleared, then 401', async () => {
      const token = await login(docs, 'logout.user@example.com');
      const other = await login(docs, 'logout.user@example.com');
      expect((await customers(docs, cookie(token))).status).toBe(200);
      const res = await raw(docs, method, path, cookie(token));
      expect(res.status).toBe(302);
      expect(headerValues(res, 'location')).toEqual(['/']);
      expect(headerValues(res, 'set-cookie')).toEqual([CLEARED_COOKIE]);
      await expectUnauthorized(await customers(docs, cookie(token)));
      await expectUnauthorized(await customers(docs, bearer(token)));
      await expectUnauthorized(await call(docs, SUCCESS, { headers: cookie(token) }));
      // Only that session ended: another of the same login lives on.
      expect((await customers(docs, cookie(other))).status).toBe(200);
    });

    it('ends a Bearer session, and answers the same without any session', async () => {
      const token = await login(docs, 'logout.bearer@example.com');
      const res = await raw(docs, method, path, bearer(token));
      expect(res.status).toBe(302);
      expect(headerValues(res, 'location')).toEqual(['/']);
      await expectUnauthorized(await customers(docs, bearer(token)));

      const none = await raw(docs, method, path);
      expect(none.status).toBe(302);
      expect(headerValues(none, 'location')).toEqual(['/']);
      expect(headerValues(none, 'set-cookie')).toEqual([CLEARED_COOKIE]);
    });
  });
});

describe('idle expiry on the tenant clock', () => {
  it('a request within 30 minutes renews the session; 31 idle minutes end it', async () => {
    const user = 'expiry.user@example.com';
    await freezeClock(docs, user, '2026-02-01T10:00:00Z');
    const token = await login(docs, user);
    await advanceClock(docs, user, 29 * 60);
    expect((await customers(docs, cookie(token))).status).toBe(200);
    await advanceClock(docs, user, 29 * 60);
    // 58 minutes after the login: alive, as the request above renewed it. ajaxSuccess renews too.
    expect((await ajaxSuccess(docs, token)).token).toBe(token);
    await advanceClock(docs, user, 29 * 60);
    expect((await customers(docs, bearer(token))).status).toBe(200);
    await advanceClock(docs, user, 31 * 60);
    await expectUnauthorized(await customers(docs, cookie(token)));
    await expectUnauthorized(await call(docs, SUCCESS, { headers: cookie(token) }));
    // Once ended it stays ended, even with the clock moved back.
    await advanceClock(docs, user, -31 * 60);
    await expectUnauthorized(await customers(docs, cookie(token)));
    // A fresh login works on the same clock.
    expect((await customers(docs, cookie(await login(docs, user)))).status).toBe(200);
  });

  it("another tenant's clock does not touch the session", async () => {
    const mine = 'clock.mine@example.com';
    const theirs = 'clock.theirs@example.com';
    await freezeClock(docs, mine, '2026-03-01T08:00:00Z');
    await freezeClock(docs, theirs, '2026-03-01T08:00:00Z');
    const myToken = await login(docs, mine);
    const theirToken = await login(docs, theirs);
    await advanceClock(docs, theirs, 2 * 60 * 60);
    expect((await customers(docs, cookie(myToken))).status).toBe(200);
    await expectUnauthorized(await customers(docs, cookie(theirToken)));
    await advanceClock(docs, mine, 31 * 60);
    await expectUnauthorized(await customers(docs, cookie(myToken)));
  });
});

describe('tenants behind logins', () => {
  it('login names are case-insensitive, for sessions and for the control API', async () => {
    const mixed = 'Case.Mixed@Example.com';
    const lower = 'case.mixed@example.com';
    const upperToken = await login(docs, mixed);
    const lowerToken = await login(docs, lower);
    expect((await ajaxSuccess(docs, upperToken)).user.email).toBe(lower);
    expect((await ajaxSuccess(docs, lowerToken)).user.email).toBe(lower);

    await createCustomer(docs, upperToken, 'CASE-1');
    const listed = (await (await customers(docs, cookie(lowerToken))).json()) as { data: { reference: string }[] };
    expect(listed.data.map((customer) => customer.reference)).toContain('CASE-1');
    await createCustomer(docs, lowerToken, 'CASE-2');
    expect(await referenceStatus(docs, upperToken, 'CASE-2')).toBe(200);

    expect((await admin(docs, 'POST', `/tenants/valomnia/${mixed}/reset`)).status).toBe(200);
    expect(await referenceStatus(docs, lowerToken, 'CASE-1')).toBe(404);
    await createCustomer(docs, upperToken, 'CASE-4');
    expect((await admin(docs, 'POST', `/tenants/valomnia/${lower}/reset`)).status).toBe(200);
    expect(await referenceStatus(docs, upperToken, 'CASE-4')).toBe(404);

    // The control API reaches the same tenant by either spelling.
    await freezeClock(docs, mixed, '2026-04-01T12:34:56Z');
    const seen = (await (await admin(docs, 'GET', `/tenants/valomnia/${lower}/clock`)).json()) as {
      now: string;
      frozen: boolean;
    };
    expect(seen).toEqual({ now: '2026-04-01T12:34:56.000Z', frozen: true });
    const created = await createCustomer(docs, lowerToken, 'CASE-3');
    expect(created.dateCreated).toBe('2026-04-01T12:34:56Z');
    const { tenants } = (await (await admin(docs, 'GET', '/tenants')).json()) as {
      tenants: { vendor: string; credential: string }[];
    };
    expect(tenants.filter((tenant) => tenant.credential.toLowerCase() === lower)).toEqual([
      expect.objectContaining({ vendor: 'valomnia', credential: lower }),
    ]);
  });

  it('a tenant reset keeps the session; its records are back to the seed', async () => {
    const user = 'reset.keeps@example.com';
    const token = await login(docs, user);
    await createCustomer(docs, token, 'RESET-1');
    expect(await referenceStatus(docs, token, 'RESET-1')).toBe(200);
    expect((await admin(docs, 'POST', `/tenants/valomnia/${user}/reset`)).status).toBe(200);
    expect(await referenceStatus(docs, token, 'RESET-1')).toBe(404);
    const res = await customers(docs, cookie(token));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { paging: { total: number } }).paging.total).toBe(1);
    expect((await ajaxSuccess(docs, token)).user.email).toBe(user);
  });

  it('a tenant reset keeps the session of a tenant whose clock was frozen in the past', async () => {
    const user = 'reset.frozen@example.com';
    await freezeClock(docs, user, '2020-01-01T00:00:00Z');
    const token = await login(docs, user);
    const created = await createCustomer(docs, token, 'RESET-F');
    expect(created.dateCreated).toBe('2020-01-01T00:00:00Z');
    expect((await admin(docs, 'POST', `/tenants/valomnia/${user}/reset`)).status).toBe(200);
    // The reset gives the tenant a real-time clock; the session began on the old one.
    expect((await customers(docs, cookie(token))).status).toBe(200);
    expect(await referenceStatus(docs, token, 'RESET-F')).toBe(404);
  });

  it('a tenant delete ends its sessions; a fresh login makes a new tenant', async () => {
    const user = 'delete.ends@example.com';
    const token = await login(docs, user);
    const other = await login(docs, 'delete.bystander@example.com');
    await createCustomer(docs, token, 'DEL-1');
    const gone = await admin(docs, 'DELETE', `/tenants/valomnia/${user}`);
    expect(gone.status).toBe(204);
    await expectUnauthorized(await customers(docs, cookie(token)));
    await expectUnauthorized(await customers(docs, bearer(token)));
    await expectUnauthorized(await call(docs, SUCCESS, { headers: cookie(token) }));
    expect((await customers(docs, cookie(other))).status).toBe(200);

    const fresh = await login(docs, user);
    expect(fresh).not.toBe(token);
    expect(await referenceStatus(docs, fresh, 'DEL-1')).toBe(404);
    const list = (await (await customers(docs, cookie(fresh))).json()) as { paging: { total: number } };
    expect(list.paging.total).toBe(1);
    // The old session stays dead though its login has a tenant again.
    await expectUnauthorized(await customers(docs, cookie(token)));
  });

  it('two logins are isolated; in the docs dataset both are entity1', async () => {
    const a = await login(docs, 'iso.a@example.com');
    const b = await login(docs, 'iso.b@example.com');
    await createCustomer(docs, a, 'ISO-A');
    expect(await referenceStatus(docs, a, 'ISO-A')).toBe(200);
    expect(await referenceStatus(docs, b, 'ISO-A')).toBe(404);
    const bList = (await (await customers(docs, cookie(b))).json()) as { data: { organization: string }[] };
    expect(bList.data.map((customer) => customer.organization)).toEqual(['entity1']);
    expect((await ajaxSuccess(docs, a)).user.companyName).toBe('entity1');
    expect((await ajaxSuccess(docs, b)).user.companyName).toBe('entity1');
  });

  it('in the demo dataset each login has its own organization and upload directory', async () => {
    const logins: [string, string][] = [
      ['Alice.One@Example.com', 'aliceone'],
      ['bob_two+tag@example.com', 'bobtwotag'],
      ['@example.com', 'org'],
    ];
    const directories = new Set<string>();
    for (const [user, name] of logins) {
      const token = await login(demo, user);
      expect((await ajaxSuccess(demo, token)).user.companyName).toBe(name);
      const res = await customers(demo, cookie(token), '?max=100');
      expect(res.status).toBe(200);
      const list = (await res.json()) as { data: { organization: string; logo: string | null }[] };
      expect(list.data.length).toBeGreaterThan(1);
      expect(new Set(list.data.map((customer) => customer.organization))).toEqual(new Set([name]));
      const logos = list.data.flatMap((customer) => (customer.logo === null ? [] : [customer.logo]));
      expect(logos.length).toBeGreaterThan(0);
      for (const logo of logos) {
        const match = new RegExp(`^${demo}/(${name}-\\d{13})/photoCustomer/[^/]+$`).exec(logo);
        expect(match, logo).not.toBeNull();
        directories.add(match?.[1] ?? '');
        // The image is a plain file at that address.
        const image = await fetch(logo);
        expect(image.status).toBe(200);
        expect(image.headers.get('content-type')).toMatch(/^image\//);
      }
      const created = await createCustomer(demo, token, 'DEMO-ISO');
      expect(created.organization).toBe(name);
    }
    expect(directories.size).toBe(logins.length);
    // Each created its own DEMO-ISO: no not_unique across tenants.
  });
});

describe("the login paths answer errors in Valomnia's envelope", () => {
  it.each([
    ['GET', '/login/nope'],
    ['POST', '/login/nope'],
    ['GET', '/login/ajaxSuccess/extra'],
    ['GET', '/login/'],
  ])('%s %s: 404 not_found', async (method, path) => {
    const res = await call(docs, path, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe(NOT_FOUND);
  });
});
