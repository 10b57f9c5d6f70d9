import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, type TestAppOptions, testApp } from '../helpers/app.js';

/**
 * Tenants as clients see them: one per API token, isolated, seeded deterministically, safe under
 * concurrent writes, and driven through the control API (reset, delete, clock, tenant limit).
 */

const TOKEN_A = 'a'.repeat(40);
const TOKEN_B = 'b'.repeat(40);
const TOKEN_C = 'c'.repeat(40);

const opened: FastifyInstance[] = [];

async function open(options: TestAppOptions = {}): Promise<FastifyInstance> {
  const app = await testApp(options);
  opened.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

type Json = Record<string, unknown>;

async function getJson<T = Json>(app: FastifyInstance, token: string, url: string): Promise<T> {
  const res = await app.inject({ url, headers: { authorization: basic(token) } });
  expect(res.statusCode, url).toBe(200);
  return res.json() as T;
}

async function count(app: FastifyInstance, token: string, collection: 'customers' | 'suppliers'): Promise<number> {
  return (await getJson<{ count: number }>(app, token, `/api/${collection}.json?q=count`)).count;
}

async function createCustomer(app: FastifyInstance, token: string, customer: Json): Promise<Json> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/customers.json',
    headers: { authorization: basic(token), 'content-type': 'application/json' },
    payload: { customer },
  });
  expect(res.statusCode).toBe(200);
  return res.json() as Json;
}

/** Every page of a collection's XML list, fetched until the first empty page (included). */
async function allPages(
  app: FastifyInstance,
  token: string,
  collection: 'customers' | 'suppliers',
  perPage: number,
): Promise<string[]> {
  const pages: string[] = [];
  for (let page = 1; page < 100; page += 1) {
    const res = await app.inject({
      url: `/api/${collection}.xml?page=${page}&per_page=${perPage}`,
      headers: { authorization: basic(token) },
    });
    expect(res.statusCode).toBe(200);
    pages.push(res.body);
    if (!res.body.includes(`<${collection.slice(0, -1)}>`)) return pages;
  }
  throw new Error('no empty page within 100 pages');
}

async function everything(app: FastifyInstance, token: string): Promise<Record<string, string[]>> {
  return {
    customers: await allPages(app, token, 'customers', 40),
    suppliers: await allPages(app, token, 'suppliers', 50),
    customerCount: [JSON.stringify(await count(app, token, 'customers'))],
    supplierCount: [JSON.stringify(await count(app, token, 'suppliers'))],
  };
}

async function admin(app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', path: string, payload?: Json) {
  return app.inject({
    method,
    url: `/__admin${path}`,
    ...(payload === undefined ? {} : { payload }),
  });
}

async function tenantCredentials(app: FastifyInstance): Promise<string[]> {
  const res = await admin(app, 'GET', '/tenants');
  expect(res.statusCode).toBe(200);
  return (res.json() as { tenants: { credential: string }[] }).tenants.map((tenant) => tenant.credential).sort();
}

describe('concurrent writes in one tenant', () => {
  it('50 concurrent customer creates get 50 distinct ids and codes, and the count rises by exactly 50', async () => {
    const app = await open();
    const before = await count(app, TOKEN_A, 'customers');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/customers.xml',
          headers: { authorization: basic(TOKEN_A), 'content-type': 'application/xml' },
          payload: `<customer><name>Concurrent ${i}</name></customer>`,
        }),
      ),
    );
    for (const res of responses) expect(res.statusCode).toBe(200);
    const ids = responses.map((res) => Number(/<id>(\d+)<\/id>/.exec(res.body)?.[1]));
    const codes = responses.map((res) => /<code>([^<]*)<\/code>/.exec(res.body)?.[1] ?? '');
    expect(new Set(ids).size).toBe(50);
    expect(new Set(codes).size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // No id is skipped or reused: the sequence hands out a contiguous run.
    const sorted = [...ids].sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: 50 }, (_, i) => (sorted[0] ?? 0) + i));
    expect(await count(app, TOKEN_A, 'customers')).toBe(before + 50);
    // Each answer is the record stored under that id.
    const stored = await getJson<{ id: number; name: string; code: string }[]>(
      app,
      TOKEN_A,
      '/api/customers.json?per_page=100',
    );
    for (const [i, id] of ids.entries()) {
      expect(stored.find((customer) => customer.id === id)).toMatchObject({ name: `Concurrent ${i}`, code: codes[i] });
    }
  });

  it('50 concurrent supplier creates get 50 distinct ids', async () => {
    const app = await open();
    const before = await count(app, TOKEN_A, 'suppliers');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/suppliers.json',
          headers: { authorization: basic(TOKEN_A), 'content-type': 'application/json' },
          payload: { supplier: { name: `Supplier ${i}`, code: `CONC${i}` } },
        }),
      ),
    );
    const ids = responses.map((res) => {
      expect(res.statusCode).toBe(200);
      return (res.json() as { id: number }).id;
    });
    expect(new Set(ids).size).toBe(50);
    expect(await count(app, TOKEN_A, 'suppliers')).toBe(before + 50);
  });

  it('50 concurrent first requests of a new token share one tenant and lose no write', async () => {
    const app = await open();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createCustomer(app, TOKEN_B, { name: `First Contact ${i}` })),
    );
    expect(new Set(responses.map((customer) => customer.id)).size).toBe(50);
    expect(await tenantCredentials(app)).toEqual([TOKEN_B]);
    // The docs dataset holds one customer; every one of the 50 writes must be there with it.
    expect(await count(app, TOKEN_B, 'customers')).toBe(51);
  });
});

describe('isolation between tokens', () => {
  it('creates, updates and deletes in one tenant never show in another', async () => {
    const app = await open({ dataset: 'demo', records: 15 });
    const before = await everything(app, TOKEN_B);

    const created = await createCustomer(app, TOKEN_A, { name: 'Only In A', alternate_code: 'ISO-1' });
    const update = await app.inject({
      method: 'PUT',
      url: '/api/customers/11.json',
      headers: { authorization: basic(TOKEN_A), 'content-type': 'application/json' },
      payload: { customer: { name: 'Renamed In A' } },
    });
    expect(update.statusCode).toBe(200);
    const firstSupplier = (await getJson<{ id: number }[]>(app, TOKEN_A, '/api/suppliers.json'))[0];
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/suppliers/${firstSupplier?.id}.json`,
      headers: { authorization: basic(TOKEN_A) },
    });
    expect(deleted.statusCode).toBe(200);

    expect(await everything(app, TOKEN_B)).toEqual(before);
    const lookup = await app.inject({
      url: `/api/customers/${created.id}.json`,
      headers: { authorization: basic(TOKEN_B) },
    });
    expect(lookup.statusCode).toBe(404);
    // B's sequences are its own: its first create gets the id A's create got.
    const inB = await createCustomer(app, TOKEN_B, { name: 'Only In B', alternate_code: 'ISO-1' });
    expect(inB.id).toBe(created.id);
    expect(inB.code).toBe(created.code);
    // And the alternate code A took is free in B (uniqueness is per tenant).
    expect(inB.alternate_code).toBe('ISO-1');
    expect(await getJson(app, TOKEN_A, '/api/customers/11.json')).toMatchObject({ name: 'Renamed In A' });
    expect(await getJson(app, TOKEN_B, '/api/customers/11.json')).toMatchObject({ name: 'Customer 1' });
  });

  it('a frozen clock in one tenant does not stop another', async () => {
    const app = await open();
    const frozen = await admin(app, 'POST', `/tenants/imonggo/${TOKEN_A}/clock/freeze`, { at: '2011-04-21T03:01:51Z' });
    expect(frozen.statusCode).toBe(200);
    const inA = await createCustomer(app, TOKEN_A, { name: 'Frozen' });
    const inB = await createCustomer(app, TOKEN_B, { name: 'Running' });
    expect(inA.utc_created_at).toBe('2011-04-21T03:01:51Z');
    expect(Math.abs(Date.parse(String(inB.utc_created_at)) - Date.now())).toBeLessThan(5000);
  });
});

describe('seeding', () => {
  const demo = { dataset: 'demo', seed: 42, records: 120 } as const;

  it('two fresh tenants with the same seed hold identical data', async () => {
    const app = await open(demo);
    const a = await everything(app, TOKEN_A);
    const b = await everything(app, TOKEN_B);
    expect(a).toEqual(b);
    // The comparison is over real data: 121 customers (docs + generated) across several pages.
    expect(a.customerCount).toEqual(['121']);
    expect(a.customers?.length).toBeGreaterThan(3);
    expect(a.suppliers?.length).toBeGreaterThan(3);
  });

  it('the same seed gives the same data in a separate store too (no shared cache needed)', async () => {
    const first = await open(demo);
    const second = await open(demo);
    expect(await everything(second, TOKEN_B)).toEqual(await everything(first, TOKEN_A));
  });

  it('a different seed gives different data', async () => {
    const seeded42 = await open(demo);
    const seeded43 = await open({ ...demo, seed: 43 });
    const a = await everything(seeded42, TOKEN_A);
    const b = await everything(seeded43, TOKEN_A);
    expect(b.customerCount).toEqual(a.customerCount);
    expect(b.customers).not.toEqual(a.customers);
    expect(b.suppliers).not.toEqual(a.suppliers);
  });

  it('a tenant sees seeded data even after another tenant with the same seed wrote to its copy', async () => {
    const app = await open(demo);
    const pristine = await everything(app, TOKEN_A);
    await createCustomer(app, TOKEN_A, { name: 'Written' });
    const update = await app.inject({
      method: 'PUT',
      url: '/api/customers/12.json',
      headers: { authorization: basic(TOKEN_A), 'content-type': 'application/json' },
      payload: { customer: { name: 'Changed In Place' } },
    });
    expect(update.statusCode).toBe(200);
    expect(await everything(app, TOKEN_B)).toEqual(pristine);
  });
});

describe('control API: reset and delete', () => {
  it('reset brings back the seeded data, sequences and a running clock', async () => {
    const app = await open({ dataset: 'demo', seed: 3, records: 10 });
    const seeded = await everything(app, TOKEN_A);
    const firstNew = await createCustomer(app, TOKEN_A, { name: 'Before Reset' });
    await app.inject({
      method: 'PUT',
      url: '/api/customers/11.json',
      headers: { authorization: basic(TOKEN_A), 'content-type': 'application/json' },
      payload: { customer: { name: 'Edited' } },
    });
    await app.inject({
      method: 'DELETE',
      url: '/api/suppliers/22259.json',
      headers: { authorization: basic(TOKEN_A) },
    });
    await admin(app, 'POST', `/tenants/imonggo/${TOKEN_A}/clock/freeze`, { at: '2011-01-01T00:00:00Z' });
    expect(await everything(app, TOKEN_A)).not.toEqual(seeded);

    const reset = await admin(app, 'POST', `/tenants/imonggo/${TOKEN_A}/reset`);
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ vendor: 'imonggo', credential: TOKEN_A, clock: { frozen: false } });

    expect(await everything(app, TOKEN_A)).toEqual(seeded);
    const again = await createCustomer(app, TOKEN_A, { name: 'After Reset' });
    expect(again.id).toBe(firstNew.id);
    expect(again.code).toBe(firstNew.code);
    expect(Math.abs(Date.parse(String(again.utc_created_at)) - Date.now())).toBeLessThan(5000);
  });

  it('reset touches only its own tenant', async () => {
    const app = await open();
    const kept = await createCustomer(app, TOKEN_B, { name: 'Kept In B' });
    await createCustomer(app, TOKEN_A, { name: 'Dropped From A' });
    expect((await admin(app, 'POST', `/tenants/imonggo/${TOKEN_A}/reset`)).statusCode).toBe(200);
    expect(await count(app, TOKEN_A, 'customers')).toBe(1);
    expect(await getJson(app, TOKEN_B, `/api/customers/${kept.id}.json`)).toMatchObject({ name: 'Kept In B' });
  });

  it('delete forgets a tenant: 204, gone from the list, 404 on a second delete, fresh data on next use', async () => {
    const app = await open();
    const created = await createCustomer(app, TOKEN_A, { name: 'Forgotten' });
    await createCustomer(app, TOKEN_B, { name: 'Remembered' });
    expect(await tenantCredentials(app)).toEqual([TOKEN_A, TOKEN_B]);

    const first = await admin(app, 'DELETE', `/tenants/imonggo/${TOKEN_A}`);
    expect(first.statusCode).toBe(204);
    expect(first.body).toBe('');
    expect(await tenantCredentials(app)).toEqual([TOKEN_B]);

    const second = await admin(app, 'DELETE', `/tenants/imonggo/${TOKEN_A}`);
    expect(second.statusCode).toBe(404);
    expect(second.json()).toMatchObject({ error: 'not_found' });

    const lookup = await app.inject({
      url: `/api/customers/${created.id}.json`,
      headers: { authorization: basic(TOKEN_A) },
    });
    expect(lookup.statusCode).toBe(404);
    expect(await count(app, TOKEN_A, 'customers')).toBe(1);
    expect(await count(app, TOKEN_B, 'customers')).toBe(2);
  });
});

describe('tenant limit', () => {
  const limitXml =
    '<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">503</status>\n  <error>Service Unavailable</error>\n</hash>\n';

  it('a third token past maxTenants 2 answers 503 in the Imonggo envelope and is not created', async () => {
    const app = await open({ maxTenants: 2 });
    await createCustomer(app, TOKEN_A, { name: 'A' });
    await createCustomer(app, TOKEN_B, { name: 'B' });

    const xml = await app.inject({ url: '/api/customers.xml', headers: { authorization: basic(TOKEN_C) } });
    expect(xml.statusCode).toBe(503);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.body).toBe(limitXml);

    const json = await app.inject({
      method: 'POST',
      url: '/api/customers.json',
      headers: { authorization: basic(TOKEN_C), 'content-type': 'application/json' },
      payload: { customer: { name: 'C' } },
    });
    expect(json.statusCode).toBe(503);
    expect(json.json()).toEqual({ status: 503, error: 'Service Unavailable' });

    expect(await tenantCredentials(app)).toEqual([TOKEN_A, TOKEN_B]);
    // The tenants already there keep working.
    expect(await count(app, TOKEN_A, 'customers')).toBe(2);
  });

  it('the control API is held to the same limit', async () => {
    const app = await open({ maxTenants: 2 });
    await count(app, TOKEN_A, 'customers');
    await count(app, TOKEN_B, 'customers');
    const reset = await admin(app, 'POST', `/tenants/imonggo/${TOKEN_C}/reset`);
    expect(reset.statusCode).toBe(503);
    expect(reset.json()).toMatchObject({ error: 'tenant_limit' });
    expect(await tenantCredentials(app)).toEqual([TOKEN_A, TOKEN_B]);
  });

  it('deleting a tenant makes room for a new token', async () => {
    const app = await open({ maxTenants: 2 });
    await count(app, TOKEN_A, 'customers');
    await count(app, TOKEN_B, 'customers');
    expect(
      (await app.inject({ url: '/api/customers.xml', headers: { authorization: basic(TOKEN_C) } })).statusCode,
    ).toBe(503);
    expect((await admin(app, 'DELETE', `/tenants/imonggo/${TOKEN_B}`)).statusCode).toBe(204);
    expect(await count(app, TOKEN_C, 'customers')).toBe(1);
    expect(await tenantCredentials(app)).toEqual([TOKEN_A, TOKEN_C]);
  });
});

describe('tenant clock', () => {
  const clockPath = (action: string) => `/tenants/imonggo/${TOKEN_A}/clock/${action}`;

  it('freeze stamps creates and updates with the frozen time; advance moves it', async () => {
    const app = await open();
    const frozen = await admin(app, 'POST', clockPath('freeze'), { at: '2011-04-21T03:01:51Z' });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.json()).toEqual({ now: '2011-04-21T03:01:51.000Z', frozen: true });

    const created = await createCustomer(app, TOKEN_A, { name: 'Stamped' });
    expect(created.utc_created_at).toBe('2011-04-21T03:01:51Z');
    expect(created.utc_updated_at).toBe('2011-04-21T03:01:51Z');

    const advanced = await admin(app, 'POST', clockPath('advance'), { seconds: 60 });
    expect(advanced.statusCode).toBe(200);
    expect(advanced.json()).toEqual({ now: '2011-04-21T03:02:51.000Z', frozen: true });

    const updated = await app.inject({
      method: 'PUT',
      url: `/api/customers/${created.id}.json`,
      headers: { authorization: basic(TOKEN_A), 'content-type': 'application/json' },
      payload: { customer: { city: 'Makati' } },
    });
    expect(updated.json()).toMatchObject({
      utc_created_at: '2011-04-21T03:01:51Z',
      utc_updated_at: '2011-04-21T03:02:51Z',
    });

    const later = await createCustomer(app, TOKEN_A, { name: 'Later' });
    expect(later.utc_created_at).toBe('2011-04-21T03:02:51Z');
    const last = await app.inject({
      url: '/api/customers.xml?q=last_updated_at',
      headers: { authorization: basic(TOKEN_A) },
    });
    expect(last.body).toContain('<last-updated-at>2011-04-21 03:02:51</last-updated-at>');

    // A frozen clock does not move by itself.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await admin(app, 'GET', `/tenants/imonggo/${TOKEN_A}/clock`)).json()).toEqual({
      now: '2011-04-21T03:02:51.000Z',
      frozen: true,
    });
  });

  it('advance accepts negative seconds and moves the clock back', async () => {
    const app = await open();
    await admin(app, 'POST', clockPath('freeze'), { at: '2011-04-21T03:01:51Z' });
    const back = await admin(app, 'POST', clockPath('advance'), { seconds: -3600 });
    expect(back.json()).toEqual({ now: '2011-04-21T02:01:51.000Z', frozen: true });
    expect((await createCustomer(app, TOKEN_A, { name: 'Back' })).utc_created_at).toBe('2011-04-21T02:01:51Z');
  });

  it('set moves a frozen clock and keeps it frozen', async () => {
    const app = await open();
    await admin(app, 'POST', clockPath('freeze'), { at: '2011-04-21T03:01:51Z' });
    const set = await admin(app, 'POST', clockPath('set'), { at: '2012-06-30T12:00:00Z' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ now: '2012-06-30T12:00:00.000Z', frozen: true });
    expect((await createCustomer(app, TOKEN_A, { name: 'Set' })).utc_created_at).toBe('2012-06-30T12:00:00Z');
  });

  it('set on a running clock moves it and lets it run on from there', async () => {
    const app = await open();
    const set = await admin(app, 'POST', clockPath('set'), { at: '2011-04-21T03:01:51Z' });
    expect(set.statusCode).toBe(200);
    const state = set.json() as { now: string; frozen: boolean };
    expect(state.frozen).toBe(false);
    const target = Date.parse('2011-04-21T03:01:51Z');
    expect(Date.parse(state.now) - target).toBeGreaterThanOrEqual(0);
    expect(Date.parse(state.now) - target).toBeLessThan(5000);
    const stamped = Date.parse(String((await createCustomer(app, TOKEN_A, { name: 'Running' })).utc_created_at));
    expect(stamped - target).toBeGreaterThanOrEqual(0);
    expect(stamped - target).toBeLessThan(5000);
  });

  it('release returns the clock to real time', async () => {
    const app = await open();
    await admin(app, 'POST', clockPath('freeze'), { at: '2011-04-21T03:01:51Z' });
    await admin(app, 'POST', clockPath('advance'), { seconds: 3600 });
    const released = await admin(app, 'POST', clockPath('release'));
    expect(released.statusCode).toBe(200);
    const state = released.json() as { now: string; frozen: boolean };
    expect(state.frozen).toBe(false);
    expect(Math.abs(Date.parse(state.now) - Date.now())).toBeLessThan(5000);
    const created = await createCustomer(app, TOKEN_A, { name: 'Real Time' });
    expect(Math.abs(Date.parse(String(created.utc_created_at)) - Date.now())).toBeLessThan(5000);
  });

  it('release also undoes a set on a running clock', async () => {
    const app = await open();
    await admin(app, 'POST', clockPath('set'), { at: '2001-01-01T00:00:00Z' });
    await admin(app, 'POST', clockPath('release'));
    const state = (await admin(app, 'GET', `/tenants/imonggo/${TOKEN_A}/clock`)).json() as { now: string };
    expect(Math.abs(Date.parse(state.now) - Date.now())).toBeLessThan(5000);
  });

  it('freeze without a time stops the clock where it stands', async () => {
    const app = await open();
    const frozen = await admin(app, 'POST', clockPath('freeze'), {});
    const state = frozen.json() as { now: string; frozen: boolean };
    expect(state.frozen).toBe(true);
    expect(Math.abs(Date.parse(state.now) - Date.now())).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await admin(app, 'GET', `/tenants/imonggo/${TOKEN_A}/clock`)).json()).toEqual(state);
  });

  it('clock requests with unusable bodies answer 400 and leave the clock alone', async () => {
    const app = await open();
    await admin(app, 'POST', clockPath('freeze'), { at: '2011-04-21T03:01:51Z' });
    const bad = [
      await admin(app, 'POST', clockPath('set'), {}),
      await admin(app, 'POST', clockPath('set'), { at: 'yesterday' }),
      await admin(app, 'POST', clockPath('freeze'), { at: '2011-02-30T00:00:00Z' }),
      await admin(app, 'POST', clockPath('advance'), { seconds: '60' }),
      await admin(app, 'POST', clockPath('advance'), {}),
    ];
    for (const res of bad) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request' });
    }
    expect((await admin(app, 'GET', `/tenants/imonggo/${TOKEN_A}/clock`)).json()).toEqual({
      now: '2011-04-21T03:01:51.000Z',
      frozen: true,
    });
  });
});
