import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createMemoryDb, TenantStore } from '../src/core/store.js';
import { basic, testApp } from './helpers/app.js';

/**
 * The control API at its edges: which credentials it takes (exactly those the vendor takes), clock
 * values a date cannot hold, and bodies on routes that take none.
 */

const TOKEN = 'a'.repeat(40);

let app: FastifyInstance;

beforeEach(async () => {
  app = await testApp();
});

afterEach(async () => {
  await app.close();
});

type Json = Record<string, unknown>;

function admin(method: 'GET' | 'POST' | 'DELETE', path: string, payload?: Json) {
  return app.inject({ method, url: `/__admin${path}`, ...(payload === undefined ? {} : { payload }) });
}

async function credentials(): Promise<string[]> {
  const res = await admin('GET', '/tenants');
  expect(res.statusCode).toBe(200);
  return (res.json() as { tenants: { credential: string }[] }).tenants.map((tenant) => tenant.credential).sort();
}

async function clockOf(token: string): Promise<{ now: string; frozen: boolean }> {
  const res = await admin('GET', `/tenants/imonggo/${encodeURIComponent(token)}/clock`);
  expect(res.statusCode).toBe(200);
  return res.json() as { now: string; frozen: boolean };
}

async function createCustomer(token: string, name: string) {
  return app.inject({
    method: 'POST',
    url: '/api/customers.json',
    headers: { authorization: basic(token), 'content-type': 'application/json' },
    payload: { customer: { name } },
  });
}

describe('credentials: the control API takes exactly what the vendor takes', () => {
  const long = 'L'.repeat(200);
  const longest = 'M'.repeat(256);
  const tooLong = 'T'.repeat(300);

  it.each([
    ['a 200-character token', long],
    ['a 256-character token', longest],
  ])('%s: reset, clock and delete work, on the tenant the vendor API reaches', async (_label, token) => {
    const reset = await admin('POST', `/tenants/imonggo/${token}/reset`);
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ vendor: 'imonggo', credential: token });

    const frozen = await admin('POST', `/tenants/imonggo/${token}/clock/freeze`, { at: '2011-04-21T03:01:51Z' });
    expect(frozen.statusCode).toBe(200);
    expect(await clockOf(token)).toEqual({ now: '2011-04-21T03:01:51.000Z', frozen: true });
    for (const action of ['set', 'advance', 'release']) {
      const body =
        action === 'set' ? { at: '2011-04-21T03:01:51Z' } : action === 'advance' ? { seconds: 1 } : undefined;
      expect((await admin('POST', `/tenants/imonggo/${token}/clock/${action}`, body)).statusCode, action).toBe(200);
    }
    await admin('POST', `/tenants/imonggo/${token}/clock/freeze`, { at: '2011-04-21T03:01:51Z' });

    // The vendor API with the same token lands in that tenant: its frozen clock stamps the write.
    const created = await createCustomer(token, 'Long Token');
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ utc_created_at: '2011-04-21T03:01:51Z' });
    expect(await credentials()).toEqual([token]);

    expect((await admin('DELETE', `/tenants/imonggo/${token}`)).statusCode).toBe(204);
    expect(await credentials()).toEqual([]);
  });

  const refused: [string, string][] = [
    ['a 300-character token', tooLong],
    ['a 257-character token', 'x'.repeat(257)],
    ['a blank token', '%20%20'],
    // Basic auth ends the user name at the first colon: no request can carry this token.
    ['a token with a colon', 'abc%3Adef'],
  ];

  it.each(refused)('%s: reset, clock and delete answer 400 and create no tenant', async (_label, token) => {
    const calls = [
      await admin('POST', `/tenants/imonggo/${token}/reset`),
      await admin('GET', `/tenants/imonggo/${token}/clock`),
      await admin('POST', `/tenants/imonggo/${token}/clock/freeze`, { at: '2011-04-21T03:01:51Z' }),
      await admin('POST', `/tenants/imonggo/${token}/clock/set`, { at: '2011-04-21T03:01:51Z' }),
      await admin('POST', `/tenants/imonggo/${token}/clock/advance`, { seconds: 60 }),
      await admin('POST', `/tenants/imonggo/${token}/clock/release`),
      await admin('DELETE', `/tenants/imonggo/${token}`),
    ];
    for (const res of calls) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request' });
      expect((res.json() as { message: string }).message).toMatch(/^imonggo refuses this credential: it /);
    }
    expect(await credentials()).toEqual([]);
  });

  it('the store itself opens no tenant for a credential its vendor refuses', async () => {
    await expect(app.store.open('imonggo', tooLong)).rejects.toMatchObject({
      code: 'CREDENTIAL',
      message: 'imonggo refuses this credential: it is longer than 256 characters',
    });
    expect(await credentials()).toEqual([]);
  });

  it('the vendor API refuses the same 300-character token', async () => {
    const res = await app.inject({ url: '/api/customers.xml', headers: { authorization: basic(tooLong) } });
    expect(res.statusCode).toBe(401);
    expect(await credentials()).toEqual([]);
  });

  it('an unknown vendor is a 404 that names the known ones', async () => {
    const res = await admin('POST', `/tenants/nobody/${TOKEN}/reset`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'not_found',
      message: 'unknown vendor "nobody"; known: imonggo, valomnia, myposconnect',
    });
  });

  it('a vendor that registers itself is addressable without any change to the control API', async () => {
    const store = new TenantStore(createMemoryDb(), {
      seed: { dataset: 'docs', seed: 1, records: 1 },
      maxTenants: 10,
    });
    const withFourth = buildApp({ store });
    // What a fourth vendor's plugin does, next to its routes.
    withFourth.register(async (vendorApp) => {
      vendorApp.store.registerVendor('fourth' as 'imonggo', {
        seeder: () => ({}) as never,
        credentialProblem: (credential) => (/^[0-9]+$/.test(credential) ? null : 'it is not a number'),
      });
    });
    await withFourth.ready();
    try {
      const ok = await withFourth.inject({ method: 'POST', url: '/__admin/tenants/fourth/123/clock/freeze' });
      expect(ok.statusCode).toBe(200);
      const refusedByIt = await withFourth.inject({ method: 'POST', url: '/__admin/tenants/fourth/abc/reset' });
      expect(refusedByIt.statusCode).toBe(400);
      expect(refusedByIt.json()).toEqual({
        error: 'bad_request',
        message: 'fourth refuses this credential: it is not a number',
      });
      const unknown = await withFourth.inject({ method: 'POST', url: '/__admin/tenants/fifth/1/reset' });
      expect(unknown.json()).toMatchObject({
        message: 'unknown vendor "fifth"; known: imonggo, valomnia, myposconnect, fourth',
      });
      const listed = await withFourth.inject({ url: '/__admin/tenants' });
      expect(listed.json()).toMatchObject({ tenants: [{ vendor: 'fourth', credential: '123' }] });
    } finally {
      await withFourth.close();
    }
  });
});

describe('clock values a date cannot hold', () => {
  const clockPath = (action: string) => `/tenants/imonggo/${TOKEN}/clock/${action}`;
  const YEAR_10000 = 253402300800000;
  const YEAR_0 = -62167219200000;

  const refused: [string, string, Json][] = [
    ['advance by 1e300 seconds', 'advance', { seconds: 1e300 }],
    ['advance by -1e300 seconds', 'advance', { seconds: -1e300 }],
    ['advance past 9999', 'advance', { seconds: 8_000 * 365 * 86_400 * 1.1 }],
    ['set to year 10000', 'set', { at: YEAR_10000 }],
    ['set to before year 0', 'set', { at: YEAR_0 - 1 }],
    ['set to 1e300', 'set', { at: 1e300 }],
    ['set to -1e300', 'set', { at: -1e300 }],
    ['freeze at year 10000', 'freeze', { at: YEAR_10000 }],
    ['freeze at 1e300', 'freeze', { at: 1e300 }],
    ['freeze at -1e300', 'freeze', { at: -1e300 }],
  ];

  it.each(refused)('%s: 400, and the clock, writes and the tenant list are as before', async (_label, action, body) => {
    await admin('POST', clockPath('freeze'), { at: '2011-04-21T03:01:51Z' });
    const res = await admin('POST', clockPath(action), body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
    expect((res.json() as { message: string }).message).toContain('0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z');

    expect(await clockOf(TOKEN)).toEqual({ now: '2011-04-21T03:01:51.000Z', frozen: true });
    const created = await createCustomer(TOKEN, 'After A Refusal');
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ utc_created_at: '2011-04-21T03:01:51Z' });
    expect(await credentials()).toEqual([TOKEN]);
  });

  it.each(refused)('%s on a running clock: 400 and it keeps running in real time', async (_label, action, body) => {
    const res = await admin('POST', clockPath(action), body);
    expect(res.statusCode).toBe(400);
    const clock = await clockOf(TOKEN);
    expect(clock.frozen).toBe(false);
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(5000);
  });

  it('a refused move of an unknown tenant creates no tenant', async () => {
    expect((await admin('POST', clockPath('advance'), { seconds: 1e300 })).statusCode).toBe(400);
    expect((await admin('POST', clockPath('set'), { at: YEAR_10000 })).statusCode).toBe(400);
    expect((await admin('POST', clockPath('freeze'), { at: -1e300 })).statusCode).toBe(400);
    expect(await credentials()).toEqual([]);
  });

  it('the last second of 9999 and the first of year 0 are taken, and writes stamp them', async () => {
    const last = await admin('POST', clockPath('freeze'), { at: '9999-12-31T23:59:59Z' });
    expect(last.statusCode).toBe(200);
    expect((await createCustomer(TOKEN, 'Last')).json()).toMatchObject({ utc_created_at: '9999-12-31T23:59:59Z' });
    const first = await admin('POST', clockPath('set'), { at: '0000-01-01T00:00:00Z' });
    expect(first.json()).toEqual({ now: '0000-01-01T00:00:00.000Z', frozen: true });
    expect((await createCustomer(TOKEN, 'First')).json()).toMatchObject({ utc_created_at: '0000-01-01T00:00:00Z' });
    expect((await admin('GET', '/tenants')).statusCode).toBe(200);
  });

  it('"at" with a year before 100 is that year', async () => {
    const res = await admin('POST', clockPath('freeze'), { at: '0099-12-31T23:59:59Z' });
    expect(res.json()).toEqual({ now: '0099-12-31T23:59:59.000Z', frozen: true });
    expect((await createCustomer(TOKEN, 'Old')).json()).toMatchObject({ utc_created_at: '0099-12-31T23:59:59Z' });
  });
});

describe('bodies on routes that take none', () => {
  const path = (action: string) => `/__admin/tenants/imonggo/${TOKEN}/${action}`;

  const bodies: [string, InjectOptions['headers'], string][] = [
    ['an empty JSON body', { 'content-type': 'application/json' }, ''],
    ['an empty form body', { 'content-type': 'application/x-www-form-urlencoded' }, ''],
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1&b=2'],
    ['malformed JSON', { 'content-type': 'application/json' }, '{"at":'],
    ['a JSON body', { 'content-type': 'application/json' }, '{"at":"2011-04-21T03:01:51Z"}'],
    ['text', { 'content-type': 'text/plain' }, 'garbage'],
    ['bytes with no content type', {}, '\u0000\u0001garbage'],
    ['a body with an unparseable content type', { 'content-type': ';;;' }, 'garbage'],
    ['a body over the body limit', { 'content-type': 'application/json' }, `[${'0,'.repeat(700_000)}0]`],
  ];

  it.each(bodies)('reset with %s answers as if no body was sent', async (_label, headers, payload) => {
    await createCustomer(TOKEN, 'Dropped By Reset');
    const res = await app.inject({ method: 'POST', url: path('reset'), headers, payload });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ vendor: 'imonggo', credential: TOKEN, clock: { frozen: false } });
    const count = await app.inject({ url: '/api/customers.json?q=count', headers: { authorization: basic(TOKEN) } });
    expect(count.json()).toEqual({ count: 1 });
  });

  it.each(bodies)('release with %s answers as if no body was sent', async (_label, headers, payload) => {
    await admin('POST', `/tenants/imonggo/${TOKEN}/clock/freeze`, { at: '2011-04-21T03:01:51Z' });
    const res = await app.inject({ method: 'POST', url: path('clock/release'), headers, payload });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { frozen: boolean }).frozen).toBe(false);
  });

  it.each(bodies)('delete with %s answers as if no body was sent', async (_label, headers, payload) => {
    await admin('POST', `/tenants/imonggo/${TOKEN}/reset`);
    const res = await app.inject({ method: 'DELETE', url: `/__admin/tenants/imonggo/${TOKEN}`, headers, payload });
    expect(res.statusCode).toBe(204);
    expect(await credentials()).toEqual([]);
  });

  it.each([
    ['an empty JSON body', ''],
    ['a blank JSON body', ' \n'],
  ])('freeze with %s stops the clock where it stands', async (_label, payload) => {
    const res = await app.inject({
      method: 'POST',
      url: path('clock/freeze'),
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(200);
    const clock = res.json() as { now: string; frozen: boolean };
    expect(clock.frozen).toBe(true);
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(5000);
  });

  it.each([
    ['an empty form body', 'application/x-www-form-urlencoded'],
    ['an empty body of an unparseable content type', ';;;'],
  ])('freeze with %s stops the clock where it stands', async (_label, contentType) => {
    const res = await app.inject({
      method: 'POST',
      url: path('clock/freeze'),
      headers: { 'content-type': contentType },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { frozen: boolean }).frozen).toBe(true);
  });

  it('set and advance with an empty JSON body say what they need', async () => {
    for (const action of ['set', 'advance']) {
      const res = await app.inject({
        method: 'POST',
        url: path(`clock/${action}`),
        headers: { 'content-type': 'application/json' },
        payload: '',
      });
      expect(res.statusCode, action).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request' });
    }
  });

  it('a clock body that is not JSON is refused and creates no tenant', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: path('clock/freeze'),
      headers: { 'content-type': 'application/json' },
      payload: '{"at":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'bad_request' });
    const form = await app.inject({
      method: 'POST',
      url: path('clock/set'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'at=2011-04-21',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json()).toMatchObject({ error: 'unsupported_media_type' });
    expect(await credentials()).toEqual([]);
  });

  it('a clock body with a charset parameter is read', async () => {
    const res = await app.inject({
      method: 'POST',
      url: path('clock/set'),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{"at":"2011-04-21T03:01:51Z"}',
    });
    expect(res.statusCode).toBe(200);
  });
});
