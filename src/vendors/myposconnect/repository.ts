import { createHash } from 'node:crypto';
import type { CollectionIndex } from '../../core/collection-index.js';
import { indexOf } from '../../core/collection-index.js';
import { ensureRoomForRecord, MAX_RECORDS_PER_TENANT } from '../../core/limits.js';
import type { CustomerFields } from './customer-input.js';
import { CUSTOM_FIELDS, type Customer, type MyposData } from './model.js';

/**
 * Plain functions over one tenant's MYPOS data. Records are never edited in place: a change
 * stores a new object through the index (see core/collection-index).
 */

/** What writes through the API record as their user and device. */
const API_USER = 'API';
const API_DEVICE = 'Web';

const shape = {
  stamp: (customer: Customer) => customer.lastEditDateUTC,
  unique: { customerId: (customer: Customer) => customer.customerId.toLowerCase() },
};

/** The index over a tenant's customers: by code (the id), by lastEditDateUTC, by GUID. */
export function customerIndex(data: MyposData): CollectionIndex<Customer> {
  return indexOf(data.customers, shape);
}

/** The customer an identifier names: its GUID (any case) or its customerCode. */
export function findCustomer(data: MyposData, identifier: string): Customer | undefined {
  return findByCode(data, identifier) ?? customerIndex(data).findUnique('customerId', identifier.toLowerCase());
}

/** The customer with this code exactly ("1000070"), or undefined. */
export function findByCode(data: MyposData, code: string): Customer | undefined {
  if (!/^\d{1,15}$/.test(code)) return undefined;
  const customer = customerIndex(data).get(Number(code));
  return customer?.customerCode === code ? customer : undefined;
}

/** A customer's GUID: derived from its code, so the same code gets the same GUID on every run. */
export function guidOf(code: string): string {
  const hex = createHash('sha256').update(`myposconnect customer ${code}`).digest('hex');
  // Shaped as a version-4, variant-1 UUID, as .NET's Guid.NewGuid() makes them.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Stores a new customer from checked fields; RecordLimitError when the tenant is full. */
export function createCustomer(
  data: MyposData,
  fields: CustomerFields,
  now: string,
  maxRecords: number = MAX_RECORDS_PER_TENANT,
): Customer {
  ensureRoomForRecord(data.customers.length, maxRecords);
  const code = String(data.next.customerCode);
  const customer: Customer = {
    ...blank(code, now),
    ...fields,
  };
  data.next.customerCode += 1;
  customerIndex(data).insert(customer);
  return customer;
}

/** Replaces a customer's writable fields (all of them: PUT is a full replacement). */
export function replaceCustomer(data: MyposData, current: Customer, fields: CustomerFields, now: string): Customer {
  const next: Customer = {
    ...current,
    ...fields,
    lastEditDateUTC: now,
    lastEditUser: API_USER,
    lastEditDevice: API_DEVICE,
  };
  customerIndex(data).replace(next);
  return next;
}

/**
 * Deletes a customer without sales and answers true; one with sales is set inactive instead
 * (the vendor keeps customers that have transactions) and the answer is false.
 */
export function deleteCustomer(data: MyposData, customer: Customer, now: string): boolean {
  if (customer.lastSaledate === null) {
    customerIndex(data).remove(customer.id);
    return true;
  }
  replaceCustomer(data, customer, { active: false }, now);
  return false;
}

function blank(code: string, now: string): Customer {
  const customer: Customer = {
    id: Number(code),
    customerId: guidOf(code),
    customerCode: code,
    customerName: '',
    firstName: null,
    lastName: null,
    address: null,
    city: null,
    region: null,
    postalCode: null,
    country: null,
    phoneNumber: null,
    faxNumber: null,
    emailAddress: null,
    webSite: null,
    creditLimit: 0,
    notes: null,
    active: true,
    customerType: null,
    rewardsCollector: false,
    rewardsNumber: null,
    rewardsValue: 0,
    allowMailing: false,
    allowDataShare: false,
    discountPercent: 0,
    priceBand: 0,
    balance: 0,
    firstSaledate: null,
    lastSaledate: null,
    bankSortCode: null,
    bankAccount: null,
    bankAccountName: null,
    correspondenceEmail: false,
    correspondencePaper: false,
    ...(Object.fromEntries(CUSTOM_FIELDS.map((field) => [field, null])) as Record<
      (typeof CUSTOM_FIELDS)[number],
      null
    >),
    creationDateUTC: now,
    lastEditDateUTC: now,
    lastEditUser: API_USER,
    creationUser: API_USER,
    lastEditDevice: API_DEVICE,
    creationDevice: API_DEVICE,
  };
  return customer;
}
