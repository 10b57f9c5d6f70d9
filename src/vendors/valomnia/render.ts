import { byId } from './indexes.js';
import { imageUrl, ORGANIZATION_FIELD, type Piece, piecesOf } from './json-pieces.js';
import type {
  Customer,
  CustomerCategory,
  CustomerSegmentation,
  DueDateConfigType,
  Employee,
  PaymentType,
  Region,
  User,
  ValomniaData,
} from './model.js';

/** The prefix of every href the sandbox renders (the vendor's samples use it). */
export const API_BASE = '/api/v1.0';

/** The folder customer images are kept in under the organization's upload directory. */
export const CUSTOMER_IMAGES = 'photoCustomer';

/** How `dueDateConfigType` reads back. */
export const DUE_DATE_CONFIG_TYPES: Readonly<Record<DueDateConfigType, string>> = {
  1: 'daysAfterInvoiceDate',
  2: 'daysAfterEndOfMonth',
};

function href(path: string, id: number): string {
  return `${API_BASE}/${path}/${id}`;
}

// Every rendering below is kept per record (renderOnce): a record is replaced, never edited, when
// it changes. A customer's rendering also shows its linked records; those are read-only today, and
// a change of a parent customer's reference or name replaces its sub-customers (see repository),
// so no kept rendering shows a stale link. Writes to linked resources must do the same.

/** A customer in the documented field order; `region` last (the organization has geolocation on). */
export function customerPieces(customer: Customer, data: ValomniaData): Piece[] {
  const category = customer.categoryId === null ? undefined : byId(data, 'customerCategories', customer.categoryId);
  const segmentation =
    customer.segmentationId === null ? undefined : byId(data, 'customerSegmentations', customer.segmentationId);
  const parent = customer.parentId === null ? undefined : byId(data, 'customers', customer.parentId);
  const user = customer.createdById === null ? undefined : byId(data, 'users', customer.createdById);
  const region = customer.regionId === null ? undefined : byId(data, 'regions', customer.regionId);
  const paymentTypes = customer.paymentTypeIds
    .map((id) => byId(data, 'paymentTypes', id))
    .filter((type): type is PaymentType => type !== undefined);
  return piecesOf({
    id: customer.id,
    reference: customer.reference,
    reference2: customer.reference2,
    name: customer.name,
    categoryReference: category?.reference ?? null,
    customerCategory: category ? linkOf(category, 'customerCategories') : null,
    isSubCustomer: customer.isSubCustomer,
    parentCustomer: parent ? linkOf(parent, 'customers') : null,
    billWithParent: customer.billWithParent,
    customerSegmentationReference: segmentation?.reference ?? null,
    customerSegmentation: segmentation ? linkOf(segmentation, 'customerSegmentations') : null,
    pocTenus: null,
    email: customer.email,
    logo: customer.logo === null ? null : imageUrl(CUSTOMER_IMAGES, customer.logo),
    phone: customer.phone,
    mobile: customer.mobile,
    fax: customer.fax,
    comment: customer.comment,
    barcode: customer.barcode,
    isSameAddress: customer.isSameAddress,
    billingCountry: customer.billingCountry,
    billingCity: customer.billingCity,
    billingPostalCode: customer.billingPostalCode,
    billingAddress: customer.billingAddress,
    billingLat: customer.billingLat,
    billingLng: customer.billingLng,
    country: customer.country,
    city: customer.city,
    postalCode: customer.postalCode,
    address: customer.address,
    latitude: customer.latitude,
    longitude: customer.longitude,
    // Accounting figures the API neither takes nor computes: always null, as in every sample.
    isCredit: null,
    creditLimit: customer.creditLimit,
    balance: null,
    maxChequePeriod: null,
    maxChequeValue: null,
    appliedCashBackOutput: null,
    returnDiscount: null,
    invoicesPerRoute: null,
    isActive: customer.isActive,
    onHold: customer.onHold,
    onHoldReason: customer.onHoldReason,
    paymentTerm: null,
    // The vendor names this link's id `userId`, not `id`.
    createdBy: user ? { userId: user.id, reference: user.reference, href: href('users', user.id) } : null,
    dueDateConfigNumber: customer.dueDateConfigNumber,
    dueDateConfigType: customer.dueDateConfigType === null ? null : DUE_DATE_CONFIG_TYPES[customer.dueDateConfigType],
    paymentTypes: paymentTypes.map((type) => linkOf(type, 'paymentTypes')),
    website: customer.website,
    taxNumber: customer.taxNumber,
    companyRegistrationNumber: customer.companyRegistrationNumber,
    contacts: [],
    currency: customer.currency,
    customerRisk: customer.customerRisk,
    customerRiskColor: customer.customerRiskColor,
    organization: ORGANIZATION_FIELD,
    dateCreated: customer.dateCreated,
    lastUpdated: customer.lastUpdated,
    // A region link has no reference: regions have none.
    region: region ? { id: region.id, name: region.name, href: href('regions', region.id) } : null,
  });
}

function linkOf(record: { id: number; reference: string; name: string }, path: string) {
  return { id: record.id, reference: record.reference, name: record.name, href: href(path, record.id) };
}

export function categoryPieces(category: CustomerCategory, data: ValomniaData): Piece[] {
  const parent = category.parentId === null ? undefined : byId(data, 'customerCategories', category.parentId);
  return piecesOf({
    id: category.id,
    name: category.name,
    isRoot: category.isRoot,
    parentId: category.parentId,
    parentCategory: parent ? linkOf(parent, 'customerCategories') : null,
    reference: category.reference,
    description: category.description,
    image: category.image === null ? null : imageUrl('photoCustomerCategory', category.image),
    organization: ORGANIZATION_FIELD,
    dateCreated: category.dateCreated,
    lastUpdated: category.lastUpdated,
  });
}

export function segmentationPieces(segmentation: CustomerSegmentation): Piece[] {
  return piecesOf({
    id: segmentation.id,
    name: segmentation.name,
    reference: segmentation.reference,
    organization: ORGANIZATION_FIELD,
    description: segmentation.description,
    dateCreated: segmentation.dateCreated,
    lastUpdated: segmentation.lastUpdated,
  });
}

export function paymentTypePieces(type: PaymentType): Piece[] {
  return piecesOf({
    id: type.id,
    name: type.name,
    reference: type.reference,
    isActive: type.isActive,
    organization: ORGANIZATION_FIELD,
    dateCreated: type.dateCreated,
    lastUpdated: type.lastUpdated,
  });
}

/** Regions show no reference and no organization. */
export function regionPieces(region: Region): Piece[] {
  return piecesOf({
    id: region.id,
    name: region.name,
    parentId: region.parentId,
    position: region.position,
    dateCreated: region.dateCreated,
    lastUpdated: region.lastUpdated,
  });
}

export function userPieces(user: User): Piece[] {
  return piecesOf({
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    reference: user.reference,
    employee: user.employeeId === null ? null : { id: user.employeeId, href: href('employees', user.employeeId) },
    enabled: user.enabled,
    organization: ORGANIZATION_FIELD,
    dateCreated: user.dateCreated,
    lastUpdated: user.lastUpdated,
  });
}

/** Employee groups are not served, so an employee shows none (no href that would not resolve). */
export function employeePieces(employee: Employee, data: ValomniaData): Piece[] {
  const manager = employee.managerId === null ? undefined : byId(data, 'employees', employee.managerId);
  return piecesOf({
    id: employee.id,
    reference: employee.reference,
    firstName: employee.firstName,
    lastName: employee.lastName,
    mobile: employee.mobile,
    enabled: employee.enabled,
    managerReference: manager?.reference ?? null,
    employeeGroupReference: null,
    manager: manager ? { id: manager.id, reference: manager.reference, href: href('employees', manager.id) } : null,
    employeeGroup: null,
    avatar: employee.avatar === null ? null : imageUrl('avatar', employee.avatar),
    organization: ORGANIZATION_FIELD,
    dateCreated: employee.dateCreated,
    lastUpdated: employee.lastUpdated,
  });
}
