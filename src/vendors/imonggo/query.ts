import type { StampRange } from '../../core/collection-index.js';
import { parseLenientDate, toIsoSeconds, toIsoSecondsCeil } from '../../core/dates.js';
import { type PageRequest, type PageRules, readPageRequest } from '../../core/paging.js';

export interface ListQuery {
  page: PageRequest;
  activeOnly: boolean;
  /** Bounds on utc_updated_at, in the stored form: after is gt, from gte, before lt, to lte. */
  bounds: StampRange;
  /** q=count or q=last_updated_at; null for a plain list. */
  inquiry: 'count' | 'last_updated_at' | null;
}

export type RawQuery = Partial<Record<string, string | string[]>>;

/** Reads a list request's query string the way the vendor does. */
export function readListQuery(query: RawQuery, rules: PageRules): ListQuery {
  const q = single(query.q);
  return {
    page: readPageRequest(single(query.page), single(query.per_page), rules),
    // "when set to 1 or true": anything else, absent included, lists deleted records too.
    activeOnly: /^(1|true)$/i.test(single(query.active_only) ?? ''),
    bounds: readBounds(query),
    inquiry: q === 'count' || q === 'last_updated_at' ? q : null,
  };
}

function readBounds(query: RawQuery): StampRange {
  const bounds: StampRange = {};
  // Stored times have whole seconds, so a bound with a fraction is rounded to the second that
  // gives the same answer: down for > and <=, up for < and >=.
  const after = readDate(query.after);
  if (after !== null) bounds.gt = toIsoSeconds(after);
  const to = readDate(query.to);
  if (to !== null) bounds.lte = toIsoSeconds(to);
  const before = readDate(query.before);
  if (before !== null) bounds.lt = toIsoSecondsCeil(before);
  const from = readDate(query.from);
  if (from !== null) bounds.gte = toIsoSecondsCeil(from);
  return bounds;
}

// An empty or unreadable date is no filter at all: the documented sync starts with a nil
// previous_last_updated_date, which a client sends as "after=".
function readDate(value: string | string[] | undefined): number | null {
  const text = single(value);
  return text ? parseLenientDate(text) : null;
}

/** A query parameter's value; a repeated one (?page=1&page=2) counts by its last, as in Rails. */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}
