import { describe, expect, it } from 'vitest';
import { REFERENCE_DATE } from '../../seeds/reference.js';
import { seedValomnia } from '../../seeds/valomnia.js';
import type { SeedSpec } from '../../src/core/store.js';
import { prepareImage } from '../../src/vendors/valomnia/images.js';
import type { Customer, ValomniaData, ValomniaRecord } from '../../src/vendors/valomnia/model.js';

/**
 * Valomnia's seeded datasets: the vendor's own samples (docs), their linked records without
 * customers (empty), and a deterministic demo whose every link resolves.
 */

const DEMO: SeedSpec = { dataset: 'demo', seed: 7, records: 200 };
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const DOCS_ORGANIZATION = {
  name: 'entity1',
  uploadDirectory: 'entity1-1450169988465',
  sharedName: true,
  currency: 'EUR',
  currencies: ['EUR', 'USD', 'TND'],
  account: {
    firstName: 'Jane',
    lastName: 'Doe',
    avatar: '1455115600210_1448038178_supportfemale.png',
    companyDescription: null,
    companyPhone: null,
    companyFax: null,
    companyEmail: 'foobar@example.com',
    companyWebSite: null,
    companyAddress: null,
    companyPostalCode: null,
    companyCity: 'Sousse',
    companyCountry: 'TN',
  },
};

// Customer 256 as the show sample prints it, in stored form.
const CUSTOMER_256: Customer = {
  id: 256,
  dateCreated: '2015-12-17T23:00:00Z',
  lastUpdated: '2016-08-16T09:02:13Z',
  reference: 'NC-3',
  reference2: null,
  name: "Marie's Jewelry",
  categoryId: 2,
  isSubCustomer: false,
  parentId: null,
  billWithParent: true,
  segmentationId: 1,
  email: null,
  logo: '1471338230737_logo_color_272x92dp.png',
  phone: null,
  mobile: null,
  fax: null,
  comment: null,
  barcode: null,
  isSameAddress: true,
  billingCountry: 'FR',
  billingCity: 'Nice',
  billingPostalCode: null,
  billingAddress: null,
  billingLat: null,
  billingLng: null,
  country: null,
  city: null,
  postalCode: null,
  address: null,
  latitude: null,
  longitude: null,
  creditLimit: 5000,
  isActive: true,
  onHold: false,
  onHoldReason: null,
  createdById: 2,
  dueDateConfigNumber: 7,
  dueDateConfigType: 1,
  paymentTypeIds: [7, 8],
  website: null,
  taxNumber: null,
  companyRegistrationNumber: null,
  currency: 'EUR',
  customerRisk: null,
  customerRiskColor: null,
  regionId: null,
};

type Collection = 'customerCategories' | 'customerSegmentations' | 'paymentTypes' | 'regions' | 'users' | 'employees';
const LINKED: Collection[] = [
  'customerCategories',
  'customerSegmentations',
  'paymentTypes',
  'regions',
  'users',
  'employees',
];
const ALL: (Collection | 'customers')[] = ['customers', ...LINKED];

function ids(records: readonly { id: number }[]): number[] {
  return records.map((record) => record.id);
}

/** The width and height a PNG's IHDR chunk declares, after checking the signature. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const buffer = Buffer.from(bytes);
  expect(buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(buffer.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

describe('the docs dataset', () => {
  it("is exactly the vendor's samples", async () => {
    const data = await seedValomnia({ dataset: 'docs', seed: 1, records: 50 });
    expect(data.organization).toEqual(DOCS_ORGANIZATION);
    expect(data.customers).toEqual([CUSTOMER_256]);
    expect(data.next).toEqual({ customerId: 257 });
    expect(data.customerCategories).toMatchObject([
      { id: 1, reference: 'root', name: 'Root', isRoot: true, parentId: null },
      {
        id: 2,
        reference: 'jewelry',
        name: 'Jewelry and accessories',
        isRoot: false,
        parentId: 1,
        description: null,
        image: null,
      },
    ]);
    expect(data.customerSegmentations).toMatchObject([
      { id: 1, reference: 'seg_a', name: 'Segmentation A', description: null },
    ]);
    expect(data.paymentTypes).toMatchObject([
      { id: 7, reference: 'cash', name: 'cash', isActive: true },
      { id: 8, reference: 'cheque', name: 'cheque', isActive: true },
    ]);
    expect(data.regions).toMatchObject([
      { id: 1, name: 'United States', parentId: null, position: null },
      { id: 2, name: 'California', parentId: 1, position: 1 },
      { id: 3, name: 'New York', parentId: 1, position: 2 },
    ]);
    expect(data.users).toMatchObject([
      {
        id: 1,
        email: 'foobar@example.com',
        firstName: 'John',
        lastName: 'Doe',
        reference: 'emp05',
        employeeId: 5,
        enabled: true,
        dateCreated: '2015-12-15T08:55:36Z',
        lastUpdated: '2016-07-22T09:20:29Z',
      },
      { id: 2, reference: 'emp-002', employeeId: 2, enabled: true },
    ]);
    expect(data.employees).toEqual([
      expect.objectContaining({ id: 2, reference: 'emp-002', managerId: 3 }),
      expect.objectContaining({ id: 3, reference: 'emp-00', managerId: null }),
      expect.objectContaining({ id: 5, reference: 'emp05', managerId: 3 }),
      {
        id: 22,
        reference: 'emp22',
        firstName: 'Jane',
        lastName: 'Doe',
        mobile: '001-555-555-1212',
        enabled: true,
        managerId: 3,
        avatar: null,
        dateCreated: '2016-08-17T13:45:17Z',
        lastUpdated: '2016-08-17T13:45:17Z',
      },
    ]);
  });

  it('dates every linked record before the customer that links it', async () => {
    const data = await seedValomnia({ dataset: 'docs', seed: 1, records: 50 });
    const linked: (ValomniaRecord | undefined)[] = [
      data.customerCategories.find((category) => category.id === 2),
      data.customerSegmentations[0],
      ...data.paymentTypes,
      data.users.find((user) => user.id === 2),
    ];
    for (const record of linked) expect((record?.dateCreated ?? '9') < CUSTOMER_256.dateCreated).toBe(true);
  });

  it("holds customer 256's logo: a real 272×92 PNG with its two resized variants", async () => {
    const data = await seedValomnia({ dataset: 'docs', seed: 1, records: 50 });
    expect(data.images).toHaveLength(1);
    const [logo] = data.images;
    expect(logo).toMatchObject({
      fileName: '1471338230737_logo_color_272x92dp.png',
      folder: 'photoCustomer',
      contentType: 'image/png',
    });
    if (!logo) throw new Error('no logo');
    expect(pngSize(logo.original)).toEqual({ width: 272, height: 92 });
    const small = pngSize(logo.small);
    expect(small.width).toBe(100);
    expect(small.height).toBeLessThanOrEqual(100);
    // 300×300 holds the original, which is never enlarged.
    expect(pngSize(logo.medium)).toEqual({ width: 272, height: 92 });
    // The seeds draw these without the image library; the library must read them as it reads an
    // upload (it checks every chunk's CRC and the pixel data), and see what it would have made.
    for (const [bytes, width, height] of [
      [logo.original, 272, 92],
      [logo.small, 100, 34],
    ] as const) {
      await expect(prepareImage(Buffer.from(bytes))).resolves.toMatchObject({ format: 'png', width, height });
    }
    const remade = await prepareImage(Buffer.from(logo.original));
    expect(pngSize(remade.small)).toEqual(pngSize(logo.small));
  });
});

describe('the empty dataset', () => {
  it('has the docs organization and linked records, but no customers and no images', async () => {
    const empty = await seedValomnia({ dataset: 'empty', seed: 1, records: 50 });
    const docs = await seedValomnia({ dataset: 'docs', seed: 1, records: 50 });
    expect(empty).toEqual({
      ...docs,
      organization: { ...docs.organization, sharedName: false },
      customers: [],
      images: [],
      next: { customerId: 1 },
    });
  });
});

describe('the demo dataset', () => {
  it('is the same data for the same seed and other customers for another seed', async () => {
    const first = await seedValomnia(DEMO);
    expect(await seedValomnia(DEMO)).toEqual(first);
    const other = await seedValomnia({ ...DEMO, seed: DEMO.seed + 1 });
    expect(other.customers.slice(1)).not.toEqual(first.customers.slice(1));
  });

  it('holds the docs records, then the generated ones after them', async () => {
    const docs = await seedValomnia({ dataset: 'docs', seed: 1, records: 50 });
    const demo = await seedValomnia(DEMO);
    expect(demo.organization).toEqual({ ...DOCS_ORGANIZATION, sharedName: false });
    expect(demo.images).toEqual(docs.images);
    for (const collection of ALL) {
      expect(demo[collection].slice(0, docs[collection].length), collection).toEqual(docs[collection]);
      expect(demo[collection].length, collection).toBeGreaterThan(docs[collection].length);
    }
    expect(ids(demo.customers)).toEqual(Array.from({ length: 201 }, (_, index) => 256 + index));
    expect(demo.next).toEqual({ customerId: 457 });
    expect(demo.customers.slice(1).every((customer) => customer.logo === null)).toBe(true);
  });

  it('keeps every collection ordered by id, ids unique, references unique regardless of case', async () => {
    const demo = await seedValomnia(DEMO);
    for (const collection of ALL) {
      const seen = ids(demo[collection]);
      expect(seen, collection).toEqual([...new Set(seen)].sort((a, b) => a - b));
      if (collection === 'regions') continue;
      const references = demo[collection].map((record) =>
        'reference' in record ? record.reference.toLowerCase() : '',
      );
      expect(new Set(references).size, collection).toBe(references.length);
    }
  });

  it('links only records that exist', async () => {
    const demo = await seedValomnia(DEMO);
    const exists = (collection: Collection | 'customers') => new Set(ids(demo[collection]));
    const categories = exists('customerCategories');
    const segmentations = exists('customerSegmentations');
    const users = exists('users');
    const regions = exists('regions');
    const paymentTypes = exists('paymentTypes');
    const customers = exists('customers');
    const employees = exists('employees');
    for (const customer of demo.customers) {
      expect(categories.has(customer.categoryId ?? -1), `categoryId of ${customer.id}`).toBe(true);
      if (customer.segmentationId !== null) expect(segmentations.has(customer.segmentationId)).toBe(true);
      expect(users.has(customer.createdById ?? -1), `createdById of ${customer.id}`).toBe(true);
      if (customer.regionId !== null) expect(regions.has(customer.regionId)).toBe(true);
      for (const id of customer.paymentTypeIds) expect(paymentTypes.has(id)).toBe(true);
      if (customer.parentId !== null) expect(customers.has(customer.parentId)).toBe(true);
    }
    for (const category of demo.customerCategories) {
      if (category.parentId !== null) expect(categories.has(category.parentId)).toBe(true);
      expect(category.isRoot).toBe(category.parentId === null);
    }
    for (const region of demo.regions) if (region.parentId !== null) expect(regions.has(region.parentId)).toBe(true);
    for (const employee of demo.employees) {
      if (employee.managerId !== null) expect(employees.has(employee.managerId)).toBe(true);
    }
    for (const user of demo.users) expect(employees.has(user.employeeId ?? -1), `employeeId of ${user.id}`).toBe(true);
  });

  it('has inactive customers and sub-customers, whose parent chains end without a cycle', async () => {
    const demo = await seedValomnia(DEMO);
    const byId = new Map(demo.customers.map((customer) => [customer.id, customer]));
    const subCustomers = demo.customers.filter((customer) => customer.isSubCustomer);
    expect(subCustomers.length).toBeGreaterThan(0);
    expect(demo.customers.filter((customer) => !customer.isActive).length).toBeGreaterThan(0);
    for (const customer of demo.customers) {
      expect(customer.isSubCustomer).toBe(customer.parentId !== null);
      expect(customer.parentId).not.toBe(customer.id);
      const chain = new Set([customer.id]);
      for (let parent = customer.parentId; parent !== null; parent = byId.get(parent)?.parentId ?? null) {
        expect(chain.has(parent), `cycle through ${customer.id}`).toBe(false);
        chain.add(parent);
      }
    }
  });

  it('dates customers over the year before the reference date, created in id order, updated after', async () => {
    const demo = await seedValomnia(DEMO);
    const generated = demo.customers.slice(1);
    const yearBefore = REFERENCE_DATE.getTime() - 365 * 24 * 3600 * 1000;
    const created = generated.map((customer) => customer.dateCreated);
    expect(created).toEqual([...created].sort());
    for (const customer of generated) {
      expect(Date.parse(customer.dateCreated)).toBeGreaterThanOrEqual(yearBefore - 1000);
      expect(customer.lastUpdated >= customer.dateCreated).toBe(true);
      expect(Date.parse(customer.lastUpdated)).toBeLessThanOrEqual(REFERENCE_DATE.getTime());
    }
    expect(generated.some((customer) => customer.lastUpdated > customer.dateCreated)).toBe(true);
  });

  it('fills every field of every record, with the types and values the vendor code expects', async () => {
    const demo = await seedValomnia(DEMO);
    const customerFields = Object.keys(CUSTOMER_256).sort();
    for (const customer of demo.customers) {
      expect(Object.keys(customer).sort()).toEqual(customerFields);
      expect(demo.organization.currencies).toContain(customer.currency);
      expect(customer.dueDateConfigNumber === null).toBe(customer.dueDateConfigType === null);
      if (customer.dueDateConfigType !== null) expect([1, 2]).toContain(customer.dueDateConfigType);
      expect(customer.isSameAddress).toBe(customer.country === null);
      if (customer.onHold) expect(customer.onHoldReason).not.toBeNull();
    }
    const records = ALL.flatMap((collection): ValomniaRecord[] => demo[collection]);
    for (const record of records) {
      expect(Object.values(record)).not.toContain(undefined);
      expect(record.dateCreated).toMatch(ISO_SECONDS);
      expect(record.lastUpdated).toMatch(ISO_SECONDS);
      expect(record.lastUpdated >= record.dateCreated).toBe(true);
    }
    const countries = new Set(demo.customers.map((customer) => customer.billingCountry));
    expect([...countries].sort()).toEqual(['FR', 'TN', 'US']);
    expect(demo.customers.some((customer) => customer.regionId !== null)).toBe(true);
    expect(demo.customers.some((customer) => customer.segmentationId === null)).toBe(true);
    expect(demo.customers.some((customer) => customer.paymentTypeIds.length > 1)).toBe(true);
  });

  it('survives a structured clone, as a template the seed worker posts must', async () => {
    const demo: ValomniaData = await seedValomnia({ ...DEMO, records: 20 });
    const cloned = structuredClone(demo);
    expect(cloned.customers).toEqual(demo.customers);
    expect(Buffer.from(cloned.images[0]?.original ?? []).equals(demo.images[0]?.original ?? Buffer.alloc(1))).toBe(
      true,
    );
  });
});
