import type { Tenant } from './store.js';
import { cachedJson, encodeBytes, persistedHead } from './tenant-document.js';

/**
 * One line of a tenant's change log: what changed since the line before, as a whole field (the
 * tenant's head, a data field that is no collection of records) or as records put and removed
 * by id. A line names the generation of the file it extends, so a line left from before the file
 * was rewritten whole is never replayed over newer data.
 */
export interface ChangeLine {
  /** The generation of the file the line extends (see applyChangeLog). */
  g?: string;
  head?: Record<string, unknown>;
  set?: Record<string, unknown>;
  collections?: Record<string, { put: unknown[]; remove: number[] }>;
}

/** What was last written of a tenant: the baseline the next changes are worked out against. */
export interface WrittenTenant {
  /** The generation of the file written whole last; every line after it carries it. */
  generation: string;
  /** The data object written (a reset or restore swaps in a new one: then the base is rewritten). */
  data: unknown;
  headJson: string;
  /**
   * Each collection's records as written (a copy of the list), compared by identity: records are
   * never edited in place, and a collection is kept in id order.
   */
  collections: Map<string, readonly object[]>;
  /**
   * Each other data field as written: a list's items (compared by identity, so a list of images
   * is not encoded again on every window), anything else as its JSON.
   */
  fields: Map<string, string | unknown[]>;
}

function fieldMark(value: unknown): string | unknown[] {
  return Array.isArray(value) ? value.slice() : JSON.stringify(value, encodeBytes);
}

function sameMark(mark: string | unknown[] | undefined, value: unknown): boolean {
  if (Array.isArray(mark)) {
    return Array.isArray(value) && mark.length === value.length && mark.every((item, index) => item === value[index]);
  }
  return !Array.isArray(value) && mark === JSON.stringify(value, encodeBytes);
}

/** The baseline after writing a tenant whole. */
export function writtenTenant(tenant: Tenant, generation: string): WrittenTenant {
  const written: WrittenTenant = {
    generation,
    data: tenant.data,
    headJson: JSON.stringify(persistedHead(tenant)),
    collections: new Map(),
    fields: new Map(),
  };
  for (const [key, value] of Object.entries(tenant.data as Record<string, unknown>)) {
    if (isCollection(value)) written.collections.set(key, (value as object[]).slice());
    else written.fields.set(key, fieldMark(value));
  }
  return written;
}

// A list of records with numeric ids, the form every vendor's collections take; any other list
// (Valomnia's images) is written as a whole field.
function isCollection(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (item) => item !== null && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'number',
    )
  );
}

/**
 * What changed since `written`, as one change line, and `written` moved on to the tenant as it is
 * now; null when nothing changed. Undefined when the change cannot be a line (the data object was
 * replaced): the tenant must be written whole.
 */
export function changesSince(written: WrittenTenant, tenant: Tenant): ChangeLine | null | undefined {
  if (written.data !== tenant.data) return undefined;
  const line: ChangeLine = { g: written.generation };
  const headJson = JSON.stringify(persistedHead(tenant));
  if (headJson !== written.headJson) {
    line.head = JSON.parse(headJson) as Record<string, unknown>;
    written.headJson = headJson;
  }
  for (const [key, value] of Object.entries(tenant.data as Record<string, unknown>)) {
    const before = written.collections.get(key);
    const diff = before && Array.isArray(value) ? collectionDiff(before, value) : undefined;
    if (diff) {
      if (diff.put.length > 0 || diff.remove.length > 0) {
        line.collections ??= {};
        line.collections[key] = diff;
        written.collections.set(key, (value as object[]).slice());
      }
      continue;
    }
    if (!sameMark(written.fields.get(key), value)) {
      line.set ??= {};
      line.set[key] = value;
      written.fields.set(key, fieldMark(value));
      written.collections.delete(key);
    }
  }
  return line.head || line.set || line.collections ? line : null;
}

/**
 * The records put and removed between two lists in id order, walked side by side: a window costs
 * a comparison of references per record, no set of them. Undefined when a list is not a
 * collection in id order (then it is written as a whole field).
 */
function collectionDiff(
  before: readonly object[],
  now: readonly unknown[],
): { put: unknown[]; remove: number[] } | undefined {
  const put: unknown[] = [];
  const remove: number[] = [];
  let i = 0;
  let j = 0;
  let lastId = Number.NEGATIVE_INFINITY;
  while (i < before.length || j < now.length) {
    const was = before[i];
    const is = now[j];
    if (was === is) {
      i += 1;
      j += 1;
      continue;
    }
    const wasId = was === undefined ? Number.POSITIVE_INFINITY : (was as { id: number }).id;
    const isId = is === undefined ? Number.POSITIVE_INFINITY : (is as { id?: unknown } | null)?.id;
    if (typeof isId !== 'number' || isId < lastId) return undefined;
    if (is !== undefined) lastId = isId;
    if (wasId === isId) {
      put.push(is);
      i += 1;
      j += 1;
    } else if (wasId < isId) {
      remove.push(wasId);
      i += 1;
    } else {
      put.push(is);
      j += 1;
    }
  }
  return { put, remove };
}

/** A change line as the log holds it: one line of JSON (bytes in base64). */
export function changeLineText(line: ChangeLine): string {
  const { collections, ...rest } = line;
  const text = JSON.stringify(rest, encodeBytes);
  if (!collections) return `${text}\n`;
  // Each record's JSON is the one its tenant's file will hold too, made once (see cachedJson).
  const parts = Object.entries(collections).map(
    ([key, { put, remove }]) =>
      `${JSON.stringify(key)}:{"put":[${put.map(cachedJson).join(',')}],"remove":${JSON.stringify(remove)}}`,
  );
  return `${text.slice(0, -1)},"collections":{${parts.join(',')}}}\n`;
}

/**
 * A stored tenant document with its log applied, line by line: only the lines of the file's own
 * generation, so lines written before the file was last rewritten whole (a kill between the
 * rewrite and the log's emptying) are skipped, not replayed over newer data. A last line cut
 * short (a kill during its write) is dropped; any other line that is no change line is an error.
 */
export function applyChangeLog(document: Record<string, unknown>, log: string): Record<string, unknown> {
  const lines = log.split('\n').filter((text) => text !== '');
  const data = { ...((document.data ?? {}) as Record<string, unknown>) };
  let head = { ...document };
  for (const [index, text] of lines.entries()) {
    let line: ChangeLine;
    try {
      line = JSON.parse(text) as ChangeLine;
    } catch (error) {
      const last = index === lines.length - 1 && !log.endsWith('\n');
      if (last) break;
      throw new Error(`line ${index + 1} of the change log is not JSON: ${(error as Error).message}`);
    }
    if (line.g !== document.log) continue;
    if (line.head) head = { ...head, ...line.head };
    for (const [key, value] of Object.entries(line.set ?? {})) data[key] = value;
    for (const [key, { put, remove }] of Object.entries(line.collections ?? {})) {
      const byId = new Map<number, unknown>();
      for (const record of (data[key] ?? []) as { id: number }[]) byId.set(record.id, record);
      for (const id of remove) byId.delete(id);
      for (const record of put as { id: number }[]) byId.set(record.id, record);
      data[key] = [...byId.values()].sort((a, b) => (a as { id: number }).id - (b as { id: number }).id);
    }
  }
  return { ...head, data };
}
