import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseXmlDocument } from '../../src/core/xml-parse.js';
import { basic, DOCS_TOKEN, testApp } from '../helpers/app.js';
import { expectGolden } from '../helpers/golden.js';
import { fieldsOf, hashValue, listOf } from '../helpers/xml.js';

// Every curl example of the vendor's customers and suppliers pages, replayed against a tenant of
// the docs dataset (exactly the records the pages show), with the token the pages use.

const headers = { authorization: basic(DOCS_TOKEN), accept: 'application/xml', 'content-type': 'application/xml' };

let app: FastifyInstance;
beforeEach(async () => {
  app = await testApp({ dataset: 'docs' });
});
afterEach(async () => {
  await app.close();
});

function get(url: string) {
  return app.inject({ method: 'GET', url, headers });
}
function send(method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: string) {
  return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}
async function freezeClock(at: string) {
  const res = await app.inject({
    method: 'POST',
    url: `/__admin/tenants/imonggo/${DOCS_TOKEN}/clock/freeze`,
    payload: { at },
  });
  expect(res.statusCode).toBe(200);
}

describe('customers page', () => {
  it('lists customers, deleted ones included (Example 1)', async () => {
    const res = await get('/api/customers.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<customers type="array">\n {2}<customer>\n/);
    expect(listOf(res.body).map((c) => [c.id, c.status])).toEqual([['11', 'D']]);
  });

  it('pages with page and per_page (Example 2)', async () => {
    expect((await get('/api/customers.xml?page=1')).body).toBe((await get('/api/customers.xml')).body);
    expect((await get('/api/customers.xml?page=1&per_page=50')).body).toBe((await get('/api/customers.xml')).body);
    const page2 = await get('/api/customers.xml?page=2');
    expect(page2.statusCode).toBe(200);
    expect(page2.body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<customers type="array"/>\n');
  });

  it('leaves deleted customers out with active_only=1 (Example 3)', async () => {
    expect(listOf((await get('/api/customers.xml?active_only=1')).body)).toEqual([]);
  });

  it('gets customer 11 exactly as the sample shows', async () => {
    const res = await get('/api/customers/11.xml');
    expect(res.statusCode).toBe(200);
    expectGolden('customer-11.xml', res.body);
  });

  it('creates John Smith as id 12, code 000002, exactly as the sample shows', async () => {
    await freezeClock('2011-04-21T03:01:51Z');
    const res = await send('POST', '/api/customers.xml', '<customer><name>John Smith</name></customer>');
    expect(res.statusCode).toBe(200);
    expectGolden('customer-created-john-smith.xml', res.body);
  });

  it('updates: the example ids are not in the docs data (404); the same bodies on John Smith succeed', async () => {
    await send('POST', '/api/customers.xml', '<customer><name>John Smith</name></customer>');
    const rename = '<customer><first_name>Kevin B</first_name><last_name>Example</last_name></customer>';
    const taxExempt = '<customer><tax_exempt>true</tax_exempt></customer>';
    const country = '<customer><country>PH</country></customer>';
    expect((await send('PUT', '/api/customers/17.xml', rename)).statusCode).toBe(404);
    expect((await send('PUT', '/api/customers/13.xml', taxExempt)).statusCode).toBe(404);
    expect((await send('PUT', '/api/customers/14.xml', country)).statusCode).toBe(404);

    const renamed = await send('PUT', '/api/customers/12.xml', rename);
    expect(renamed.statusCode).toBe(200);
    expect(fieldsOf(parseXmlDocument(renamed.body))).toMatchObject({
      id: '12',
      first_name: 'Kevin B',
      last_name: 'Example',
      name: 'Kevin B Example',
    });
    const exempt = fieldsOf(parseXmlDocument((await send('PUT', '/api/customers/12.xml', taxExempt)).body));
    expect(exempt).toMatchObject({ tax_exempt: 'true', name: 'Kevin B Example' });
    const moved = fieldsOf(parseXmlDocument((await send('PUT', '/api/customers/12.xml', country)).body));
    expect(moved).toMatchObject({ country: 'PH', tax_exempt: 'true' });
  });

  it('deletes: marks status D, ignores a repeat, 404 for an unknown id', async () => {
    await freezeClock('2011-04-21T03:01:51Z');
    await send('POST', '/api/customers.xml', '<customer><name>John Smith</name></customer>');
    await freezeClock('2011-04-21T03:05:00Z');
    const deleted = await send('DELETE', '/api/customers/12.xml');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.body).toBe('');
    const after = fieldsOf(parseXmlDocument((await get('/api/customers/12.xml')).body));
    expect(after).toMatchObject({ status: 'D', utc_updated_at: '2011-04-21T03:05:00Z' });

    await freezeClock('2011-04-21T03:09:00Z');
    expect((await send('DELETE', '/api/customers/12.xml')).statusCode).toBe(200);
    const again = fieldsOf(parseXmlDocument((await get('/api/customers/12.xml')).body));
    expect(again.utc_updated_at).toBe('2011-04-21T03:05:00Z');
    expect((await send('DELETE', '/api/customers/13.xml')).statusCode).toBe(404);
  });

  it('counts, with active_only and date filters (Other features, Examples 1 and 2)', async () => {
    // The page's own counts (7, then 1) come from an account with more customers than it shows;
    // the docs tenant holds the one customer the page shows, updated 2011-04-21.
    const count = await get('/api/customers.xml?q=count');
    expect(count.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <count type="integer">1</count>\n</hash>\n',
    );
    expect(hashValue((await get('/api/customers.xml?q=count&active_only=1')).body, 'count')).toBe('0');
    expect(hashValue((await get('/api/customers.xml?q=count&after=2012-01-01')).body, 'count')).toBe('0');
    // Documented answer: 1.
    expect(hashValue((await get('/api/customers.xml?q=count&after=2011-04-1')).body, 'count')).toBe('1');
    const after = await get('/api/customers.xml?after=2010-12-31%2023:59');
    expect(listOf(after.body).map((c) => c.id)).toEqual(['11']);
  });

  it('answers the last updated date in database form (Example 3)', async () => {
    const res = await get('/api/customers.xml?q=last_updated_at');
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <last-updated-at>2011-04-21 02:54:55</last-updated-at>\n</hash>\n',
    );
  });
});

describe('suppliers page', () => {
  it('lists suppliers, and pages past the end as a bare <suppliers/>', async () => {
    const list = await get('/api/suppliers.xml');
    expect(list.statusCode).toBe(200);
    expect(list.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<suppliers type="array">\n/);
    expect(listOf(list.body).map((s) => s.id)).toEqual(['22259']);
    expect((await get('/api/suppliers.xml?page=1')).body).toBe(list.body);
    expect((await get('/api/suppliers.xml?page=2')).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<suppliers/>\n',
    );
    expect(listOf((await get('/api/suppliers.xml?active_only=1')).body).map((s) => s.id)).toEqual(['22259']);
  });

  it('gets supplier 22259 as the sample shows it, and 404 for the example path 53', async () => {
    const res = await get('/api/suppliers/22259.xml');
    expect(res.statusCode).toBe(200);
    expectGolden('supplier-22259.xml', res.body);
    expect((await get('/api/suppliers/53.xml')).statusCode).toBe(404);
  });

  it('creates Merit Inc. and answers only its id, 23248 as documented', async () => {
    const res = await send(
      'POST',
      '/api/suppliers.xml',
      '<supplier><name>Merit Inc.</name><contact_person>James Hower</contact_person></supplier>',
    );
    expect(res.statusCode).toBe(200);
    expectGolden('supplier-created.xml', res.body);
    expect(fieldsOf(parseXmlDocument((await get('/api/suppliers/23248.xml')).body))).toMatchObject({
      name: 'Merit Inc.',
      contact_person: 'James Hower',
      tax_exempt: 'false',
      status: null,
    });
  });

  it('updates and deletes; the example ids 53 and 599 are unknown here', async () => {
    const rename = '<supplier><name>Median Enterprise</name></supplier>';
    expect((await send('PUT', '/api/suppliers/53.xml', rename)).statusCode).toBe(404);
    const renamed = await send('PUT', '/api/suppliers/22259.xml', rename);
    expect(renamed.statusCode).toBe(200);
    expect(fieldsOf(parseXmlDocument(renamed.body))).toMatchObject({
      id: '22259',
      name: 'Median Enterprise',
      code: '2434HI',
    });
    expect((await send('DELETE', '/api/suppliers/599.xml')).statusCode).toBe(404);
    expect((await send('DELETE', '/api/suppliers/22259.xml')).statusCode).toBe(200);
    expect(fieldsOf(parseXmlDocument((await get('/api/suppliers/22259.xml')).body)).status).toBe('D');
  });

  it('counts with date filters and answers the documented last updated date', async () => {
    expect(hashValue((await get('/api/suppliers.xml?q=count')).body, 'count')).toBe('1');
    expect(hashValue((await get('/api/suppliers.xml?q=count&after=2011-01-01T00:00:00Z')).body, 'count')).toBe('1');
    // Documented answer: 1.
    expect(hashValue((await get('/api/suppliers.xml?q=count&after=2011-04-1T00:00:00Z')).body, 'count')).toBe('1');
    expect(listOf((await get('/api/suppliers.xml?after=2010-12-31T23:59:00Z')).body).map((s) => s.id)).toEqual([
      '22259',
    ]);
    // Documented answer, exactly.
    expect((await get('/api/suppliers.xml?q=last_updated_at')).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <last-updated-at>2011-04-13 04:37:45</last-updated-at>\n</hash>\n',
    );
  });
});

describe('token API', () => {
  it('hands out a 40-hex token derived from the email, the same one every time', async () => {
    const first = await app.inject({ url: '/api/tokens.xml?email=owner@example.com&password=secret' });
    expect(first.statusCode).toBe(200);
    const token = hashValue(first.body, 'api_token');
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    const again = await app.inject({ url: '/api/tokens.xml?email=OWNER@example.com&password=other' });
    expect(hashValue(again.body, 'api_token')).toBe(token);
    const json = await app.inject({ url: '/api/tokens.json?email=owner@example.com&password=secret' });
    expect(json.json()).toEqual({ api_token: token });
  });

  it('reads a repeated parameter by its last value, as Rails does', async () => {
    const repeated = await app.inject({
      url: '/api/tokens.xml?email=first@example.com&email=owner@example.com&password=x',
    });
    const single = await app.inject({ url: '/api/tokens.xml?email=owner@example.com&password=x' });
    expect(repeated.statusCode).toBe(200);
    expect(repeated.body).toBe(single.body);
  });

  it('answers 404 when a parameter is missing', async () => {
    expect((await app.inject({ url: '/api/tokens.xml?email=owner@example.com' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/tokens.xml?password=x' })).statusCode).toBe(404);
  });
});
