import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import {
  type Answer,
  call,
  DOCS_GUID,
  expectFailure,
  expectMessage,
  freezeClock,
  fullList,
  JSON_TYPE,
  type Json,
  MYPOS_EMAIL,
  myposToken,
  resetTenant,
  send,
} from '../helpers/mypos.js';

/**
 * MYPOS Connect's customers API against docs/myposconnect.md and the vendor's page: the
 * documented example calls as written, the list's flat view and every one of its arguments
 * (sFieldList, sSortKey, liPage/liPageSize, the date filters), get by GUID or code, add (202
 * echo, defaults, the name made from first/last), full replacement, delete or deactivate, ASP.NET's
 * 404/405, and timestamps on the wire.
 */

const FLAT = [
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
] as const;
const COUNTERS = ['customSortRowNumber', 'liTotalCount'];
const ROW_KEYS = [...FLAT, ...COUNTERS];

/** The full customer's fields in the order of the vendor's object (shared/vendor-docs README). */
const VENDOR_ORDER = [
  'customerId',
  'customerCode',
  'customerName',
  'firstName',
  'lastName',
  'address',
  'city',
  'region',
  'postalCode',
  'country',
  'phoneNumber',
  'faxNumber',
  'emailAddress',
  'webSite',
  'creditLimit',
  'notes',
  'active',
  'customerType',
  'rewardsCollector',
  'rewardsNumber',
  'rewardsValue',
  'allowMailing',
  'allowDataShare',
  'discountPercent',
  'priceBand',
  'balance',
  'firstSaledate',
  'lastSaledate',
  'cC_001',
  'cC_002',
  'cC_003',
  'cC_004',
  'cC_005',
  'cC_006',
  'cC_007',
  'cC_008',
  'cC_009',
  'cC_010',
  'creationDateUTC',
  'lastEditDateUTC',
  'lastEditUser',
  'creationUser',
];
/** The fields the sandbox adds to the vendor's list (README, "Decisions for MYPOS Connect"). */
const EXTRA_FIELDS = [
  'bankSortCode',
  'bankAccount',
  'bankAccountName',
  'correspondenceEmail',
  'correspondencePaper',
  'lastEditDevice',
  'creationDevice',
];
const ALL_FIELDS = [...VENDOR_ORDER, ...EXTRA_FIELDS].sort();

/** The vendor's sample customer as the docs dataset holds it, on the wire. */
const SAMPLE_1000070 = {
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
  creationDateUTC: '2020-07-28T12:31:47.417',
  lastEditDateUTC: '2020-08-21T12:47:18.177',
  lastEditUser: 'API',
  creationUser: 'admin@maplecrest.example',
  lastEditDevice: 'Web',
  creationDevice: 'POS1',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A wire timestamp: UTC, no zone, a fraction only when it is not zero, no trailing zero. */
const WIRE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,2}[1-9])?$/;

const NOT_FOUND = 'Customer not found.';
const IDS_MISMATCH = 'customerId and customerCode must match the customer being updated.';
const HAS_SALES = 'The customer has transactions and cannot be deleted; it has been set to inactive.';
const NOT_AN_OBJECT = 'The request body must be a customer object.';

/** Where the docs tenant's clock stands during each test (a fraction with a trailing zero). */
const FROZEN = '2031-05-06T07:08:09.120Z';
const FROZEN_WIRE = '2031-05-06T07:08:09.12';

let app: FastifyInstance;
let auth: { authorization: string };

beforeAll(async () => {
  app = await testApp({ dataset: 'docs' });
});
afterAll(async () => {
  await app.close();
});

// Every test starts from the seeded docs tenant, its clock frozen, with a token of that clock.
beforeEach(async () => {
  await resetTenant(app, MYPOS_EMAIL);
  await freezeClock(app, MYPOS_EMAIL, FROZEN);
  auth = await myposToken(app, MYPOS_EMAIL);
});

function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return call(app, path, { headers: { ...auth, ...headers } });
}

async function rows(query: string, target: FastifyInstance = app, as = auth): Promise<Json[]> {
  const res = await call(target, `/api/v2/customers${query}`, { headers: as });
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  const body = JSON.parse(res.text) as unknown;
  expect(Array.isArray(body)).toBe(true);
  return body as Json[];
}

async function customer(identifier: string): Promise<Json> {
  const res = await get(`/api/v2/customers/${identifier}`);
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  return JSON.parse(res.text) as Json;
}

function post(body: unknown): Promise<Answer> {
  return send(app, auth, 'POST', '/api/v2/customers', body);
}

function put(code: string, body: unknown): Promise<Answer> {
  return send(app, auth, 'PUT', `/api/v2/customers/${code}`, body);
}

function del(code: string): Promise<Answer> {
  return send(app, auth, 'DELETE', `/api/v2/customers/${code}`);
}

async function created(body: unknown): Promise<Json> {
  const res = await post(body);
  expect(res.status, res.text).toBe(202);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  return JSON.parse(res.text) as Json;
}

const codes = (list: Json[]) => list.map((row) => row.customerCode);

// ---------------------------------------------------------------------------------------------

describe("the vendor page's example calls", () => {
  it('the list example, verbatim: three rows last edited in the window, latest first', async () => {
    const list = await rows(
      '?liPage=1&liPageSize=100&sSortKey=LastEditDateUTCDESC&filt_LastEditDateUTC_dt_min=2020-oct-01%2009%3a00&filt_LastEditDateUTC_dt_max=2022-dec-31%2009%3a00',
    );
    expect(codes(list)).toEqual(['1000001', '1000003', '1000002']);
    expect(list.map((row) => row.lastEditDateUTC)).toEqual([
      '2022-11-14T16:22:05.731',
      '2021-09-27T10:05:33.612',
      '2021-06-09T13:18:44.306',
    ]);
    for (const [at, row] of list.entries()) {
      expect(Object.keys(row)).toEqual(ROW_KEYS);
      expect(row.customSortRowNumber).toBe(at + 1);
      expect(row.liTotalCount).toBe(3);
    }
  });

  it('the get example by GUID: the full sample customer', async () => {
    const res = await get(`/api/v2/customers/${DOCS_GUID}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const body = JSON.parse(res.text) as Json;
    expect(body).toEqual(SAMPLE_1000070);
    expect(Object.keys(body).sort()).toEqual(ALL_FIELDS);
    // The vendor's fields come in the vendor's order.
    expect(Object.keys(body).filter((key) => VENDOR_ORDER.includes(key))).toEqual(VENDOR_ORDER);
  });

  it('the get example by code 0001234: 404, no such code', async () => {
    expectFailure(await get('/api/v2/customers/0001234'), 404, NOT_FOUND);
  });
});

describe('the flat view', () => {
  it('every row has the flat fields in order, then the two counters; values as the full customer has them', async () => {
    const list = await rows('');
    expect(codes(list)).toEqual(['1000001', '1000002', '1000003', '1000004', '1000005', '1000070']);
    for (const row of list) {
      expect(Object.keys(row)).toEqual(ROW_KEYS);
      const full = await customer(String(row.customerCode));
      for (const field of FLAT) expect(row[field], `${row.customerCode} ${field}`).toEqual(full[field]);
      expect(row.liTotalCount).toBe(6);
    }
  });

  it('a bare array, even when empty', async () => {
    const res = await get('/api/v2/customers?liPage=2');
    expect(res.status).toBe(200);
    expect(res.text).toBe('[]');
  });
});

describe('sFieldList', () => {
  it("the page's example: the three fields, then the counters", async () => {
    const list = await rows('?sFieldList=customerId,customerCode,customerName');
    expect(list).toHaveLength(6);
    for (const row of list)
      expect(Object.keys(row)).toEqual(['customerId', 'customerCode', 'customerName', ...COUNTERS]);
    expect(list[5]).toEqual({
      customerId: DOCS_GUID,
      customerCode: '1000070',
      customerName: 'Sarah Mitchell',
      customSortRowNumber: 6,
      liTotalCount: 6,
    });
  });

  it('names in any case and order, spaces around them ignored: fields in the flat view order', async () => {
    const list = await rows(`?sFieldList=${encodeURIComponent(' LASTEDITDATEUTC , city,CustomerCode ,active')}`);
    for (const row of list) {
      expect(Object.keys(row)).toEqual(['customerCode', 'city', 'active', 'lastEditDateUTC', ...COUNTERS]);
    }
  });

  it('naming the counters or a field twice changes nothing; the counters always come last', async () => {
    const list = await rows('?sFieldList=liTotalCount,customerName,customSortRowNumber,customerName');
    for (const row of list) expect(Object.keys(row)).toEqual(['customerName', ...COUNTERS]);
  });

  it('every flat field alone', async () => {
    for (const field of FLAT) {
      const [row] = await rows(`?liPageSize=1&sFieldList=${field.toUpperCase()}`);
      expect(Object.keys(row ?? {})).toEqual([field, ...COUNTERS]);
    }
  });

  it.each([
    ['a field of the full customer only', 'customerName,address', 'address'],
    ['a made-up name', 'bogus', 'bogus'],
    ['a name with spaces around it', 'customerCode, notes ', 'notes'],
  ])('400 for %s', async (_name, list, named) => {
    expectFailure(
      await get(`/api/v2/customers?sFieldList=${encodeURIComponent(list)}`),
      400,
      `sFieldList contains an unknown field: ${named}.`,
    );
  });
});

describe('liPage and liPageSize', () => {
  it('1 and 99999 are taken; 2147483647 is the largest', async () => {
    expect(await rows('?liPage=1&liPageSize=99999')).toHaveLength(6);
    expect(await rows('?liPageSize=2147483647')).toHaveLength(6);
    expect(await rows('?liPage=2147483647&liPageSize=2147483647')).toEqual([]);
  });

  it('a page past the end is []', async () => {
    expect(await rows('?liPage=3&liPageSize=3')).toEqual([]);
    expect(await rows('?liPage=7&liPageSize=1')).toEqual([]);
    const last = await rows('?liPage=6&liPageSize=1');
    expect(codes(last)).toEqual(['1000070']);
    expect(last[0]?.customSortRowNumber).toBe(6);
  });

  const bad = ['0', '-1', 'abc', '2147483648', '1.5', '1e3', '99999999999', '0x10'];
  it.each(bad)('liPage=%s: 400', async (value) => {
    expectFailure(
      await get(`/api/v2/customers?liPage=${encodeURIComponent(value)}`),
      400,
      'liPage must be a whole number of 1 or more.',
    );
  });
  it.each(bad)('liPageSize=%s: 400', async (value) => {
    expectFailure(
      await get(`/api/v2/customers?liPageSize=${encodeURIComponent(value)}`),
      400,
      'liPageSize must be a whole number of 1 or more.',
    );
  });

  it('unknown query arguments are ignored', async () => {
    const plain = await rows('');
    expect(await rows('?foo=bar&filt_customerName_s=Sarah&liPages=0&sortKey=bogus')).toEqual(plain);
  });
});

describe('the date filters', () => {
  // Three customers last edited at 04:05:00.000, 04:05:59.999 and 04:06:00.000 on 2031-02-03.
  let made: string[];

  beforeEach(async () => {
    made = [];
    for (const at of ['2031-02-03T04:05:00.000Z', '2031-02-03T04:05:59.999Z', '2031-02-03T04:06:00.000Z']) {
      await freezeClock(app, MYPOS_EMAIL, at);
      made.push(String((await created({ customerName: `Edited ${at}` })).customerCode));
    }
    // Tokens live on the clock: this one was issued at FROZEN, months after these writes.
    await freezeClock(app, MYPOS_EMAIL, FROZEN);
  });

  /** The customers (made here) a filter selects. */
  async function selected(filter: Record<string, string>): Promise<string[]> {
    const query = new URLSearchParams({ liPageSize: '99999', ...filter }).toString();
    return codes(await rows(`?${query}`))
      .map(String)
      .filter((code) => made.includes(code));
  }

  const at = (...which: number[]) => which.map((i) => made[i]);

  it('yyyy-MMM-dd HH:mm: both bounds inclusive, to the millisecond', async () => {
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03 04:05' })).toEqual(at(0, 1, 2));
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03 04:06' })).toEqual(at(2));
    expect(await selected({ filt_LastEditDateUTC_dt_max: '2031-feb-03 04:05' })).toEqual(at(0));
    expect(await selected({ filt_LastEditDateUTC_dt_max: '2031-feb-03 04:06' })).toEqual(at(0, 1, 2));
    expect(
      await selected({
        filt_LastEditDateUTC_dt_min: '2031-feb-03 04:06',
        filt_LastEditDateUTC_dt_max: '2031-feb-03 04:06',
      }),
    ).toEqual(at(2));
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03 04:07' })).toEqual([]);
  });

  it('yyyy-MMM-dd HH:mm:ss', async () => {
    expect(await selected({ filt_LastEditDateUTC_dt_max: '2031-feb-03 04:05:59' })).toEqual(at(0));
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03 04:05:59' })).toEqual(at(1, 2));
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03 04:05:00' })).toEqual(at(0, 1, 2));
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03 04:05:01' })).toEqual(at(1, 2));
  });

  it('yyyy-MMM-dd alone is midnight', async () => {
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-03' })).toEqual(at(0, 1, 2));
    expect(await selected({ filt_LastEditDateUTC_dt_max: '2031-feb-03' })).toEqual([]);
    expect(await selected({ filt_LastEditDateUTC_dt_max: '2031-feb-04' })).toEqual(at(0, 1, 2));
    expect(await selected({ filt_LastEditDateUTC_dt_min: '2031-feb-04' })).toEqual([]);
  });

  it('month names in any case', async () => {
    for (const month of ['feb', 'Feb', 'FEB', 'fEb']) {
      expect(await selected({ filt_LastEditDateUTC_dt_min: `2031-${month}-03 04:06` })).toEqual(at(2));
    }
  });

  it('liTotalCount counts the filtered rows; customSortRowNumber numbers them', async () => {
    const list = await rows('?filt_LastEditDateUTC_dt_min=2031-feb-03%2004%3a05&liPageSize=2&liPage=2');
    expect(codes(list)).toEqual(at(2));
    expect(list[0]?.customSortRowNumber).toBe(3);
    expect(list[0]?.liTotalCount).toBe(3);
  });

  const badDates = [
    '2031-02-03 04:05',
    '2031-feb-30 04:05',
    '2031-fbr-03 04:05',
    '2031-february-03 04:05',
    '2031-feb-03T04:05',
    '2031-feb-03 24:00',
    '2031-feb-03 04:60',
    '2031-feb-03 04:05:60',
    '03-feb-2031 04:05',
    '2031-feb-03 04',
    'yesterday',
    '1999999999',
  ];
  it.each(badDates)('%s: 400 naming the argument', async (value) => {
    for (const name of ['filt_LastEditDateUTC_dt_min', 'filt_LastEditDateUTC_dt_max']) {
      expectFailure(
        await get(`/api/v2/customers?${name}=${encodeURIComponent(value)}`),
        400,
        `${name} is not a valid date (yyyy-MMM-dd HH:mm).`,
      );
    }
  });
});

describe('paging across pages', () => {
  it('pages of 4 put together are the whole list; customSortRowNumber runs on; liTotalCount on every row', async () => {
    for (let i = 0; i < 7; i += 1) await created({ customerName: `Paged ${i}` });
    const whole = await rows('?liPageSize=99999');
    expect(whole).toHaveLength(13);
    const pages: Json[] = [];
    for (let page = 1; page <= 4; page += 1) {
      const list = await rows(`?liPage=${page}&liPageSize=4`);
      expect(list).toHaveLength(page < 4 ? 4 : 1);
      pages.push(...list);
    }
    expect(pages).toEqual(whole);
    expect(pages.map((row) => row.customSortRowNumber)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    for (const row of pages) expect(row.liTotalCount).toBe(13);
    expect(await rows('?liPage=5&liPageSize=4')).toEqual([]);
  });

  it('the default page is the first 10', async () => {
    for (let i = 0; i < 7; i += 1) await created({ customerName: `Paged ${i}` });
    const list = await rows('');
    expect(list).toHaveLength(10);
    expect(list.map((row) => row.customSortRowNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(codes(await rows('?liPage=2'))).toEqual(['1000075', '1000076', '1000077']);
  });
});

describe('sSortKey, over a demo store', () => {
  let demo: FastifyInstance;
  let demoAuth: { authorization: string };
  let everyone: Json[];

  beforeAll(async () => {
    demo = await testApp({ dataset: 'demo', records: 60 });
    demoAuth = await myposToken(demo, 'sorting@example.com');
    everyone = await rows('?liPageSize=99999', demo, demoAuth);
    expect(everyone).toHaveLength(66);
  });
  afterAll(async () => {
    await demo.close();
  });

  /**
   * The order the sandbox gives: nulls first, text regardless of case, false before true,
   * timestamps by time; ties by customerCode ascending, whichever the direction.
   */
  function expected(field: string, descending: boolean): unknown[] {
    const value = (row: Json) => {
      const v = row[field];
      if (v === null) return null;
      if (field.endsWith('DateUTC')) return Date.parse(`${v}Z`);
      return typeof v === 'string' ? v.toLowerCase() : v;
    };
    const compare = (a: Json, b: Json) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return 0;
      if (x === null) return -1;
      if (y === null) return 1;
      return (x as number) < (y as number) ? -1 : 1;
    };
    return [...everyone]
      .sort((a, b) => (descending ? -1 : 1) * compare(a, b) || Number(a.customerCode) - Number(b.customerCode))
      .map((row) => row.customerCode);
  }

  async function sortedCodes(key: string): Promise<unknown[]> {
    const list = await rows(`?liPageSize=99999&sSortKey=${encodeURIComponent(key)}`, demo, demoAuth);
    expect(list.map((row) => row.customSortRowNumber)).toEqual(list.map((_, i) => i + 1));
    return codes(list);
  }

  it.each(FLAT.map((field) => [field]))('%s ascending and descending', async (field) => {
    expect(await sortedCodes(`${field}ASC`)).toEqual(expected(field, false));
    expect(await sortedCodes(`${field}DESC`)).toEqual(expected(field, true));
  });

  it('names and directions in any case; a name alone sorts ascending', async () => {
    const ascending = expected('customerName', false);
    const descending = expected('customerName', true);
    expect(await sortedCodes('customerNameASC')).toEqual(ascending);
    expect(await sortedCodes('CUSTOMERNAMEasc')).toEqual(ascending);
    expect(await sortedCodes('customername')).toEqual(ascending);
    expect(await sortedCodes('CustomerName')).toEqual(ascending);
    expect(await sortedCodes('customernameDesc')).toEqual(descending);
    expect(await sortedCodes('CUSTOMERNAMEDESC')).toEqual(descending);
  });

  it('the default order is customerCode ascending', async () => {
    expect(codes(everyone)).toEqual(expected('customerCode', false));
    expect(await sortedCodes('customerCodeDESC')).toEqual([...codes(everyone)].reverse());
  });

  it('a sorted order pages like any other', async () => {
    const whole = await sortedCodes('cityDESC');
    const paged: unknown[] = [];
    for (let page = 1; page <= 7; page += 1) {
      paged.push(...codes(await rows(`?sSortKey=cityDESC&liPage=${page}`, demo, demoAuth)));
    }
    expect(paged).toEqual(whole);
  });

  it.each(['addressASC', 'bogus', 'ASC', 'DESC', 'customerNameUP', 'customer NameASC', 'notesDESC'])(
    '%s: 400',
    async (key) => {
      expectFailure(
        await call(demo, `/api/v2/customers?sSortKey=${encodeURIComponent(key)}`, { headers: demoAuth }),
        400,
        'sSortKey must name a returned field followed by ASC or DESC.',
      );
    },
  );
});

describe('GET /api/v2/customers/{identifier}', () => {
  it('by GUID in any case and by code: the same customer', async () => {
    const byGuid = await get(`/api/v2/customers/${DOCS_GUID}`);
    expect((await get(`/api/v2/customers/${DOCS_GUID.toUpperCase()}`)).text).toBe(byGuid.text);
    expect((await get('/api/v2/customers/EF1B97C9-4c4e-4F76-9bf5-CE909E7539C0')).text).toBe(byGuid.text);
    expect((await get('/api/v2/customers/1000070')).text).toBe(byGuid.text);
  });

  it.each([
    ['an unknown code', '9999999'],
    ['a code with a leading zero', '01000070'],
    ['an unknown GUID', 'ef1b97c9-4c4e-4f76-9bf5-ce909e7539c1'],
    ['a GUID in braces', `{${DOCS_GUID}}`],
    ['a name', 'Sarah%20Mitchell'],
  ])('%s: 404', async (_name, identifier) => {
    expectFailure(await get(`/api/v2/customers/${identifier}`), 404, NOT_FOUND);
  });

  it('every seeded customer is found by its GUID and by its code', async () => {
    for (const row of await rows('')) {
      expect((await customer(String(row.customerId))).customerCode).toBe(row.customerCode);
      expect((await customer(String(row.customerCode))).customerId).toBe(row.customerId);
    }
  });
});

describe('POST /api/v2/customers', () => {
  it('202 echoes the posted object: customerId and customerCode first, then the posted keys as sent', async () => {
    const body = {
      customerName: 'Nadia Haddad',
      unknownField: { nested: [1, 2] },
      customerId: '00000000-0000-0000-0000-000000000000',
      city: 'Waterloo',
      customerCode: '0000001',
      creditLimit: 250.5,
      balance: 999,
      creationDateUTC: '2000-01-01T00:00:00',
      active: true,
      notes: null,
    };
    const echo = await created(body);
    expect(Object.keys(echo)).toEqual([
      'customerId',
      'customerCode',
      'customerName',
      'unknownField',
      'city',
      'creditLimit',
      'balance',
      'creationDateUTC',
      'active',
      'notes',
    ]);
    expect(echo.customerCode).toBe('1000071');
    expect(echo.customerId).toMatch(GUID);
    expect(echo.customerId).not.toBe(body.customerId);
    const { customerId: _id, customerCode: _code, ...rest } = body;
    expect(echo).toEqual({ customerId: echo.customerId, customerCode: '1000071', ...rest });

    // Stored: the supplied ids and the read-only fields were ignored.
    const stored = await customer('1000071');
    expect(stored.customerId).toBe(echo.customerId);
    expect(stored.balance).toBe(0);
    expect(stored.creationDateUTC).toBe(FROZEN_WIRE);
    expect(stored.creditLimit).toBe(250.5);
    expect(stored.city).toBe('Waterloo');
    expect(stored).not.toHaveProperty('unknownField');
    expectFailure(await get('/api/v2/customers/0000001'), 404, NOT_FOUND);
  });

  it('the older {"Customers": [ {…} ]} wrapper: the echo is the entry, stored the same way', async () => {
    const echo = await created({ Customers: [{ lastName: 'Okoye', firstName: 'Ife', phoneNumber: '519-555-0199' }] });
    expect(echo).toEqual({
      customerId: echo.customerId,
      customerCode: '1000071',
      lastName: 'Okoye',
      firstName: 'Ife',
      phoneNumber: '519-555-0199',
    });
    const stored = await customer('1000071');
    expect(stored.customerName).toBe('Ife Okoye');
    expect(stored.phoneNumber).toBe('519-555-0199');
  });

  it('a customer with a name only: every other field at its default', async () => {
    const echo = await created({ customerName: 'Bare Minimum' });
    expect(echo).toEqual({ customerId: echo.customerId, customerCode: '1000071', customerName: 'Bare Minimum' });
    const stored = await customer('1000071');
    const expected: Json = {};
    for (const key of Object.keys(SAMPLE_1000070)) expected[key] = null;
    Object.assign(expected, {
      customerId: echo.customerId,
      customerCode: '1000071',
      customerName: 'Bare Minimum',
      creditLimit: 0,
      active: true,
      rewardsCollector: false,
      rewardsValue: 0,
      allowMailing: false,
      allowDataShare: false,
      discountPercent: 0,
      priceBand: 0,
      balance: 0,
      correspondenceEmail: false,
      correspondencePaper: false,
      creationDateUTC: FROZEN_WIRE,
      lastEditDateUTC: FROZEN_WIRE,
      lastEditUser: 'API',
      creationUser: 'API',
      lastEditDevice: 'Web',
      creationDevice: 'Web',
    });
    expect(stored).toEqual(expected);
    expect(Object.keys(stored)).toEqual(Object.keys(SAMPLE_1000070));
    // And in the list, last in code order.
    const list = await rows('?liPageSize=99999');
    expect(list.at(-1)).toMatchObject({ customerCode: '1000071', customerName: 'Bare Minimum', active: true });
  });

  it('every writable field is stored as sent', async () => {
    const full = {
      customerName: 'Full Record Ltd.',
      firstName: 'Fiona',
      lastName: 'Reid',
      address: '1 King Street',
      city: 'Guelph',
      region: 'Ontario',
      postalCode: 'N1H 1A1',
      country: 'Canada',
      phoneNumber: '519-555-0100',
      faxNumber: '519-555-0101',
      emailAddress: 'fiona@full.example',
      webSite: 'https://full.example',
      creditLimit: 1500,
      notes: 'Everything filled.',
      active: false,
      customerType: 'Trade',
      rewardsCollector: true,
      rewardsNumber: '7000999999',
      rewardsValue: 12.5,
      allowMailing: true,
      allowDataShare: true,
      discountPercent: 7.5,
      priceBand: 4,
      bankSortCode: '00152-004',
      bankAccount: '123456',
      bankAccountName: 'Full Record Ltd.',
      correspondenceEmail: true,
      correspondencePaper: true,
      cC_001: 'one',
      cC_002: 'two',
      cC_003: 'three',
      cC_004: 'four',
      cC_005: 'five',
      cC_006: 'six',
      cC_007: 'seven',
      cC_008: 'eight',
      cC_009: 'nine',
      cC_010: 'ten',
    };
    await created(full);
    const stored = await customer('1000071');
    expect(stored).toMatchObject(full);
    expect(stored).toMatchObject({ balance: 0, firstSaledate: null, lastSaledate: null });
  });

  it('customerName is made from firstName and lastName when missing or blank', async () => {
    await created({ firstName: 'Ada', lastName: 'Lovelace' });
    expect((await customer('1000071')).customerName).toBe('Ada Lovelace');
    await created({ firstName: 'Cher' });
    expect((await customer('1000072')).customerName).toBe('Cher');
    await created({ lastName: 'Banksy' });
    expect((await customer('1000073')).customerName).toBe('Banksy');
    await created({ customerName: '', firstName: 'Empty', lastName: 'Name' });
    expect((await customer('1000074')).customerName).toBe('Empty Name');
    await created({ customerName: null, firstName: 'Null', lastName: 'Name' });
    expect((await customer('1000075')).customerName).toBe('Null Name');
    // A name given wins.
    await created({ customerName: 'Given', firstName: 'Other', lastName: 'Words' });
    expect((await customer('1000076')).customerName).toBe('Given');
  });

  it.each([
    ['an empty object', {}],
    ['a null name and nothing else', { customerName: null }],
    ['a blank name', { customerName: '   ' }],
    ['blank first and last names', { firstName: '', lastName: ' ' }],
    ['only other fields', { city: 'Waterloo', active: true }],
  ])('400 customerName is required: %s', async (_name, body) => {
    const before = await fullList(app, auth);
    expectFailure(await post(body), 400, 'customerName is required.');
    expect(await fullList(app, auth)).toBe(before);
  });

  it('codes follow the 7-digit sequence and are never reused; the GUID is derived from the code', async () => {
    const first = await created({ customerName: 'One' });
    const second = await created({ customerName: 'Two' });
    expect([first.customerCode, second.customerCode]).toEqual(['1000071', '1000072']);
    expect(first.customerId).not.toBe(second.customerId);
    expect((await del('1000072')).status).toBe(204);
    expect((await created({ customerName: 'Three' })).customerCode).toBe('1000073');
    // Another tenant's 1000071 has the same GUID (the same every run).
    const other = await myposToken(app, 'guid.twin@example.com');
    const twin = await send(app, other, 'POST', '/api/v2/customers', { customerName: 'Twin' });
    expect(JSON.parse(twin.text)).toMatchObject({ customerCode: '1000071', customerId: first.customerId });
  });

  it('any Content-Type is read as JSON, even one that does not parse as a media type', async () => {
    const res = await call(app, '/api/v2/customers', {
      method: 'POST',
      headers: { ...auth, 'content-type': ';;;' },
      body: JSON.stringify({ customerName: 'Odd Type' }),
    });
    expect(res.status, res.text).toBe(202);
  });

  it('any Content-Type is read as JSON, none too', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8']) {
      const res = await call(app, '/api/v2/customers', {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body: JSON.stringify({ customerName: type }),
      });
      expect(res.status, res.text).toBe(202);
    }
    const untyped = await app.inject({
      method: 'POST',
      url: '/api/v2/customers',
      headers: auth,
      payload: Buffer.from(JSON.stringify({ customerName: 'No Type' })),
    });
    expect(untyped.statusCode, untyped.body).toBe(202);
  });
});

describe('PUT /api/v2/customers/{customerCode}', () => {
  it('the GET-modify-PUT round trip the page recommends changes only what was modified', async () => {
    const current = await customer('1000070');
    const res = await put('1000070', { ...current, city: 'Waterloo', notes: 'Moved.' });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const answered = JSON.parse(res.text) as Json;
    expect(answered).toEqual({
      ...SAMPLE_1000070,
      city: 'Waterloo',
      notes: 'Moved.',
      lastEditDateUTC: FROZEN_WIRE,
      lastEditUser: 'API',
      lastEditDevice: 'Web',
    });
    expect(Object.keys(answered)).toEqual(Object.keys(SAMPLE_1000070));
    expect(await customer('1000070')).toEqual(answered);
    // The list sees the edit.
    const [row] = await rows('?sSortKey=lastEditDateUTCDESC&liPageSize=1');
    expect(row).toMatchObject({ customerCode: '1000070', city: 'Waterloo', lastEditDateUTC: FROZEN_WIRE });
  });

  it('a full replacement: fields left out are cleared, active false too; read-only fields are kept', async () => {
    // 1000002 has a balance, sales, bank details and a fax.
    const before = await customer('1000002');
    const res = await put('1000002', {
      customerId: before.customerId,
      customerCode: '1000002',
      customerName: 'Only The Name',
      balance: 1,
      creationDateUTC: '2000-01-01T00:00:00',
      creationUser: 'someone',
      lastSaledate: null,
    });
    expect(res.status, res.text).toBe(200);
    const after = JSON.parse(res.text) as Json;
    const expected: Json = {};
    for (const key of Object.keys(SAMPLE_1000070)) expected[key] = null;
    Object.assign(expected, {
      customerId: before.customerId,
      customerCode: '1000002',
      customerName: 'Only The Name',
      creditLimit: 0,
      active: false,
      rewardsCollector: false,
      rewardsValue: 0,
      allowMailing: false,
      allowDataShare: false,
      discountPercent: 0,
      priceBand: 0,
      correspondenceEmail: false,
      correspondencePaper: false,
      // The system's own fields are kept.
      balance: before.balance,
      firstSaledate: before.firstSaledate,
      lastSaledate: before.lastSaledate,
      creationDateUTC: before.creationDateUTC,
      creationUser: before.creationUser,
      creationDevice: before.creationDevice,
      lastEditDateUTC: FROZEN_WIRE,
      lastEditUser: 'API',
      lastEditDevice: 'Web',
    });
    expect(after).toEqual(expected);
    expect(await customer('1000002')).toEqual(after);
  });

  it('a GUID in another case matches; the name is made from first/last when left out', async () => {
    const res = await put('1000070', {
      customerId: DOCS_GUID.toUpperCase(),
      customerCode: '1000070',
      firstName: 'Sara',
      lastName: 'Mitchel',
      active: true,
    });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({
      customerId: DOCS_GUID,
      customerName: 'Sara Mitchel',
      active: true,
      city: null,
    });
  });

  it.each([
    ['no customerId', { customerCode: '1000070', customerName: 'X' }],
    ['no customerCode', { customerId: DOCS_GUID, customerName: 'X' }],
    ['neither', { customerName: 'X' }],
    [
      'the GUID of another customer',
      { customerId: '3f6d2b8e-91c4-4a57-8e0d-5b7a1c2e9f40', customerCode: '1000070', customerName: 'X' },
    ],
    ['the code of another customer', { customerId: DOCS_GUID, customerCode: '1000001', customerName: 'X' }],
    [
      'another customer entirely',
      { customerId: '3f6d2b8e-91c4-4a57-8e0d-5b7a1c2e9f40', customerCode: '1000001', customerName: 'X' },
    ],
    ['a null customerId', { customerId: null, customerCode: '1000070', customerName: 'X' }],
  ])('400 when the ids do not match the path: %s', async (_name, body) => {
    const before = await fullList(app, auth);
    expectFailure(await put('1000070', body), 400, IDS_MISMATCH);
    expect(await fullList(app, auth)).toBe(before);
    expect(await customer('1000070')).toEqual(SAMPLE_1000070);
  });

  it('404 for an unknown code, a GUID in the path, a code with a leading zero', async () => {
    const body = { ...SAMPLE_1000070, customerName: 'Nowhere' };
    expectFailure(await put('9999999', { ...body, customerCode: '9999999' }), 404, NOT_FOUND);
    expectFailure(await put(DOCS_GUID, body), 404, NOT_FOUND);
    expectFailure(await put('01000070', body), 404, NOT_FOUND);
    expect(await customer('1000070')).toEqual(SAMPLE_1000070);
  });

  it('a PUT may not drop the name without first/last names: 400, nothing changed', async () => {
    const body = { customerId: DOCS_GUID, customerCode: '1000070' };
    expectFailure(await put('1000070', body), 400, 'customerName is required.');
    expect(await customer('1000070')).toEqual(SAMPLE_1000070);
  });

  it('the wrapper is POST’s only: a PUT body must be the customer itself', async () => {
    const res = await put('1000070', { Customers: [SAMPLE_1000070] });
    expectFailure(res, 400, IDS_MISMATCH);
    expect(await customer('1000070')).toEqual(SAMPLE_1000070);
  });

  it('a body that is not a customer object: 400', async () => {
    expectFailure(await put('1000070', '[]'), 400, NOT_AN_OBJECT);
    expectFailure(await put('1000070', '{'), 400, NOT_AN_OBJECT);
    expect(await customer('1000070')).toEqual(SAMPLE_1000070);
  });
});

describe('DELETE /api/v2/customers/{customerCode}', () => {
  it('a customer without sales: 204 with no body, then 404 everywhere', async () => {
    const guid = (await customer('1000005')).customerId;
    const res = await del('1000005');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectFailure(await get('/api/v2/customers/1000005'), 404, NOT_FOUND);
    expectFailure(await get(`/api/v2/customers/${guid}`), 404, NOT_FOUND);
    expectFailure(await del('1000005'), 404, NOT_FOUND);
    expect(codes(await rows(''))).toEqual(['1000001', '1000002', '1000003', '1000004', '1000070']);
    expect((await rows(''))[0]?.liTotalCount).toBe(5);
  });

  it('a customer with sales: 409, set inactive, lastEditDateUTC moved; a second DELETE says the same', async () => {
    const before = await customer('1000001');
    expect(before.active).toBe(true);
    expect(before.lastSaledate).not.toBeNull();
    expectFailure(await del('1000001'), 409, HAS_SALES);
    const after = await customer('1000001');
    expect(after).toEqual({
      ...before,
      active: false,
      lastEditDateUTC: FROZEN_WIRE,
      lastEditUser: 'API',
      lastEditDevice: 'Web',
    });
    expectFailure(await del('1000001'), 409, HAS_SALES);
    expect(await customer('1000001')).toEqual(after);
    expect((await rows('?sFieldList=active&sSortKey=customerCode'))[0]).toEqual({
      active: false,
      customSortRowNumber: 1,
      liTotalCount: 6,
    });
  });

  it('404 for an unknown code, a GUID, a code with a leading zero; nothing changes', async () => {
    const before = await fullList(app, auth);
    expectFailure(await del('9999999'), 404, NOT_FOUND);
    expectFailure(await del(DOCS_GUID), 404, NOT_FOUND);
    expectFailure(await del('01000070'), 404, NOT_FOUND);
    expect(await fullList(app, auth)).toBe(before);
  });
});

describe("ASP.NET's 404 and 405", () => {
  const PATHS: [string, string[]][] = [
    ['/api/v2/auth/token', ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']],
    ['/api/v2/customers', ['PUT', 'DELETE', 'PATCH', 'OPTIONS']],
    ['/api/v2/customers/1000070', ['POST', 'PATCH', 'OPTIONS']],
  ];

  it.each(PATHS)('%s: 405 for %j, with or without a token', async (path, methods) => {
    for (const method of methods) {
      for (const headers of [auth, {}]) {
        const res = await call(app, path, { method, headers });
        expectMessage(res, 405, `The requested resource does not support http method '${method}'.`);
      }
    }
    // Nothing was changed by a PATCH with a body.
    const patched = await send(app, auth, 'PATCH', '/api/v2/customers/1000070', { customerName: 'Patched' });
    expectMessage(patched, 405, "The requested resource does not support http method 'PATCH'.");
    expect(await customer('1000070')).toEqual(SAMPLE_1000070);
  });

  // The router takes the methods Fastify routes (those above, and TRACE); a method it does not
  // route (WebDAV's SEARCH, PROPFIND) reaches no resource at all: ASP.NET's 404, not a 405.
  it('a method the router does not take is the 404 of no resource (SEARCH, PROPFIND)', async () => {
    for (const [path, method] of [
      ['/api/v2/customers', 'SEARCH'],
      ['/api/v2/customers/1000070', 'PROPFIND'],
      ['/api/v2/auth/token', 'SEARCH'],
    ] as const) {
      const res = await call(app, path, { method, headers: auth });
      expectMessage(res, 404, `No HTTP resource was found that matches the request URI 'http://localhost:80${path}'.`);
    }
    const traced = await call(app, '/api/v2/customers', { method: 'TRACE', headers: auth });
    expectMessage(traced, 405, "The requested resource does not support http method 'TRACE'.");
  });

  it.each([
    '/api/v2/products',
    '/api/v2/customer',
    '/api/v2/Customers/1000070/sales',
    '/api/v2/customers/1000070/',
    '/api/v2/customers/',
    '/api/v2/auth/token/refresh',
    '/api/v2/naCustomers?liPage=1&liPageSize=10',
    '/api/v2/',
  ])('%s: 404 naming the absolute URI as called', async (path) => {
    for (const headers of [auth, {}]) {
      const res = await call(app, path, { headers: { ...headers, host: 'api.myposconnect.test:8080' } });
      expectMessage(
        res,
        404,
        `No HTTP resource was found that matches the request URI 'http://api.myposconnect.test:8080${path}'.`,
      );
    }
  });
});

describe('timestamps on the wire', () => {
  const cases: [string, string][] = [
    ['2031-05-06T07:08:09.100Z', '2031-05-06T07:08:09.1'],
    ['2031-05-06T07:08:09.000Z', '2031-05-06T07:08:09'],
    ['2031-05-06T07:08:09.120Z', '2031-05-06T07:08:09.12'],
    ['2031-05-06T07:08:09.123Z', '2031-05-06T07:08:09.123'],
    ['2031-05-06T07:08:09.003Z', '2031-05-06T07:08:09.003'],
    ['2031-05-06T07:00:00.000Z', '2031-05-06T07:00:00'],
  ];

  it.each(cases)('a write at %s shows %s in the echo-free GET, the list and a PUT answer', async (at, wire) => {
    await freezeClock(app, MYPOS_EMAIL, at);
    const echo = await created({ customerName: 'Stamped' });
    const code = String(echo.customerCode);
    const stored = await customer(code);
    expect(stored.creationDateUTC).toBe(wire);
    expect(stored.lastEditDateUTC).toBe(wire);
    const [row] = await rows(`?sSortKey=customerCodeDESC&liPageSize=1`);
    expect(row).toMatchObject({ customerCode: code, creationDateUTC: wire, lastEditDateUTC: wire });
    const replaced = await put(code, { ...stored, notes: 'again' });
    expect(JSON.parse(replaced.text)).toMatchObject({ creationDateUTC: wire, lastEditDateUTC: wire });
  });

  it('every timestamp of the seeded customers: no zone, no trailing zero', async () => {
    for (const row of await rows('')) {
      const full = await customer(String(row.customerCode));
      for (const field of ['creationDateUTC', 'lastEditDateUTC', 'firstSaledate', 'lastSaledate']) {
        if (full[field] !== null) expect(full[field], `${row.customerCode} ${field}`).toMatch(WIRE_TIME);
      }
    }
    // A sale at .920 reads .92.
    expect((await customer('1000001')).lastSaledate).toBe('2022-11-12T18:04:51.92');
  });
});
