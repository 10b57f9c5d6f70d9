import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { VendorName } from '../src/core/store.js';
import { ControlApiError, controlClient, type Sandbox, type SandboxVendor, startSandbox } from '../src/index.js';
import { basic } from './helpers/app.js';

// The typed control client a test drives the sandbox with, over a real socket: one test's life
// per vendor (a tenant made with a frozen clock, a fault seen, the journal asked, a snapshot
// restored, a reset), and the refusals it turns into ControlApiError.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ dataset: 'docs' });
});
afterAll(() => sandbox.close());

const FROZEN = '2011-04-21T03:01:51.000Z';

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return JSON.parse(await res.text()) as T;
}

describe('Imonggo through the client', () => {
  // Every character a path would misread: the client must encode it.
  const token = 'suite/1 a@b?c#d%e&f+g';
  const auth = { authorization: basic(token) };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.url}/api${path}`, { ...init, headers: { ...auth, ...init.headers } });
  const customerCount = async () => (await json<{ count: number }>(await api('/customers.json?q=count'))).count;
  const addCustomer = async (name: string) => {
    const res = await api('/customers.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { name } }),
    });
    expect(res.status).toBe(200);
    return json<{ utc_created_at: string }>(res);
  };

  it('makes a tenant with a frozen clock, faults a call, journals it, advances and resets', async () => {
    const tenant = sandbox.tenant('imonggo', token);
    const info = await tenant.create({ clock: new Date(FROZEN) });
    expect(info).toMatchObject({ vendor: 'imonggo', credential: token, dataset: 'docs', seed: 1 });
    expect(info.clock).toEqual({ now: FROZEN, frozen: true });
    expect((await sandbox.tenants()).filter((t) => t.credential === token)).toHaveLength(1);
    const seeded = await customerCount();

    const rule = await tenant.faults.add({
      match: { method: 'GET', path: '/api/customers/*' },
      times: 1,
      fault: { kind: 'status', status: 503 },
    });
    expect(rule).toMatchObject({ match: { method: 'GET' }, times: 1, remaining: 1, fired: 0, writeApplied: false });
    const faulted = await api('/customers/11.xml');
    expect(faulted.status).toBe(503);
    expect(await faulted.text()).toContain('<hash>');
    expect((await api('/customers/11.xml')).status).toBe(200);
    expect(await tenant.faults.list()).toEqual([{ ...rule, matched: 1, fired: 1, remaining: 0 }]);

    const [entry, ...others] = await tenant.requests({ status: 503 });
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/customers/11.xml',
      operationId: 'getCustomerXml',
      status: 503,
      fault: 'status',
      tenantAt: FROZEN,
      request: { headers: { authorization: 'Basic [redacted]' } },
    });
    expect(await tenant.requests.count({ path: '/api/customers/*', method: 'GET' })).toBe(2);
    expect(await tenant.requests.count({ operationId: 'getCustomerXml', status: 200 })).toBe(1);
    expect(await tenant.requests.count({ since: new Date(Date.now() + 60_000) })).toBe(0);
    expect(await tenant.requests.count({ since: new Date(0) })).toBe(3);

    expect((await addCustomer('Stamped')).utc_created_at).toBe('2011-04-21T03:01:51Z');
    expect(await tenant.clock.advance(60)).toEqual({ now: '2011-04-21T03:02:51.000Z', frozen: true });
    expect((await addCustomer('Later')).utc_created_at).toBe('2011-04-21T03:02:51Z');
    expect(await customerCount()).toBe(seeded + 2);

    // A reset goes back to the seeded data and the clock the tenant was made with; the journal stays.
    const reset = await tenant.reset();
    expect(reset.clock).toEqual({ now: FROZEN, frozen: true });
    expect(await customerCount()).toBe(seeded);
    const journaled = await tenant.requests.count();
    expect(journaled).toBeGreaterThan(5);
    await tenant.requests.clear();
    expect(await tenant.requests()).toEqual([]);
    await tenant.faults.clear();
    expect(await tenant.faults.list()).toEqual([]);
  });
});

describe('Valomnia through the client', () => {
  const login = 'Client.Suite+valomnia@example.com';
  let cookie = '';
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.url}/api/v1.0${path}`, { ...init, headers: { cookie, ...init.headers } });
  const total = async () => {
    const res = await api('/customers?max=1');
    expect(res.status).toBe(200);
    return (await json<{ paging: { total: number } }>(res)).paging.total;
  };
  const addCustomer = async (reference: string) => {
    const res = await api('/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference, name: reference }).toString(),
    });
    expect(res.status).toBe(201);
  };

  it('rate-limits a call, and restores a snapshot of the tenant after a write, twice', async () => {
    const tenant = sandbox.tenant('valomnia', login);
    expect((await tenant.create({ clock: FROZEN })).clock).toEqual({ now: FROZEN, frozen: true });
    const res = await fetch(`${sandbox.url}/j_spring_security_check`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ j_username: login, j_password: 'secret', ajax: 'true' }).toString(),
    });
    expect(res.status).toBe(302);
    cookie = /JSESSIONID=[0-9A-F]{32}/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';
    expect(cookie).not.toBe('');

    await tenant.faults.add({
      match: { operationId: 'listCustomers' },
      skip: 1,
      fault: { kind: 'rateLimit', retryAfter: 7 },
    });
    const seeded = await total();
    const limited = await api('/customers');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await json(limited)).toHaveProperty('error_description');
    expect(await tenant.requests.count({ status: 429, operationId: 'listCustomers' })).toBe(1);
    const [login1] = await tenant.requests({ operationId: 'loginPost' });
    expect(login1?.request.body?.text).toContain('j_password=%5Bredacted%5D');
    await tenant.faults.clear();

    const saved = await tenant.snapshot('valomnia-before');
    expect(saved).toMatchObject({ name: 'valomnia-before', scope: 'some', tenants: [{ vendor: 'valomnia' }] });
    for (const reference of ['SNAP-1', 'SNAP-2']) {
      await addCustomer(reference);
      expect(await total()).toBe(seeded + 1);
      expect(await sandbox.restore('valomnia-before')).toEqual(saved);
      // The session outlives the restore: it is not part of a tenant's state.
      expect(await total()).toBe(seeded);
    }
    expect(await tenant.requests.count({ method: 'POST', path: '/api/v1.0/customers' })).toBe(2);
    await sandbox.deleteSnapshot('valomnia-before');
    expect((await sandbox.snapshots()).map((s) => s.name)).not.toContain('valomnia-before');
  });
});

describe('MYPOS Connect through the client', () => {
  const email = 'client.suite@tricity.example';

  it('runs a clock, applies a faulted write, and changes permissions until a reset', async () => {
    const tenant = sandbox.tenant('myposconnect', email);
    const made = await tenant.create({ clock: { at: '2024-01-01T00:00:00Z', frozen: false }, records: 3 });
    expect(made.clock.frozen).toBe(false);
    const frozen = await tenant.clock.freeze();
    expect(frozen.frozen).toBe(true);
    expect(Date.parse(frozen.now) - Date.parse('2024-01-01T00:00:00Z')).toBeLessThan(60_000);
    expect(await tenant.clock.set(new Date(FROZEN))).toEqual({ now: FROZEN, frozen: true });
    expect(await tenant.clock.get()).toEqual({ now: FROZEN, frozen: true });

    // A token lives two hours of the tenant's clock, so it is taken again after the clock moves.
    let auth = { authorization: '' };
    const takeToken = async () => {
      const issued = await fetch(`${sandbox.url}/api/v2/auth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${email}:secret`).toString('base64')}` },
      });
      auth = { authorization: `Bearer ${(await json<{ bearerToken: string }>(issued)).bearerToken}` };
    };
    const customers = () => fetch(`${sandbox.url}/api/v2/customers?liPageSize=999`, { headers: auth });
    const list = async () => json<{ customerName: string }[]>(await customers());
    const add = (customerName: string) =>
      fetch(`${sandbox.url}/api/v2/customers`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ customerName }),
      });
    await takeToken();
    const before = (await list()).length;

    // The lost response: the write is carried out, its answer replaced by a 500.
    await tenant.faults.add({
      match: { operationId: 'createCustomer' },
      writeApplied: true,
      fault: { kind: 'status', status: 500 },
    });
    const lost = await add('Lost Answer');
    expect(lost.status).toBe(500);
    expect(await json(lost)).toHaveProperty('Message');
    expect((await list()).map((c) => c.customerName)).toContain('Lost Answer');
    expect((await list()).length).toBe(before + 1);
    const [entry] = await tenant.requests({ method: 'POST', path: '/api/v2/customers' });
    expect(entry).toMatchObject({ status: 500, fault: 'status', tenantAt: FROZEN, operationId: 'createCustomer' });
    await tenant.faults.clear();

    expect(await tenant.permissions.set({ write: false })).toEqual({ read: true, write: false, delete: true });
    expect(await tenant.permissions.get()).toEqual({ read: true, write: false, delete: true });
    expect((await add('Refused')).status).toBe(403);
    // A reset goes back to the clock the tenant was made with (2024, running): the 2011 token has expired.
    expect((await tenant.reset()).clock.frozen).toBe(false);
    expect((await customers()).status).toBe(401);
    await takeToken();
    expect(await tenant.permissions.get()).toEqual({ read: true, write: true, delete: true });
    expect((await list()).length).toBe(before);
    expect((await add('Allowed')).status).toBe(202);

    expect(await tenant.clock.release()).toMatchObject({ frozen: false });
    expect(Math.abs(Date.parse((await tenant.clock.get()).now) - Date.now())).toBeLessThan(5_000);
  });
});

describe('the client as a whole', () => {
  it('restores a snapshot of every tenant: tenants made since are gone, deleted ones are back', async () => {
    expect(await sandbox.health()).toEqual({ status: 'ok' });
    const kept = sandbox.tenant('imonggo', 'world-kept');
    await kept.reset();
    const world = await sandbox.snapshot('world');
    expect(world.scope).toBe('all');
    expect(world.tenants).toContainEqual({ vendor: 'imonggo', credential: 'world-kept' });

    await kept.delete();
    await sandbox.createTenant('valomnia', 'made-after@example.com');
    await sandbox.restore('world');
    const credentials = (await sandbox.tenants()).map((t) => t.credential);
    expect(credentials).toContain('world-kept');
    expect(credentials).not.toContain('made-after@example.com');
    expect((await sandbox.snapshots()).map((s) => s.name)).toContain('world');
  });

  it('saves the tenants handles name, and works on its own from a base URL with a trailing slash', async () => {
    const client = controlClient(`${sandbox.url}/`);
    const a = client.tenant('imonggo', 'pair-a');
    const b = client.tenant('myposconnect', 'pair-b@example.com');
    await Promise.all([a.reset(), b.reset()]);
    const saved = await client.snapshot('pair', [a, b]);
    expect(saved.tenants).toEqual([
      { vendor: 'imonggo', credential: 'pair-a' },
      { vendor: 'myposconnect', credential: 'pair-b@example.com' },
    ]);
    expect(a.permissions).toBeUndefined();
  });

  it('turns refusals into a ControlApiError with the status, code and message of the answer', async () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail('the call should have been refused'),
        (error: unknown) => {
          expect(error).toBeInstanceOf(ControlApiError);
          return error as ControlApiError;
        },
      );

    const missing = await refusal(sandbox.tenant('imonggo', 'never-made').delete());
    expect(missing).toMatchObject({
      status: 404,
      error: 'not_found',
      request: 'DELETE /__admin/tenants/imonggo/never-made',
    });
    expect(missing.message).toBe('no imonggo tenant for that credential');

    expect(await refusal(sandbox.restore('no-such-snapshot'))).toMatchObject({ status: 404, error: 'not_found' });
    expect(await refusal(sandbox.tenant('imonggo', 'has:colon').reset())).toMatchObject({
      status: 400,
      error: 'bad_request',
    });
    const vendor = await refusal(sandbox.tenant('shopify' as SandboxVendor, 'x').reset());
    expect(vendor.status).toBe(404);
    // The vendors the server knows are exactly those SandboxVendor names.
    const known = /known: (.*)$/.exec(vendor.message)?.[1]?.split(', ');
    expect(known?.sort()).toEqual(['imonggo', 'myposconnect', 'valomnia'] satisfies SandboxVendor[]);
    const delay = await refusal(
      sandbox.tenant('imonggo', 'faulty').faults.add({ writeApplied: false, fault: { kind: 'delay', ms: 5 } }),
    );
    expect(delay).toMatchObject({ status: 400, message: expect.stringContaining('writeApplied') });
    expect(await refusal(sandbox.tenant('imonggo', 'faulty').clock.set('not a time'))).toMatchObject({ status: 400 });
    expect(await refusal(sandbox.snapshot('bad name!'))).toMatchObject({ status: 400 });

    // A time that is none would go as JSON null, which a freeze reads as "now": refused before sending.
    await expect(sandbox.tenant('imonggo', 'faulty').clock.freeze(new Date('garbage'))).rejects.toThrow(RangeError);
    expect((await sandbox.tenant('imonggo', 'faulty').clock.get()).frozen).toBe(false);
  });

  it('names exactly the vendors the sandbox serves', () => {
    expectTypeOf<SandboxVendor>().toEqualTypeOf<VendorName>();
    expectTypeOf(sandbox.tenant('myposconnect', 'x').permissions.get).returns.resolves.toHaveProperty('write');
    expectTypeOf(sandbox.tenant('imonggo', 'x').permissions).toBeUndefined();
  });
});

describe('startSandbox with the control plane options', () => {
  it('serves only the tenants made through the client in strict mode, and loads imports', async () => {
    const exported = await (await fetch(`${sandbox.url}/__admin/tenants/imonggo/export-me/export`)).text();
    const folder = mkdtempSync(join(tmpdir(), 'sandbox-import-'));
    const file = join(folder, 'tenant.json');
    writeFileSync(file, exported);
    const strict = await startSandbox({ dataset: 'empty', strict: true, journal: 5, imports: [file] });
    try {
      const basicOf = (token: string) => ({ authorization: `Basic ${Buffer.from(`${token}:X`).toString('base64')}` });
      // The imported tenant is served; its data came from the docs dataset, not from `empty`.
      const imported = await fetch(`${strict.url}/api/customers.xml?q=count`, { headers: basicOf('export-me') });
      expect(await imported.text()).toContain('<count type="integer">1</count>');
      expect((await fetch(`${strict.url}/api/customers.xml`, { headers: basicOf('stranger') })).status).toBe(401);
      await strict.tenant('imonggo', 'stranger').create();
      expect((await fetch(`${strict.url}/api/customers.xml`, { headers: basicOf('stranger') })).status).toBe(200);
      for (let i = 0; i < 7; i++) await fetch(`${strict.url}/api/customers.xml`, { headers: basicOf('stranger') });
      // The journal keeps the last 5 of the 8 requests.
      const entries = await strict.tenant('imonggo', 'stranger').requests();
      expect(entries.map((entry) => entry.id)).toEqual([4, 5, 6, 7, 8]);
    } finally {
      await strict.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
