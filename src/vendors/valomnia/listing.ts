import { parseLenientDate, toIsoSeconds, toIsoSecondsCeil } from '../../core/dates.js';
import { compareSortValues, sortedView } from '../../core/sorted-views.js';
import { wildcardMatcher } from '../../core/wildcard.js';
import { invalidDatetime, invalidParams, invalidParamType } from './errors.js';
import type { Entries } from './forms.js';
import { type CollectionName, indexFor, type RecordOf } from './indexes.js';
import type { ValomniaData } from './model.js';
import { API_BASE } from './render.js';
import type { ResourceDefinition } from './resources.js';

/** `max` when none is given, and the most a page holds. */
export const MAX_PAGE = 100;

const DATE_FIELDS = ['dateCreated', 'lastUpdated'] as const;
const DATE_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;
type DateOperator = (typeof DATE_OPERATORS)[number];
const DATE_FILTERS = DATE_FIELDS.flatMap((field) => DATE_OPERATORS.map((op) => `${field}_${op}`));
const PAGING = ['max', 'offset', 'sort', 'order'];

interface DateBound {
  field: (typeof DATE_FIELDS)[number];
  operator: DateOperator;
  /** The bound in the stored form, rounded to the second that gives the same answer. */
  stamp: string;
}

/** A list request as read: its page, order and filters. */
export interface ListQuery {
  max: number;
  offset: number;
  sort: string;
  order: 'asc' | 'desc';
  dates: DateBound[];
  /** Filters other than dates, by name: a wildcard pattern or a boolean. */
  matches: [string, string | boolean][];
  /** The caller's filters as sent, kept in the next/previous links. */
  kept: Entries;
}

// Dates are strictly ISO-8601, as the vendor's pages ask: a date, "T", a time with seconds, an
// optional fraction, then Z or a numeric offset.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Reads a list's query string; throws the vendor's 400 for anything it would refuse. */
export function readListQuery<C extends CollectionName>(resource: ResourceDefinition<C>, entries: Entries): ListQuery {
  const filters = resource.filters;
  const known = new Set([...PAGING, ...DATE_FILTERS, ...Object.keys(filters)]);
  const unknown = [...new Set(entries.map(([key]) => key).filter((key) => !known.has(key)))];
  if (unknown.length > 0) throw invalidParams(unknown);

  const values = new Map<string, string>();
  for (const [key, value] of entries) {
    if (values.has(key)) throw invalidParamType(key);
    values.set(key, value);
  }
  const max = readCount(values, 'max');
  const offset = readCount(values, 'offset');
  const matches: [string, string | boolean][] = [];
  for (const [key, filter] of Object.entries(filters)) {
    const value = values.get(key);
    if (value === undefined) continue;
    if (filter.kind === 'boolean') {
      const flag = readBoolean(value);
      if (flag === null) throw invalidParamType(key);
      matches.push([key, flag]);
    } else {
      matches.push([key, value]);
    }
  }
  const sort = values.get('sort') ?? 'dateCreated';
  if (!Object.hasOwn(resource.sortFields, sort)) throw invalidParams([sort]);
  const order = (values.get('order') ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw invalidParams([values.get('order') ?? '']);

  const dates: DateBound[] = [];
  for (const field of DATE_FIELDS) {
    for (const operator of DATE_OPERATORS) {
      const text = values.get(`${field}_${operator}`);
      if (text === undefined) continue;
      const ms = ISO_DATE_TIME.test(text) ? parseLenientDate(text) : null;
      if (ms === null) throw invalidDatetime(text);
      // Stored times have whole seconds: a bound with a fraction is rounded to the second that
      // gives the same answer (down for > and <=, up for < and >=).
      const stamp = operator === 'gt' || operator === 'lte' ? toIsoSeconds(ms) : toIsoSecondsCeil(ms);
      dates.push({ field, operator, stamp });
    }
  }
  return {
    // Groovy reads a max of 0 as "not given"; a negative one is no page size either.
    max: max === null || max <= 0 ? MAX_PAGE : Math.min(max, MAX_PAGE),
    offset: offset === null ? 0 : Math.max(0, offset),
    sort,
    order,
    dates,
    matches,
    kept: entries.filter(([key]) => !PAGING.includes(key)),
  };
}

function readCount(values: Map<string, string>, key: string): number | null {
  const text = values.get(key);
  if (text === undefined) return null;
  if (!/^[+-]?\d{1,15}$/.test(text.trim())) throw invalidParamType(key);
  return Number(text.trim());
}

/** `true`/`false` in any case, else null. */
export function readBoolean(text: string): boolean | null {
  const lower = text.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : null;
}

/** One page of a list, and how many records the filters select. */
export interface ListPage<R> {
  total: number;
  records: R[];
}

/** The records a list request selects, in its order, cut to its page. */
export function listRecords<C extends CollectionName>(
  data: ValomniaData,
  resource: ResourceDefinition<C>,
  query: ListQuery,
): ListPage<RecordOf<C>> {
  const ordered = sortedRecords(data, resource, query.sort, query.order);
  const end = query.offset + query.max;
  if (query.dates.length === 0 && query.matches.length === 0) {
    return { total: ordered.length, records: ordered.slice(query.offset, end) };
  }
  const tests = query.matches.map(([key, wanted]) => {
    const filter = resource.filters[key];
    if (!filter) throw new Error(`no filter ${key}`);
    if (filter.kind === 'boolean') return (record: RecordOf<C>) => filter.value(record) === wanted;
    const matches = wildcardMatcher(String(wanted));
    return (record: RecordOf<C>) => matches(filter.value(record, data));
  });
  const records: RecordOf<C>[] = [];
  let total = 0;
  for (const record of ordered) {
    if (!query.dates.every((bound) => withinBound(record[bound.field], bound))) continue;
    if (!tests.every((test) => test(record))) continue;
    if (total >= query.offset && total < end) records.push(record);
    total += 1;
  }
  return { total, records };
}

function withinBound(stamp: string, bound: DateBound): boolean {
  switch (bound.operator) {
    case 'gt':
      return stamp > bound.stamp;
    case 'gte':
      return stamp >= bound.stamp;
    case 'lt':
      return stamp < bound.stamp;
    case 'lte':
      return stamp <= bound.stamp;
  }
}

function sortedRecords<C extends CollectionName>(
  data: ValomniaData,
  resource: ResourceDefinition<C>,
  sort: string,
  order: 'asc' | 'desc',
): readonly RecordOf<C>[] {
  const value = resource.sortFields[sort];
  if (!value) throw new Error(`no sort field ${sort}`);
  const direction = order === 'asc' ? 1 : -1;
  // Ties keep id order whatever the direction.
  return sortedView(
    indexFor(data, resource.collection),
    `${sort} ${order}`,
    (a, b) => direction * compareSortValues(value(a, data), value(b, data)),
  );
}

/** The paging envelope's head: total, the page used, and links that keep the caller's filters. */
export function pagingOf<C extends CollectionName>(resource: ResourceDefinition<C>, query: ListQuery, total: number) {
  const link = (offset: number) => {
    const params = new URLSearchParams([
      ['max', String(query.max)],
      ['offset', String(offset)],
      ['sort', query.sort],
      ['order', query.order],
      ...query.kept,
    ]);
    return `${API_BASE}/${resource.path}?${params.toString()}`;
  };
  return {
    total,
    max: query.max,
    offset: query.offset,
    previous: query.offset > 0 ? link(Math.max(0, query.offset - query.max)) : null,
    next: query.offset + query.max < total ? link(query.offset + query.max) : null,
  };
}
