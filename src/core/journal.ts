import { wildcardMatcher } from './wildcard.js';

/** Bytes of a request or response body a journal entry keeps; the rest is counted, not kept. */
export const JOURNAL_BODY_BYTES = 64 * 1024;

/** Entries a tenant's journal keeps by default before the oldest goes. */
export const DEFAULT_JOURNAL_SIZE = 1000;

/**
 * Body bytes all journals together keep by default. A journal of 1,000 entries of 64 KiB bodies
 * would hold 64 MiB for one tenant; past this budget the oldest bodies anywhere are dropped
 * (their size and type stay), so a busy CI server's memory stays bounded by it.
 */
export const DEFAULT_JOURNAL_BUDGET_BYTES = 32 * 1024 * 1024;

/** What a journal keeps of a body: its type and size, and its first 64 KiB when it is text. */
export interface CapturedBody {
  contentType: string | null;
  /** Its full size in bytes. */
  size: number;
  /** The kept bytes, or why there are none: not text (an image), multipart, or the budget. */
  kept: Buffer | 'binary' | 'multipart' | 'memory';
}

/** One request to a vendor path, as its tenant's journal holds it. */
export interface JournalRecord {
  /** Position in the tenant's journal since it was made (or cleared): 1, 2, … */
  id: number;
  /** Real time the request arrived, epoch ms. */
  atMs: number;
  /** The tenant's clock then, epoch ms. */
  tenantAtMs: number;
  method: string;
  /** The path, without the query. */
  path: string;
  /** The raw query string after `?` ('' when none). */
  query: string;
  /** Fastify's route pattern ("/api/customers/:id.xml"), or null when no route took it. */
  route: string | null;
  /** The status sent; null when the connection was cut (a reset fault) before any. */
  status: number | null;
  durationMs: number;
  /** The fault kind a fault rule applied to it, if any. */
  fault: string | null;
  requestHeaders: Record<string, string | string[]>;
  requestBody: CapturedBody | null;
  responseBody: CapturedBody | null;
}

/** Which entries a listing or a count takes; every field given must hold. */
export interface JournalFilter {
  method?: string;
  /** A `*` wildcard over the path, case-sensitive. */
  path?: string;
  operationId?: string;
  status?: number;
  /** Entries that arrived at or after this real time, epoch ms. */
  sinceMs?: number;
}

/**
 * The body bytes every journal of a process holds, kept under one budget: the oldest bodies
 * (anywhere) are dropped first when a new one would pass it.
 */
export class BodyBudget {
  readonly #limit: number;
  #used = 0;
  // Bodies in the order they were kept; `#head` is the oldest still counted.
  readonly #queue: CapturedBody[] = [];
  #head = 0;

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** Counts a body just kept, dropping the oldest kept bodies while the budget is passed. */
  keep(body: CapturedBody): void {
    if (!Buffer.isBuffer(body.kept)) return;
    this.#used += body.kept.length;
    this.#queue.push(body);
    while (this.#used > this.#limit && this.#head < this.#queue.length) {
      const oldest = this.#queue[this.#head++] as CapturedBody;
      this.release(oldest, 'memory');
    }
    // Drop the consumed front now and then, so the queue does not grow without end.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Frees a body's bytes (its entry left its journal, or the budget needs them). */
  release(body: CapturedBody, reason: 'memory' = 'memory'): void {
    if (!Buffer.isBuffer(body.kept)) return;
    this.#used -= body.kept.length;
    body.kept = reason;
  }
}

/**
 * One tenant's request journal: a ring of the last `capacity` requests, oldest first. Bodies
 * count against the process's BodyBudget.
 */
export class RequestJournal {
  readonly #capacity: number;
  readonly #budget: BodyBudget;
  readonly #ring: (JournalRecord | undefined)[];
  #next = 0;
  #count = 0;
  #lastId = 0;

  constructor(capacity: number, budget: BodyBudget) {
    this.#capacity = capacity;
    this.#budget = budget;
    this.#ring = new Array(capacity);
  }

  /** Adds a request, dropping the oldest when full; the record's id is set here. */
  add(record: Omit<JournalRecord, 'id'>): void {
    if (this.#capacity === 0) return;
    const evicted = this.#ring[this.#next];
    if (evicted) this.#releaseBodies(evicted);
    const entry = { ...record, id: ++this.#lastId } as JournalRecord;
    for (const body of [entry.requestBody, entry.responseBody]) if (body) this.#budget.keep(body);
    this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#capacity;
    this.#count = Math.min(this.#count + 1, this.#capacity);
  }

  /** The entries, oldest first. */
  entries(): JournalRecord[] {
    const start = (this.#next - this.#count + this.#capacity) % Math.max(1, this.#capacity);
    const out: JournalRecord[] = [];
    for (let i = 0; i < this.#count; i++) out.push(this.#ring[(start + i) % this.#capacity] as JournalRecord);
    return out;
  }

  /** Forgets every entry; ids start again at 1. */
  clear(): void {
    for (const entry of this.entries()) this.#releaseBodies(entry);
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
    this.#lastId = 0;
  }

  #releaseBodies(entry: JournalRecord): void {
    if (entry.requestBody) this.#budget.release(entry.requestBody);
    if (entry.responseBody) this.#budget.release(entry.responseBody);
  }
}

/**
 * The entries a filter takes, oldest first. `operationOf` names an entry's operation (from the
 * contracts); it is asked only when the filter names one.
 */
export function filterJournal(
  entries: readonly JournalRecord[],
  filter: JournalFilter,
  operationOf: (entry: JournalRecord) => string | null,
): JournalRecord[] {
  const method = filter.method?.toUpperCase();
  const path = filter.path === undefined ? undefined : wildcardMatcher(filter.path, { ignoreCase: false });
  return entries.filter(
    (entry) =>
      (method === undefined || entry.method === method) &&
      (path === undefined || path(entry.path)) &&
      (filter.status === undefined || entry.status === filter.status) &&
      (filter.sinceMs === undefined || entry.atMs >= filter.sinceMs) &&
      (filter.operationId === undefined || operationOf(entry) === filter.operationId),
  );
}
