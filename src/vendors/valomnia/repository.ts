import { ensureRoomForRecord, MAX_RECORDS_PER_TENANT } from '../../core/limits.js';
import type { CustomerChanges } from './customer-input.js';
import { deleteFailed } from './errors.js';
import { indexFor } from './indexes.js';
import type { Customer, StoredImage, ValomniaData } from './model.js';

/**
 * Plain functions over one tenant's Valomnia data. Records are never edited in place: a change
 * stores a new object through the collection's index (see core/collection-index). Callers check
 * a write first (customerChanges); these functions only store it, so a refused write changes
 * nothing.
 */

/** A customer with defaults only, holding the next id. */
function blankCustomer(data: ValomniaData, now: string): Customer {
  return {
    id: data.next.customerId,
    reference: '',
    reference2: null,
    name: '',
    categoryId: null,
    isSubCustomer: false,
    parentId: null,
    billWithParent: false,
    segmentationId: null,
    email: null,
    logo: null,
    phone: null,
    mobile: null,
    fax: null,
    comment: null,
    barcode: null,
    isSameAddress: true,
    billingCountry: null,
    billingCity: null,
    billingPostalCode: null,
    billingAddress: null,
    billingLat: null,
    billingLng: null,
    country: null,
    city: null,
    postalCode: null,
    address: null,
    latitude: null,
    longitude: null,
    creditLimit: null,
    isActive: true,
    onHold: false,
    onHoldReason: null,
    createdById: null,
    dueDateConfigNumber: null,
    dueDateConfigType: null,
    paymentTypeIds: [],
    website: null,
    taxNumber: null,
    companyRegistrationNumber: null,
    currency: data.organization.currency,
    customerRisk: null,
    customerRiskColor: null,
    regionId: null,
    dateCreated: now,
    lastUpdated: now,
  };
}

/** Stores a new customer; RecordLimitError when the tenant already holds `maxRecords`. */
export function createCustomer(
  data: ValomniaData,
  changes: CustomerChanges,
  image: StoredImage | null,
  now: string,
  maxRecords: number = MAX_RECORDS_PER_TENANT,
): Customer {
  ensureRoomForRecord(data.customers.length, maxRecords);
  const customer: Customer = { ...blankCustomer(data, now), ...changes };
  if (image) customer.logo = storeImage(data, image, null);
  data.next.customerId += 1;
  indexFor(data, 'customers').insert(customer);
  return customer;
}

/** Applies a partial update (and a new image, which replaces the old one). */
export function updateCustomer(
  data: ValomniaData,
  current: Customer,
  changes: CustomerChanges,
  image: StoredImage | null,
  now: string,
): Customer {
  const next: Customer = { ...current, ...changes, lastUpdated: now };
  if (image) next.logo = storeImage(data, image, current.logo);
  indexFor(data, 'customers').replace(next);
  if (next.reference !== current.reference || next.name !== current.name) refreshSubCustomers(data, next.id);
  return next;
}

/**
 * Deletes a customer for good, and its image files. A parent of other customers stays:
 * 400 delete_failed, as the vendor's database refuses to orphan them.
 */
export function deleteCustomer(data: ValomniaData, customer: Customer): void {
  if (data.customers.some((other) => other.parentId === customer.id)) throw deleteFailed();
  indexFor(data, 'customers').remove(customer.id);
  if (customer.logo !== null) removeImage(data, customer.logo);
}

/** The stored image of a file name in a folder, or undefined. */
export function findImage(data: ValomniaData, folder: string, fileName: string): StoredImage | undefined {
  return data.images.find((image) => image.folder === folder && image.fileName === fileName);
}

/** Bytes a tenant's images take, originals and variants. */
export function imageBytes(data: ValomniaData): number {
  return data.images.reduce((sum, image) => sum + image.original.length + image.small.length + image.medium.length, 0);
}

function storeImage(data: ValomniaData, image: StoredImage, replaced: string | null): string {
  if (replaced !== null) removeImage(data, replaced);
  data.images.push(image);
  return image.fileName;
}

function removeImage(data: ValomniaData, fileName: string): void {
  data.images = data.images.filter((image) => image.fileName !== fileName);
}

// A sub-customer shows its parent's reference and name; its kept rendering would show the old
// ones, so each sub-customer is stored anew (same fields, a new object, rendered afresh).
function refreshSubCustomers(data: ValomniaData, parentId: number): void {
  const index = indexFor(data, 'customers');
  for (const child of data.customers.filter((customer) => customer.parentId === parentId)) index.replace({ ...child });
}
