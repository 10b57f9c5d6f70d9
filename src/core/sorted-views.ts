import type { CollectionIndex } from './collection-index.js';

type Identified = { readonly id: number };

// Each collection's records in each order asked for, kept until the collection's next write.
const views = new WeakMap<object, Map<string, { version: number; records: readonly unknown[] }>>();

/**
 * A collection's records in the order `compare` gives (ties by id), named by `key`. The sorted
 * copy is kept until the collection's next write, so repeated pages of one order sort once.
 * `key` must name the order exactly: two orders under one key would share a view.
 */
export function sortedView<R extends Identified>(
  index: CollectionIndex<R>,
  key: string,
  compare: (a: R, b: R) => number,
): readonly R[] {
  const records = index.records;
  let kept = views.get(records);
  if (!kept) {
    kept = new Map();
    views.set(records, kept);
  }
  const view = kept.get(key);
  if (view && view.version === index.version) return view.records as readonly R[];
  const sorted = [...records].sort((a, b) => compare(a, b) || a.id - b.id);
  kept.set(key, { version: index.version, records: sorted });
  return sorted;
}

/** A value lists sort by: text regardless of case, nulls first, false before true. */
export type SortValue = string | number | boolean | null;

/** Compares two sort values: nulls first, text without regard to case. */
export function compareSortValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const x = typeof a === 'string' ? a.toLowerCase() : a;
  const y = typeof b === 'string' ? b.toLowerCase() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}
