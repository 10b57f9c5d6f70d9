import { byteLengthOf, type TextPart, TextParts } from './text-parts.js';
import { wildcardMatcher } from './wildcard.js';

/** Bytes of a request or response body a journal entry keeps; the rest is counted, not kept. */
export const JOURNAL_BODY_BYTES = 64 * 1024;

/** Entries a tenant's journal keeps by default before the oldest goes. */
export const DEFAULT_JOURNAL_SIZE = 1000;

/**
 * Body bytes all journals together keep by default, in one ring (see BodyArena). A journal of
 * 1,000 list answers of 64 KiB would hold 64 MiB for one tenant; the ring bounds every tenant's
 * bodies together, the oldest going first.
 */
export const DEFAULT_JOURNAL_BODY_BYTES = 8 * 1024 * 1024;

/** Where a kept body is in the arena. */
export interface ArenaSlice {
  /** Position in the stream of every byte the arena was ever given. */
  start: number;
  length: number;
  /** The pieces it was sent as, kept instead of a copy (see TextParts); null when copied. */
  parts: readonly TextPart[] | null;
}

/** What a journal keeps of a body: its type and size, and its first 64 KiB when it is text. */
export interface CapturedBody extends ArenaSlice {
  contentType: string | null;
  /** Its full size in bytes (-1 when unknown: a streamed answer that announced none). */
  size: number;
  /** Why nothing is kept: not text (an image), or multipart (read by the route, not by the journal). */
  omitted: 'binary' | 'multipart' | null;
}

/** Pages shorter than this are copied like any body; at most 8 MiB / 4 KiB = 2,048 are held. */
const SMALLEST_HELD_PAGE = 4 * 1024;

/** Of `bytes`, how many the journal keeps: at most 64 KiB, ending on a whole UTF-8 character. */
function keptLength(bytes: Uint8Array): number {
  let length = Math.min(bytes.length, JOURNAL_BODY_BYTES);
  // A cut inside a UTF-8 character moves back to its first byte: the kept text ends whole.
  while (length > 0 && length < bytes.length && ((bytes[length] as number) & 0xc0) === 0x80) length--;
  return length;
}

/**
 * The bytes of every journal's bodies, within one budget: a ring buffer, allocated once, written
 * round and round. Keeping bodies as objects of their own made every answer outlive a few garbage
 * collections and die old, which cost a busy list more than all the rest of the journal; a copy
 * into the ring costs a memcpy and leaves nothing to collect. A page sent as parts (see TextParts)
 * is not copied: the body holds its pieces, which already live as long as their records, and
 * takes its place in the ring's stream all the same. A body the stream has moved past by more than
 * the budget since reads as gone (`"omitted": "memory"`), so the oldest bodies anywhere go first.
 */
export class BodyArena {
  readonly #capacity: number;
  #buffer: Buffer | null = null;
  #written = 0;
  /** Bodies that hold parts, oldest first from #oldestHeld: let go once the stream passes them. */
  #held: ArenaSlice[] = [];
  #oldestHeld = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(capacity, JOURNAL_BODY_BYTES);
  }

  // Room for `length` bytes in one piece (a tail too short for them is skipped): where it starts.
  #reserve(length: number): number {
    let at = this.#written % this.#capacity;
    if (this.#capacity - at < length) {
      this.#written += this.#capacity - at;
      at = 0;
    }
    return at;
  }

  #ring(): Buffer {
    this.#buffer ??= Buffer.allocUnsafeSlow(this.#capacity);
    return this.#buffer;
  }

  /**
   * Copies a body's bytes (at most its first 64 KiB, whole UTF-8 characters) into the ring, noting
   * where in `into`: no object of its own per body, since every entry outlives a few collections.
   */
  write(bytes: Uint8Array, into: ArenaSlice): void {
    const length = keptLength(bytes);
    const buffer = this.#ring();
    const at = this.#reserve(length);
    buffer.set(length === bytes.length ? bytes : bytes.subarray(0, length), at);
    into.start = this.#written;
    into.length = length;
    this.#written += length;
    this.#letGo();
  }

  /**
   * Keeps a page's parts (those within its first 64 KiB) in place of a copy of `bytes`, the same
   * page as sent: the stream moves on by what a copy would have taken. A small page is copied:
   * the copy is cheap, and every page held costs a place in the list of held bodies, which a
   * client polling an empty page ("[]", 2 bytes) would otherwise fill with millions of them
   * before the stream passed 8 MiB.
   */
  keep(parts: readonly TextPart[], bytes: Uint8Array, into: ArenaSlice): void {
    const length = keptLength(bytes);
    if (length < SMALLEST_HELD_PAGE) {
      this.write(bytes, into);
      return;
    }
    let covered = 0;
    let count = 0;
    while (covered < length) covered += byteLengthOf(parts[count++] as TextPart);
    into.parts = count === parts.length ? parts : parts.slice(0, count);
    into.start = this.#written;
    into.length = length;
    this.#written += length;
    this.#held.push(into);
    this.#letGo();
  }

  // The parts of bodies the stream has passed go to the collector (their entries read as gone).
  #letGo(): void {
    const held = this.#held;
    while (this.#oldestHeld < held.length && this.#gone(held[this.#oldestHeld] as ArenaSlice)) {
      (held[this.#oldestHeld++] as ArenaSlice).parts = null;
    }
    if (this.#oldestHeld > 1024 && this.#oldestHeld * 2 > held.length) {
      held.splice(0, this.#oldestHeld);
      this.#oldestHeld = 0;
    }
  }

  #gone(slice: ArenaSlice): boolean {
    return this.#written - slice.start > this.#capacity;
  }

  /** A copy of a slice's bytes, or null when none was kept or the stream has passed them since. */
  read(slice: ArenaSlice): Buffer | null {
    if (slice.start < 0 || this.#gone(slice)) return null;
    if (slice.parts !== null) return new TextParts(slice.parts).joined().subarray(0, slice.length);
    if (this.#buffer === null) return null;
    const at = slice.start % this.#capacity;
    return Buffer.from(this.#buffer.subarray(at, at + slice.length));
  }
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
  /** The status sent; null when the connection was cut (a reset fault) before any. */
  status: number | null;
  durationMs: number;
  /** The fault kind a fault rule applied to it, if any. */
  fault: string | null;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
  /**
   * The request's head as received (`rawHeaders`: name, value, name, value…, joined by newlines,
   * which no header holds), before any vendor rewrote a header; redacted when shown. One string
   * where the list would keep a dozen objects alive for as long as the entry.
   */
  head: string;
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

/** One tenant's request journal: a ring of the last `capacity` requests, oldest first. */
export class RequestJournal {
  readonly #capacity: number;
  readonly #ring: (JournalRecord | undefined)[];
  #next = 0;
  #count = 0;
  #lastId = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#ring = new Array(capacity);
  }

  /** Adds a request, dropping the oldest when full; the record's id is set here. */
  add(record: Omit<JournalRecord, 'id'>): void {
    // The record object becomes the entry (no copy: one object less per request).
    if (this.#capacity === 0) return;
    const entry = record as JournalRecord;
    entry.id = ++this.#lastId;
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
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
    this.#lastId = 0;
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
