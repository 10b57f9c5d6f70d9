import type { CollectionIndex } from '../../core/collection-index.js';
import { compareSortValues, sortedView } from '../../core/sorted-views.js';
import { MyposError } from './errors.js';
import type { Customer } from './model.js';
import { FLAT_FIELDS, type FlatField, flatValue } from './render.js';

/** A list request as read. */
export interface ListQuery {
  page: number;
  pageSize: number;
  sort: { field: FlatField; descending: boolean };
  fields: readonly FlatField[];
  /** Inclusive bounds on lastEditDateUTC, stored form ("…Z"). */
  min: string | null;
  max: string | null;
}

export type RawQuery = Partial<Record<string, string | string[]>>;

const LARGEST_INT = 2_147_483_647;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// yyyy-MMM-dd, then optionally HH:mm and :ss, as .NET's custom format strings parse them.
const VENDOR_DATE = /^(\d{4})-([A-Za-z]{3})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Reads the list's query arguments; unknown ones are ignored, as ASP.NET's binding ignores them. */
export function readListQuery(query: RawQuery): ListQuery {
  return {
    page: readWhole(query, 'liPage', 1),
    pageSize: readWhole(query, 'liPageSize', 10),
    sort: readSortKey(first(query.sSortKey)),
    fields: readFieldList(first(query.sFieldList)),
    min: readDate(query, 'filt_LastEditDateUTC_dt_min'),
    max: readDate(query, 'filt_LastEditDateUTC_dt_max'),
  };
}

// ASP.NET binds the first of a repeated argument.
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readWhole(query: RawQuery, name: string, fallback: number): number {
  const text = first(query[name]);
  if (text === undefined || text === '') return fallback;
  const value = /^\s*\+?\d{1,10}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= LARGEST_INT)) {
    throw new MyposError(400, `${name} must be a whole number of 1 or more.`);
  }
  return value;
}

const BY_LOWER_NAME = new Map<string, FlatField>(FLAT_FIELDS.map((field) => [field.toLowerCase(), field]));

function readSortKey(text: string | undefined): ListQuery['sort'] {
  if (text === undefined || text.trim() === '') return { field: 'customerCode', descending: false };
  const match = /^(.*?)(asc|desc)?$/i.exec(text.trim());
  const field = BY_LOWER_NAME.get((match?.[1] ?? '').toLowerCase());
  if (!field) throw new MyposError(400, 'sSortKey must name a returned field followed by ASC or DESC.');
  return { field, descending: (match?.[2] ?? '').toLowerCase() === 'desc' };
}

function readFieldList(text: string | undefined): readonly FlatField[] {
  if (text === undefined || text.trim() === '') return FLAT_FIELDS;
  const wanted = new Set<FlatField>();
  for (const name of text.split(',')) {
    const trimmed = name.trim();
    if (trimmed === '') continue;
    // The two counters are always returned; naming them changes nothing.
    if (/^(customSortRowNumber|liTotalCount)$/i.test(trimmed)) continue;
    const field = BY_LOWER_NAME.get(trimmed.toLowerCase());
    if (!field) throw new MyposError(400, `sFieldList contains an unknown field: ${trimmed}.`);
    wanted.add(field);
  }
  return FLAT_FIELDS.filter((field) => wanted.has(field));
}

function readDate(query: RawQuery, name: string): string | null {
  const text = first(query[name]);
  if (text === undefined || text === '') return null;
  const match = VENDOR_DATE.exec(text.trim());
  const month = match ? MONTHS.indexOf((match[2] ?? '').toLowerCase()) : -1;
  if (match && month >= 0) {
    const [, year, , day, hour = '0', minute = '0', second = '0'] = match;
    const date = new Date(Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second)));
    date.setUTCFullYear(Number(year));
    const valid = date.getUTCDate() === Number(day) && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
    if (valid) return date.toISOString();
  }
  throw new MyposError(400, `${name} is not a valid date (yyyy-MMM-dd HH:mm).`);
}

/** The selected customers in the asked order, and how many the filters select in all. */
export function listCustomers(
  index: CollectionIndex<Customer>,
  query: ListQuery,
): { total: number; offset: number; rows: Customer[] } {
  const { field, descending } = query.sort;
  const direction = descending ? -1 : 1;
  // Stored timestamps order as text; the wire form would not (trailing zeros are dropped).
  const value = (customer: Customer) =>
    field === 'creationDateUTC' || field === 'lastEditDateUTC' ? customer[field] : flatValue(customer, field);
  const ordered = sortedView(
    index,
    `${field} ${descending ? 'desc' : 'asc'}`,
    (a, b) => direction * compareSortValues(value(a), value(b)),
  );
  const offset = (query.page - 1) * query.pageSize;
  if (query.min === null && query.max === null) {
    return { total: ordered.length, offset, rows: ordered.slice(offset, offset + query.pageSize) };
  }
  const { min, max } = query;
  const selected = ordered.filter(
    (customer) =>
      (min === null || customer.lastEditDateUTC >= min) && (max === null || customer.lastEditDateUTC <= max),
  );
  return { total: selected.length, offset, rows: selected.slice(offset, offset + query.pageSize) };
}
