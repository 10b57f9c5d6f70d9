import { ALTERNATE_CODE_TAKEN, NAME_BLANK } from './errors.js';
import { type FieldValue, MYSQL_TEXT_BYTES } from './fields.js';
import type { Customer } from './model.js';
import type { ResourceDefinition } from './resource.js';

/** Imonggo customers: code from a sequence, name kept in step with first/last. */
export const customers: ResourceDefinition<Customer> = {
  collection: 'customers',
  element: 'customer',
  paging: { defaultPerPage: 100, maxPerPage: 100 },
  writable: [
    { name: 'alternate_code', kind: 'text', width: 30 },
    { name: 'first_name', kind: 'text', width: 50 },
    { name: 'last_name', kind: 'text', width: 50 },
    { name: 'name', kind: 'text', width: 100 },
    { name: 'company_name', kind: 'text', width: 50 },
    { name: 'tin', kind: 'text', width: 30 },
    { name: 'tax_exempt', kind: 'boolean' },
    { name: 'street', kind: 'text', width: 50 },
    { name: 'city', kind: 'text', width: 50 },
    { name: 'state', kind: 'text', width: 50 },
    { name: 'zipcode', kind: 'text', width: 50 },
    { name: 'country', kind: 'text', width: 2 },
    { name: 'telephone', kind: 'text', width: 50 },
    { name: 'fax', kind: 'text', width: 50 },
    { name: 'mobile', kind: 'text', width: 50 },
    { name: 'email', kind: 'text', width: 50 },
    { name: 'remark', kind: 'text', maxBytes: MYSQL_TEXT_BYTES }, // the vendor's column is TEXT
    { name: 'birthday', kind: 'text', maxBytes: MYSQL_TEXT_BYTES }, // the vendor's column is TEXT
    { name: 'birthdate', kind: 'date' },
  ],
  // The documented sample's order: Rails' alphabetical columns, then the extra methods.
  wireFields: [
    'alternate_code',
    'birthday',
    'city',
    'code',
    'company_name',
    'country',
    'customer_type_id',
    'email',
    'fax',
    'first_name',
    'id',
    'last_name',
    'mobile',
    'name',
    'remark',
    'state',
    'status',
    'street',
    'tax_exempt',
    'telephone',
    'tin',
    'zipcode',
    'customer_type_name',
    'discount_text',
    'birthdate',
    'utc_created_at',
    'utc_updated_at',
  ],
  // The vendor answers an empty customer list with a self-closed typed array.
  emptyListXml: '<customers type="array"/>',
  createAnswer: 'record',
  blank(data, now) {
    return {
      id: data.next.customerId,
      code: formatCode(data.next.customerCode),
      alternate_code: null,
      first_name: null,
      last_name: null,
      name: '',
      company_name: null,
      tin: null,
      tax_exempt: false,
      street: null,
      city: null,
      // The vendor's samples show an empty state and discount_text, not nil, on new customers.
      state: '',
      status: null,
      country: null,
      zipcode: null,
      telephone: null,
      fax: null,
      mobile: null,
      email: null,
      remark: null,
      customer_type_id: null,
      customer_type_name: null,
      discount_text: '',
      birthday: null,
      birthdate: null,
      utc_created_at: now,
      utc_updated_at: now,
    };
  },
  claimSequence(data) {
    data.next.customerId += 1;
    data.next.customerCode += 1;
  },
  normalize: keepNamesInStep,
  validate(customer) {
    return customer.name.trim() === '' ? [NAME_BLANK] : [];
  },
  unique: [{ field: 'alternate_code', message: ALTERNATE_CODE_TAKEN }],
};

/** Customer codes are the system's: a zero-padded six-digit sequence (000001). */
function formatCode(n: number): string {
  return String(n).padStart(6, '0');
}

// The vendor keeps name and first/last in step: a name written alone is split (the docs'
// "John Smith" becomes first John, last Smith; the last word is the last name), and first/last
// written without a name make the name.
function keepNamesInStep(customer: Customer, written: ReadonlyMap<string, FieldValue>): Customer {
  const nameWritten = written.has('name');
  const partsWritten = written.has('first_name') || written.has('last_name');
  if (nameWritten && !partsWritten) {
    const words = (customer.name ?? '').trim().split(/\s+/).filter(Boolean);
    customer.first_name = words.length > 1 ? words.slice(0, -1).join(' ') : (words[0] ?? null);
    customer.last_name = words.length > 1 ? (words.at(-1) ?? null) : null;
  } else if (partsWritten && !nameWritten) {
    customer.name = [customer.first_name, customer.last_name]
      .filter((part): part is string => part !== null && part.trim() !== '')
      .join(' ')
      .slice(0, 100);
  }
  customer.name ??= '';
  return customer;
}
