import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { type ValomniaPaging, valomniaLogin } from '../helpers/valomnia.js';

// Valomnia's list rules (docs/valomnia.md, "Lists" and "Show") on a demo tenant of 151 customers:
// paging, links, sorting, every filter and every refusal, then the linked resources and every
// href a customer renders. Expected answers are computed here from the whole list, read once,
// with matching written independently of the sandbox's.

const API = '/api/v1.0';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rec = { [key: string]: Json };

interface ListBody {
  paging: ValomniaPaging;
  data: Rec[];
}

let app: FastifyInstance;
let cookie: string;
/** Every customer of the demo tenant, in the default order (dateCreated, then id). */
let all: Rec[];

beforeAll(async () => {
  app = await testApp({ dataset: 'demo', records: 150 });
  ({ cookie } = await valomniaLogin(app));
  const first = await list('/customers?max=100');
  const second = await list('/customers?max=100&offset=100');
  all = [...first.data, ...second.data];
});
afterAll(async () => {
  await app.close();
});

function get(url: string, session = cookie, server = app) {
  return server.inject({ method: 'GET', url, headers: { cookie: session } });
}

/** A list's body; fails the test unless the answer is 200. */
async function list(path: string, prefix = API): Promise<ListBody> {
  const res = await get(`${prefix}${path}`);
  expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
  return JSON.parse(res.body) as ListBody;
}

async function ids(path: string): Promise<number[]> {
  return (await list(path)).data.map((record) => record.id as number);
}

async function expectError(url: string, status: number, error: string, description: string) {
  const res = await get(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
  expect(JSON.parse(res.body)).toEqual({ error, error_description: description });
  expect(Object.keys(JSON.parse(res.body))).toEqual(['error', 'error_description']);
}

const typeError = (name: string) => `The type of parameter ${name} you provided is not valid for this request.`;
const paramsError = (names: string[]) =>
  `The parameters [${names.join(', ')}] you provided are not valid for this request.`;

/** The `*` wildcard as the spec states it: `*` any run, nothing else special, any case. */
function wildcard(pattern: string): (value: Json | undefined) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 'is');
  return (value) => typeof value === 'string' && regex.test(value);
}

/** The ids, in default order, of the records that pass `test`. */
function expectedIds(records: Rec[], test: (record: Rec) => boolean): number[] {
  return records.filter(test).map((record) => record.id as number);
}

/** Every record a list holds, following `next` from the first page; each page's `previous` checked. */
async function followAll(first: string): Promise<{ ids: number[]; pages: number }> {
  const seen: number[] = [];
  let url: string | null = first;
  let pages = 0;
  while (url !== null) {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    const body = JSON.parse(res.body) as ListBody;
    seen.push(...body.data.map((record) => record.id as number));
    url = body.paging.next;
    pages += 1;
    expect(pages).toBeLessThan(200);
  }
  return { ids: seen, pages };
}

describe('paging', () => {
  it('holds 151 customers in the default order: dateCreated ascending, ties by id', () => {
    expect(all).toHaveLength(151);
    const sorted = [...all].sort(
      (a, b) => String(a.dateCreated).localeCompare(String(b.dateCreated)) || (a.id as number) - (b.id as number),
    );
    expect(all.map((c) => c.id)).toEqual(sorted.map((c) => c.id));
    expect(new Set(all.map((c) => c.id)).size).toBe(151);
  });

  it('defaults to max 100, offset 0, with the next page linked', async () => {
    const body = await list('/customers');
    expect(Object.keys(body)).toEqual(['paging', 'data']);
    expect(Object.keys(body.paging)).toEqual(['total', 'max', 'offset', 'previous', 'next']);
    expect(body.paging).toEqual({
      total: 151,
      max: 100,
      offset: 0,
      previous: null,
      next: '/api/v1.0/customers?max=100&offset=100&sort=dateCreated&order=asc',
    });
    expect(body.data.map((c) => c.id)).toEqual(all.slice(0, 100).map((c) => c.id));
  });

  it('caps max at 100; max 0 or negative means the default', async () => {
    for (const max of ['500', '101', '0', '-5']) {
      const body = await list(`/customers?max=${max}`);
      expect(body.paging.max, `max=${max}`).toBe(100);
      expect(body.data, `max=${max}`).toHaveLength(100);
      expect(body.paging.next).toBe('/api/v1.0/customers?max=100&offset=100&sort=dateCreated&order=asc');
    }
    expect((await list('/customers?max=100')).paging.max).toBe(100);
    expect((await list('/customers?max=1')).data.map((c) => c.id)).toEqual([all[0]?.id]);
  });

  it('reads a negative offset as 0', async () => {
    const body = await list('/customers?offset=-3&max=5');
    expect(body.paging).toMatchObject({ offset: 0, previous: null });
    expect(body.data.map((c) => c.id)).toEqual(all.slice(0, 5).map((c) => c.id));
  });

  it('answers an empty page past the end, with previous set and next null', async () => {
    const body = await list('/customers?offset=1000');
    expect(body.data).toEqual([]);
    expect(body.paging).toEqual({
      total: 151,
      max: 100,
      offset: 1000,
      previous: '/api/v1.0/customers?max=100&offset=900&sort=dateCreated&order=asc',
      next: null,
    });
    const last = await list('/customers?offset=150&max=10');
    expect(last.data.map((c) => c.id)).toEqual([all[150]?.id]);
    expect(last.paging.next).toBeNull();
    expect(last.paging.previous).toBe('/api/v1.0/customers?max=10&offset=140&sort=dateCreated&order=asc');
  });

  it('starts previous at 0 when the offset is smaller than max', async () => {
    const body = await list('/customers?offset=3&max=10');
    expect(body.paging.previous).toBe('/api/v1.0/customers?max=10&offset=0&sort=dateCreated&order=asc');
    expect(body.paging.next).toBe('/api/v1.0/customers?max=10&offset=13&sort=dateCreated&order=asc');
    expect(body.data.map((c) => c.id)).toEqual(all.slice(3, 13).map((c) => c.id));
  });

  it('keeps the caller’s filters in the links, in the order sent, form-encoded', async () => {
    const query =
      'name=*e%20b*&sort=name&max=2&isActive=true&order=DESC&offset=2&lastUpdated_gte=2024-01-01T01:00:00%2B01:00';
    const body = await list(`/customers?${query}`);
    const filters = 'name=*e+b*&isActive=true&lastUpdated_gte=2024-01-01T01%3A00%3A00%2B01%3A00';
    expect(body.paging.total).toBeGreaterThan(4);
    expect(body.paging.next).toBe(`/api/v1.0/customers?max=2&offset=4&sort=name&order=desc&${filters}`);
    expect(body.paging.previous).toBe(`/api/v1.0/customers?max=2&offset=0&sort=name&order=desc&${filters}`);
    // The links answer the same filters: previous is the first page of the same list.
    const previous = JSON.parse((await get(body.paging.previous ?? '')).body) as ListBody;
    expect(previous.paging.total).toBe(body.paging.total);
    expect(previous.paging.offset).toBe(0);
  });

  it('visits every customer exactly once by following next', async () => {
    const { ids: seen, pages } = await followAll(`${API}/customers?max=7`);
    expect(pages).toBe(22);
    expect(seen).toEqual(all.map((c) => c.id));
  });

  it('visits every selected customer exactly once with filters and a descending sort', async () => {
    const { ids: seen } = await followAll(`${API}/customers?isActive=true&sort=lastUpdated&order=desc&max=9`);
    const expected = all
      .filter((c) => c.isActive === true)
      .sort((a, b) => String(b.lastUpdated).localeCompare(String(a.lastUpdated)) || (a.id as number) - (b.id as number))
      .map((c) => c.id);
    expect(expected.length).toBeGreaterThan(100);
    expect(seen).toEqual(expected);
  });

  it('refuses a max or offset that is not a whole number', async () => {
    await expectError(`${API}/customers?max=abc`, 400, 'invalid_param_type', typeError('max'));
    await expectError(`${API}/customers?max=`, 400, 'invalid_param_type', typeError('max'));
    await expectError(`${API}/customers?offset=1.5`, 400, 'invalid_param_type', typeError('offset'));
  });
});

/** The oracle's comparison: nulls first, text without case, ties by id whatever the direction. */
function compareBy(field: string, order: 'asc' | 'desc') {
  const key = (value: Json) => (typeof value === 'string' ? value.toLowerCase() : value);
  return (a: Rec, b: Rec): number => {
    const x = key(a[field] ?? null);
    const y = key(b[field] ?? null);
    let result = 0;
    if (x !== y) {
      if (x === null) result = -1;
      else if (y === null) result = 1;
      else result = (x as string | number) < (y as string | number) ? -1 : 1;
    }
    return (order === 'asc' ? result : -result) || (a.id as number) - (b.id as number);
  };
}

// Text values outside ASCII (Épicerie, Supérette) sort somewhere the spec does not say; the order
// is checked among the others, which it fixes.
const plain = (record: Rec, field: string) => {
  const value = record[field];
  return typeof value !== 'string' || /^[\x20-\x7e]*$/.test(value);
};

describe('sorting', () => {
  const FIELDS = [
    'id',
    'reference',
    'name',
    'categoryReference',
    'email',
    'billingCity',
    'creditLimit',
    'isActive',
    'onHold',
    'currency',
    'dateCreated',
    'lastUpdated',
  ];
  for (const field of FIELDS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sorts by ${field} ${order}`, async () => {
        const { ids: seen } = await followAll(`${API}/customers?sort=${field}&order=${order}`);
        expect([...seen].sort()).toEqual(all.map((c) => c.id).sort());
        const byId = new Map(all.map((c) => [c.id as number, c]));
        const served = seen.map((id) => byId.get(id) as Rec).filter((c) => plain(c, field));
        const expected = all.filter((c) => plain(c, field)).sort(compareBy(field, order));
        expect(served.map((c) => [c.id, c[field]])).toEqual(expected.map((c) => [c.id, c[field]]));
      });
    }
  }

  it('has ties, nulls and mixed values in the fields it sorts by (so the checks above bite)', () => {
    const values = (field: string) => all.map((c) => c[field] ?? null);
    expect(new Set(values('billingCity')).size).toBeLessThan(60);
    expect(values('email')).toContain(null);
    expect(values('creditLimit')).toContain(null);
    expect(new Set(values('isActive'))).toEqual(new Set([true, false]));
  });

  it('takes the order in any case', async () => {
    expect(await ids('/customers?sort=reference&order=DESC&max=5')).toEqual(
      await ids('/customers?sort=reference&order=desc&max=5'),
    );
  });

  it('refuses an unknown sort field or order, naming it', async () => {
    await expectError(`${API}/customers?sort=bogus`, 400, 'invalid_param', paramsError(['bogus']));
    await expectError(
      `${API}/customers?sort=customerCategory`,
      400,
      'invalid_param',
      paramsError(['customerCategory']),
    );
    await expectError(`${API}/customers?order=up`, 400, 'invalid_param', paramsError(['up']));
  });
});

describe('filters', () => {
  const cases: [string, (c: Rec) => boolean][] = [
    // reference: wildcards at both ends, trailing, leading, none (exact), any case
    ['reference=*us-0010*', (c) => wildcard('*us-0010*')(c.reference)],
    ['reference=cus-0014*', (c) => wildcard('cus-0014*')(c.reference)],
    ['reference=*5', (c) => wildcard('*5')(c.reference)],
    ['reference=cus-00007', (c) => c.reference === 'CUS-00007'],
    ['reference=CUS-0000', () => false],
    ['reference=nc-3', (c) => c.reference === 'NC-3'],
    ['reference=*ef-6*', () => false],
    ['reference=c*0*7', (c) => wildcard('c*0*7')(c.reference)],
    // name
    ['name=*jewel*', (c) => wildcard('*jewel*')(c.name)],
    ['name=BOULANGERIE*', (c) => wildcard('boulangerie*')(c.name)],
    ['name=*(paris)', (c) => wildcard('*(paris)')(c.name)],
    ['name=harris%20pharmacy', (c) => String(c.name).toLowerCase() === 'harris pharmacy'],
    ['name=**', () => true],
    ['name=*', () => true],
    ['name=', () => false],
    // Only * is a wildcard: neither SQL's _ and % nor a regular expression's . are.
    ['name=tabac_presse*', () => false],
    ['name=tabac%25', () => false],
    ['name=*.*', () => false],
    // categoryReference: the category's reference, as the vendor's examples write it
    ['categoryReference=jewelry', (c) => c.categoryReference === 'jewelry'],
    ['categoryReference=*stores', (c) => wildcard('*stores')(c.categoryReference)],
    ['categoryReference=PHARM*', (c) => wildcard('pharm*')(c.categoryReference)],
    ['categoryReference=*er*', (c) => wildcard('*er*')(c.categoryReference)],
    // isActive, in any case
    ['isActive=true', (c) => c.isActive === true],
    ['isActive=false', (c) => c.isActive === false],
    ['isActive=TRUE', (c) => c.isActive === true],
    ['isActive=False', (c) => c.isActive === false],
    // filters together: all of them apply
    [
      'name=b*&isActive=true&categoryReference=*s',
      (c) => wildcard('b*')(c.name) && c.isActive === true && wildcard('*s')(c.categoryReference),
    ],
  ];
  for (const [query, test] of cases) {
    it(query, async () => {
      const expected = expectedIds(all, test);
      const body = await list(`/customers?${query}`);
      expect(body.paging.total).toBe(expected.length);
      expect((await followAll(`${API}/customers?${query}`)).ids).toEqual(expected);
    });
  }

  it('selects something, and not everything, with most filters above (so they bite)', () => {
    expect(expectedIds(all, (c) => wildcard('*us-0010*')(c.reference))).toHaveLength(10);
    expect(expectedIds(all, (c) => wildcard('*5')(c.reference)).length).toBeGreaterThan(10);
    expect(expectedIds(all, (c) => wildcard('*jewel*')(c.name)).length).toBeGreaterThan(2);
    expect(expectedIds(all, (c) => c.categoryReference === 'jewelry').length).toBeGreaterThan(2);
    expect(expectedIds(all, (c) => c.isActive === false).length).toBeGreaterThan(2);
  });

  it('refuses an isActive that is not true or false', async () => {
    for (const value of ['yes', '1', '', 'truee']) {
      await expectError(`${API}/customers?isActive=${value}`, 400, 'invalid_param_type', typeError('isActive'));
    }
  });

  it('refuses a parameter given twice, naming it', async () => {
    await expectError(`${API}/customers?name=a*&name=b*`, 400, 'invalid_param_type', typeError('name'));
    await expectError(`${API}/customers?max=1&max=2`, 400, 'invalid_param_type', typeError('max'));
    await expectError(
      `${API}/customers?dateCreated_gt=2024-01-01T00:00:00Z&dateCreated_gt=2024-02-01T00:00:00Z`,
      400,
      'invalid_param_type',
      typeError('dateCreated_gt'),
    );
  });

  it('lists every unknown parameter in the order sent', async () => {
    await expectError(
      `${API}/customers?zeta=1&max=5&alpha=2&reference2=x&name=a`,
      400,
      'invalid_param',
      paramsError(['zeta', 'alpha', 'reference2']),
    );
  });

  it('checks in the documented order: unknown, repeated, types, sort and order, dates', async () => {
    await expectError(`${API}/customers?max=x&name=a&name=b&foo=1`, 400, 'invalid_param', paramsError(['foo']));
    await expectError(`${API}/customers?max=x&name=a&name=b`, 400, 'invalid_param_type', typeError('name'));
    await expectError(`${API}/customers?sort=bogus&isActive=maybe`, 400, 'invalid_param_type', typeError('isActive'));
    await expectError(`${API}/customers?dateCreated_gt=2016&sort=bogus`, 400, 'invalid_param', paramsError(['bogus']));
  });
});

describe('date filters', () => {
  const OPERATORS = {
    gt: (t: number, bound: number) => t > bound,
    gte: (t: number, bound: number) => t >= bound,
    lt: (t: number, bound: number) => t < bound,
    lte: (t: number, bound: number) => t <= bound,
  } as const;

  /** `ms` written with a fraction of a second and at an offset from UTC (minutes east). */
  function written(ms: number, offsetMinutes: number, colon: boolean, fraction: string): string {
    const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
    if (offsetMinutes === 0 && colon) return `${local}${fraction}Z`;
    const sign = offsetMinutes < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
    return `${local}${fraction}${sign}${hours}${colon ? ':' : ''}${minutes}`;
  }

  for (const field of ['dateCreated', 'lastUpdated'] as const) {
    for (const [operator, holds] of Object.entries(OPERATORS)) {
      it(`${field}_${operator} with Z, a fraction, and numeric offsets`, async () => {
        // A record in the middle of the list, so that both sides hold some.
        const pivot = Date.parse(String([...all].sort(compareBy(field, 'asc'))[75]?.[field]));
        const variants: [string, number][] = [
          [written(pivot, 0, true, ''), pivot],
          [written(pivot, 0, true, '.000'), pivot],
          [written(pivot, 0, true, '.5'), pivot + 500],
          [written(pivot - 1, 0, true, '.999'), pivot - 1],
          [written(pivot, 60, true, ''), pivot],
          [written(pivot, 60, false, ''), pivot],
          [written(pivot, -330, true, '.25'), pivot + 250],
          [written(pivot, 0, false, ''), pivot],
        ];
        for (const [text, bound] of variants) {
          const expected = expectedIds(all, (c) => holds(Date.parse(String(c[field])), bound));
          expect(expected.length, text).toBeGreaterThan(0);
          expect(expected.length, text).toBeLessThan(151);
          const got = await ids(`/customers?${field}_${operator}=${encodeURIComponent(text)}`);
          expect(got, `${field}_${operator}=${text}`).toEqual(expected);
        }
      });
    }
  }

  it('combines two bounds into a window', async () => {
    const from = '2024-03-01T00:00:00Z';
    const to = '2024-04-01T00:00:00+00:00';
    const expected = expectedIds(
      all,
      (c) => String(c.dateCreated) >= '2024-03-01T00:00:00Z' && String(c.dateCreated) < '2024-04-01T00:00:00Z',
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(await ids(`/customers?dateCreated_gte=${from}&dateCreated_lt=${encodeURIComponent(to)}`)).toEqual(expected);
  });

  it('refuses anything else, quoting the value', async () => {
    const bad = [
      '2024-06-27',
      '2024-06-27 09:16:41Z',
      '2024-06-27T09:16Z',
      '2024-06-27T09:16:41',
      '2016-08-1Z',
      '27/06/2024',
      '1719479801',
      '',
    ];
    for (const value of bad) {
      for (const filter of ['dateCreated_gte', 'lastUpdated_lt']) {
        await expectError(
          `${API}/customers?${filter}=${encodeURIComponent(value)}`,
          400,
          'invalid_datetime_format',
          `Invalid datetime filter (not ISO-8601 formatted): [${value}]`,
        );
      }
    }
  });
});

describe('a pathological wildcard', () => {
  it('answers fast against long names', async () => {
    const server = await testApp({ dataset: 'empty' });
    try {
      const session = await valomniaLogin(server, 'wildcards@example.com');
      for (let i = 0; i < 40; i += 1) {
        const res = await server.inject({
          method: 'POST',
          url: `${API}/customers`,
          headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ reference: `A-${i}`, name: 'a'.repeat(255) }).toString(),
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      const started = performance.now();
      const none = await get(`${API}/customers?name=*a*a*a*a*a*a*a*a*a*a*b`, session.cookie, server);
      const some = await get(`${API}/customers?name=*a*a*a*a*a*a*a*a*a*a*a`, session.cookie, server);
      const elapsed = performance.now() - started;
      expect(JSON.parse(none.body).paging.total).toBe(0);
      expect(JSON.parse(some.body).paging.total).toBe(40);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await server.close();
    }
  });
});

describe('case-insensitive text sort, ties by id', () => {
  it('sorts names without regard to case and keeps id order among equals, both ways', async () => {
    const server = await testApp({ dataset: 'empty' });
    try {
      const session = await valomniaLogin(server, 'sorting@example.com');
      const names = ['beta', 'Alpha', 'gamma', 'BETA', 'alpha', 'Beta'];
      for (const [i, name] of names.entries()) {
        const res = await server.inject({
          method: 'POST',
          url: `${API}/customers`,
          headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ reference: `S-${i}`, name }).toString(),
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      const sorted = async (order: string) =>
        (
          JSON.parse((await get(`${API}/customers?sort=name&order=${order}`, session.cookie, server)).body) as ListBody
        ).data.map((c) => c.name);
      expect(await sorted('asc')).toEqual(['Alpha', 'alpha', 'beta', 'BETA', 'Beta', 'gamma']);
      expect(await sorted('desc')).toEqual(['gamma', 'beta', 'BETA', 'Beta', 'Alpha', 'alpha']);
      const filtered = JSON.parse((await get(`${API}/customers?name=BETA`, session.cookie, server)).body) as ListBody;
      expect(filtered.data.map((c) => c.name)).toEqual(['beta', 'BETA', 'Beta']);
    } finally {
      await server.close();
    }
  });
});

/** Each linked resource: its filters (besides the dates), whether it has a reference, its 404 words. */
const LINKED = [
  { path: 'customerCategories', words: 'customer category', filters: ['reference', 'name'], byReference: true },
  { path: 'customerSegmentations', words: 'customer segmentation', filters: ['reference', 'name'], byReference: true },
  { path: 'paymentTypes', words: 'payment type', filters: ['reference', 'name'], byReference: true },
  { path: 'regions', words: 'region', filters: ['name'], byReference: false },
  { path: 'users', words: 'user', filters: ['reference'], byReference: true },
  { path: 'employees', words: 'employee', filters: ['reference'], byReference: true },
] as const;

/** Patterns each filter is tried with: one picks a few, one nothing, and the exact value of a record. */
function patternsFor(records: Rec[], field: string): string[] {
  const values = records.map((r) => String(r[field]));
  const sample = values[Math.min(1, values.length - 1)] ?? '';
  return [
    `*${sample.slice(1, 3)}*`,
    `${sample.slice(0, 2).toUpperCase()}*`,
    `*${sample.slice(-2)}`,
    sample,
    'nothing-like-it*',
  ];
}

describe('linked resources', () => {
  for (const resource of LINKED) {
    describe(resource.path, () => {
      it('lists every record with the paging envelope, ordered by dateCreated then id', async () => {
        const body = await list(`/${resource.path}`);
        expect(body.paging).toMatchObject({ total: body.data.length, max: 100, offset: 0, previous: null, next: null });
        expect(body.data.length).toBeGreaterThan(2);
        const sorted = [...body.data].sort(compareBy('dateCreated', 'asc'));
        expect(body.data.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
        const page = await list(`/${resource.path}?max=2&offset=1`);
        expect(page.data.map((r) => r.id)).toEqual(body.data.slice(1, 3).map((r) => r.id));
        expect(page.paging.previous).toBe(`/api/v1.0/${resource.path}?max=2&offset=0&sort=dateCreated&order=asc`);
      });

      it(`filters by ${resource.filters.join(' and ')} with wildcards, any case`, async () => {
        const everything = (await list(`/${resource.path}`)).data;
        for (const filter of resource.filters) {
          for (const pattern of patternsFor(everything, filter)) {
            const expected = expectedIds(everything, (r) => wildcard(pattern)(r[filter] ?? null));
            const got = await ids(`/${resource.path}?${filter}=${encodeURIComponent(pattern)}`);
            expect(got, `${filter}=${pattern}`).toEqual(expected);
          }
        }
      });

      it('filters by the eight dates', async () => {
        const everything = (await list(`/${resource.path}`)).data;
        const pivot = String(everything[Math.floor(everything.length / 2)]?.dateCreated);
        const ops = {
          gt: (a: string) => a > pivot,
          gte: (a: string) => a >= pivot,
          lt: (a: string) => a < pivot,
          lte: (a: string) => a <= pivot,
        };
        for (const field of ['dateCreated', 'lastUpdated']) {
          for (const [op, holds] of Object.entries(ops)) {
            const expected = expectedIds(everything, (r) => holds(String(r[field])));
            expect(await ids(`/${resource.path}?${field}_${op}=${pivot}`), `${field}_${op}`).toEqual(expected);
          }
        }
        await expectError(
          `${API}/${resource.path}?dateCreated_gt=2016-08-15`,
          400,
          'invalid_datetime_format',
          'Invalid datetime filter (not ISO-8601 formatted): [2016-08-15]',
        );
      });

      it('refuses the filters it does not take', async () => {
        const refused = ['reference', 'name', 'categoryReference', 'isActive'].filter(
          (name) => !(resource.filters as readonly string[]).includes(name),
        );
        expect(refused.length).toBeGreaterThan(1);
        for (const name of refused) {
          await expectError(`${API}/${resource.path}?${name}=x`, 400, 'invalid_param', paramsError([name]));
        }
      });

      it('shows each record by id (and by reference where it has one), as the list shows it', async () => {
        const everything = (await list(`/${resource.path}`)).data;
        for (const record of everything) {
          const byId = await get(`${API}/${resource.path}/${record.id}`);
          expect(byId.statusCode).toBe(200);
          expect(JSON.stringify(JSON.parse(byId.body))).toBe(JSON.stringify(record));
          if (resource.byReference) {
            const byReference = await get(
              `${API}/${resource.path}/reference/${encodeURIComponent(String(record.reference))}`,
            );
            expect(byReference.statusCode).toBe(200);
            expect(JSON.stringify(JSON.parse(byReference.body))).toBe(JSON.stringify(record));
          } else {
            expect(record).not.toHaveProperty('reference');
          }
        }
      });

      it('answers 404 and 400 with its own words', async () => {
        await expectError(
          `${API}/${resource.path}/999`,
          404,
          'not_found',
          `The ${resource.words} with the id 999 doesn't exist.`,
        );
        await expectError(
          `${API}/${resource.path}/x1`,
          400,
          'invalid_param_type',
          'The type of parameter id you provided is not valid for this request.',
        );
        if (resource.byReference) {
          await expectError(
            `${API}/${resource.path}/reference/nope`,
            404,
            'not_found',
            `The ${resource.words} with the id nope doesn't exist.`,
          );
        } else {
          // No reference route: /regions/reference/x is a path the API does not have, and
          // /regions/reference asks for the region whose id is "reference".
          await expectError(
            `${API}/${resource.path}/reference/x`,
            404,
            'not_found',
            "The requested resource doesn't exist.",
          );
          await expectError(
            `${API}/${resource.path}/reference`,
            400,
            'invalid_param_type',
            'The type of parameter id you provided is not valid for this request.',
          );
        }
      });
    });
  }
});

describe('hrefs', () => {
  it('every href a customer, user, employee or category renders answers 200 under /api/v1.0 and /api/v1', async () => {
    /** href → the id the link names. */
    const links = new Map<string, number>();
    const kinds = new Set<string>();
    const add = (kind: string, link: Json | undefined) => {
      if (link === null || link === undefined || typeof link !== 'object' || Array.isArray(link)) return;
      kinds.add(kind);
      links.set(String(link.href), (link.id ?? link.userId) as number);
    };
    for (const customer of all) {
      add('customerCategory', customer.customerCategory);
      add('customerSegmentation', customer.customerSegmentation);
      add('parentCustomer', customer.parentCustomer);
      add('createdBy', customer.createdBy);
      add('region', customer.region);
      for (const type of (customer.paymentTypes as Json[]) ?? []) add('paymentTypes', type);
    }
    for (const user of (await list('/users')).data) add('employee', user.employee);
    for (const employee of (await list('/employees')).data) add('manager', employee.manager);
    for (const category of (await list('/customerCategories')).data) add('parentCategory', category.parentCategory);
    expect([...kinds].sort()).toEqual(
      [
        'createdBy',
        'customerCategory',
        'customerSegmentation',
        'employee',
        'manager',
        'parentCategory',
        'parentCustomer',
        'paymentTypes',
        'region',
      ].sort(),
    );

    // The links of linked records reached through hrefs, followed too (a user's employee, …).
    for (const [href, id] of links) {
      expect(href).toMatch(/^\/api\/v1\.0\/[A-Za-z]+\/\d+$/);
      const current = await get(href);
      expect(current.statusCode, href).toBe(200);
      const record = JSON.parse(current.body) as Rec;
      expect(record.id, href).toBe(id);
      const older = await get(href.replace('/api/v1.0/', '/api/v1/'));
      expect(older.statusCode, href).toBe(200);
      expect(older.body).toBe(current.body);
      if (href.includes('/users/')) add('employee', record.employee);
      if (href.includes('/employees/')) add('manager', record.manager);
    }
    expect(links.size).toBeGreaterThan(30);
  });

  it('serves the same lists and errors under /api/v1', async () => {
    expect((await list('/customers?max=5&name=b*', '/api/v1')).data).toEqual(
      (await list('/customers?max=5&name=b*')).data,
    );
    // Links it renders use /api/v1.0 whatever the prefix called.
    expect((await list('/customers?max=5', '/api/v1')).paging.next).toBe(
      '/api/v1.0/customers?max=5&offset=5&sort=dateCreated&order=asc',
    );
    await expectError('/api/v1/customers?foo=1', 400, 'invalid_param', paramsError(['foo']));
  });
});
