/**
 * MYPOS Connect's records as stored. Field names are the wire names. Timestamps are stored as
 * ISO-8601 with milliseconds and a Z ("2020-08-21T12:47:18.177Z"), which order as text and as
 * time; the wire shows them without the zone and without trailing zeros ("…12:47:18.177").
 */

/** The custom fields every MYPOS client can fill, `cC_001` to `cC_010`. */
export const CUSTOM_FIELDS = [
  'cC_001',
  'cC_002',
  'cC_003',
  'cC_004',
  'cC_005',
  'cC_006',
  'cC_007',
  'cC_008',
  'cC_009',
  'cC_010',
] as const;
export type CustomField = (typeof CUSTOM_FIELDS)[number];

export interface Customer extends Record<CustomField, string | null> {
  /** The customer code as a number: the collection's order and index key (not on the wire). */
  id: number;
  /** A GUID, the system's. */
  customerId: string;
  /** The system's 7-digit sequence ("1000001"), never reused. */
  customerCode: string;
  customerName: string;
  firstName: string | null;
  lastName: string | null;
  address: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  phoneNumber: string | null;
  faxNumber: string | null;
  emailAddress: string | null;
  webSite: string | null;
  creditLimit: number;
  notes: string | null;
  active: boolean;
  customerType: string | null;
  rewardsCollector: boolean;
  rewardsNumber: string | null;
  rewardsValue: number;
  allowMailing: boolean;
  allowDataShare: boolean;
  discountPercent: number;
  priceBand: number;
  balance: number;
  /** Set by sales, never by the API; a customer with a lastSaledate "has transactions". */
  firstSaledate: string | null;
  lastSaledate: string | null;
  bankSortCode: string | null;
  bankAccount: string | null;
  bankAccountName: string | null;
  correspondenceEmail: boolean;
  correspondencePaper: boolean;
  creationDateUTC: string;
  lastEditDateUTC: string;
  lastEditUser: string;
  creationUser: string;
  lastEditDevice: string;
  creationDevice: string;
}

/** What the tenant's user may do with customers; all granted unless the control API says not. */
export interface Permissions {
  read: boolean;
  write: boolean;
  delete: boolean;
}

/** A tenant's MYPOS data: one user (the tenant's email), its customers, ordered by code. */
export interface MyposData {
  customers: Customer[];
  permissions: Permissions;
  /** Tokens issued on one UTC day of the tenant's clock, for the daily limit. */
  tokens: { day: string; issued: number };
  next: { customerCode: number };
}

declare module '../../core/store.js' {
  interface VendorDataMap {
    myposconnect: MyposData;
  }
}
