import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { hashValue, listOf } from '../helpers/xml.js';

// The vendor's proposed incremental sync, run as written by a plain HTTP client over a real
// socket: last_updated_at, then pages of after=previous&to=last_updated_at until an empty page.

const TOKEN = 'sync-suite-token';
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  app = await testApp({ dataset: 'demo', seed: 7, records: 230 });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

async function call(method: string, path: string, body?: string): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: basic(TOKEN), 'content-type': 'application/xml' },
    ...(body === undefined ? {} : { body }),
  });
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status}`);
  return res.text();
}

async function clock(action: string, body: object = {}): Promise<void> {
  const res = await fetch(`${baseUrl}/__admin/tenants/imonggo/${TOKEN}/clock/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

type Local = Map<string, Record<string, string | null>>;

/** One run of the documented algorithm; returns the new previous_last_updated_date. */
async function sync(collection: string, local: Local, previous: string | null): Promise<string | null> {
  const last = hashValue(await call('GET', `/api/${collection}.xml?q=last_updated_at`), 'last-updated-at');
  const window = `after=${encodeURIComponent(previous ?? '')}&to=${encodeURIComponent(last ?? '')}`;
  for (let page = 1; ; page += 1) {
    const records = listOf(await call('GET', `/api/${collection}.xml?${window}&page=${page}`));
    if (records.length === 0) break;
    for (const record of records) {
      const id = record.id ?? '';
      if (record.status === 'D') local.delete(id);
      else local.set(id, record);
    }
  }
  return last;
}

/** What the server holds now, active records only, read in full. */
async function serverActive(collection: string): Promise<Local> {
  const all: Local = new Map();
  for (let page = 1; ; page += 1) {
    const records = listOf(await call('GET', `/api/${collection}.xml?active_only=1&page=${page}`));
    if (records.length === 0) return all;
    for (const record of records) all.set(record.id ?? '', record);
  }
}

describe.each(['customers', 'suppliers'])('incremental sync of %s', (collection) => {
  const element = collection === 'customers' ? 'customer' : 'supplier';

  it('mirrors every create, update and delete across syncs, with the clock moved between them', async () => {
    await clock('freeze', { at: '2025-03-01T09:00:00Z' });
    const local: Local = new Map();
    let previous = await sync(collection, local, null);
    expect(local).toEqual(await serverActive(collection));
    expect(local.size).toBeGreaterThan(100);

    for (let round = 1; round <= 3; round += 1) {
      await clock('advance', { seconds: 60 });
      const created = await call(
        'POST',
        `/api/${collection}.xml`,
        `<${element}><name>Round ${round} Co</name></${element}>`,
      );
      expect(created).toContain('<');
      const [first, second, third] = [...local.keys()].slice(round * 5, round * 5 + 3);
      await call('PUT', `/api/${collection}/${first}.xml`, `<${element}><name>Renamed ${round}</name></${element}>`);
      await call('DELETE', `/api/${collection}/${second}.xml`);
      // A second write in the same second as the last one: same timestamp, still picked up.
      await call(
        'PUT',
        `/api/${collection}/${third}.xml`,
        `<${element}><remark>touched ${round}</remark></${element}>`,
      );
      await clock('advance', { seconds: 1 });

      previous = await sync(collection, local, previous);
      expect(local).toEqual(await serverActive(collection));
      expect(local.has(second ?? '')).toBe(false);
      expect(local.get(first ?? '')?.name).toBe(`Renamed ${round}`);
    }
  });

  it('does not miss a write made in the same second as the sync before it', async () => {
    await clock('freeze', { at: '2025-06-01T12:00:00Z' });
    const local: Local = new Map();
    let previous = await sync(collection, local, null);
    await call('POST', `/api/${collection}.xml`, `<${element}><name>Same Second A</name></${element}>`);
    previous = await sync(collection, local, previous);
    expect(previous).toBe('2025-06-01 12:00:00');
    // The clock has not moved: this write lands in the second the last sync was told of.
    await call('POST', `/api/${collection}.xml`, `<${element}><name>Same Second B</name></${element}>`);
    previous = await sync(collection, local, previous);
    expect([...local.values()].map((record) => record.name)).toContain('Same Second B');
    expect(local).toEqual(await serverActive(collection));
  });

  it('an idle sync downloads nothing and keeps the same previous date', async () => {
    const local: Local = new Map();
    const previous = await sync(collection, local, null);
    const window = `after=${encodeURIComponent(previous ?? '')}&to=${encodeURIComponent(previous ?? '')}`;
    expect(listOf(await call('GET', `/api/${collection}.xml?${window}`))).toEqual([]);
    expect(await sync(collection, local, previous)).toBe(previous);
  });
});
