import {
  currencyNotConfigured,
  currencyUnknown,
  invalidParamType,
  missingParam,
  notFound,
  referenceTaken,
  saveFailed,
  selfParent,
} from './errors.js';
import type { Entries } from './forms.js';
import { byId, byReferenceOf, type CollectionName, indexFor } from './indexes.js';
import { readBoolean } from './listing.js';
import type { Customer, DueDateConfigType, ValomniaData } from './model.js';

/** The parameters of a write: the query string's, then the body's (Grails merges them; the body wins). */
export type WriteParams = ReadonlyMap<string, string>;

/**
 * Merges a request's query and body parameters. A parameter given twice in one of them is a
 * list where the vendor binds one value: 400 invalid_param_type naming it.
 */
export function writeParamsOf(query: Entries, body: Entries): WriteParams {
  const params = new Map<string, string>();
  for (const source of [query, body]) {
    const seen = new Set<string>();
    for (const [key, value] of source) {
      if (seen.has(key)) throw invalidParamType(key);
      seen.add(key);
      params.set(key, value);
    }
  }
  return params;
}

/** Text parameters, stored as written; an empty value clears the field. */
const TEXT_FIELDS = [
  'reference2',
  'barcode',
  'billingCountry',
  'billingCity',
  'billingPostalCode',
  'billingAddress',
  'country',
  'city',
  'postalCode',
  'address',
  'email',
  'phone',
  'mobile',
  'fax',
  'comment',
  'website',
  'taxNumber',
  'companyRegistrationNumber',
  'customerRisk',
  'customerRiskColor',
  'onHoldReason',
] as const satisfies readonly (keyof Customer)[];

const BOOLEAN_FIELDS = [
  'isActive',
  'billWithParent',
  'isSameAddress',
  'onHold',
] as const satisfies readonly (keyof Customer)[];

const DECIMAL_FIELDS = [
  'billingLat',
  'billingLng',
  'latitude',
  'longitude',
  'creditLimit',
] as const satisfies readonly (keyof Customer)[];

/** The longest text a column takes (GORM's default varchar); a longer one fails the save. */
const MAX_TEXT = 255;

/** What a write asks for, checked against the tenant and ready to store. */
export type CustomerChanges = Partial<Omit<Customer, 'id' | 'dateCreated' | 'lastUpdated' | 'logo'>>;

/** How a write addresses its customer. */
export type WriteKind =
  | { kind: 'create' }
  | { kind: 'update'; current: Customer }
  /** The reference comes from the path; `current` is the customer holding it, if any. */
  | { kind: 'upsert'; reference: string; current: Customer | undefined };

/**
 * Reads and checks a customer write, in the vendor's order: required parameters, types, the
 * parameters that require others, column widths, links, reference uniqueness. Throws the first
 * failure as the vendor answers it; returns the fields to store otherwise. Reads the tenant only.
 */
export function customerChanges(data: ValomniaData, params: WriteParams, write: WriteKind): CustomerChanges {
  const current = write.kind === 'create' ? undefined : write.current;
  const changes: CustomerChanges = {};

  // 1. Required parameters.
  if (write.kind === 'upsert') {
    // The path's reference names the customer; an existing one keeps its reference as stored.
    if (!current) {
      if (write.reference.trim() === '') throw missingParam('reference');
      changes.reference = write.reference;
    }
  } else if (write.kind === 'create' || params.has('reference')) {
    changes.reference = required(params, 'reference');
  }
  if (!current || params.has('name')) changes.name = required(params, 'name');

  // 2. Types.
  for (const field of TEXT_FIELDS) {
    const value = params.get(field);
    if (value !== undefined) changes[field] = value === '' ? null : value;
  }
  for (const field of BOOLEAN_FIELDS) {
    const value = params.get(field);
    if (value !== undefined) changes[field] = booleanParam(field, value);
  }
  for (const field of DECIMAL_FIELDS) {
    const value = params.get(field);
    if (value !== undefined) changes[field] = decimalParam(field, value);
  }
  const dueNumber = params.get('dueDateConfigNumber');
  if (dueNumber !== undefined) changes.dueDateConfigNumber = integerParam('dueDateConfigNumber', dueNumber);
  const dueType = params.get('dueDateConfigType');
  if (dueType !== undefined) changes.dueDateConfigType = dueDateTypeParam(dueType);
  const useExternalId = params.has('useExternalId') && booleanParam('useExternalId', params.get('useExternalId') ?? '');
  const isSubCustomer = params.has('isSubCustomer')
    ? booleanParam('isSubCustomer', params.get('isSubCustomer') ?? '')
    : undefined;
  const category = linkParam(params, 'categoryId', useExternalId);
  const segmentation = linkParam(params, 'customerSegmentationId', useExternalId);
  const user = linkParam(params, 'userId', useExternalId);
  const parent = linkParam(params, 'parentCustomer', useExternalId);
  const region = linkParam(params, 'regionId', false);
  const paymentTypes = params.has('paymentTypes')
    ? paymentTypesParam(params.get('paymentTypes') ?? '', useExternalId)
    : undefined;

  // 3. Parameters that require others, judged on the customer as it would be after the write.
  const dueTypeAfter = changes.dueDateConfigType !== undefined ? changes.dueDateConfigType : current?.dueDateConfigType;
  const dueNumberAfter =
    changes.dueDateConfigNumber !== undefined ? changes.dueDateConfigNumber : current?.dueDateConfigNumber;
  if (dueType !== undefined && dueTypeAfter != null && dueNumberAfter == null) {
    throw missingParam('dueDateConfigNumber');
  }
  // parentCustomer alone makes a sub-customer; isSubCustomer=false takes the parent away.
  const subAfter = isSubCustomer ?? (parent !== undefined ? parent !== null : (current?.isSubCustomer ?? false));
  if (subAfter && parent === null) throw missingParam('parentCustomer');
  if (subAfter && parent === undefined && !current?.parentId) throw missingParam('parentCustomer');

  // 4. Column widths.
  for (const value of Object.values(changes)) {
    if (typeof value === 'string' && value.length > MAX_TEXT) throw saveFailed();
  }
  for (const link of [category, segmentation, user, parent]) {
    if (typeof link === 'string' && link.length > MAX_TEXT) throw saveFailed();
  }

  // 5. Links.
  if (category !== undefined) {
    changes.categoryId =
      category === null ? rootCategoryId(data) : resolve(data, 'customerCategories', category, 'customer category');
  } else if (!current) {
    changes.categoryId = rootCategoryId(data);
  }
  if (segmentation !== undefined) {
    changes.segmentationId =
      segmentation === null ? null : resolve(data, 'customerSegmentations', segmentation, 'customer segmentation');
  }
  if (user !== undefined) {
    changes.createdById = user === null ? null : resolve(data, 'users', user, 'user');
  } else if (!current) {
    // The session's user creates the customer: the account's owner, user 1.
    changes.createdById = byId(data, 'users', 1) ? 1 : null;
  }
  if (region !== undefined) changes.regionId = region === null ? null : resolve(data, 'regions', region, 'region');
  if (paymentTypes !== undefined) {
    changes.paymentTypeIds = [...new Set(paymentTypes.map((id) => resolve(data, 'paymentTypes', id, 'payment type')))];
  }
  if (!subAfter) {
    changes.isSubCustomer = false;
    changes.parentId = null;
  } else if (parent !== undefined && parent !== null) {
    changes.isSubCustomer = true;
    changes.parentId = resolveParent(data, parent, current?.id);
  } else {
    changes.isSubCustomer = true;
  }
  const currency = params.get('currency');
  if (currency !== undefined && currency !== '') changes.currency = configuredCurrency(data, currency);
  else if (!current) changes.currency = data.organization.currency;

  // 6. Reference uniqueness, regardless of case.
  if (changes.reference !== undefined) {
    const holder = byReferenceOf(data, 'customers', changes.reference);
    if (holder && holder.id !== current?.id) throw referenceTaken();
  }
  return changes;
}

function required(params: WriteParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value.trim() === '') throw missingParam(name);
  return value;
}

function booleanParam(name: string, text: string): boolean {
  const value = readBoolean(text);
  if (value === null) throw invalidParamType(name);
  return value;
}

function decimalParam(name: string, text: string): number | null {
  if (text.trim() === '') return null;
  const value = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw invalidParamType(name);
  return value;
}

function integerParam(name: string, text: string): number | null {
  if (text.trim() === '') return null;
  if (!/^\s*[+-]?\d{1,15}\s*$/.test(text)) throw invalidParamType(name);
  return Number(text);
}

function dueDateTypeParam(text: string): DueDateConfigType | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed !== '1' && trimmed !== '2') throw invalidParamType('dueDateConfigType');
  return Number(trimmed) as DueDateConfigType;
}

/**
 * A link's parameter: undefined when absent, null when sent empty (clears it), else the id (a
 * number) or, with useExternalId, the reference (a string).
 */
function linkParam(params: WriteParams, name: string, external: boolean): number | string | null | undefined {
  const text = params.get(name);
  if (text === undefined) return undefined;
  if (text.trim() === '') return null;
  if (external) return text;
  const id = integerParam(name, text);
  if (id === null) return null;
  return id;
}

// The documented form is `[{"id"=7},{"id"=8}]` (Groovy's map syntax); JSON's ":" is taken too.
const PAYMENT_TYPES =
  /^\[\s*(?:\{\s*"id"\s*[=:]\s*(?:"[^"]*"|[^,{}\s]+)\s*\}\s*(?:,\s*\{\s*"id"\s*[=:]\s*(?:"[^"]*"|[^,{}\s]+)\s*\}\s*)*)?\]$/;
const PAYMENT_TYPE_ENTRY = /\{\s*"id"\s*[=:]\s*("[^"]*"|[^,{}\s]+)\s*\}/g;

function paymentTypesParam(text: string, external: boolean): (number | string)[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (!PAYMENT_TYPES.test(trimmed)) throw invalidParamType('paymentTypes');
  return [...trimmed.matchAll(PAYMENT_TYPE_ENTRY)].map((match) => {
    const raw = match[1] ?? '';
    const value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    if (external) return value;
    if (!/^\d{1,15}$/.test(value)) throw invalidParamType('payment type id');
    return Number(value);
  });
}

/** The id of a linked record given by id or (useExternalId) reference; 404 when there is none. */
function resolve(data: ValomniaData, collection: CollectionName, link: number | string, words: string): number {
  const record = typeof link === 'number' ? byId(data, collection, link) : byReferenceOf(data, collection, link);
  if (!record) throw notFound(words, link);
  return record.id;
}

function rootCategoryId(data: ValomniaData): number | null {
  return data.customerCategories.find((category) => category.isRoot)?.id ?? null;
}

/**
 * The parent's id. A customer cannot be its own parent, nor the parent of one of its own
 * ancestors (that would make it a sub-customer of itself, one level up).
 */
function resolveParent(data: ValomniaData, link: number | string, selfId: number | undefined): number {
  const parent = typeof link === 'number' ? byId(data, 'customers', link) : byReferenceOf(data, 'customers', link);
  if (!parent) throw notFound('parent customer', link);
  if (selfId === undefined) return parent.id;
  const index = indexFor(data, 'customers');
  const seen = new Set<number>();
  for (let at: Customer | undefined = parent; at; at = at.parentId === null ? undefined : index.get(at.parentId)) {
    if (at.id === selfId) throw selfParent();
    if (seen.has(at.id)) break;
    seen.add(at.id);
  }
  return parent.id;
}

// Every ISO 4217 code the runtime knows (ICU's list, current and historic codes).
let isoCodes: Set<string> | undefined;

/** A currency code the organization has configured, upper-cased; 404 otherwise. */
function configuredCurrency(data: ValomniaData, code: string): string {
  const upper = code.trim().toUpperCase();
  isoCodes ??= new Set(Intl.supportedValuesOf('currency'));
  if (!isoCodes.has(upper)) throw currencyUnknown(code);
  if (!data.organization.currencies.includes(upper)) throw currencyNotConfigured(code);
  return upper;
}
