import { CODE_TAKEN, NAME_BLANK } from './errors.js';
import { MYSQL_TEXT_BYTES } from './fields.js';
import type { Supplier } from './model.js';
import type { ResourceDefinition } from './resource.js';

/** Imonggo suppliers: a client-chosen unique code, and a create that answers only the id. */
export const suppliers: ResourceDefinition<Supplier> = {
  collection: 'suppliers',
  element: 'supplier',
  paging: { defaultPerPage: 50, maxPerPage: 50 },
  writable: [
    { name: 'name', kind: 'text', width: 100 },
    { name: 'code', kind: 'text', width: 50 },
    { name: 'contact_person', kind: 'text', width: 50 },
    { name: 'contact_title', kind: 'text', width: 100 },
    { name: 'contact_position', kind: 'text', width: 50 },
    { name: 'street', kind: 'text', width: 30 },
    { name: 'city', kind: 'text', width: 50 },
    { name: 'zipcode', kind: 'text', width: 50 },
    { name: 'country', kind: 'text', width: 50 },
    { name: 'state', kind: 'text', width: 50 },
    { name: 'telephone', kind: 'text', width: 50 },
    { name: 'fax', kind: 'text', width: 50 },
    { name: 'mobile', kind: 'text', width: 50 },
    { name: 'email', kind: 'text', width: 100 },
    { name: 'remark', kind: 'text', width: 255 },
    { name: 'tax_exempt', kind: 'boolean' },
    { name: 'discount_text', kind: 'text', maxBytes: MYSQL_TEXT_BYTES }, // the vendor's column is TEXT
  ],
  // The documented sample's alphabetical order. It leaves status out, but the documented sync
  // deletes local copies on status "D", so status goes in its alphabetical place.
  wireFields: [
    'city',
    'code',
    'contact_person',
    'contact_position',
    'contact_title',
    'country',
    'discount_text',
    'email',
    'fax',
    'id',
    'mobile',
    'name',
    'remark',
    'state',
    'status',
    'street',
    'tax_exempt',
    'telephone',
    'zipcode',
  ],
  // The docs show the empty supplier list as a bare <suppliers/>, unlike customers.
  emptyListXml: '<suppliers/>',
  // The docs show a supplier create answering <hash><id type="integer">…</id></hash> only.
  createAnswer: 'id',
  blank(data, now) {
    return {
      id: data.next.supplierId,
      name: '',
      code: null,
      contact_person: null,
      contact_title: null,
      contact_position: null,
      street: null,
      city: null,
      zipcode: null,
      country: null,
      state: null,
      telephone: null,
      fax: null,
      mobile: null,
      email: null,
      remark: null,
      tax_exempt: false,
      discount_text: null,
      status: null,
      utc_created_at: now,
      utc_updated_at: now,
    };
  },
  claimSequence(data) {
    data.next.supplierId += 1;
  },
  validate(supplier) {
    return (supplier.name ?? '').trim() === '' ? [NAME_BLANK] : [];
  },
  unique: [{ field: 'code', message: CODE_TAKEN }],
};
