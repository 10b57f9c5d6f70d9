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
  /** Validation messages, in Rails' order; empty when the record may be saved. */
  validate(data: ImonggoData, record: R): string[];
}

/** A tenant's records of a resource, typed by its definition. */
export function recordsOf<R extends ImonggoRecord>(data: ImonggoData, resource: ResourceDefinition<R>): R[] {
  return data[resource.collection] as ImonggoRecord[] as R[];
}
