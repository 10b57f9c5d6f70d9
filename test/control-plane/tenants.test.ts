import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { DENIED, takeToken } from '../helpers/mypos.js';
import {
  authHeaders,
  clockOf,
  createCustomer,
  createTenant,
  customerCount,
  journal,
  json,
  LIST_PATH,
  listTenants,
  orderTenant,
  send,
  sendJson,
  tenantPath,
  VENDORS,
  type Vendor,
  valomniaCookie,
} from './helpers.js';

/**
 * Tenants on demand (docs/control-plane.md): POST /__admin/tenants makes a tenant with its own
 * dataset, seed, record count and clock, replaces one the credential already has (data, sessions,
 * tokens, journal and fault rules gone), and refuses every bad order without making anything.
 */

let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp({ dataset: 'docs', seed: 1, records: 20 });
});
afterAll(async () => {
  await app.close();
});

/** A credential of the vendor's shape, unique to the test that asks. */
/** The tenants as listed, a running clock's reading left out (it moves between two listings). */
async function tenantsNow(): Promise<unknown[]> {
  return (await listTenants(app)).map((tenant) =>
    tenant.clock.frozen ? tenant : { ...tenant, clock: { frozen: false } },
  );
}

function credentialFor(vendor: Vendor, name: string): string {
  return vendor === 'imonggo' ? `tenants-${name}` : `tenants.${name}@example.com`;
}

const T0 = '2020-01-02T03:04:05.250Z';

describe('POST /__admin/tenants: the answer', () => {
  it.each(VENDORS)('%s: 201 with vendor, credential, dataset, seed, records, createdAt and clock', async (vendor) => {
    const credential = credentialFor(vendor, 'shape');
    const before = Date.now();
    const res = await orderTenant(app, { vendor, credential, dataset: 'empty', seed: 7, records: 3, clock: T0 });
    const after = Date.now();
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const tenant = json(res, 201);
    expect(Object.keys(tenant).sort()).toEqual(
      ['vendor', 'credential', 'dataset', 'seed', 'records', 'createdAt', 'clock'].sort(),
    );
    expect(tenant).toEqual({
      vendor,
      credential,
      dataset: 'empty',
      seed: 7,
      records: 3,
      createdAt: expect.any(String),
      clock: { now: T0, frozen: true },
    });
    // createdAt is real time, whatever the tenant's clock says.
    const created = Date.parse(tenant.createdAt as string);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(after);
    // The list shows the same tenant, the same way.
    expect(await listTenants(app)).toContainEqual(tenant);
  });

  it('leaves out what is not given as the process was started with', async () => {
    const other = await testApp({ dataset: 'demo', seed: 3, records: 5 });
    try {
      for (const vendor of VENDORS) {
        const credential = credentialFor(vendor, 'defaults');
        const tenant = await createTenant(other, { vendor, credential });
        expect(tenant).toMatchObject({ vendor, credential, dataset: 'demo', seed: 3, records: 5 });
        expect(tenant.clock.frozen).toBe(false);
        // Real time: the reading is within the day around now.
        expect(Math.abs(Date.parse(tenant.clock.now) - Date.now())).toBeLessThan(86_400_000);
      }
      // demo with 5 records: the docs record(s) and 5 generated.
      expect(await customerCount(other, 'imonggo', await authHeaders(other, 'imonggo', 'tenants-defaults'))).toBe(6);
    } finally {
      await other.close();
    }
  });

  it('gives a Valomnia or MYPOS login one tenant whatever its case', async () => {
    for (const vendor of ['valomnia', 'myposconnect'] as const) {
      await createTenant(app, { vendor, credential: 'Mixed.Case@Example.com', dataset: 'empty' });
      await createTenant(app, { vendor, credential: 'mixed.case@example.com', dataset: 'docs' });
      const held = (await listTenants(app)).filter(
        (tenant) => tenant.vendor === vendor && tenant.credential.toLowerCase() === 'mixed.case@example.com',
      );
      expect(held).toHaveLength(1);
      expect(held[0]?.dataset).toBe('docs');
      const headers = await authHeaders(app, vendor, 'MIXED.CASE@EXAMPLE.COM');
      expect(await customerCount(app, vendor, headers)).toBe(vendor === 'valomnia' ? 1 : 6);
    }
  });
});

describe('POST /__admin/tenants: the data and clock asked for', () => {
  // README's datasets: docs holds the vendor pages' records; demo those and `records` generated;
  // empty none.
  const COUNTS: Record<Vendor, Record<'docs' | 'demo' | 'empty', number>> = {
    imonggo: { docs: 1, demo: 8, empty: 0 },
    valomnia: { docs: 1, demo: 8, empty: 0 },
    myposconnect: { docs: 6, demo: 13, empty: 0 },
  };

  for (const vendor of VENDORS) {
    it.each(['docs', 'demo', 'empty'] as const)(`${vendor}: dataset %s with records: 7`, async (dataset) => {
      const credential = credentialFor(vendor, `count-${dataset}`);
      await createTenant(app, { vendor, credential, dataset, records: 7 });
      expect(await customerCount(app, vendor, await authHeaders(app, vendor, credential))).toBe(
        COUNTS[vendor][dataset],
      );
    });
  }

  it('honours records: an Imonggo demo tenant of 0 and one of 250 generated records', async () => {
    await createTenant(app, { vendor: 'imonggo', credential: 'tenants-zero', dataset: 'demo', records: 0 });
    expect(await customerCount(app, 'imonggo', { authorization: basic('tenants-zero') })).toBe(1);
    await createTenant(app, { vendor: 'imonggo', credential: 'tenants-many', dataset: 'demo', records: 250 });
    expect(await customerCount(app, 'imonggo', { authorization: basic('tenants-many') })).toBe(251);
    const suppliers = await send(app, '/api/suppliers.xml?q=count', {
      headers: { authorization: basic('tenants-many') },
    });
    expect(suppliers.text).toContain('<count type="integer">251</count>');
  });

  /** What of a demo tenant's customers depends on the seed alone (not on the login). */
  async function seededCustomers(vendor: Vendor, credential: string): Promise<string> {
    const headers = await authHeaders(app, vendor, credential);
    if (vendor === 'imonggo') {
      const res = await send(app, '/api/customers.xml?per_page=100', { headers });
      return [...res.text.matchAll(/<name>([^<]*)<\/name>/g)].map((match) => match[1]).join('|');
    }
    if (vendor === 'valomnia') {
      const res = json<{ data: { name: string; reference: string }[] }>(
        await send(app, '/api/v1.0/customers?max=100', { headers }),
      );
      return res.data.map((customer) => `${customer.reference}:${customer.name}`).join('|');
    }
    return (await send(app, '/api/v2/customers?liPageSize=100&sSortKey=customerCode', { headers })).text;
  }

  it.each(VENDORS)('%s: the seed decides the generated data', async (vendor) => {
    const order = (name: string, seed: number) => ({
      vendor,
      credential: credentialFor(vendor, name),
      dataset: 'demo',
      records: 6,
      seed,
    });
    await createTenant(app, order('seed-2a', 2));
    await createTenant(app, order('seed-2b', 2));
    await createTenant(app, order('seed-3', 3));
    const a = await seededCustomers(vendor, credentialFor(vendor, 'seed-2a'));
    const b = await seededCustomers(vendor, credentialFor(vendor, 'seed-2b'));
    const c = await seededCustomers(vendor, credentialFor(vendor, 'seed-3'));
    expect(a.length).toBeGreaterThan(0);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('freezes the clock at the time given: Imonggo stamps a new customer with it', async () => {
    await createTenant(app, { vendor: 'imonggo', credential: 'tenants-frozen', dataset: 'empty', clock: T0 });
    const res = await createCustomer(app, 'imonggo', { authorization: basic('tenants-frozen') }, 'John Smith');
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain('<utc_created_at>2020-01-02T03:04:05Z</utc_created_at>');
    expect(res.text).toContain('<utc_updated_at>2020-01-02T03:04:05Z</utc_updated_at>');
    expect(await clockOf(app, 'imonggo', 'tenants-frozen')).toEqual({ now: T0, frozen: true });
  });

  it('freezes the clock at the time given: Valomnia stamps a new customer with it', async () => {
    const login = 'tenants.frozen@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login, dataset: 'empty', clock: T0 });
    const res = await createCustomer(app, 'valomnia', { cookie: await valomniaCookie(app, login) }, 'Frozen Shop');
    const customer = json<{ dateCreated: string; lastUpdated: string }>(res, 201);
    expect(customer.dateCreated).toBe('2020-01-02T03:04:05Z');
    expect(customer.lastUpdated).toBe('2020-01-02T03:04:05Z');
  });

  it('freezes the clock at the time given (epoch ms): MYPOS stamps a new customer with it', async () => {
    const email = 'tenants.frozen@example.com';
    await createTenant(app, { vendor: 'myposconnect', credential: email, dataset: 'empty', clock: Date.parse(T0) });
    const headers = { authorization: `Bearer ${await takeToken(app, email)}` };
    const created = json<{ customerCode: string }>(await createCustomer(app, 'myposconnect', headers, 'Ann Lee'), 202);
    const stored = json<{ creationDateUTC: string; lastEditDateUTC: string }>(
      await send(app, `/api/v2/customers/${created.customerCode}`, { headers }),
    );
    expect(stored.creationDateUTC).toBe('2020-01-02T03:04:05.25');
    expect(stored.lastEditDateUTC).toBe('2020-01-02T03:04:05.25');
  });

  it('runs a clock given as {at, frozen: false} from that time', async () => {
    const at = '2019-05-06T07:08:09Z';
    const tenant = await createTenant(app, {
      vendor: 'imonggo',
      credential: 'tenants-running',
      clock: { at, frozen: false },
    });
    expect(tenant.clock.frozen).toBe(false);
    const first = Date.parse(tenant.clock.now);
    expect(first).toBeGreaterThanOrEqual(Date.parse(at));
    // A running clock: after a pause it reads later; a frozen one would read the same.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = await clockOf(app, 'imonggo', 'tenants-running');
    expect(later.frozen).toBe(false);
    expect(Date.parse(later.now)).toBeGreaterThan(first);
    expect(later.now.startsWith('2019-05-06T07:')).toBe(true);
  });

  it('takes {at, frozen: true} as a frozen clock', async () => {
    const tenant = await createTenant(app, {
      vendor: 'valomnia',
      credential: 'tenants.frozen-object@example.com',
      clock: { at: '2018-01-01T00:00:00Z', frozen: true },
    });
    expect(tenant.clock).toEqual({ now: '2018-01-01T00:00:00.000Z', frozen: true });
  });
});

describe('reset of a tenant made to order', () => {
  it.each(VENDORS)('%s: back to its seeded data and the clock it was created with', async (vendor) => {
    const credential = credentialFor(vendor, 'reset');
    await createTenant(app, { vendor, credential, dataset: 'empty', clock: T0 });
    const headers = await authHeaders(app, vendor, credential);
    const made = await createCustomer(app, vendor, headers, 'Reset Me');
    expect(made.status, made.text).toBeLessThan(300);
    expect(await customerCount(app, vendor, headers)).toBe(1);
    const moved = json(
      await sendJson(app, 'POST', `${tenantPath(vendor, credential)}/clock/advance`, { seconds: 3600 }),
    );
    expect(moved).toEqual({ now: '2020-01-02T04:04:05.250Z', frozen: true });

    const reset = json<{ dataset: string; clock: unknown }>(
      await send(app, `${tenantPath(vendor, credential)}/reset`, { method: 'POST' }),
    );
    expect(reset.dataset).toBe('empty');
    expect(reset.clock).toEqual({ now: T0, frozen: true });
    expect(await clockOf(app, vendor, credential)).toEqual({ now: T0, frozen: true });
    expect(await customerCount(app, vendor, headers)).toBe(0);
  });

  it('returns a {at, frozen: false} clock to its time, running', async () => {
    const at = '2015-03-04T05:06:07Z';
    await createTenant(app, {
      vendor: 'myposconnect',
      credential: 'tenants.running-reset@example.com',
      clock: { at, frozen: false },
    });
    const path = tenantPath('myposconnect', 'tenants.running-reset@example.com');
    json(await sendJson(app, 'POST', `${path}/clock/freeze`, { at: '2030-01-01T00:00:00Z' }));
    json(await send(app, `${path}/reset`, { method: 'POST' }));
    const clock = await clockOf(app, 'myposconnect', 'tenants.running-reset@example.com');
    expect(clock.frozen).toBe(false);
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(Date.parse(at));
    expect(clock.now.startsWith('2015-03-04T05:')).toBe(true);
  });

  it('returns a tenant made without a clock to real time', async () => {
    await createTenant(app, { vendor: 'imonggo', credential: 'tenants-no-clock' });
    const path = tenantPath('imonggo', 'tenants-no-clock');
    json(await sendJson(app, 'POST', `${path}/clock/freeze`, { at: '2001-01-01T00:00:00Z' }));
    const clock = json<{ clock: { now: string; frozen: boolean } }>(
      await send(app, `${path}/reset`, { method: 'POST' }),
    ).clock;
    expect(clock.frozen).toBe(false);
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(86_400_000);
  });
});

describe('re-creating a tenant replaces it', () => {
  it.each(VENDORS)('%s: its data is replaced and the list holds it once', async (vendor) => {
    const credential = credentialFor(vendor, 'replace');
    await createTenant(app, { vendor, credential, dataset: 'docs' });
    const headers = await authHeaders(app, vendor, credential);
    expect((await createCustomer(app, vendor, headers, 'Gone Soon')).status).toBeLessThan(300);
    const again = await createTenant(app, { vendor, credential, dataset: 'demo', records: 4, clock: T0 });
    expect(again).toMatchObject({ dataset: 'demo', records: 4, clock: { now: T0, frozen: true } });
    const fresh = await authHeaders(app, vendor, credential);
    expect(await customerCount(app, vendor, fresh)).toBe({ imonggo: 5, valomnia: 5, myposconnect: 10 }[vendor]);
    const held = (await listTenants(app)).filter(
      (tenant) => tenant.vendor === vendor && tenant.credential === credential,
    );
    expect(held).toEqual([again]);
  });

  it('ends the Valomnia sessions of the tenant it replaces', async () => {
    const login = 'tenants.sessions@example.com';
    await createTenant(app, { vendor: 'valomnia', credential: login });
    const cookie = await valomniaCookie(app, login);
    expect((await send(app, LIST_PATH.valomnia, { headers: { cookie } })).status).toBe(200);
    await createTenant(app, { vendor: 'valomnia', credential: login });
    const old = await send(app, LIST_PATH.valomnia, { headers: { cookie } });
    expect(old.status).toBe(401);
    expect(JSON.parse(old.text)).toMatchObject({ error: 'unauthorized' });
    // As a bearer token too, and on ajaxSuccess.
    const id = cookie.slice('JSESSIONID='.length);
    expect((await send(app, LIST_PATH.valomnia, { headers: { authorization: `Bearer ${id}` } })).status).toBe(401);
    expect((await send(app, '/login/ajaxSuccess', { headers: { cookie } })).status).toBe(401);
    // A new login works.
    const renewed = await valomniaCookie(app, login);
    expect((await send(app, LIST_PATH.valomnia, { headers: { cookie: renewed } })).status).toBe(200);
  });

  it('ends the MYPOS bearer tokens of the tenant it replaces', async () => {
    const email = 'tenants.tokens@example.com';
    await createTenant(app, { vendor: 'myposconnect', credential: email });
    const token = await takeToken(app, email);
    const headers = { authorization: `Bearer ${token}` };
    expect((await send(app, LIST_PATH.myposconnect, { headers })).status).toBe(200);
    await createTenant(app, { vendor: 'myposconnect', credential: email });
    const old = await send(app, LIST_PATH.myposconnect, { headers });
    expect(old.status).toBe(401);
    expect(old.text).toBe(DENIED);
    const renewed = { authorization: `Bearer ${await takeToken(app, email)}` };
    expect((await send(app, LIST_PATH.myposconnect, { headers: renewed })).status).toBe(200);
  });

  it.each(VENDORS)('%s: its journal and fault rules start empty', async (vendor) => {
    const credential = credentialFor(vendor, 'plane');
    await createTenant(app, { vendor, credential });
    const headers = await authHeaders(app, vendor, credential);
    expect((await send(app, LIST_PATH[vendor], { headers })).status).toBe(200);
    const rule = await sendJson(app, 'POST', `${tenantPath(vendor, credential)}/faults`, {
      match: { path: '/nowhere' },
      fault: { kind: 'status', status: 503 },
    });
    expect(rule.status, rule.text).toBe(201);
    expect((await journal(app, vendor, credential)).length).toBeGreaterThan(0);
    expect(
      json<{ faults: unknown[] }>(await send(app, `${tenantPath(vendor, credential)}/faults`)).faults,
    ).toHaveLength(1);

    await createTenant(app, { vendor, credential });
    expect(await journal(app, vendor, credential)).toEqual([]);
    expect(json(await send(app, `${tenantPath(vendor, credential)}/faults`))).toEqual({ faults: [] });
  });
});

describe('POST /__admin/tenants: refusals', () => {
  const KEEP = 'tenants-keep';

  // Each names an existing tenant's credential where it can, so a refusal that replaced it would show.
  const BAD_ORDERS: [string, unknown][] = [
    ['an unknown field', { vendor: 'imonggo', credential: KEEP, colour: 'red' }],
    ['an unknown dataset', { vendor: 'imonggo', credential: KEEP, dataset: 'full' }],
    ['a dataset in the wrong case', { vendor: 'imonggo', credential: KEEP, dataset: 'DEMO' }],
    ['records over 100,000', { vendor: 'imonggo', credential: KEEP, dataset: 'demo', records: 100_001 }],
    ['negative records', { vendor: 'imonggo', credential: KEEP, records: -1 }],
    ['records not whole', { vendor: 'imonggo', credential: KEEP, records: 2.5 }],
    ['records as text', { vendor: 'imonggo', credential: KEEP, records: '7' }],
    ['a negative seed', { vendor: 'imonggo', credential: KEEP, seed: -1 }],
    ['a seed not whole', { vendor: 'imonggo', credential: KEEP, seed: 1.5 }],
    ['a clock that is no time', { vendor: 'imonggo', credential: KEEP, clock: 'next tuesday' }],
    ['a blank clock', { vendor: 'imonggo', credential: KEEP, clock: '' }],
    ['a clock of true', { vendor: 'imonggo', credential: KEEP, clock: true }],
    ['a clock object without at', { vendor: 'imonggo', credential: KEEP, clock: { frozen: true } }],
    ['a clock object with a bad at', { vendor: 'imonggo', credential: KEEP, clock: { at: 'soon' } }],
    ['a clock whose frozen is no boolean', { vendor: 'imonggo', credential: KEEP, clock: { at: T0, frozen: 'no' } }],
    ['a clock past year 9999', { vendor: 'imonggo', credential: KEEP, clock: 9e15 }],
    ['no vendor', { credential: KEEP }],
    ['no credential', { vendor: 'imonggo' }],
    ['a credential that is no string', { vendor: 'imonggo', credential: 42 }],
    ['a vendor that is no string', { vendor: ['imonggo'], credential: KEEP }],
    ['an empty credential', { vendor: 'imonggo', credential: '' }],
    ['a blank Imonggo token', { vendor: 'imonggo', credential: '   ' }],
    ['an Imonggo token of 300 characters', { vendor: 'imonggo', credential: 'a'.repeat(300) }],
    ['an Imonggo token with a colon', { vendor: 'imonggo', credential: 'a:b' }],
    ['a blank Valomnia login', { vendor: 'valomnia', credential: ' \t ' }],
    ['a Valomnia login of 300 characters', { vendor: 'valomnia', credential: `${'v'.repeat(288)}@example.com` }],
    ['a blank MYPOS email', { vendor: 'myposconnect', credential: '  ' }],
    ['a MYPOS email of 300 characters', { vendor: 'myposconnect', credential: `${'m'.repeat(288)}@example.com` }],
    ['a body that is an array', [{ vendor: 'imonggo', credential: KEEP }]],
    ['a body that is a string', 'imonggo'],
    ['a body that is null', null],
    ['malformed JSON', '{"vendor": "imonggo",'],
  ];

  it.each(BAD_ORDERS)('400 bad_request for %s, and nothing is made or replaced', async (_what, order) => {
    await createTenant(app, { vendor: 'imonggo', credential: KEEP, dataset: 'docs' });
    const headers = { authorization: basic(KEEP) };
    expect((await createCustomer(app, 'imonggo', headers, 'Kept Customer')).status).toBe(200);
    const before = await tenantsNow();

    const res = await orderTenant(app, order);
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.text) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(typeof body.message).toBe('string');
    expect(body.message.length).toBeGreaterThan(0);

    expect(await tenantsNow()).toEqual(before);
    expect(await customerCount(app, 'imonggo', headers)).toBe(2);
  });

  it('404 not_found for a vendor no plugin serves, naming the known ones; nothing is made', async () => {
    const before = await tenantsNow();
    const res = await orderTenant(app, { vendor: 'shopify', credential: 'x' });
    const body = json<{ error: string; message: string }>(res, 404);
    expect(body.error).toBe('not_found');
    for (const vendor of VENDORS) expect(body.message).toContain(vendor);
    expect(await tenantsNow()).toEqual(before);
  });

  it('503 tenant_limit past the tenant limit; re-creating a tenant there is still taken', async () => {
    const small = await testApp({ maxTenants: 2 });
    try {
      await createTenant(small, { vendor: 'imonggo', credential: 'limit-a' });
      await createTenant(small, { vendor: 'valomnia', credential: 'limit.b@example.com' });
      const res = await orderTenant(small, { vendor: 'myposconnect', credential: 'limit.c@example.com' });
      expect(json(res, 503)).toMatchObject({ error: 'tenant_limit' });
      expect((await listTenants(small)).map((tenant) => tenant.credential)).toEqual(['limit-a', 'limit.b@example.com']);
      expect(await createTenant(small, { vendor: 'imonggo', credential: 'limit-a', dataset: 'empty' })).toMatchObject({
        dataset: 'empty',
      });
    } finally {
      await small.close();
    }
  });

  it('takes records at 0 and a credential of exactly 256 characters', async () => {
    const credential = 'k'.repeat(256);
    const tenant = await createTenant(app, { vendor: 'imonggo', credential, dataset: 'demo', records: 0 });
    expect(tenant.credential).toBe(credential);
    expect(await customerCount(app, 'imonggo', { authorization: basic(credential) })).toBe(1);
  });
});
