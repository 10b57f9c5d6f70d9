import { describe, expect, it } from 'vitest';
import { customers } from '../../src/vendors/imonggo/customers.js';
import type { Customer, ImonggoData } from '../../src/vendors/imonggo/model.js';
import { type RawQuery, readListQuery } from '../../src/vendors/imonggo/query.js';
import { answerLastUpdatedAt, countRecords, findRecord, listRecords } from '../../src/vendors/imonggo/repository.js';

/**
 * What a read costs, counted rather than timed: how many records' `id` and `utc_updated_at` it
 * looks at. At 100,000 customers a read must look at about as many as it answers, not at the
 * collection (the timings themselves are `npm run bench`'s scale section).
 */

const SIZE = 100_000;
let reads = 0;

/** A customer whose id and utc_updated_at count every read; one second apart, rising with ids. */
function countedCustomer(index: number): Customer {
  const id = index + 1;
  const updated = new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString().replace('.000Z', 'Z');
  const customer = { name: `Customer ${id}`, status: null, alternate_code: null } as unknown as Customer;
  const counted = <T>(value: T) => ({
    enumerable: true,
    get: () => {
      reads += 1;
      return value;
    },
  });
  Object.defineProperty(customer, 'id', counted(id));
  Object.defineProperty(customer, 'utc_updated_at', counted(updated));
  return customer;
}

function tenantData(): ImonggoData {
  return {
    customers: Array.from({ length: SIZE }, (_, index) => countedCustomer(index)),
    suppliers: [],
    next: { customerId: SIZE + 1, customerCode: SIZE + 1, supplierId: 1 },
    answeredLastUpdate: { customers: null, suppliers: null },
  };
}

/** The reads one call makes, once the collection's index exists (a first read builds it). */
function readsOf(call: () => unknown): number {
  reads = 0;
  call();
  return reads;
}

const query = (raw: RawQuery) => readListQuery(raw, customers.paging);

describe('the cost of a read at 100,000 customers', () => {
  const data = tenantData();
  // The first read of each kind builds the index it uses: the reads that look at every record.
  listRecords(data, customers, query({ after: '2024-01-01T00:00:01Z' }));
  listRecords(data, customers, query({ after: '2024-01-01T00:00:01Z', active_only: '1' }));
  const middle = new Date(Date.UTC(2024, 0, 1) + (SIZE / 2) * 1000).toISOString();

  it('a date-filtered page 1 looks at a few thousand records, not 100,000', () => {
    let page: Customer[] = [];
    const cost = readsOf(() => {
      page = listRecords(data, customers, query({ after: middle }));
    });
    expect(page.map((customer) => customer.id)).toEqual(Array.from({ length: 100 }, (_, i) => SIZE / 2 + 2 + i));
    expect(cost).toBeLessThan(5_000);
  });

  it('the same with active_only', () => {
    expect(readsOf(() => listRecords(data, customers, query({ after: middle, active_only: '1' })))).toBeLessThan(5_000);
  });

  it('q=count with a date filter looks at about log2(n) records', () => {
    let count = 0;
    const cost = readsOf(() => {
      count = countRecords(data, customers, query({ after: middle, q: 'count' }));
    });
    expect(count).toBe(SIZE / 2 - 1);
    expect(cost).toBeLessThan(100);
  });

  it('q=last_updated_at looks at one record', () => {
    let latest: string | null = null;
    const cost = readsOf(() => {
      latest = answerLastUpdatedAt(data, customers);
    });
    expect(latest).toBe(new Date(Date.UTC(2024, 0, 1) + (SIZE - 1) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(cost).toBeLessThan(5);
  });

  it('a customer by id looks at about log2(n) records', () => {
    let found: Customer | undefined;
    const cost = readsOf(() => {
      found = findRecord(data, customers, '77777');
    });
    expect(found?.name).toBe('Customer 77777');
    expect(cost).toBeLessThan(40);
  });
});
