import { describe, expect, it } from 'vitest';
import { seedMyposConnect } from '../../seeds/myposconnect.js';
import { REFERENCE_DATE } from '../../seeds/reference.js';
import type { SeedSpec } from '../../src/core/store.js';
import { CUSTOM_FIELDS, type Customer, type MyposData } from '../../src/vendors/myposconnect/model.js';

/**
 * MYPOS Connect's seeded datasets: the vendor's sample customer and five more for the docs'
 * example calls (docs), nothing (empty), and those plus a deterministic generated store (demo).
 */

const DOCS: SeedSpec = { dataset: 'docs', seed: 1, records: 50 };
const DEMO: SeedSpec = { dataset: 'demo', seed: 7, records: 200 };
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DOCS_GUID = 'ef1b97c9-4c4e-4f76-9bf5-ce909e7539c0';

// The vendor's sample customer: the values its sample shows, the rest as the sandbox made them up.
const CUSTOMER_1000070: Customer = {
  id: 1000070,
  customerId: DOCS_GUID,
  customerCode: '1000070',
  customerName: 'Sarah Mitchell',
  firstName: 'Sarah',
  lastName: 'Mitchell',
  address: '312 Queen Street South',
  city: 'Kitchener',
  region: 'Ontario',
  postalCode: 'N2G 1W4',
  country: 'Canada',
  phoneNumber: '519-555-0125',
  faxNumber: null,
  emailAddress: 'sarah.mitchell@gmail.com',
  webSite: null,
  creditLimit: 0,
  notes: null,
  active: true,
  customerType: 'Adult',
  rewardsCollector: true,
  rewardsNumber: '7000131907',
  rewardsValue: 65,
  allowMailing: true,
  allowDataShare: false,
  discountPercent: 0,
  priceBand: 1,
  balance: 0,
  firstSaledate: null,
  lastSaledate: null,
  bankSortCode: null,
  bankAccount: null,
  bankAccountName: null,
  correspondenceEmail: true,
  correspondencePaper: false,
  cC_001: null,
  cC_002: null,
  cC_003: null,
  cC_004: null,
  cC_005: null,
  cC_006: null,
  cC_007: null,
  cC_008: null,
  cC_009: null,
  cC_010: null,
  creationDateUTC: '2020-07-28T12:31:47.417Z',
  lastEditDateUTC: '2020-08-21T12:47:18.177Z',
  lastEditUser: 'API',
  creationUser: 'admin@maplecrest.example',
  lastEditDevice: 'Web',
  creationDevice: 'POS1',
};
const CUSTOMER_FIELDS = Object.keys(CUSTOMER_1000070).sort();

/** The rows the list example's filt_LastEditDateUTC_dt_min/_max (2020-oct-01 09:00 to 2022-dec-31 09:00) keep. */
function inListExampleWindow(data: MyposData): Customer[] {
  const min = Date.parse('2020-10-01T09:00:00Z');
  const max = Date.parse('2022-12-31T09:00:00Z');
  return data.customers.filter((customer) => {
    const edited = Date.parse(customer.lastEditDateUTC);
    return edited >= min && edited <= max;
  });
}

/** What every dataset must hold whatever its content: order, codes, GUIDs, dates, every field. */
function expectWellFormed(data: MyposData): void {
  const ids = data.customers.map((customer) => customer.id);
  expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  const guids = data.customers.map((customer) => customer.customerId);
  expect(new Set(guids.map((guid) => guid.toLowerCase())).size).toBe(guids.length);
  for (const customer of data.customers) {
    expect(Object.keys(customer).sort(), customer.customerCode).toEqual(CUSTOMER_FIELDS);
    expect(Object.values(customer)).not.toContain(undefined);
    expect(customer.customerCode).toMatch(/^[1-9]\d{6}$/);
    expect(customer.customerCode).toBe(String(customer.id));
    expect(customer.customerId).toMatch(GUID);
    expect(customer.creationDateUTC).toMatch(ISO_MS);
    expect(customer.lastEditDateUTC).toMatch(ISO_MS);
    expect(customer.lastEditDateUTC >= customer.creationDateUTC, customer.customerCode).toBe(true);
    expect(Date.parse(customer.lastEditDateUTC)).toBeLessThanOrEqual(REFERENCE_DATE.getTime());
    // Sales come after the customer was made, the last one no earlier than the first.
    expect(customer.firstSaledate === null).toBe(customer.lastSaledate === null);
    if (customer.firstSaledate !== null && customer.lastSaledate !== null) {
      expect(customer.firstSaledate).toMatch(ISO_MS);
      expect(customer.lastSaledate).toMatch(ISO_MS);
      expect(customer.firstSaledate >= customer.creationDateUTC).toBe(true);
      expect(customer.lastSaledate >= customer.firstSaledate).toBe(true);
      expect(Date.parse(customer.lastSaledate)).toBeLessThanOrEqual(REFERENCE_DATE.getTime());
    }
    expect(customer.customerName.length).toBeGreaterThan(0);
    expect(customer.balance).toBeLessThanOrEqual(Math.max(customer.creditLimit, 0));
    expect(Number.isInteger(customer.priceBand)).toBe(true);
    for (const text of [customer.lastEditUser, customer.creationUser, customer.lastEditDevice, customer.creationDevice])
      expect(text.length).toBeGreaterThan(0);
  }
  // Codes are handed out in creation order, and the next one follows the last.
  const created = data.customers.map((customer) => customer.creationDateUTC);
  expect(created).toEqual([...created].sort());
  expect(data.next.customerCode).toBe(Math.max(1_000_000, ...ids) + 1);
  expect(data.permissions).toEqual({ read: true, write: true, delete: true });
  expect(data.tokens).toEqual({ day: '', issued: 0 });
}

describe('the docs dataset', () => {
  it("holds the vendor's sample customer with the sample's values", async () => {
    const docs = await seedMyposConnect(DOCS);
    const sample = docs.customers.find((customer) => customer.customerCode === '1000070');
    expect(sample).toEqual(CUSTOMER_1000070);
  });

  it('is the sample and the first five codes of the sequence, the next code following the sample', async () => {
    const docs = await seedMyposConnect(DOCS);
    expect(docs.customers.map((customer) => customer.customerCode)).toEqual([
      '1000001',
      '1000002',
      '1000003',
      '1000004',
      '1000005',
      '1000070',
    ]);
    expect(docs.next).toEqual({ customerCode: 1000071 });
    expectWellFormed(docs);
    for (const customer of docs.customers) expect(customer.cC_001).toBeNull();
  });

  it('answers the list example with rows: some customers were last edited in its window, others outside it', async () => {
    const docs = await seedMyposConnect(DOCS);
    const rows = inListExampleWindow(docs);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBeLessThan(docs.customers.length);
    const edited = docs.customers.map((customer) => customer.lastEditDateUTC);
    expect(edited.some((at) => at > '2022-12-31T09:00:00.000Z')).toBe(true);
    expect(edited.some((at) => at < '2020-10-01T09:00:00.000Z')).toBe(true);
  });

  it("finds the get example's GUID, and no customer for its code 0001234 (not a code the system gives)", async () => {
    const docs = await seedMyposConnect(DOCS);
    expect(docs.customers.filter((customer) => customer.customerId === DOCS_GUID).map((c) => c.id)).toEqual([1000070]);
    expect(docs.customers.some((customer) => customer.customerCode === '0001234' || customer.id === 1234)).toBe(false);
  });

  it('has a customer with sales, an inactive one, a trade account with credit, and Canadian addresses', async () => {
    const docs = await seedMyposConnect(DOCS);
    expect(docs.customers.some((customer) => customer.lastSaledate !== null)).toBe(true);
    expect(docs.customers.some((customer) => !customer.active)).toBe(true);
    expect(docs.customers.some((customer) => customer.creditLimit > 0 && customer.balance > 0)).toBe(true);
    for (const customer of docs.customers) {
      expect(customer.country).toBe('Canada');
      expect(customer.postalCode).toMatch(/^[A-Z]\d[A-Z] \d[A-Z]\d$/);
    }
  });

  it('is a new copy each time: changing one tenant’s data leaves the next seeding alone', async () => {
    const first = await seedMyposConnect(DOCS);
    const changed = first.customers[0];
    if (!changed) throw new Error('the docs dataset has no customers');
    changed.active = false;
    first.permissions.read = false;
    first.next.customerCode = 5;
    const second = await seedMyposConnect(DOCS);
    expect(second.customers[0]?.active).toBe(true);
    expect(second.permissions.read).toBe(true);
    expect(second.next.customerCode).toBe(1000071);
  });
});

describe('the empty dataset', () => {
  it('has no customers and starts the sequence at 1000001', async () => {
    expect(await seedMyposConnect({ dataset: 'empty', seed: 1, records: 50 })).toEqual({
      customers: [],
      permissions: { read: true, write: true, delete: true },
      tokens: { day: '', issued: 0 },
      next: { customerCode: 1000001 },
    });
  });
});

describe('the demo dataset', () => {
  it('is the same data for the same seed and other customers for another seed', async () => {
    const first = await seedMyposConnect(DEMO);
    expect(await seedMyposConnect(DEMO)).toEqual(first);
    const other = await seedMyposConnect({ ...DEMO, seed: DEMO.seed + 1 });
    expect(other.customers.slice(6)).not.toEqual(first.customers.slice(6));
    expect(other.customers.slice(0, 6)).toEqual(first.customers.slice(0, 6));
  });

  it('holds the docs customers, then `records` generated ones continuing the sequence', async () => {
    const docs = await seedMyposConnect(DOCS);
    const demo = await seedMyposConnect(DEMO);
    expect(demo.customers.slice(0, docs.customers.length)).toEqual(docs.customers);
    const generated = demo.customers.slice(docs.customers.length);
    expect(generated.map((customer) => customer.id)).toEqual(Array.from({ length: 200 }, (_, i) => 1000071 + i));
    expect(demo.next).toEqual({ customerCode: 1000271 });
    expectWellFormed(demo);
  });

  it('still answers the documented examples', async () => {
    const demo = await seedMyposConnect(DEMO);
    expect(inListExampleWindow(demo).length).toBeGreaterThanOrEqual(2);
    expect(demo.customers.filter((customer) => customer.customerId === DOCS_GUID)).toHaveLength(1);
  });

  it('dates generated customers over the year before the reference date, some edited later', async () => {
    const demo = await seedMyposConnect(DEMO);
    const generated = demo.customers.slice(6);
    const yearBefore = REFERENCE_DATE.getTime() - 365 * 24 * 3600 * 1000;
    for (const customer of generated) {
      expect(Date.parse(customer.creationDateUTC)).toBeGreaterThanOrEqual(yearBefore);
      expect(Date.parse(customer.creationDateUTC)).toBeLessThanOrEqual(REFERENCE_DATE.getTime());
    }
    expect(generated.some((customer) => customer.lastEditDateUTC > customer.creationDateUTC)).toBe(true);
    expect(generated.some((customer) => customer.lastEditDateUTC === customer.creationDateUTC)).toBe(true);
  });

  it('has about one customer in five with sales and one in ten inactive', async () => {
    const generated = (await seedMyposConnect(DEMO)).customers.slice(6);
    const withSales = generated.filter((customer) => customer.lastSaledate !== null).length;
    const inactive = generated.filter((customer) => !customer.active);
    expect(withSales).toBeGreaterThanOrEqual(20);
    expect(withSales).toBeLessThanOrEqual(60);
    expect(inactive.length).toBeGreaterThanOrEqual(8);
    expect(inactive.length).toBeLessThanOrEqual(40);
    // Making a customer inactive is an edit.
    for (const customer of inactive) expect(customer.lastEditDateUTC > customer.creationDateUTC).toBe(true);
  });

  it('fills the fields the way a Canadian store would', async () => {
    const generated = (await seedMyposConnect(DEMO)).customers.slice(6);
    const types = new Set(generated.map((customer) => customer.customerType));
    expect([...types].sort()).toEqual(['Adult', 'Senior', 'Staff', 'Student', 'Trade']);
    for (const customer of generated) {
      if (customer.country !== null) {
        expect(customer.country).toBe('Canada');
        expect(customer.postalCode).toMatch(/^[ABCEGHJ-NPRSTVXY]\d[A-Z] \d[ABCEGHJ-NPRSTV-Z]\d$/);
        expect(customer.city).not.toBeNull();
        expect(customer.region).not.toBeNull();
      }
      if (customer.phoneNumber !== null) expect(customer.phoneNumber).toMatch(/^\d{3}-555-01\d{2}$/);
      if (customer.emailAddress !== null) expect(customer.emailAddress).toMatch(/^[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+$/);
      if (!customer.rewardsCollector) {
        expect(customer.rewardsNumber).toBeNull();
        expect(customer.rewardsValue).toBe(0);
      }
      if (customer.customerType !== 'Trade')
        expect(customer.customerName).toBe(`${customer.firstName} ${customer.lastName}`);
      for (const field of CUSTOM_FIELDS.slice(1)) expect(customer[field]).toBeNull();
    }
    expect(generated.some((customer) => customer.cC_001 !== null)).toBe(true);
    expect(generated.some((customer) => customer.region === 'Quebec')).toBe(true);
    expect(generated.some((customer) => customer.creationUser === 'API' && customer.creationDevice === 'Web')).toBe(
      true,
    );
  });

  it('survives a structured clone, as a template the seed worker posts must', async () => {
    const demo = await seedMyposConnect({ ...DEMO, records: 20 });
    expect(structuredClone(demo)).toEqual(demo);
  });

  // How fast seeding is belongs to the benchmark (spawn → first answer), not to a timed test.
  it('generates 1,000 well-formed customers', async () => {
    const demo = await seedMyposConnect({ ...DEMO, records: 1000 });
    expect(demo.customers).toHaveLength(1006);
    expectWellFormed(demo);
  });
});
