import { type CollectionIndex, type IndexShape, indexOf } from '../../core/collection-index.js';
import type { PageRules } from '../../core/paging.js';
import type { FieldValue, WritableField } from './fields.js';
import type { CollectionName, ImonggoData, ImonggoRecord } from './model.js';

/**
 * Everything that differs between Imonggo's customers and suppliers. The repository, the
 * renderers and the routes are written once over this; each resource file fills one in.
 */
export interface ResourceDefinition<R extends ImonggoRecord> {
  /** Path segment and key in the tenant's data: "customers". */
  collection: CollectionName;
  /** The record's XML element and the params key a body's fields arrive under: "customer". */
  element: string;
  paging: PageRules;
  /** Fields a client may write; the rest of a body is ignored. */
  writable: readonly WritableField[];
  /** Element order on the wire, as in the vendor's samples. */
  wireFields: readonly (keyof R & string)[];
  /** The exact XML of an empty list. */
  emptyListXml: string;
  /** What a create answers: the whole record, or only `<hash><id>`. */
  createAnswer: 'record' | 'id';
  /** A record with defaults only, holding the next id of the tenant's sequence. */
  blank(data: ImonggoData, now: string): R;
  /** Advances the tenant's sequences once a new record is stored. */
  claimSequence(data: ImonggoData): void;
  /** Derives fields from the ones a request wrote (name from first/last and back). */
  normalize?(record: R, written: ReadonlyMap<string, FieldValue>): R;
  /** Validation messages of the record alone, in Rails' order; empty when it may be saved. */
  validate(record: R): string[];
  /**
   * Fields unique across the collection, deleted records included (Rails' uniqueness check does
   * not know about soft deletes), with the message a duplicate gets; blank values are not checked.
   */
  unique: readonly { field: keyof R & string; message: string }[];
}

/** The subset `active_only` lists: records not marked deleted. */
export const ACTIVE = 'active';

/** A tenant's records of a resource, typed by its definition. */
function recordsOf<R extends ImonggoRecord>(data: ImonggoData, resource: ResourceDefinition<R>): R[] {
  return data[resource.collection] as ImonggoRecord[] as R[];
}

const shapes = new WeakMap<object, IndexShape<ImonggoRecord>>();

/** The index over a tenant's records of a resource: by id, by utc_updated_at, by unique field. */
export function indexFor<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
): CollectionIndex<R> {
  let shape = shapes.get(resource) as IndexShape<R> | undefined;
  if (!shape) {
    shape = {
      stamp: (record) => record.utc_updated_at,
      subsets: { [ACTIVE]: (record) => record.status !== 'D' },
      unique: Object.fromEntries(
        resource.unique.map(({ field }) => [field, (record: R) => (record[field] as string | null) || null]),
      ),
    };
    shapes.set(resource, shape as unknown as IndexShape<ImonggoRecord>);
  }
  return indexOf(recordsOf(data, resource), shape);
}
