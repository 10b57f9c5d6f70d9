import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import {
  advanceClock,
  bearer,
  call,
  clockNow,
  DENIED,
  freezeClock,
  type Json,
  send,
  takeToken,
} from '../helpers/mypos.js';

/**
 * A MYPOS Connect client's incremental sync, over a real socket with a plain HTTP client, as the
 * vendor's best-practice page describes it: a token renewed before its two hours are up, a full
 * read by pages inside a date window, then reads of what was edited since the previous sync
 * started (filt_LastEditDateUTC_dt_min, minute resolution: the client takes the floor minute).
 * Hard deletes are invisible to a sync; a delete of a customer with sales makes it inactive, an
 * edit the next sync sees.
 */

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await testApp({ dataset: 'demo', records: 230 });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

const USER = 'sync.client@tricity.example';
const PAGE = 50;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Mirror = Map<string, Json>;

/** A clock reading as the filter takes it, floored to the minute: "2031-mar-01 08:00". */
function floorMinute(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${MONTHS[date.getUTCMonth()]}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** The wire form of a clock reading ("…T08:01:30.25"). */
function wire(iso: string): string {
  return iso.replace(/Z$/, '').replace(/\.?0+$/, '');
}

/** Every page of the filtered list, checked as it goes; the rows by code. */
async function sync(token: string, min: string, max: string): Promise<Mirror> {
  const got: Mirror = new Map();
  let total: number | null = null;
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({
      liPage: String(page),
      liPageSize: String(PAGE),
      sSortKey: 'LastEditDateUTCASC',
      filt_LastEditDateUTC_dt_min: min,
      filt_LastEditDateUTC_dt_max: max,
    });
    const res = await fetch(`${base}/api/v2/customers?${query}`, { headers: bearer(token) });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const rows = JSON.parse(text) as Json[];
    if (rows.length === 0) {
      expect(got.size).toBe(total ?? 0);
      break;
    }
    total ??= Number(rows[0]?.liTotalCount);
    let previous = '';
    for (const [at, row] of rows.entries()) {
      expect(row.liTotalCount).toBe(total);
      expect(row.customSortRowNumber).toBe((page - 1) * PAGE + at + 1);
      const code = String(row.customerCode);
      expect(got.has(code), `${code} twice`).toBe(false);
      // In the window, in order.
      expect(String(row.lastEditDateUTC) >= previous).toBe(true);
      previous = String(row.lastEditDateUTC);
      got.set(code, row);
    }
    expect(rows.length).toBe(Math.min(PAGE, total - (page - 1) * PAGE));
    if (got.size === total) break;
  }
  expect(got.size).toBe(total ?? 0);
  return got;
}

/** The tenant as it is: the unfiltered list in one page. */
async function everything(token: string): Promise<Mirror> {
  const res = await fetch(`${base}/api/v2/customers?liPageSize=99999`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  const rows = (await res.json()) as Json[];
  return new Map(rows.map((row) => [String(row.customerCode), row]));
}

/** The mirror as it must equal the server: counters are per read, so left out. */
function content(mirror: Mirror): Map<string, Json> {
  return new Map(
    [...mirror].map(([code, { customSortRowNumber: _n, liTotalCount: _t, ...row }]) => [code, row] as [string, Json]),
  );
}

async function fullCustomer(token: string, code: string): Promise<Json> {
  const res = await call(base, `/api/v2/customers/${code}`, { headers: bearer(token) });
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as Json;
}

async function token(): Promise<string> {
  return takeToken(base, USER);
}

describe('incremental sync over filt_LastEditDateUTC_dt_min', () => {
  it('a full sync by pages, then two rounds of writes each seen by the next sync; the token renewed', async () => {
    // The clock stands before the first token: a token lives on the tenant's clock.
    await freezeClock(base, USER, '2031-03-01T08:00:30.500Z');
    let bearerToken = await token();
    const MAX = '2099-dec-31';

    // Full sync, in a window around everything.
    let syncStarted = await clockNow(base, USER);
    const local = await sync(bearerToken, '2000-jan-01 00:00', '2031-mar-02');
    const server = await everything(bearerToken);
    expect(local.size).toBe(236);
    expect(content(local)).toEqual(content(server));
    // A window that ends before the latest edits: fewer rows.
    const older = await sync(bearerToken, '2000-jan-01 00:00', '2024-jun-30 00:00');
    expect(older.size).toBeGreaterThan(0);
    expect(older.size).toBeLessThan(236);

    // Which of the first customers have sales (the full customer says; the flat view does not).
    const salesOf = new Map<string, boolean>();
    for (const code of [...server.keys()].slice(0, 40)) {
      salesOf.set(code, (await fullCustomer(bearerToken, code)).lastSaledate !== null);
    }
    const sold = [...salesOf].filter(([code, has]) => has && server.get(code)?.active === true).map(([code]) => code);
    const unsold = [...salesOf].filter(([, has]) => !has).map(([code]) => code);
    expect(sold.length).toBeGreaterThanOrEqual(3);
    expect(unsold.length).toBeGreaterThanOrEqual(3);

    let serial = 0;
    /** A round of writes a minute and a half later; answers what the next sync must see. */
    const round = async (updateCode: string, deleteCode: string, deactivateCode: string) => {
      const now = await advanceClock(base, USER, 90);
      const changed = new Set<string>();
      for (let i = 0; i < 2; i += 1) {
        serial += 1;
        const res = await send(base, bearer(bearerToken), 'POST', '/api/v2/customers', {
          firstName: 'Synced',
          lastName: `Number ${serial}`,
          city: 'Waterloo',
        });
        expect(res.status, res.text).toBe(202);
        changed.add(String((JSON.parse(res.text) as Json).customerCode));
      }
      const current = await fullCustomer(bearerToken, updateCode);
      const updated = await send(base, bearer(bearerToken), 'PUT', `/api/v2/customers/${updateCode}`, {
        ...current,
        notes: `touched at ${now}`,
      });
      expect(updated.status, updated.text).toBe(200);
      expect((JSON.parse(updated.text) as Json).lastEditDateUTC).toBe(wire(now));
      changed.add(updateCode);
      const deleted = await send(base, bearer(bearerToken), 'DELETE', `/api/v2/customers/${deleteCode}`);
      expect(deleted.status, deleted.text).toBe(204);
      const deactivated = await send(base, bearer(bearerToken), 'DELETE', `/api/v2/customers/${deactivateCode}`);
      expect(deactivated.status, deactivated.text).toBe(409);
      changed.add(deactivateCode);
      // The next sync starts a minute later.
      await advanceClock(base, USER, 60);
      return { changed, deleteCode, deactivateCode };
    };

    const apply = (changes: Mirror, deleteCode: string) => {
      for (const [code, row] of changes) local.set(code, row);
      local.delete(deleteCode);
    };

    // Round one.
    const first = await round(unsold[0] ?? '', unsold[1] ?? '', sold[0] ?? '');
    let started = await clockNow(base, USER);
    let changes = await sync(bearerToken, floorMinute(syncStarted), MAX);
    syncStarted = started;
    expect(new Set(changes.keys())).toEqual(first.changed);
    expect(changes.get(first.deactivateCode)?.active).toBe(false);
    expect(changes.has(first.deleteCode)).toBe(false);
    apply(changes, first.deleteCode);
    expect(content(local)).toEqual(content(await everything(bearerToken)));
    expect(local.size).toBe(236 + 2 - 1);

    // Two hours after the token was issued it is refused; a renewed one carries on.
    await advanceClock(base, USER, 7200);
    const expired = await call(base, '/api/v2/customers', { headers: bearer(bearerToken) });
    expect(expired.status).toBe(401);
    expect(expired.text).toBe(DENIED);
    const renewed = await token();
    expect(renewed).not.toBe(bearerToken);
    bearerToken = renewed;
    // Nothing was written while the clock moved: a sync now sees nothing new.
    started = await clockNow(base, USER);
    expect((await sync(bearerToken, floorMinute(syncStarted), MAX)).size).toBe(0);
    syncStarted = started;

    // Round two: update a customer made in round one, delete the other, deactivate another with sales.
    const [madeA, madeB] = [...first.changed].filter((code) => Number(code) > 1000236);
    const second = await round(madeA ?? '', madeB ?? '', sold[1] ?? '');
    started = await clockNow(base, USER);
    changes = await sync(bearerToken, floorMinute(syncStarted), MAX);
    expect(new Set(changes.keys())).toEqual(second.changed);
    apply(changes, second.deleteCode);
    expect(content(local)).toEqual(content(await everything(bearerToken)));
    syncStarted = started;

    // A write in the same minute as the sync start, after it: the floor minute catches it.
    expect(syncStarted.slice(17)).not.toBe('00.000Z');
    await advanceClock(base, USER, 1);
    const late = await fullCustomer(bearerToken, unsold[2] ?? '');
    const lateRes = await send(base, bearer(bearerToken), 'PUT', `/api/v2/customers/${unsold[2]}`, {
      ...late,
      notes: 'same minute',
    });
    expect(lateRes.status).toBe(200);
    changes = await sync(bearerToken, floorMinute(syncStarted), MAX);
    expect(changes.has(unsold[2] ?? '')).toBe(true);
    apply(changes, '');
    expect(content(local)).toEqual(content(await everything(bearerToken)));
  });
});
