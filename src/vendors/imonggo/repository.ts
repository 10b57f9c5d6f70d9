import { fromIsoSeconds, toIsoSeconds } from '../../core/dates.js';
import { pageOf } from '../../core/paging.js';
import { ImonggoValidationError } from './errors.js';
import type { FieldValue } from './fields.js';
import type { ImonggoData, ImonggoRecord } from './model.js';
import type { ListQuery, UpdatedBounds } from './query.js';
import { type ResourceDefinition, recordsOf } from './resource.js';

/**
 * Plain functions over one tenant's Imonggo data. Records are never edited in place: a change
 * stores a new object, so a reader holding the old one (a renderer, a cache) never sees it move.
 */

/** The records a list or count request selects, in id order. */
export function selectRecords<R extends ImonggoRecord>(records: readonly R[], query: ListQuery): readonly R[] {
  const { bounds, activeOnly } = query;
  if (!activeOnly && !hasBounds(bounds)) return records;
  return records.filter((record) => (!activeOnly || record.status !== 'D') && withinBounds(record, bounds));
}

/** One page of the selected records; empty past the end. */
export function listRecords<R extends ImonggoRecord>(records: readonly R[], query: ListQuery): R[] {
  return pageOf(selectRecords(records, query), query.page);
}

/** The newest utc_updated_at over every record, deleted ones included; null when there are none. */
export function lastUpdatedAt(records: readonly ImonggoRecord[]): string | null {
  let latest: string | null = null;
  for (const record of records) {
    if (latest === null || record.utc_updated_at > latest) latest = record.utc_updated_at;
  }
  return latest;
}

/**
 * Answers q=last_updated_at and remembers the answer, so that later writes are stamped after it
 * (see `writeTime`).
 */
export function answerLastUpdatedAt<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
): string | null {
  const latest = lastUpdatedAt(recordsOf(data, resource));
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

/** The record with this id (the digits from the path), deleted or not. */
export function findRecord<R extends ImonggoRecord>(records: readonly R[], id: string): R | undefined {
  if (!/^\d{1,15}$/.test(id)) return undefined;
  const wanted = Number(id);
  return records.find((record) => record.id === wanted);
}

/** Stores a new record built from the written fields; throws ImonggoValidationError (422). */
export function createRecord<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  written: ReadonlyMap<string, FieldValue>,
  now: string,
): R {
  const draft = applyWritten(resource, resource.blank(data, now), written);
  check(data, resource, draft);
  resource.claimSequence(data);
  recordsOf(data, resource).push(draft);
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
  replaceRecord(recordsOf(data, resource), next);
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
  const records = recordsOf(data, resource);
  const record = findRecord(records, id);
  if (!record || record.status === 'D') return record;
  const deleted: R = { ...record, status: 'D', utc_updated_at: now };
  replaceRecord(records, deleted);
  return deleted;
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
  const messages = resource.validate(data, record);
  if (messages.length > 0) throw new ImonggoValidationError(messages);
}

function replaceRecord<R extends ImonggoRecord>(records: R[], next: R): void {
  const index = records.findIndex((record) => record.id === next.id);
  if (index >= 0) records[index] = next;
}

function hasBounds(bounds: UpdatedBounds): boolean {
  return (
    bounds.after !== undefined || bounds.before !== undefined || bounds.from !== undefined || bounds.to !== undefined
  );
}

function withinBounds(record: ImonggoRecord, bounds: UpdatedBounds): boolean {
  const updated = record.utc_updated_at;
  return (
    (bounds.after === undefined || updated > bounds.after) &&
    (bounds.before === undefined || updated < bounds.before) &&
    (bounds.from === undefined || updated >= bounds.from) &&
    (bounds.to === undefined || updated <= bounds.to)
  );
}
