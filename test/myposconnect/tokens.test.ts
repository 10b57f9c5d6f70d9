import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import {
  type Answer,
  advanceClock,
  basicAuth,
  bearer,
  call,
  DENIED,
  deleteTenant,
  expectAnswer,
  expectDenied,
  expectFailure,
  freezeClock,
  fullList,
  getPermissions,
  JSON_TYPE,
  jwtPart,
  myposToken,
  putPermissionsRaw,
  requestToken,
  resetTenant,
  send,
  setPermissions,
  TOKEN_TEXTS,
  takeToken,
} from '../helpers/mypos.js';

/**
 * MYPOS Connect's bearer tokens and permissions (docs/myposconnect.md, "Tokens" and
 * "Permissions"): the token endpoint's answers and 400 texts, the JWT it issues on the tenant's
 * clock, the daily limit per UTC day, expiry after two hours, every kind of token refused with
 * ASP.NET's 401, one tenant per email whatever its case, and the read/write/delete permissions
 * the control API sets.
 */

let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp({ dataset: 'docs' });
});
afterAll(async () => {
  await app.close();
});

const TOKEN_PATH = '/api/v2/auth/token';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function tokenCall(authorization?: string, body?: string, contentType?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (contentType !== undefined) headers['content-type'] = contentType;
  return call(app, TOKEN_PATH, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
}

function expectTokenFailure(res: Answer, text: string): void {
  expect(res.status, res.text).toBe(400);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.text).toBe(JSON.stringify({ failureDescription: text, bearerToken: null }));
}

/** The token of a 200, checked for the exact body shape. */
function issuedToken(res: Answer): string {
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  const body = JSON.parse(res.text) as { failureDescription: unknown; bearerToken: string };
  expect(Object.keys(body)).toEqual(['failureDescription', 'bearerToken']);
  expect(body.failureDescription).toBeNull();
  expect(body.bearerToken).toMatch(JWT_SHAPE);
  return body.bearerToken;
}

function basicOf(raw: string): string {
  return `Basic ${Buffer.from(raw).toString('base64')}`;
}

/** The list with a token: 200 or the refusal. */
function list(authorization: string | undefined, target: FastifyInstance = app): Promise<Answer> {
  return call(target, '/api/v2/customers', { headers: authorization === undefined ? {} : { authorization } });
}

async function tenantCredentials(): Promise<string[]> {
  const res = await call(app, '/__admin/tenants');
  expect(res.status).toBe(200);
  return (JSON.parse(res.text) as { tenants: { vendor: string; credential: string }[] }).tenants
    .filter((tenant) => tenant.vendor === 'myposconnect')
    .map((tenant) => tenant.credential);
}

describe('POST /api/v2/auth/token', () => {
  it('answers 200 with exactly failureDescription null and the bearer token', async () => {
    const res = await requestToken(app, 'first.token@example.com');
    const token = issuedToken(res);
    expect(res.text).toBe(`{"failureDescription":null,"bearerToken":"${token}"}`);
    expect((await list(`Bearer ${token}`)).status).toBe(200);
  });

  it('issues an HS256 JWT: sub the lower-cased email, exp two hours after iat on the frozen tenant clock', async () => {
    const email = 'Claims.User@Example.COM';
    const at = Date.parse('2030-03-04T05:06:07.890Z');
    await freezeClock(app, email, at);
    const token = issuedToken(await requestToken(app, email));
    const [header = '', payload = '', signature = ''] = token.split('.');
    expect(jwtPart(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = jwtPart(payload);
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'sub', 'tnt']);
    expect(claims.sub).toBe('claims.user@example.com');
    expect(claims.iat).toBe(Math.floor(at / 1000));
    expect(claims.exp).toBe(Math.floor(at / 1000) + 7200);
    expect(typeof claims.tnt).toBe('string');
    // HMAC-SHA256: 32 bytes, base64url without padding.
    expect(Buffer.from(signature, 'base64url')).toHaveLength(32);
  });

  it('takes any non-blank password and any email up to 256 characters', async () => {
    issuedToken(await requestToken(app, 'any.password@example.com', 'x'));
    issuedToken(await requestToken(app, 'any.password@example.com', 'a:b:c')); // the first colon splits
    const longest = `${'a'.repeat(256 - '@example.com'.length)}@example.com`;
    expect(longest).toHaveLength(256);
    issuedToken(await requestToken(app, longest));
  });

  describe('400 with a failureDescription and a null bearerToken', () => {
    const cases: [string, string | undefined, string][] = [
      ['no Authorization header', undefined, TOKEN_TEXTS.noBasic],
      ['an empty Authorization header', '', TOKEN_TEXTS.noBasic],
      ['a Bearer header', 'Bearer abc.def.ghi', TOKEN_TEXTS.noBasic],
      ['a Digest header', 'Digest username="a@b.c"', TOKEN_TEXTS.noBasic],
      ['the credentials without a scheme', Buffer.from('a@b.c:pw').toString('base64'), TOKEN_TEXTS.noBasic],
      ['base64 that is not base64', 'Basic !!!not-base64!!!', TOKEN_TEXTS.unreadable],
      ['base64 of text without a colon', basicOf('just.an.email@example.com'), TOKEN_TEXTS.unreadable],
      ['a blank email', basicOf(':secret'), TOKEN_TEXTS.blank],
      ['an email of spaces', basicOf('   :secret'), TOKEN_TEXTS.blank],
      ['a blank password', basicOf('blank.password@example.com:'), TOKEN_TEXTS.blank],
      ['a password of spaces', basicOf('blank.password@example.com:   '), TOKEN_TEXTS.blank],
      ['both blank', basicOf(':'), TOKEN_TEXTS.blank],
      ['an email of 257 characters', basicOf(`${'b'.repeat(257 - 12)}@example.com:secret`), TOKEN_TEXTS.tooLong],
    ];

    it.each(cases)('%s', async (_name, authorization, text) => {
      const before = await tenantCredentials();
      expectTokenFailure(await tokenCall(authorization), text);
      // A refused login makes no tenant.
      expect(await tenantCredentials()).toEqual(before);
    });
  });

  it('ignores any body: JSON, a form, garbage, a large one; without Basic it is still the 400', async () => {
    const auth = basicAuth('body.ignored@example.com');
    issuedToken(await tokenCall(auth, '{"email":"other@example.com","password":"x"}', 'application/json'));
    issuedToken(await tokenCall(auth, 'grant_type=password&username=x', 'application/x-www-form-urlencoded'));
    issuedToken(await tokenCall(auth, '{not json', 'application/json'));
    issuedToken(await tokenCall(auth, 'x'.repeat(100_000), 'text/plain'));
    expectTokenFailure(
      await tokenCall(undefined, '{"email":"a@b.c","password":"x"}', 'application/json'),
      TOKEN_TEXTS.noBasic,
    );
    expect(await tenantCredentials()).not.toContain('other@example.com');
  });

  it('the 251st token of a UTC day is refused; the next UTC day of the tenant clock issues again', async () => {
    const email = 'daily.limit@example.com';
    await freezeClock(app, email, '2030-06-01T23:00:00.000Z');
    const tokens: string[] = [];
    for (let i = 0; i < 250; i += 1) tokens.push(issuedToken(await requestToken(app, email)));
    expectTokenFailure(await requestToken(app, email), TOKEN_TEXTS.dailyLimit);
    // Tokens already issued keep working; another user is not limited.
    expect((await list(`Bearer ${tokens[0]}`)).status).toBe(200);
    expect((await list(`Bearer ${tokens[249]}`)).status).toBe(200);
    issuedToken(await requestToken(app, 'daily.other@example.com'));
    // Still the same UTC day a second before midnight.
    await advanceClock(app, email, 3599);
    expectTokenFailure(await requestToken(app, email), TOKEN_TEXTS.dailyLimit);
    // Midnight UTC: a new day.
    await advanceClock(app, email, 1);
    const fresh = issuedToken(await requestToken(app, email));
    expect(jwtPart(fresh.split('.')[1] ?? '').iat).toBe(Date.parse('2030-06-02T00:00:00Z') / 1000);
    expect((await list(`Bearer ${fresh}`)).status).toBe(200);
  });

  it('260 token requests at once: exactly 250 issued, 10 refused with the daily-limit text', async () => {
    const email = 'daily.concurrent@example.com';
    await freezeClock(app, email, '2030-06-01T12:00:00.000Z');
    const answers = await Promise.all(Array.from({ length: 260 }, () => requestToken(app, email)));
    expect(answers.filter((res) => res.status === 200)).toHaveLength(250);
    const refused = answers.filter((res) => res.status !== 200);
    expect(refused).toHaveLength(10);
    for (const res of refused) expectTokenFailure(res, TOKEN_TEXTS.dailyLimit);
  });

  it('the daily count is per user whatever the case of the email', async () => {
    await freezeClock(app, 'daily.case@example.com', '2030-06-01T12:00:00.000Z');
    for (let i = 0; i < 250; i += 1) {
      issuedToken(await requestToken(app, i % 2 === 0 ? 'Daily.Case@Example.com' : 'DAILY.CASE@EXAMPLE.COM'));
    }
    expectTokenFailure(await requestToken(app, 'daily.case@example.com'), TOKEN_TEXTS.dailyLimit);
  });
});

describe('expiry on the tenant clock', () => {
  it('a token works for 7,199 s and is refused at 7,200 s with the exact ASP.NET body', async () => {
    const email = 'expiry@example.com';
    await freezeClock(app, email, '2030-01-10T10:00:00.000Z');
    const token = await takeToken(app, email);
    await advanceClock(app, email, 7199);
    expect((await list(`Bearer ${token}`)).status).toBe(200);
    await advanceClock(app, email, 1);
    const res = await list(`Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.text).toBe(DENIED);
    // Every route behind the token says the same.
    expectDenied(await call(app, '/api/v2/customers/1000070', { headers: bearer(token) }));
    expectDenied(await send(app, bearer(token), 'POST', '/api/v2/customers', { customerName: 'Late' }));
    expectDenied(await send(app, bearer(token), 'DELETE', '/api/v2/customers/1000005'));
    // A new token works.
    expect((await list((await myposToken(app, email)).authorization)).status).toBe(200);
  });

  it('a clock moved back makes an expired token live again (expiry is read on the clock at each call)', async () => {
    const email = 'expiry.back@example.com';
    await freezeClock(app, email, '2030-01-10T10:00:00.000Z');
    const token = await takeToken(app, email);
    await advanceClock(app, email, 7200);
    expectDenied(await list(`Bearer ${token}`));
    await advanceClock(app, email, -1);
    expect((await list(`Bearer ${token}`)).status).toBe(200);
  });
});

describe('tokens refused with 401', () => {
  const email = 'forger@example.com';
  let token: string;

  beforeAll(async () => {
    token = await takeToken(app, email);
  });

  it('the genuine token works', async () => {
    expect((await list(`Bearer ${token}`)).status).toBe(200);
  });

  it('a changed signature', async () => {
    const [header, payload, signature = ''] = token.split('.');
    const middle = Math.floor(signature.length / 2);
    const flipped = `${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    expectDenied(await list(`Bearer ${header}.${payload}.${flipped}`));
    expectDenied(await list(`Bearer ${header}.${payload}.`));
    expectDenied(await list(`Bearer ${header}.${payload}`));
  });

  it('claims changed under the genuine signature (another user, a later exp)', async () => {
    const [header, payload = '', signature] = token.split('.');
    const claims = jwtPart(payload);
    await takeToken(app, 'victim@example.com');
    for (const changed of [
      { ...claims, sub: 'victim@example.com' },
      { ...claims, exp: Number(claims.exp) + 1_000_000 },
    ]) {
      const forged = Buffer.from(JSON.stringify(changed)).toString('base64url');
      expectDenied(await list(`Bearer ${header}.${forged}.${signature}`));
    }
  });

  it('an alg "none" token built by hand, with or without a signature', async () => {
    const payload = token.split('.')[1];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const noneUpper = Buffer.from(JSON.stringify({ alg: 'NONE' })).toString('base64url');
    expectDenied(await list(`Bearer ${none}.${payload}.`));
    expectDenied(await list(`Bearer ${noneUpper}.${payload}.`));
    expectDenied(await list(`Bearer ${none}.${payload}.${token.split('.')[2]}`));
    // HS512 or RS256 in the header: only HS256 is taken.
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
    expectDenied(await list(`Bearer ${hs512}.${payload}.${token.split('.')[2]}`));
  });

  it('a token another sandbox app signed (another secret), for a user this app knows', async () => {
    const other = await testApp({ dataset: 'docs' });
    try {
      const foreign = await takeToken(other, email);
      expect(jwtPart(foreign.split('.')[1] ?? '').sub).toBe(email);
      expectDenied(await list(`Bearer ${foreign}`));
      // And the other way round.
      expectDenied(await list(`Bearer ${token}`, other));
      expect((await list(`Bearer ${foreign}`, other)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('a token whose tenant was deleted, even after the same email takes a new one', async () => {
    const deleted = 'deleted.tenant@example.com';
    const old = await takeToken(app, deleted);
    expect((await list(`Bearer ${old}`)).status).toBe(200);
    expect(await deleteTenant(app, deleted)).toBe(true);
    expectDenied(await list(`Bearer ${old}`));
    const renewed = await takeToken(app, deleted);
    expectDenied(await list(`Bearer ${old}`));
    expect((await list(`Bearer ${renewed}`)).status).toBe(200);
  });

  it('a token of a deleted tenant stays refused however soon the email logs in again (30 rounds)', async () => {
    // The sandbox names a tenant's creation in the token (tnt): a tenant made again in the same
    // millisecond must still not take the old tenant's tokens.
    const refusedOld: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      const reborn = `reborn.${round}@example.com`;
      const old = await takeToken(app, reborn);
      expect(await deleteTenant(app, reborn)).toBe(true);
      const renewed = await takeToken(app, reborn);
      refusedOld.push((await list(`Bearer ${old}`)).status);
      expect((await list(`Bearer ${renewed}`)).status).toBe(200);
      expect(await deleteTenant(app, reborn)).toBe(true);
    }
    expect(refusedOld).toEqual(Array.from({ length: 30 }, () => 401));
  });

  it.each([
    ['garbage', 'Bearer garbage'],
    ['three dotted words', 'Bearer a.b.c'],
    ['dots only', 'Bearer ..'],
    ['an empty Bearer', 'Bearer '],
    ['the scheme alone', 'Bearer'],
    ['two tokens', 'Bearer x y'],
  ])('%s', async (_name, authorization) => {
    expectDenied(await list(authorization));
  });

  it('the token without "Bearer", with another scheme, or no header at all', async () => {
    expectDenied(await list(token));
    expectDenied(await list(`Token ${token}`));
    expectDenied(await list(basicAuth(email)));
    expectDenied(await list(undefined));
  });

  it('a token in the query string or a cookie is not read', async () => {
    expectDenied(await call(app, `/api/v2/customers?access_token=${token}`));
    expectDenied(await call(app, '/api/v2/customers', { headers: { cookie: `token=${token}` } }));
  });

  it('a 401 comes before the route looks at anything: bad ids, bad query, bad bodies', async () => {
    expectDenied(await call(app, '/api/v2/customers?liPage=0'));
    expectDenied(await call(app, '/api/v2/customers/not-a-code'));
    expectDenied(await call(app, '/api/v2/customers', { method: 'POST', body: '{', headers: {} }));
  });
});

describe('an Authorization header of 100 KB, over a real socket', () => {
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    server = await testApp({ dataset: 'docs' });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is refused with 431 in the MYPOS envelope, and the process keeps serving', async () => {
    const huge = `Bearer ${'A'.repeat(100 * 1024)}`;
    for (const path of ['/api/v2/customers', TOKEN_PATH]) {
      const res = await fetch(`${base}${path}`, {
        method: path === TOKEN_PATH ? 'POST' : 'GET',
        headers: { authorization: huge },
      });
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe(JSON_TYPE);
      expect(await res.text()).toBe('{"Message":"Request Header Fields Too Large."}');
    }
    // Just under the 16 KiB head: an ordinary 401.
    const big = await fetch(`${base}/api/v2/customers`, { headers: { authorization: `Bearer ${'A'.repeat(15_000)}` } });
    expect(big.status).toBe(401);
    expect(await big.text()).toBe(DENIED);
    const token = await takeToken(base, 'after.huge@example.com');
    const res = await fetch(`${base}/api/v2/customers`, { headers: bearer(token) });
    expect(res.status).toBe(200);
  });
});

describe('one tenant per email', () => {
  it('a token for tenant A never reads tenant B', async () => {
    const a = await myposToken(app, 'tenant.a@example.com');
    const b = await myposToken(app, 'tenant.b@example.com');
    const made = await send(app, a, 'POST', '/api/v2/customers', { customerName: 'Only In A' });
    expect(made.status, made.text).toBe(202);
    const { customerCode, customerId } = JSON.parse(made.text) as { customerCode: string; customerId: string };
    expect((await call(app, `/api/v2/customers/${customerCode}`, { headers: a })).status).toBe(200);
    expectFailure(await call(app, `/api/v2/customers/${customerCode}`, { headers: b }), 404, 'Customer not found.');
    expectFailure(await call(app, `/api/v2/customers/${customerId}`, { headers: b }), 404, 'Customer not found.');
    expect(await fullList(app, b)).not.toContain('Only In A');
    expect(await fullList(app, a)).toContain('Only In A');
  });

  it('emails are one tenant whatever their case and surrounding spaces', async () => {
    const upper = await myposToken(app, 'Mixed.Case@Example.COM');
    const lower = await myposToken(app, 'mixed.case@example.com');
    const spaced = await myposToken(app, '  MIXED.case@example.com ');
    const made = await send(app, upper, 'POST', '/api/v2/customers', { customerName: 'Case Blind' });
    expect(made.status).toBe(202);
    const code = (JSON.parse(made.text) as { customerCode: string }).customerCode;
    for (const auth of [upper, lower, spaced]) {
      expect((await call(app, `/api/v2/customers/${code}`, { headers: auth })).status).toBe(200);
    }
    const credentials = await tenantCredentials();
    expect(credentials.filter((credential) => credential.toLowerCase().trim() === 'mixed.case@example.com')).toEqual([
      'mixed.case@example.com',
    ]);
  });

  it('a reset keeps tokens valid and puts the data back', async () => {
    const email = 'reset.keeps@example.com';
    const auth = await myposToken(app, email);
    const seeded = await fullList(app, auth);
    const made = await send(app, auth, 'POST', '/api/v2/customers', { customerName: 'Gone After Reset' });
    expect(made.status).toBe(202);
    await resetTenant(app, email);
    const res = await call(app, '/api/v2/customers?liPageSize=99999', { headers: auth });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe(seeded);
  });
});

// ---------------------------------------------------------------------------------------------

describe('permissions', () => {
  const email = 'permissions@example.com';
  const ALL = { read: true, write: true, delete: true };
  const forbidden = (what: string) => `You do not have permission to ${what} customers.`;
  let auth: { authorization: string };
  let sample: string;

  beforeAll(async () => {
    auth = await myposToken(app, email);
    const res = await call(app, '/api/v2/customers/1000070', { headers: auth });
    expect(res.status).toBe(200);
    sample = res.text;
  });

  async function fresh(): Promise<void> {
    await resetTenant(app, email);
  }

  it('GET answers all three granted by default; PUT changes some and answers all three', async () => {
    await fresh();
    expectAnswer(await getPermissions(app, email), 200, ALL);
    expect(await setPermissions(app, email, { write: false })).toEqual({ read: true, write: false, delete: true });
    expectAnswer(await getPermissions(app, email), 200, { read: true, write: false, delete: true });
    expect(await setPermissions(app, email, { delete: false, read: false })).toEqual({
      read: false,
      write: false,
      delete: false,
    });
    expect(await setPermissions(app, email, { write: true })).toEqual({ read: false, write: true, delete: false });
    // A reset restores all three.
    await fresh();
    expectAnswer(await getPermissions(app, email), 200, ALL);
  });

  it('the email is case-insensitive here too, and a missing tenant is created', async () => {
    await fresh();
    await setPermissions(app, 'PERMISSIONS@Example.com', { read: false });
    expectFailure(await call(app, '/api/v2/customers', { headers: auth }), 403, forbidden('read'));
    await fresh();
    const created = 'permissions.new@example.com';
    expect((await tenantCredentials()).includes(created)).toBe(false);
    expectAnswer(await getPermissions(app, created), 200, ALL);
    expect(await tenantCredentials()).toContain(created);
  });

  it('read off: the list and the get are 403; writes and deletes still work', async () => {
    await fresh();
    await setPermissions(app, email, { read: false });
    expectFailure(await call(app, '/api/v2/customers', { headers: auth }), 403, forbidden('read'));
    expectFailure(await call(app, '/api/v2/customers?liPage=0', { headers: auth }), 403, forbidden('read'));
    expectFailure(await call(app, '/api/v2/customers/1000070', { headers: auth }), 403, forbidden('read'));
    expectFailure(await call(app, '/api/v2/customers/9999999', { headers: auth }), 403, forbidden('read'));
    const made = await send(app, auth, 'POST', '/api/v2/customers', { customerName: 'Written Blind' });
    expect(made.status, made.text).toBe(202);
    const deleted = await send(app, auth, 'DELETE', '/api/v2/customers/1000005');
    expect(deleted.status, deleted.text).toBe(204);
    // A token is still issued.
    expect((await requestToken(app, email)).status).toBe(200);
    await setPermissions(app, email, { read: true });
    const after = await fullList(app, auth);
    expect(after).toContain('Written Blind');
    expect(after).not.toContain('"customerCode":"1000005"');
  });

  it('write off: POST and PUT are 403 and change nothing; reads and deletes still work', async () => {
    await fresh();
    const before = await fullList(app, auth);
    await setPermissions(app, email, { write: false });
    expectFailure(
      await send(app, auth, 'POST', '/api/v2/customers', { customerName: 'Refused' }),
      403,
      forbidden('write'),
    );
    expectFailure(await send(app, auth, 'POST', '/api/v2/customers', '{'), 403, forbidden('write'));
    const replacement = { ...(JSON.parse(sample) as Record<string, unknown>), customerName: 'Refused Rename' };
    expectFailure(await send(app, auth, 'PUT', '/api/v2/customers/1000070', replacement), 403, forbidden('write'));
    expect(await fullList(app, auth)).toBe(before);
    expect((await call(app, '/api/v2/customers/1000070', { headers: auth })).text).toBe(sample);
    const deleted = await send(app, auth, 'DELETE', '/api/v2/customers/1000005');
    expect(deleted.status, deleted.text).toBe(204);
  });

  it('delete off: DELETE is 403 and changes nothing (not even a customer with sales); the rest works', async () => {
    await fresh();
    const before = await fullList(app, auth);
    await setPermissions(app, email, { delete: false });
    expectFailure(await send(app, auth, 'DELETE', '/api/v2/customers/1000005'), 403, forbidden('delete'));
    // 1000001 has sales: a permitted delete would set it inactive.
    expectFailure(await send(app, auth, 'DELETE', '/api/v2/customers/1000001'), 403, forbidden('delete'));
    expectFailure(await send(app, auth, 'DELETE', '/api/v2/customers/9999999'), 403, forbidden('delete'));
    expect(await fullList(app, auth)).toBe(before);
    const made = await send(app, auth, 'POST', '/api/v2/customers', { customerName: 'Still Writable' });
    expect(made.status).toBe(202);
  });

  it('all off: every customers route is 403; a missing token is still 401 first', async () => {
    await fresh();
    await setPermissions(app, email, { read: false, write: false, delete: false });
    expectFailure(await call(app, '/api/v2/customers', { headers: auth }), 403, forbidden('read'));
    expectFailure(await send(app, auth, 'POST', '/api/v2/customers', { customerName: 'x' }), 403, forbidden('write'));
    expectFailure(await send(app, auth, 'DELETE', '/api/v2/customers/1000005'), 403, forbidden('delete'));
    expectDenied(await call(app, '/api/v2/customers'));
    await fresh();
    expect((await call(app, '/api/v2/customers', { headers: auth })).status).toBe(200);
  });

  it('one user’s permissions leave other users alone', async () => {
    await fresh();
    await setPermissions(app, email, { read: false, write: false, delete: false });
    const other = await myposToken(app, 'permissions.other@example.com');
    expect((await call(app, '/api/v2/customers', { headers: other })).status).toBe(200);
    expect((await send(app, other, 'POST', '/api/v2/customers', { customerName: 'Other' })).status).toBe(202);
    expect((await send(app, other, 'DELETE', '/api/v2/customers/1000005')).status).toBe(204);
    expectAnswer(await getPermissions(app, 'permissions.other@example.com'), 200, ALL);
    await fresh();
  });

  describe('PUT with a bad body: 400 in the control API envelope, nothing changed', () => {
    const NEEDS = 'body needs some of "read", "write", "delete": booleans';
    const cases: [string, string, string][] = [
      ['an empty object', '{}', NEEDS],
      ['a string for a boolean', '{"read":"false"}', NEEDS],
      ['a number for a boolean', '{"write":0}', NEEDS],
      ['null for a boolean', '{"delete":null}', NEEDS],
      ['an unknown permission', '{"admin":true}', NEEDS],
      ['a known and an unknown permission', '{"read":false,"admin":true}', NEEDS],
      ['an array', '[{"read":false}]', NEEDS],
      ['null', 'null', NEEDS],
      ['a string', '"read"', NEEDS],
      ['a boolean', 'false', NEEDS],
      ['no body', '', NEEDS],
      ['malformed JSON', '{"read": fal', 'the body is not JSON'],
    ];

    it.each(cases)('%s', async (_name, body, message) => {
      await fresh();
      await setPermissions(app, email, { delete: false });
      const res = await putPermissionsRaw(app, email, body);
      expectAnswer(res, 400, { error: 'bad_request', message });
      expectAnswer(await getPermissions(app, email), 200, { read: true, write: true, delete: false });
    });

    it('a body that is not JSON at all: 415, nothing changed', async () => {
      await fresh();
      const res = await putPermissionsRaw(app, email, 'read=false', 'application/x-www-form-urlencoded');
      expectAnswer(res, 415, { error: 'unsupported_media_type', message: 'a body here must be application/json' });
      expectAnswer(await getPermissions(app, email), 200, ALL);
    });

    it('an email the token endpoint would refuse: 400, no tenant', async () => {
      const long = `${'c'.repeat(257 - 12)}@example.com`;
      const res = await putPermissionsRaw(app, long, '{"read":false}');
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'bad_request' });
      expect((await getPermissions(app, long)).status).toBe(400);
      expect(await tenantCredentials()).not.toContain(long);
    });
  });
});
