/**
 * What a vendor tells the index about a collection's records.
 * `stamp` is the timestamp date filters compare (stored ISO text, which orders as time).
 */
export interface IndexShape<R> {
  stamp(record: R): string;
  /** Named subsets lists filter by (Imonggo's active_only is `active`), each counted and paged alone. */
  subsets?: Readonly<Record<string, (record: R) => boolean>>;
  /** Unique keys, looked up without a scan; a key function answers null for "no value" (not checked). */
  unique?: Readonly<Record<string, (record: R) => string | null>>;
}

/** Bounds on the stamp; any may be absent. */
export interface StampRange {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
}

/** The whole collection, as a subset name. */
export const ALL = '';

/** Records per block of the id-ordered summary: small enough to rescan on every write. */
const BLOCK = 128;

interface Subset<R> {
  test: (record: R) => boolean;
  /** The subset's records ordered by (stamp, id); built on the first read that needs it. */
  byStamp: R[] | null;
  /** Per block of id positions: how many of its records are in the subset, and their stamps' span. */
  blockCount: number[];
  blockMin: string[];
  blockMax: string[];
}

type Identified = { readonly id: number };

/**
 * An index beside one collection's stored array, which stays the source of truth and stays
 * ordered by id. It keeps what makes a read cost the same at 100,000 records as at 1,000: binary
 * search by id, each subset ordered by stamp (counts and the latest stamp in O(log n)), unique-key
 * maps, and a summary of the stamps per block of 128 ids, so a date-filtered page in id order skips
 * the blocks that cannot match instead of testing every record.
 *
 * Every write to the array must go through the index (`insert`, `replace`, `remove`); the
 * repositories are its only writers. Indexes are built on first use and kept in a WeakMap keyed
 * by the array, so a tenant reset (which swaps in new arrays) drops them with the old data.
 */
export class CollectionIndex<R extends Identified> {
  readonly #records: R[];
  readonly #stamp: (record: R) => string;
  readonly #subsets = new Map<string, Subset<R>>();
  // Each unique key's map is built on its first lookup, so seeding and reads that never ask
  // pay nothing for it.
  readonly #unique = new Map<string, { key: (record: R) => string | null; map: Map<string, R> | null }>();
  // Block summaries are brought up to date by the next walk that needs them: every block from
  // #shiftedFrom on (an insert or removal moved their records), and each block in #dirtyBlocks.
  #shiftedFrom = 0;
  readonly #dirtyBlocks = new Set<number>();
  #version = 0;

  constructor(records: R[], shape: IndexShape<R>) {
    this.#records = records;
    this.#stamp = shape.stamp;
    const tests: [string, (record: R) => boolean][] = [[ALL, () => true], ...Object.entries(shape.subsets ?? {})];
    for (const [name, test] of tests) {
      this.#subsets.set(name, { test, byStamp: null, blockCount: [], blockMin: [], blockMax: [] });
    }
    for (const [name, key] of Object.entries(shape.unique ?? {})) this.#unique.set(name, { key, map: null });
  }

  /** How many writes the collection has had: what a view derived from it (a sort) is valid for. */
  get version(): number {
    return this.#version;
  }

  /** The records in id order; read-only to callers (writes go through the index). */
  get records(): readonly R[] {
    return this.#records;
  }

  /** The record with this id, or undefined. */
  get(id: number): R | undefined {
    const at = this.#positionOf(id);
    return at < this.#records.length && this.#records[at]?.id === id ? this.#records[at] : undefined;
  }

  /** The record holding `value` under a unique key, or undefined. */
  findUnique(name: string, value: string): R | undefined {
    const unique = this.#unique.get(name);
    if (!unique) throw new Error(`no unique key "${name}" in this index`);
    if (unique.map === null) {
      unique.map = new Map();
      for (const record of this.#records) {
        const key = unique.key(record);
        if (key !== null && !unique.map.has(key)) unique.map.set(key, record);
      }
    }
    return unique.map.get(value);
  }

  /** Stores a new record in its id place. */
  insert(record: R): void {
    const records = this.#records;
    const at = this.#positionOf(record.id);
    if (at === records.length) records.push(record);
    else records.splice(at, 0, record);
    this.#version += 1;
    this.#markStale(at, at !== records.length - 1);
    this.#add(record);
  }

  /** Swaps the stored record of `next.id` for `next`; returns the one it replaced. */
  replace(next: R): R | undefined {
    const at = this.#positionOf(next.id);
    const previous = this.#records[at];
    if (previous?.id !== next.id) return undefined;
    this.#records[at] = next;
    this.#version += 1;
    this.#markStale(at, false);
    this.#forget(previous);
    this.#add(next);
    return previous;
  }

  /** Takes the record with this id out of the collection; returns it, or undefined. */
  remove(id: number): R | undefined {
    const at = this.#positionOf(id);
    const record = this.#records[at];
    if (record?.id !== id) return undefined;
    this.#records.splice(at, 1);
    this.#version += 1;
    this.#markStale(at, true);
    this.#forget(record);
    return record;
  }

  /** How many records of a subset have a stamp within the range. */
  count(range: StampRange, subset: string = ALL): number {
    const [from, to] = this.#stampSlice(this.#subset(subset), range);
    return to - from;
  }

  /** The newest stamp in the collection, or null when it is empty. */
  latestStamp(): string | null {
    const all = this.#byStamp(this.#subset(ALL));
    const last = all[all.length - 1];
    return last === undefined ? null : this.#stamp(last);
  }

  /**
   * Records `offset` to `offset + limit` (in id order) of a subset's records within the range.
   * Its cost follows the page asked for, not the collection: a narrow range is read from the
   * stamp order and sorted by id; a wide one is walked in id order, skipping whole blocks.
   */
  page(range: StampRange, subset: string, offset: number, limit: number): R[] {
    const chosen = this.#subset(subset);
    if (subset === ALL && !hasBounds(range)) return this.#records.slice(offset, offset + limit);
    const [from, to] = this.#stampSlice(chosen, range);
    const matches = to - from;
    if (offset >= matches || limit <= 0) return [];
    const wanted = Math.min(offset + limit, matches);
    // Walking costs about wanted * n / matches record tests (fewer where blocks are skipped),
    // sorting the matches about matches * log(matches); take the cheaper.
    const walkCost = (wanted * this.#records.length) / matches + this.#records.length / BLOCK;
    if (matches * Math.log2(matches + 1) <= walkCost) {
      return this.#byStamp(chosen)
        .slice(from, to)
        .sort((a, b) => a.id - b.id)
        .slice(offset, offset + limit);
    }
    return this.#walk(chosen, range, offset, limit);
  }

  #walk(subset: Subset<R>, range: StampRange, offset: number, limit: number): R[] {
    this.#refreshBlocks();
    const records = this.#records;
    const page: R[] = [];
    let skip = offset;
    for (let block = 0; block < subset.blockCount.length; block += 1) {
      const count = subset.blockCount[block] ?? 0;
      if (count === 0) continue;
      const min = subset.blockMin[block] as string;
      const max = subset.blockMax[block] as string;
      if (!overlaps(min, max, range)) continue;
      // A block wholly inside the range matches all its subset records: skip it by its count.
      if (skip >= count && within(min, range) && within(max, range)) {
        skip -= count;
        continue;
      }
      const end = Math.min(records.length, (block + 1) * BLOCK);
      for (let at = block * BLOCK; at < end; at += 1) {
        const record = records[at] as R;
        if (!subset.test(record) || !within(this.#stamp(record), range)) continue;
        if (skip > 0) skip -= 1;
        else {
          page.push(record);
          if (page.length === limit) return page;
        }
      }
    }
    return page;
  }

  #refreshBlocks(): void {
    const blocks = Math.ceil(this.#records.length / BLOCK);
    for (const subset of this.#subsets.values()) {
      subset.blockCount.length = blocks;
      subset.blockMin.length = blocks;
      subset.blockMax.length = blocks;
    }
    for (let block = this.#shiftedFrom; block < blocks; block += 1) this.#summarize(block);
    for (const block of this.#dirtyBlocks) if (block < this.#shiftedFrom && block < blocks) this.#summarize(block);
    this.#shiftedFrom = blocks;
    this.#dirtyBlocks.clear();
  }

  #summarize(block: number): void {
    const records = this.#records;
    const end = Math.min(records.length, (block + 1) * BLOCK);
    for (const subset of this.#subsets.values()) {
      let count = 0;
      let min = '';
      let max = '';
      for (let at = block * BLOCK; at < end; at += 1) {
        const record = records[at] as R;
        if (!subset.test(record)) continue;
        const stamp = this.#stamp(record);
        if (count === 0 || stamp < min) min = stamp;
        if (count === 0 || stamp > max) max = stamp;
        count += 1;
      }
      subset.blockCount[block] = count;
      subset.blockMin[block] = min;
      subset.blockMax[block] = max;
    }
  }

  /** Marks the block of position `at` stale, and every later one when positions shifted. */
  #markStale(at: number, shifted: boolean): void {
    const block = Math.floor(at / BLOCK);
    if (shifted) this.#shiftedFrom = Math.min(this.#shiftedFrom, block);
    else this.#dirtyBlocks.add(block);
  }

  /** Enters a stored record in the stamp orders and unique maps built so far. */
  #add(record: R): void {
    for (const subset of this.#subsets.values()) {
      if (subset.byStamp && subset.test(record)) this.#addStamped(subset.byStamp, record);
    }
    for (const { key, map } of this.#unique.values()) {
      const value = key(record);
      if (map && value !== null && !map.has(value)) map.set(value, record);
    }
  }

  /** Takes a record that is no longer stored out of the stamp orders and unique maps. */
  #forget(record: R): void {
    for (const subset of this.#subsets.values()) {
      if (subset.byStamp && subset.test(record)) this.#removeStamped(subset.byStamp, record);
    }
    for (const { key, map } of this.#unique.values()) {
      const value = key(record);
      if (map && value !== null && map.get(value) === record) map.delete(value);
    }
  }

  #positionOf(id: number): number {
    const records = this.#records;
    let low = 0;
    let high = records.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((records[mid] as R).id < id) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #compare(a: R, b: R): number {
    const sa = this.#stamp(a);
    const sb = this.#stamp(b);
    return sa < sb ? -1 : sa > sb ? 1 : a.id - b.id;
  }

  /** Where `record` goes in a (stamp, id) ordered list. */
  #stampPosition(list: readonly R[], record: R): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#compare(list[mid] as R, record) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #addStamped(list: R[], record: R): void {
    const last = list[list.length - 1];
    if (last === undefined || this.#compare(last, record) < 0) list.push(record);
    else list.splice(this.#stampPosition(list, record), 0, record);
  }

  #removeStamped(list: R[], record: R): void {
    const at = this.#stampPosition(list, record);
    if (list[at] === record) list.splice(at, 1);
  }

  /** The [from, to) positions in a subset's stamp order whose stamps are within the range. */
  #stampSlice(subset: Subset<R>, range: StampRange): [number, number] {
    const list = this.#byStamp(subset);
    let from = 0;
    let to = list.length;
    if (range.gte !== undefined) from = Math.max(from, this.#firstStamp(list, range.gte, false));
    if (range.gt !== undefined) from = Math.max(from, this.#firstStamp(list, range.gt, true));
    if (range.lte !== undefined) to = Math.min(to, this.#firstStamp(list, range.lte, true));
    if (range.lt !== undefined) to = Math.min(to, this.#firstStamp(list, range.lt, false));
    return [from, Math.max(from, to)];
  }

  /** The first position whose stamp is >= `stamp` (or > `stamp` when `after`). */
  #firstStamp(list: readonly R[], stamp: string, after: boolean): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const value = this.#stamp(list[mid] as R);
      if (value < stamp || (after && value === stamp)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #subset(name: string): Subset<R> {
    const subset = this.#subsets.get(name);
    if (!subset) throw new Error(`no subset "${name}" in this index`);
    return subset;
  }

  #byStamp(subset: Subset<R>): R[] {
    subset.byStamp ??= this.#records.filter(subset.test).sort((a, b) => this.#compare(a, b));
    return subset.byStamp;
  }
}

const indexes = new WeakMap<object, CollectionIndex<Identified>>();

/** The index of a stored array, built on first use. */
export function indexOf<R extends Identified>(records: R[], shape: IndexShape<R>): CollectionIndex<R> {
  let index = indexes.get(records) as CollectionIndex<R> | undefined;
  if (!index) {
    index = new CollectionIndex(records, shape);
    indexes.set(records, index as unknown as CollectionIndex<Identified>);
  }
  return index;
}

/** True when a range has at least one bound. */
function hasBounds(range: StampRange): boolean {
  return range.gt !== undefined || range.gte !== undefined || range.lt !== undefined || range.lte !== undefined;
}

function within(stamp: string, range: StampRange): boolean {
  return (
    (range.gt === undefined || stamp > range.gt) &&
    (range.gte === undefined || stamp >= range.gte) &&
    (range.lt === undefined || stamp < range.lt) &&
    (range.lte === undefined || stamp <= range.lte)
  );
}

/** Whether [min, max] can hold a stamp within the range. */
function overlaps(min: string, max: string, range: StampRange): boolean {
  return (
    (range.gt === undefined || max > range.gt) &&
    (range.gte === undefined || max >= range.gte) &&
    (range.lt === undefined || min < range.lt) &&
    (range.lte === undefined || min <= range.lte)
  );
}
