/** Imonggo's records as stored: field names are the wire names, timestamps ISO at seconds. */

/** What every Imonggo record has: the id, the soft-delete mark and the timestamps filters use. */
export interface ImonggoRecord {
  id: number;
  /** "D" once deleted; deleted records stay and keep being listed. */
  status: 'D' | null;
  utc_created_at: string;
  utc_updated_at: string;
}

export interface Customer extends ImonggoRecord {
  code: string;
  alternate_code: string | null;
  first_name: string | null;
  last_name: string | null;
  name: string;
  company_name: string | null;
  tin: string | null;
  tax_exempt: boolean | null;
  street: string | null;
  city: string | null;
  state: string | null;
  zipcode: string | null;
  country: string | null;
  telephone: string | null;
  fax: string | null;
  mobile: string | null;
  email: string | null;
  remark: string | null;
  customer_type_id: number | null;
  customer_type_name: string | null;
  discount_text: string | null;
  birthday: string | null;
  birthdate: string | null;
}

export interface Supplier extends ImonggoRecord {
  name: string;
  code: string | null;
  contact_person: string | null;
  contact_title: string | null;
  contact_position: string | null;
  street: string | null;
  city: string | null;
  zipcode: string | null;
  country: string | null;
  state: string | null;
  telephone: string | null;
  fax: string | null;
  mobile: string | null;
  email: string | null;
  remark: string | null;
  tax_exempt: boolean | null;
  discount_text: string | null;
}

/** A tenant's Imonggo data: both collections, ordered by id, and their sequences. */
export interface ImonggoData {
  customers: Customer[];
  suppliers: Supplier[];
  /** The next id (and, for customers, the next code number) each collection hands out. */
  next: { customerId: number; customerCode: number; supplierId: number };
  /** The newest q=last_updated_at answered for each collection (see `writeTime`). */
  answeredLastUpdate: Record<CollectionName, string | null>;
}

export type CollectionName = 'customers' | 'suppliers';

declare module '../../core/store.js' {
  interface VendorDataMap {
    imonggo: ImonggoData;
  }
}
