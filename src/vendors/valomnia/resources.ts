import { renderOnce } from '../../core/rendered-records.js';
import type { SortValue } from '../../core/sorted-views.js';
import { byId, type CollectionName, type RecordOf } from './indexes.js';
import type { Piece } from './json-pieces.js';
import type { Customer, ValomniaData } from './model.js';
import {
  categoryPieces,
  customerPieces,
  employeePieces,
  paymentTypePieces,
  regionPieces,
  segmentationPieces,
  userPieces,
} from './render.js';

/** A list filter besides the dates: a wildcard match on text, or true/false. */
export type ListFilter<R> =
  | { kind: 'text'; value: (record: R, data: ValomniaData) => string | null }
  | { kind: 'boolean'; value: (record: R) => boolean };

/**
 * Everything that differs between Valomnia's readable resources. The list, show and the routes
 * are written once over this; a new resource is one more definition.
 */
export interface ResourceDefinition<C extends CollectionName> {
  /** The path segment: "customerCategories". */
  path: string;
  collection: C;
  /** The resource in the 404 text: "The customer category with the id 9 doesn't exist." */
  words: string;
  /** Whether `/<path>/reference/{reference}` is served (regions have no reference). */
  byReference: boolean;
  /** The filters its list takes besides the eight date filters, in the documented order. */
  filters: Readonly<Record<string, ListFilter<RecordOf<C>>>>;
  /** The fields `sort` takes, and the value each sorts by. */
  sortFields: Readonly<Record<string, (record: RecordOf<C>, data: ValomniaData) => SortValue>>;
  /** The record's JSON, kept per record. */
  render: (record: RecordOf<C>, data: ValomniaData) => Piece[];
}

type Plain<C extends CollectionName> = Readonly<Record<string, (record: RecordOf<C>) => SortValue>>;

/** Sort fields read straight from the stored record. */
function fieldsOf<C extends CollectionName>(names: readonly (keyof RecordOf<C> & string)[]): Plain<C> {
  return Object.fromEntries(names.map((name) => [name, (record: RecordOf<C>) => record[name] as SortValue]));
}

const reference = { kind: 'text', value: (record: { reference: string }) => record.reference } as const;
const name = { kind: 'text', value: (record: { name: string }) => record.name } as const;

function categoryReferenceOf(customer: Customer, data: ValomniaData): string | null {
  return customer.categoryId === null
    ? null
    : (byId(data, 'customerCategories', customer.categoryId)?.reference ?? null);
}

export const customers: ResourceDefinition<'customers'> = {
  path: 'customers',
  collection: 'customers',
  words: 'customer',
  byReference: true,
  filters: {
    reference,
    name,
    categoryReference: { kind: 'text', value: categoryReferenceOf },
    isActive: { kind: 'boolean', value: (customer) => customer.isActive },
  },
  sortFields: {
    ...fieldsOf<'customers'>([
      'id',
      'reference',
      'reference2',
      'name',
      'email',
      'phone',
      'mobile',
      'fax',
      'comment',
      'barcode',
      'billingCountry',
      'billingCity',
      'billingPostalCode',
      'billingAddress',
      'country',
      'city',
      'postalCode',
      'address',
      'creditLimit',
      'isActive',
      'onHold',
      'currency',
      'dateCreated',
      'lastUpdated',
    ]),
    categoryReference: categoryReferenceOf,
  },
  render: renderOnce(customerPieces),
};

export const customerCategories: ResourceDefinition<'customerCategories'> = {
  path: 'customerCategories',
  collection: 'customerCategories',
  words: 'customer category',
  byReference: true,
  filters: { reference, name },
  sortFields: fieldsOf<'customerCategories'>(['id', 'name', 'reference', 'description', 'dateCreated', 'lastUpdated']),
  render: renderOnce(categoryPieces),
};

export const customerSegmentations: ResourceDefinition<'customerSegmentations'> = {
  path: 'customerSegmentations',
  collection: 'customerSegmentations',
  words: 'customer segmentation',
  byReference: true,
  filters: { reference, name },
  sortFields: fieldsOf<'customerSegmentations'>([
    'id',
    'name',
    'reference',
    'description',
    'dateCreated',
    'lastUpdated',
  ]),
  render: renderOnce(segmentationPieces),
};

export const paymentTypes: ResourceDefinition<'paymentTypes'> = {
  path: 'paymentTypes',
  collection: 'paymentTypes',
  words: 'payment type',
  byReference: true,
  filters: { reference, name },
  sortFields: fieldsOf<'paymentTypes'>(['id', 'name', 'reference', 'isActive', 'dateCreated', 'lastUpdated']),
  render: renderOnce(paymentTypePieces),
};

export const regions: ResourceDefinition<'regions'> = {
  path: 'regions',
  collection: 'regions',
  words: 'region',
  byReference: false,
  filters: { name },
  sortFields: fieldsOf<'regions'>(['id', 'name', 'parentId', 'position', 'dateCreated', 'lastUpdated']),
  render: renderOnce(regionPieces),
};

export const users: ResourceDefinition<'users'> = {
  path: 'users',
  collection: 'users',
  words: 'user',
  byReference: true,
  filters: { reference },
  sortFields: fieldsOf<'users'>([
    'id',
    'email',
    'firstName',
    'lastName',
    'reference',
    'enabled',
    'dateCreated',
    'lastUpdated',
  ]),
  render: renderOnce(userPieces),
};

export const employees: ResourceDefinition<'employees'> = {
  path: 'employees',
  collection: 'employees',
  words: 'employee',
  byReference: true,
  filters: { reference },
  sortFields: fieldsOf<'employees'>([
    'id',
    'reference',
    'firstName',
    'lastName',
    'mobile',
    'enabled',
    'dateCreated',
    'lastUpdated',
  ]),
  render: renderOnce(employeePieces),
};
