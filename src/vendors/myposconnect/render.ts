import { CUSTOM_FIELDS, type Customer } from './model.js';
import { wireTime } from './wire-time.js';

/** The full customer, in the order of the vendor's customer object. */
export function customerJson(customer: Customer): Record<string, unknown> {
  const json: Record<string, unknown> = {
    customerId: customer.customerId,
    customerCode: customer.customerCode,
    customerName: customer.customerName,
    firstName: customer.firstName,
    lastName: customer.lastName,
    address: customer.address,
    city: customer.city,
    region: customer.region,
    postalCode: customer.postalCode,
    country: customer.country,
    phoneNumber: customer.phoneNumber,
    faxNumber: customer.faxNumber,
    emailAddress: customer.emailAddress,
    webSite: customer.webSite,
    creditLimit: customer.creditLimit,
    notes: customer.notes,
    active: customer.active,
    customerType: customer.customerType,
    rewardsCollector: customer.rewardsCollector,
    rewardsNumber: customer.rewardsNumber,
    rewardsValue: customer.rewardsValue,
    allowMailing: customer.allowMailing,
    allowDataShare: customer.allowDataShare,
    discountPercent: customer.discountPercent,
    priceBand: customer.priceBand,
    balance: customer.balance,
    firstSaledate: wireTime(customer.firstSaledate),
    lastSaledate: wireTime(customer.lastSaledate),
    bankSortCode: customer.bankSortCode,
    bankAccount: customer.bankAccount,
    bankAccountName: customer.bankAccountName,
    correspondenceEmail: customer.correspondenceEmail,
    correspondencePaper: customer.correspondencePaper,
  };
  for (const field of CUSTOM_FIELDS) json[field] = customer[field];
  json.creationDateUTC = wireTime(customer.creationDateUTC);
  json.lastEditDateUTC = wireTime(customer.lastEditDateUTC);
  json.lastEditUser = customer.lastEditUser;
  json.creationUser = customer.creationUser;
  json.lastEditDevice = customer.lastEditDevice;
  json.creationDevice = customer.creationDevice;
  return json;
}

/** The list's restricted flat view, in its order (customSortRowNumber and liTotalCount follow). */
export const FLAT_FIELDS = [
  'customerId',
  'customerCode',
  'customerName',
  'firstName',
  'lastName',
  'emailAddress',
  'phoneNumber',
  'city',
  'region',
  'postalCode',
  'country',
  'customerType',
  'active',
  'creationDateUTC',
  'lastEditDateUTC',
] as const satisfies readonly (keyof Customer)[];
export type FlatField = (typeof FLAT_FIELDS)[number];

/** A flat field's value as the list shows it. */
export function flatValue(customer: Customer, field: FlatField): string | boolean | null {
  if (field === 'creationDateUTC' || field === 'lastEditDateUTC') return wireTime(customer[field]);
  return customer[field];
}
