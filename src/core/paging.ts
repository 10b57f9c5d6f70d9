/** Page-number paging shared by the vendors that page by number. */
export interface PageRequest {
  page: number;
  perPage: number;
}

export interface PageRules {
  defaultPerPage: number;
  maxPerPage: number;
}

/** Ruby's String#to_i: the leading integer, 0 when there is none. */
export function rubyToInt(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m?.[1] ? Number.parseInt(m[1], 10) : 0;
}

/** Reads page/per_page as the vendor does: absent means the default, out of range is clamped. */
export function readPageRequest(page: string | undefined, perPage: string | undefined, rules: PageRules): PageRequest {
  const pageNumber = page === undefined || page === '' ? 1 : rubyToInt(page);
  const size = perPage === undefined || perPage === '' ? rules.defaultPerPage : rubyToInt(perPage);
  return {
    page: Math.max(1, pageNumber),
    perPage: Math.min(rules.maxPerPage, Math.max(1, size)),
  };
}

/** The items on the requested page; empty past the end. */
export function pageOf<T>(items: readonly T[], request: PageRequest): T[] {
  const start = (request.page - 1) * request.perPage;
  return items.slice(start, start + request.perPage);
}
