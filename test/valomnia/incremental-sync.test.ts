import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { advanceClock, freezeClock, type ValomniaPaging } from '../helpers/valomnia.js';

/**
 * A Valomnia client's incremental sync, run by a plain HTTP client over a real socket: a full
 * sync follows `next` from lastUpdated_gte=<epoch start>; later syncs ask for lastUpdated_gte=<the
 * time the previous sync started>, read on the tenant's clock. Deletes are hard deletes, so a sync
 * never sees them; the mirror must still equal the server after the client drops what it deleted.
 */

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await testApp({ dataset: 'demo', records: 250 });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

const EPOCH = '1970-01-01T00:00:00Z';
const PAGE = 40;

interface Customer {
  id: number;
  reference: string;
  name: string;
  comment: string | null;
  parentCustomer: { id: number } | null;
  dateCreated: string;
  lastUpdated: string;
  [key: string]: unknown;
}

type Mirror = Map<number, Customer>;

async function login(username: string): Promise<string> {
  const res = await fetch(`${base}/j_spring_security_check`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ j_username: username, j_password: 'secret', ajax: 'true' }).toString(),
  });
  expect(res.status).toBe(302);
  const id = /^JSESSIONID=([0-9A-F]{32});/.exec(res.headers.getSetCookie()[0] ?? '')?.[1];
  if (!id) throw new Error('no session');
  return `JSESSIONID=${id}`;
}

async function get<T>(cookie: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function write(cookie: string, method: string, path: string, fields?: Record<string, string>) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { cookie, ...(fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Customer };
}

async function clockNow(login: string): Promise<string> {
  const res = await fetch(`${base}/__admin/tenants/valomnia/${login}/clock`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { now: string }).now;
}

/** An ISO time with milliseconds as the stored form: whole seconds, "Z". */
function seconds(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/**
 * The client's sync: every page from lastUpdated_gte=since, following `next` until null. Checks
 * each page as it goes: the same total, the requested page size, next/previous keeping the filter,
 * and no record twice.
 */
async function sync(cookie: string, since: string): Promise<Mirror> {
  const filter = new URLSearchParams({ lastUpdated_gte: since }).toString();
  let path: string | null = `/api/v1.0/customers?max=${PAGE}&${filter}`;
  const got: Mirror = new Map();
  let total: number | null = null;
  let offset = 0;
  while (path !== null) {
    const page: { paging: ValomniaPaging; data: Customer[] } = await get(cookie, path);
    total ??= page.paging.total;
    expect(page.paging.total).toBe(total);
    expect(page.paging.max).toBe(PAGE);
    expect(page.paging.offset).toBe(offset);
    expect(page.data.length).toBe(Math.min(PAGE, total - offset));
    const link = (at: number) => `/api/v1.0/customers?max=${PAGE}&offset=${at}&sort=dateCreated&order=asc&${filter}`;
    expect(page.paging.next).toBe(offset + PAGE < total ? link(offset + PAGE) : null);
    expect(page.paging.previous).toBe(offset > 0 ? link(Math.max(0, offset - PAGE)) : null);
    for (const customer of page.data) {
      expect(got.has(customer.id), `id ${customer.id} twice`).toBe(false);
      expect(customer.lastUpdated >= seconds(since)).toBe(true);
      got.set(customer.id, customer);
    }
    offset += PAGE;
    path = page.paging.next;
  }
  expect(got.size).toBe(total);
  return got;
}

/** The tenant as it is: the unfiltered list, read in full. */
async function everything(cookie: string): Promise<Mirror> {
  const all: Mirror = new Map();
  let path: string | null = '/api/v1.0/customers?max=100';
  while (path !== null) {
    const page: { paging: ValomniaPaging; data: Customer[] } = await get(cookie, path);
    for (const customer of page.data) all.set(customer.id, customer);
    path = page.paging.next;
  }
  return all;
}

/** Ids of local records no other record names as its parent (they can be deleted). */
function childless(mirror: Mirror): number[] {
  const parents = new Set([...mirror.values()].flatMap((c) => (c.parentCustomer ? [c.parentCustomer.id] : [])));
  return [...mirror.keys()].filter((id) => !parents.has(id));
}

describe('incremental sync over lastUpdated_gte', () => {
  const USER = 'sync.client@example.com';

  it('a full sync, then two rounds of writes each picked up exactly by the next sync', async () => {
    // The clock is frozen before the login: a session lives on the tenant's clock.
    await freezeClock(base, USER, '2030-05-01T08:00:00Z');
    const cookie = await login(USER);

    // Full sync from the epoch: the whole tenant, each record once.
    let syncStarted = await clockNow(USER);
    const local = await sync(cookie, EPOCH);
    const server = await everything(cookie);
    expect(local.size).toBe(251);
    expect([...local.keys()].sort((a, b) => a - b)).toEqual([...server.keys()].sort((a, b) => a - b));
    expect(local).toEqual(server);

    const untouched = childless(local);
    let serial = 0;
    const round = async (updateIds: number[], deleteId: number) => {
      const now = seconds(await advanceClock(base, USER, 60));
      const changed = new Set<number>();
      for (let i = 0; i < 3; i += 1) {
        serial += 1;
        const created = await write(cookie, 'POST', '/api/v1.0/customers', {
          reference: `SYNC-${serial}`,
          name: `Synced ${serial}`,
        });
        expect(created.status).toBe(201);
        expect(created.body.dateCreated).toBe(now);
        expect(created.body.lastUpdated).toBe(now);
        changed.add(created.body.id);
      }
      for (const id of updateIds) {
        const before = local.get(id);
        const updated = await write(cookie, 'POST', `/api/v1.0/customers/${id}`, { comment: `touched at ${now}` });
        expect(updated.status).toBe(200);
        expect(updated.body.id).toBe(id);
        expect(updated.body.comment).toBe(`touched at ${now}`);
        expect(updated.body.lastUpdated).toBe(now);
        expect(updated.body.dateCreated).toBe(before?.dateCreated);
        changed.add(id);
      }
      const deleted = await write(cookie, 'DELETE', `/api/v1.0/customers/${deleteId}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ success: 'true', success_description: 'Instance deleted successfully' });
      // The sync starts a minute after the writes.
      await advanceClock(base, USER, 60);
      return changed;
    };

    const first = [untouched[0], untouched[120]] as [number, number];
    const firstDeleted = untouched[200] as number;
    const firstChanged = await round(first, firstDeleted);

    let started = await clockNow(USER);
    let changes = await sync(cookie, syncStarted);
    syncStarted = started;
    expect(new Set(changes.keys())).toEqual(firstChanged);
    expect(changes.size).toBe(5);
    expect(changes.has(firstDeleted)).toBe(false);
    for (const [id, customer] of changes) local.set(id, customer);
    local.delete(firstDeleted);
    expect(local).toEqual(await everything(cookie));
    expect(local.size).toBe(251 + 3 - 1);
    expect((await fetch(`${base}/api/v1.0/customers/${firstDeleted}`, { headers: { cookie } })).status).toBe(404);

    // Round two: update one record made in round one and one seed record; delete one updated in round one.
    const madeInFirst = [...firstChanged].filter((id) => !first.includes(id));
    const second = [madeInFirst[0], untouched[60]] as [number, number];
    const secondDeleted = first[0];
    const secondChanged = await round(second, secondDeleted);

    started = await clockNow(USER);
    changes = await sync(cookie, syncStarted);
    syncStarted = started;
    expect(new Set(changes.keys())).toEqual(secondChanged);
    expect(changes.size).toBe(5);
    for (const [id, customer] of changes) local.set(id, customer);
    local.delete(secondDeleted);
    expect(local).toEqual(await everything(cookie));
    expect(local.has(secondDeleted)).toBe(false);

    // An idle sync finds nothing; a write in the very second a sync starts is not missed by the next.
    expect((await sync(cookie, syncStarted)).size).toBe(0);
    const sameSecond = await write(cookie, 'POST', `/api/v1.0/customers/${untouched[30]}`, { comment: 'same second' });
    expect(sameSecond.body.lastUpdated).toBe(seconds(syncStarted));
    expect([...(await sync(cookie, syncStarted)).keys()]).toEqual([untouched[30]]);
  });
});

describe('date bounds with a fraction of a second', () => {
  const USER = 'sync.fraction@example.com';
  let cookie: string;
  let early: number;
  let late: number;

  beforeAll(async () => {
    // Written on a clock with a fraction: stored in whole seconds (10 and 11), not rounded up.
    await freezeClock(base, USER, '2031-01-01T00:00:10.789Z');
    cookie = await login(USER);
    const a = await write(cookie, 'POST', '/api/v1.0/customers', { reference: 'FRAC-A', name: 'Early' });
    expect(a.status).toBe(201);
    expect(a.body.dateCreated).toBe('2031-01-01T00:00:10Z');
    expect(a.body.lastUpdated).toBe('2031-01-01T00:00:10Z');
    await advanceClock(base, USER, 1);
    const b = await write(cookie, 'POST', '/api/v1.0/customers', { reference: 'FRAC-B', name: 'Late' });
    expect(b.body.dateCreated).toBe('2031-01-01T00:00:11Z');
    early = a.body.id;
    late = b.body.id;
  });

  async function selected(filter: Record<string, string>): Promise<number[]> {
    const query = new URLSearchParams({ reference: 'FRAC-*', ...filter }).toString();
    const page: { data: Customer[] } = await get(cookie, `/api/v1.0/customers?${query}`);
    return page.data.map((customer) => customer.id);
  }

  const cases: [string, string, 'early' | 'late' | 'both' | 'none'][] = [
    ['lastUpdated_gt', '2031-01-01T00:00:09.500Z', 'both'],
    ['lastUpdated_gt', '2031-01-01T00:00:10Z', 'late'],
    ['lastUpdated_gt', '2031-01-01T00:00:10.000Z', 'late'],
    ['lastUpdated_gt', '2031-01-01T00:00:10.001Z', 'late'],
    ['lastUpdated_gt', '2031-01-01T00:00:10.500Z', 'late'],
    ['lastUpdated_gt', '2031-01-01T00:00:10.999Z', 'late'],
    ['lastUpdated_gt', '2031-01-01T00:00:11.001Z', 'none'],
    ['lastUpdated_gt', '2031-01-01T01:00:10.5+01:00', 'late'],
    ['lastUpdated_gt', '2030-12-31T23:00:09.5-0100', 'both'],
    ['lastUpdated_gte', '2031-01-01T00:00:10Z', 'both'],
    ['lastUpdated_gte', '2031-01-01T00:00:09.999Z', 'both'],
    ['lastUpdated_gte', '2031-01-01T00:00:10.001Z', 'late'],
    ['lastUpdated_gte', '2031-01-01T00:00:11.000Z', 'late'],
    ['lastUpdated_gte', '2031-01-01T00:00:11.5Z', 'none'],
    ['lastUpdated_lt', '2031-01-01T00:00:11Z', 'early'],
    ['lastUpdated_lt', '2031-01-01T00:00:11.001Z', 'both'],
    ['lastUpdated_lt', '2031-01-01T00:00:10.001Z', 'early'],
    ['lastUpdated_lt', '2031-01-01T00:00:10.000Z', 'none'],
    ['lastUpdated_lte', '2031-01-01T00:00:10.999Z', 'early'],
    ['lastUpdated_lte', '2031-01-01T00:00:10Z', 'early'],
    ['lastUpdated_lte', '2031-01-01T00:00:09.999Z', 'none'],
    ['dateCreated_gt', '2031-01-01T00:00:10.5Z', 'late'],
    ['dateCreated_lte', '2031-01-01T00:00:11.25Z', 'both'],
  ];

  it.each(cases)('%s=%s selects %s', async (field, bound, expected) => {
    const want = { early: [early], late: [late], both: [early, late], none: [] }[expected];
    expect(await selected({ [field]: bound })).toEqual(want);
  });

  it('a sync resumed from a fractional clock reading misses nothing written after it', async () => {
    // The clock reads 00:00:11.789; a record written now is stored at :11, before the bound.
    const since = await clockNow(USER);
    expect(since).toBe('2031-01-01T00:00:11.789Z');
    expect(await selected({ lastUpdated_gte: since })).toEqual([]);
    expect(await selected({ lastUpdated_gt: since })).toEqual([]);
    await advanceClock(base, USER, 0.5);
    const c = await write(cookie, 'POST', '/api/v1.0/customers', { reference: 'FRAC-C', name: 'After' });
    expect(c.body.lastUpdated).toBe('2031-01-01T00:00:12Z');
    expect(await selected({ lastUpdated_gte: since })).toEqual([c.body.id]);
    expect(await selected({ lastUpdated_gt: since })).toEqual([c.body.id]);
  });

  it('paging links carry a fractional bound as it was sent', async () => {
    const bound = '2031-01-01T00:00:09.500Z';
    const query = new URLSearchParams({ lastUpdated_gt: bound, reference: 'FRAC-*' }).toString();
    const page: { paging: ValomniaPaging; data: Customer[] } = await get(cookie, `/api/v1.0/customers?max=1&${query}`);
    expect(page.data.map((customer) => customer.id)).toEqual([early]);
    expect(page.paging.next).toBe(`/api/v1.0/customers?max=1&offset=1&sort=dateCreated&order=asc&${query}`);
    expect(page.paging.next).toContain('lastUpdated_gt=2031-01-01T00%3A00%3A09.500Z');
  });
});
