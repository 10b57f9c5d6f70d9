import { describe, expect, it } from 'vitest';
import { ALL, CollectionIndex, type StampRange } from '../../src/core/collection-index.js';

interface Row {
  id: number;
  at: string;
  live: boolean;
  code: string | null;
}

const SHAPE = {
  stamp: (row: Row) => row.at,
  subsets: { live: (row: Row) => row.live },
  unique: { code: (row: Row) => row.code },
};

/** A small deterministic generator (mulberry32), so a failure replays exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stampOf = (n: number) =>
  `2020-01-01T00:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`;

function within(at: string, range: StampRange): boolean {
  return (
    (range.gt === undefined || at > range.gt) &&
    (range.gte === undefined || at >= range.gte) &&
    (range.lt === undefined || at < range.lt) &&
    (range.lte === undefined || at <= range.lte)
  );
}

/** What every query must answer: a plain filter over the array, in id order. */
function expected(rows: readonly Row[], range: StampRange, subset: string): Row[] {
  return rows.filter((row) => (subset === ALL || row.live) && within(row.at, range));
}

function randomRange(next: () => number): StampRange {
  const range: StampRange = {};
  const pick = () => stampOf(Math.floor(next() * 400));
  if (next() < 0.5) range.gt = pick();
  if (next() < 0.2) range.gte = pick();
  if (next() < 0.3) range.lt = pick();
  if (next() < 0.2) range.lte = pick();
  return range;
}

describe('CollectionIndex', () => {
  it('answers get, findUnique, count, latestStamp and page exactly as a full scan would, through random writes', () => {
    const next = random(7);
    const rows: Row[] = [];
    const index = new CollectionIndex(rows, SHAPE);
    let nextId = 1;
    for (let step = 0; step < 3000; step += 1) {
      const roll = next();
      if (roll < 0.55 || rows.length === 0) {
        // Mostly appends at a later stamp, sometimes an earlier one (a clock moved back).
        const id = nextId;
        nextId += 1 + Math.floor(next() * 3);
        const code = next() < 0.3 ? `C${id}` : null;
        index.insert({ id, at: stampOf(Math.floor(next() * 400)), live: next() > 0.1, code });
      } else if (roll < 0.9) {
        const victim = rows[Math.floor(next() * rows.length)] as Row;
        index.replace({ ...victim, at: stampOf(Math.floor(next() * 400)), live: next() > 0.3 });
      } else {
        const victim = rows[Math.floor(next() * rows.length)] as Row;
        expect(index.remove(victim.id)).toBe(victim);
      }
      if (step % 50 !== 0) continue;
      expect(rows.map((row) => row.id)).toEqual([...rows.map((row) => row.id)].sort((a, b) => a - b));
      for (let probe = 0; probe < 20; probe += 1) {
        const range = randomRange(next);
        const subset = next() < 0.5 ? ALL : 'live';
        const all = expected(rows, range, subset);
        expect(index.count(range, subset)).toBe(all.length);
        const limit = 1 + Math.floor(next() * 30);
        const offset = Math.floor(next() * (all.length + 5));
        expect(index.page(range, subset, offset, limit)).toEqual(all.slice(offset, offset + limit));
        // An index built now, over the records as they stand, answers the same.
        const fresh = new CollectionIndex(rows, SHAPE);
        expect(fresh.page(range, subset, offset, limit)).toEqual(all.slice(offset, offset + limit));
      }
      const latest = rows.reduce<string | null>((max, row) => (max === null || row.at > max ? row.at : max), null);
      expect(index.latestStamp()).toBe(latest);
      const sample = rows[Math.floor(next() * rows.length)];
      if (sample) {
        expect(index.get(sample.id)).toBe(sample);
        if (sample.code) expect(index.findUnique('code', sample.code)).toBe(sample);
      }
      expect(index.get(nextId + 100)).toBeUndefined();
    }
  });

  it('walks in id order past whole blocks when the matches sit at the end (stamps rising with ids)', () => {
    const rows: Row[] = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, at: stampOf(i), live: true, code: null }));
    const index = new CollectionIndex(rows, SHAPE);
    const range = { gt: stampOf(499) };
    expect(index.count(range)).toBe(500);
    expect(index.page(range, ALL, 0, 3).map((row) => row.id)).toEqual([501, 502, 503]);
    expect(index.page(range, ALL, 497, 10).map((row) => row.id)).toEqual([998, 999, 1000]);
  });

  it('forgets a unique value once its record changes it or is removed', () => {
    const rows: Row[] = [];
    const index = new CollectionIndex(rows, SHAPE);
    index.insert({ id: 1, at: stampOf(1), live: true, code: 'A' });
    index.replace({ id: 1, at: stampOf(2), live: true, code: 'B' });
    expect(index.findUnique('code', 'A')).toBeUndefined();
    expect(index.findUnique('code', 'B')?.id).toBe(1);
    index.remove(1);
    expect(index.findUnique('code', 'B')).toBeUndefined();
    expect(index.latestStamp()).toBeNull();
  });
});
