import { type CollectionIndex, type IndexShape, indexOf } from '../../core/collection-index.js';
import type { ValomniaData, ValomniaRecord } from './model.js';

/** The collections of a tenant's data, each an array of records ordered by id. */
export type CollectionName = {
  [K in keyof ValomniaData]: ValomniaData[K] extends ValomniaRecord[] ? K : never;
}[keyof ValomniaData];

export type RecordOf<C extends CollectionName> = ValomniaData[C][number];

const byLastUpdated: IndexShape<ValomniaRecord> = { stamp: (record) => record.lastUpdated };

// References are unique regardless of case (the vendor's database collation), so they are
// looked up lower-cased.
const byReference: IndexShape<ValomniaRecord & { reference: string }> = {
  stamp: (record) => record.lastUpdated,
  unique: { reference: (record) => record.reference.toLowerCase() },
};

/**
 * The index over one of a tenant's collections: by id, by lastUpdated and (for records with one)
 * by reference. Every write to a collection goes through it.
 */
export function indexFor<C extends CollectionName>(data: ValomniaData, collection: C): CollectionIndex<RecordOf<C>> {
  const records = data[collection] as RecordOf<C>[];
  const shape = collection === 'regions' ? byLastUpdated : byReference;
  return indexOf(records, shape as IndexShape<RecordOf<C>>);
}

/** A record by id, or undefined. */
export function byId<C extends CollectionName>(data: ValomniaData, collection: C, id: number): RecordOf<C> | undefined {
  return indexFor(data, collection).get(id);
}

/** A record by reference (any case), or undefined; regions have none. */
export function byReferenceOf<C extends CollectionName>(
  data: ValomniaData,
  collection: C,
  reference: string,
): RecordOf<C> | undefined {
  if (collection === 'regions') return undefined;
  return indexFor(data, collection).findUnique('reference', reference.toLowerCase());
}
