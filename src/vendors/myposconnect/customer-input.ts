import { MyposError, NAME_REQUIRED_TEXT, NOT_AN_OBJECT_TEXT } from './errors.js';
import { CUSTOM_FIELDS, type Customer } from './model.js';

type Kind = 'text' | 'number' | 'whole' | 'boolean';

/** The fields a client writes, with their JSON types; every other field is the system's. */
const WRITABLE: Readonly<Record<string, Kind>> = {
  customerName: 'text',
  firstName: 'text',
  lastName: 'text',
  address: 'text',
  city: 'text',
  region: 'text',
  postalCode: 'text',
  country: 'text',
  phoneNumber: 'text',
  faxNumber: 'text',
  emailAddress: 'text',
  webSite: 'text',
  creditLimit: 'number',
  notes: 'text',
  active: 'boolean',
  customerType: 'text',
  rewardsCollector: 'boolean',
  rewardsNumber: 'text',
  rewardsValue: 'number',
  allowMailing: 'boolean',
  allowDataShare: 'boolean',
  discountPercent: 'number',
  priceBand: 'whole',
  bankSortCode: 'text',
  bankAccount: 'text',
  bankAccountName: 'text',
  correspondenceEmail: 'boolean',
  correspondencePaper: 'boolean',
  ...Object.fromEntries(CUSTOM_FIELDS.map((field) => [field, 'text' as const])),
};

const TYPE_WORDS: Readonly<Record<Kind, string>> = {
  text: 'string',
  number: 'number',
  whole: 'whole number',
  boolean: 'boolean',
};

/** The column width of text fields; longer text is refused. */
const MAX_TEXT = 255;

/** The writable fields of a customer: what a POST or PUT stores. */
export type CustomerFields = Partial<Omit<Customer, 'id' | 'customerId' | 'customerCode'>>;

/** A POST or PUT body as parsed JSON: a customer object, or `{"Customers": [one]}` for POST. */
export function customerObjectOf(body: unknown, wrapperAllowed: boolean): Record<string, unknown> {
  if (!isObject(body)) throw new MyposError(400, NOT_AN_OBJECT_TEXT);
  if (wrapperAllowed && Object.keys(body).length === 1 && 'Customers' in body) {
    const list = body.Customers;
    // The older wrapper carries a list; the API takes one customer at a time.
    if (!Array.isArray(list) || list.length !== 1 || !isObject(list[0])) throw new MyposError(400, NOT_AN_OBJECT_TEXT);
    return list[0];
  }
  return body;
}

/**
 * The writable fields a customer object sets, checked: 400 for a value of the wrong JSON type or
 * text over its width; unknown and read-only fields are ignored. With `replace`, every writable
 * field left out is cleared, as the vendor's PUT does.
 */
export function customerFields(object: Record<string, unknown>, replace: boolean): CustomerFields {
  const fields: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(WRITABLE)) {
    if (!Object.hasOwn(object, name)) {
      if (replace) fields[name] = cleared(kind);
      continue;
    }
    fields[name] = checked(name, kind, object[name]);
  }
  const named = fields as CustomerFields;
  const name = typeof named.customerName === 'string' ? named.customerName.trim() : '';
  if (name === '') {
    const made = [named.firstName, named.lastName].filter((part) => typeof part === 'string' && part.trim() !== '');
    if (made.length === 0) throw new MyposError(400, NAME_REQUIRED_TEXT);
    named.customerName = made.join(' ').slice(0, MAX_TEXT);
  }
  return named;
}

function checked(name: string, kind: Kind, value: unknown): unknown {
  if (value === null) return kind === 'text' ? null : typeError(name, kind);
  switch (kind) {
    case 'text':
      if (typeof value !== 'string') return typeError(name, kind);
      if (value.length > MAX_TEXT) throw new MyposError(400, `The field ${name} is too long.`);
      return value;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : typeError(name, kind);
    case 'whole':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : typeError(name, kind);
    case 'boolean':
      return typeof value === 'boolean' ? value : typeError(name, kind);
  }
}

function typeError(name: string, kind: Kind): never {
  throw new MyposError(400, `The field ${name} must be a ${TYPE_WORDS[kind]}.`);
}

function cleared(kind: Kind): unknown {
  return kind === 'text' ? null : kind === 'boolean' ? false : 0;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
