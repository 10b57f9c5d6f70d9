/**
 * Valomnia's records as stored. Field names are the wire names where a field is stored as it is
 * shown; links to other records are stored as ids and rendered as the vendor's `{id, …, href}`.
 * Timestamps are ISO-8601 at whole seconds ("2015-12-17T23:00:00Z"), as the vendor prints them.
 */

/** What every Valomnia record has: its id and the two timestamps list filters compare. */
export interface ValomniaRecord {
  id: number;
  dateCreated: string;
  lastUpdated: string;
}

/** A record with an external id (`reference`), unique per organization regardless of case. */
export interface Referenced extends ValomniaRecord {
  reference: string;
}

/** `dueDateConfigType` as written (1 or 2); read back as its name (see DUE_DATE_CONFIG_TYPES). */
export type DueDateConfigType = 1 | 2;

export interface Customer extends Referenced {
  reference2: string | null;
  name: string;
  /** The customer category; the organization's root category when none was given. */
  categoryId: number | null;
  isSubCustomer: boolean;
  /** The parent customer's id; set exactly when isSubCustomer is true. */
  parentId: number | null;
  billWithParent: boolean;
  segmentationId: number | null;
  email: string | null;
  /** The stored image's file name under the organization's photoCustomer directory, or null. */
  logo: string | null;
  phone: string | null;
  mobile: string | null;
  fax: string | null;
  comment: string | null;
  barcode: string | null;
  isSameAddress: boolean;
  billingCountry: string | null;
  billingCity: string | null;
  billingPostalCode: string | null;
  billingAddress: string | null;
  billingLat: number | null;
  billingLng: number | null;
  country: string | null;
  city: string | null;
  postalCode: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  creditLimit: number | null;
  isActive: boolean;
  onHold: boolean;
  onHoldReason: string | null;
  /** The user shown as `createdBy`. */
  createdById: number | null;
  dueDateConfigNumber: number | null;
  dueDateConfigType: DueDateConfigType | null;
  paymentTypeIds: number[];
  website: string | null;
  taxNumber: string | null;
  companyRegistrationNumber: string | null;
  /** An ISO 4217 code the organization has configured. */
  currency: string;
  customerRisk: string | null;
  customerRiskColor: string | null;
  regionId: number | null;
}

export interface CustomerCategory extends Referenced {
  name: string;
  isRoot: boolean;
  parentId: number | null;
  description: string | null;
  image: string | null;
}

export interface CustomerSegmentation extends Referenced {
  name: string;
  description: string | null;
}

export interface PaymentType extends Referenced {
  name: string;
  isActive: boolean;
}

/** Regions have no reference: they are addressed by id only. */
export interface Region extends ValomniaRecord {
  name: string;
  parentId: number | null;
  position: number | null;
}

export interface User extends Referenced {
  email: string;
  firstName: string | null;
  lastName: string | null;
  employeeId: number | null;
  enabled: boolean;
}

export interface Employee extends Referenced {
  firstName: string | null;
  lastName: string | null;
  mobile: string | null;
  enabled: boolean;
  managerId: number | null;
  avatar: string | null;
}

/** An uploaded image: the original bytes and its resized variants, all of one format. */
export interface StoredImage {
  /** The file name under `<upload directory>/<folder>/`: `<epoch ms>_<original name>`. */
  fileName: string;
  /** The directory under the upload directory: `photoCustomer`. */
  folder: string;
  contentType: string;
  original: Buffer;
  /** Fits 100×100. */
  small: Buffer;
  /** Fits 300×300. */
  medium: Buffer;
}

/** The account a session belongs to: what `/login/ajaxSuccess` shows besides the login name. */
export interface Account {
  firstName: string | null;
  lastName: string | null;
  avatar: string | null;
  companyDescription: string | null;
  companyPhone: string | null;
  companyFax: string | null;
  companyEmail: string | null;
  companyWebSite: string | null;
  companyAddress: string | null;
  companyPostalCode: string | null;
  companyCity: string | null;
  companyCountry: string | null;
}

export interface Organization {
  /** What every record shows as `organization` ("entity1"). */
  name: string;
  /** The root of its uploads ("entity1-1450169988465"), a path segment of every image URL. */
  uploadDirectory: string;
  /**
   * True when every tenant of the dataset keeps this name (the docs dataset is the vendor's
   * "entity1"); false when each tenant gets a name of its own, made from its login.
   */
  sharedName: boolean;
  /** The organization's currency: a customer's when none is given. */
  currency: string;
  /** The currencies customers may use (with an exchange rate), the organization's first. */
  currencies: string[];
  account: Account;
}

/** A tenant's Valomnia data: its organization and every collection, each ordered by id. */
export interface ValomniaData {
  organization: Organization;
  customers: Customer[];
  customerCategories: CustomerCategory[];
  customerSegmentations: CustomerSegmentation[];
  paymentTypes: PaymentType[];
  regions: Region[];
  users: User[];
  employees: Employee[];
  images: StoredImage[];
  /** The next id of each collection's sequence. */
  next: { customerId: number };
}

declare module '../../core/store.js' {
  interface VendorDataMap {
    valomnia: ValomniaData;
  }
}
