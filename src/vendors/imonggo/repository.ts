import { ALL } from '../../core/collection-index.js';
import { fromIsoSeconds, toIsoSeconds } from '../../core/dates.js';
import { ensureRoomForRecord, MAX_RECORDS_PER_TENANT } from '../../core/limits.js';
import { ImonggoValidationError } from './errors.js';
import type { FieldValue } from './fields.js';
import type { ImonggoData, ImonggoRecord } from './model.js';
import type { ListQuery } from './query.js';
import { ACTIVE, indexFor, type ResourceDefinition } from './resource.js';

/**
 * Plain functions over one tenant's Imonggo data. Records are never edited in place: a change
 * stores a new object through the collection's index, so a reader holding the old one (a
 * renderer, a cache) never sees it move, and every read costs the same at any collection size.
 */

/** How many records a list request selects (q=count). */
export function countRecords<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  query: ListQuery,
): number {
  return indexFor(data, resource).count(query.bounds, query.activeOnly ? ACTIVE : ALL);
}

/** One page of the selected records, in id order; empty past the end. */
export function listRecords<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  query: ListQuery,
): R[] {
  const { page, perPage } = query.page;
  return indexFor(data, resource).page(query.bounds, query.activeOnly ? ACTIVE : ALL, (page - 1) * perPage, perPage);
}

/**
 * Answers q=last_updated_at (over every record, deleted ones included; null when there are none)
 * and remembers the answer, so that later writes are stamped after it (see `writeTime`).
 */
export function answerLastUpdatedAt<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
): string | null {
  const latest = indexFor(data, resource).latestStamp();
  const answered = data.answeredLastUpdate[resource.collection];
  if (latest !== null && (answered === null || latest > answered))
    data.answeredLastUpdate[resource.collection] = latest;
  return latest;
}

/**
 * The utc_updated_at a write gets at clock time `clockIso`. Timestamps have whole seconds, and
 * the documented sync asks for records strictly after the last update it was told of; a write in
 * that same second, after the sync read its pages, would be missed for good. So a write in a
 * second a sync has already been given is stamped one second later: the sandbox's one departure
 * from the clock, and the reason the documented algorithm never misses a record here.
 */
export function writeTime<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  clockIso: string,
): string {
  const answered = data.answeredLastUpdate[resource.collection];
  if (answered === null || clockIso > answered) return clockIso;
  return toIsoSeconds(fromIsoSeconds(answered) + 1000);
}

/** The record with this id (the digits from the path, of any length), deleted or not. */
export function findRecord<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  id: string,
): R | undefined {
  // Ids are safe integers; longer digit strings name no record.
  if (!/^\d{1,15}$/.test(id)) return undefined;
  return indexFor(data, resource).get(Number(id));
}

/**
 * Stores a new record built from the written fields; throws ImonggoValidationError (422), or
 * RecordLimitError when the tenant already holds `maxRecords` records.
 */
export function createRecord<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  written: ReadonlyMap<string, FieldValue>,
  now: string,
  maxRecords: number = MAX_RECORDS_PER_TENANT,
): R {
  ensureRoomForRecord(data.customers.length + data.suppliers.length, maxRecords);
  const draft = applyWritten(resource, resource.blank(data, now), written);
  check(data, resource, draft);
  resource.claimSequence(data);
  indexFor(data, resource).insert(draft);
  return draft;
}

/** Applies a partial update; on a validation error (422) nothing changes. */
export function updateRecord<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  current: R,
  written: ReadonlyMap<string, FieldValue>,
  now: string,
): R {
  const next = applyWritten(resource, { ...current, utc_updated_at: now }, written);
  check(data, resource, next);
  indexFor(data, resource).replace(next);
  return next;
}

/**
 * Marks a record deleted at `now`. Deleting twice changes nothing: the vendor ignores the
 * repeat, so utc_updated_at keeps the time of the first delete. Undefined when unknown.
 */
export function softDeleteRecord<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  id: string,
  now: string,
): R | undefined {
  const record = findRecord(data, resource, id);
  if (!record || record.status === 'D') return record;
  const deleted: R = { ...record, status: 'D', utc_updated_at: now };
  indexFor(data, resource).replace(deleted);
  return deleted;
}

/** Stores a changed copy of a record as it is, without validation: for seeding dated history. */
export function storeRevision<R extends ImonggoRecord>(data: ImonggoData, resource: ResourceDefinition<R>, next: R): R {
  indexFor(data, resource).replace(next);
  return next;
}

function applyWritten<R extends ImonggoRecord>(
  resource: ResourceDefinition<R>,
  record: R,
  written: ReadonlyMap<string, FieldValue>,
): R {
  const merged: R = Object.assign(record, Object.fromEntries(written));
  return resource.normalize ? resource.normalize(merged, written) : merged;
}

function check<R extends ImonggoRecord>(data: ImonggoData, resource: ResourceDefinition<R>, record: R): void {
  const messages = resource.validate(record);
  const index = indexFor(data, resource);
  for (const { field, message } of resource.unique) {
    const value = record[field] as string | null;
    const holder = value ? index.findUnique(field, value) : undefined;
    if (holder && holder.id !== record.id) messages.push(message);
  }
  if (messages.length > 0) throw new ImonggoValidationError(messages);
}
