import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, DOCS_TOKEN, testApp } from '../helpers/app.js';

/**
 * Requests the sandbox must refuse (or shrug off) without changing a tenant: malformed and
 * hostile bodies, oversized bodies, wrong content types, unknown ids and paths, bad credentials.
 * After each refusal the tenant's counts, lists and sequences are checked against a snapshot.
 */

const AUTH = basic();
const XML = 'application/xml';
const JSON_TYPE = 'application/json';

function statusXml(status: number, error: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">${status}</status>\n  <error>${error}</error>\n</hash>\n`;
}

const XML_500 = statusXml(500, 'Internal Server Error');
const XML_404 = statusXml(404, 'Not Found');
const XML_413 = statusXml(413, 'Payload Too Large');
const JSON_500 = { status: 500, error: 'Internal Server Error' };
const JSON_404 = { status: 404, error: 'Not Found' };
const JSON_413 = { status: 413, error: 'Payload Too Large' };
const NAME_BLANK_XML = `<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error>Name can't be blank</error>\n</errors>\n`;
const DENIED_BODY = 'HTTP Basic: Access denied.\n';

const COLLECTIONS = ['customers', 'suppliers'] as const;
type Collection = (typeof COLLECTIONS)[number];
const ELEMENT: Record<Collection, string> = { customers: 'customer', suppliers: 'supplier' };
/** A seeded record of each collection in the docs dataset. */
const SEEDED_ID: Record<Collection, number> = { customers: 11, suppliers: 22259 };

interface Snapshot {
  count: Record<Collection, string>;
  list: Record<Collection, string>;
  lastUpdatedAt: Record<Collection, string>;
}

/** A request with a body, as an authenticated client of the docs token sends it. */
function sendBody(
  app: FastifyInstance,
  method: 'POST' | 'PUT',
  url: string,
  contentType: string,
  payload: string | object,
) {
  return app.inject({ method, url, headers: { authorization: AUTH, 'content-type': contentType }, payload });
}

/** POSTs one XML body to every collection, its root renamed to each record element. */
function createInEach(app: FastifyInstance, payload: string) {
  return Promise.all(
    COLLECTIONS.map((collection) =>
      sendBody(app, 'POST', `/api/${collection}.xml`, XML, payload.replaceAll('customer', ELEMENT[collection])),
    ),
  );
}

/** Everything a client can see of a tenant's state, as raw response bodies. */

async function snapshot(app: FastifyInstance, auth: string = AUTH): Promise<Snapshot> {
  const get = async (url: string): Promise<string> => {
    const res = await app.inject({ url, headers: { authorization: auth } });
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  const result: Snapshot = {
    count: { customers: '', suppliers: '' },
    list: { customers: '', suppliers: '' },
    lastUpdatedAt: { customers: '', suppliers: '' },
  };
  for (const collection of COLLECTIONS) {
    result.count[collection] = await get(`/api/${collection}.xml?q=count`);
    result.list[collection] = await get(`/api/${collection}.json?per_page=100`);
    result.lastUpdatedAt[collection] = await get(`/api/${collection}.xml?q=last_updated_at`);
  }
  return result;
}

/** The next customer a docs tenant creates must still be id 12, code 000002: no sequence was used. */
async function expectSequencesUntouched(app: FastifyInstance): Promise<void> {
  const customer = await sendBody(app, 'POST', '/api/customers.json', JSON_TYPE, {
    customer: { name: 'Sequence Probe' },
  });
  expect(customer.statusCode).toBe(200);
  expect(customer.json()).toMatchObject({ id: 12, code: '000002', name: 'Sequence Probe' });
  const supplier = await sendBody(app, 'POST', '/api/suppliers.json', JSON_TYPE, {
    supplier: { name: 'Sequence Probe' },
  });
  expect(supplier.statusCode).toBe(200);
  expect(supplier.json()).toEqual({ id: 23248 });
}

async function tenantCredentials(app: FastifyInstance): Promise<string[]> {
  const res = await app.inject({ url: '/__admin/tenants' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { tenants: { credential: string }[] }).tenants.map((tenant) => tenant.credential);
}

let app: FastifyInstance;

beforeEach(async () => {
  app = await testApp({ bodyLimit: 1024 });
});

afterEach(async () => {
  await app.close();
});

describe('malformed XML bodies', () => {
  const malformed: [string, string][] = [
    ['an unclosed root', '<customer><name>Broken</name>'],
    ['a truncated closing tag', '<customer><name>Broken</name></customer'],
    ['mismatched tags', '<customer><name>Broken</nam></customer>'],
    ['two roots', '<customer><name>One</name></customer><customer><name>Two</name></customer>'],
    ['text after the root', '<customer><name>Broken</name></customer>trailing'],
    ['text after a self-closed root', '<customer/>trailing'],
    ['plain text', 'name=Broken'],
    ['a bare ampersand', '<customer><name>Smith & Sons</name></customer>'],
    ['an unquoted attribute', '<customer><name nil=true>Broken</name></customer>'],
  ];

  it.each(malformed)('a create with %s answers the 500 hash and creates nothing', async (_label, payload) => {
    const before = await snapshot(app);
    for (const res of await createInEach(app, payload)) {
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/xml/);
      expect(res.body).toBe(XML_500);
    }
    expect(await snapshot(app)).toEqual(before);
    await expectSequencesUntouched(app);
  });

  it.each(COLLECTIONS)(
    'an update of %s with a malformed body answers 500 and leaves the record as it was',
    async (collection) => {
      const url = `/api/${collection}/${SEEDED_ID[collection]}.xml`;
      const before = await snapshot(app);
      const res = await app.inject({
        method: 'PUT',
        url,
        headers: { authorization: AUTH, 'content-type': XML },
        payload: `<${ELEMENT[collection]}><name>Changed</name>`,
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).toBe(XML_500);
      expect(await snapshot(app)).toEqual(before);
    },
  );

  it('a .json URL answers a malformed XML body with the JSON form of the 500', async () => {
    const before = await snapshot(app);
    const res = await sendBody(app, 'POST', '/api/customers.json', XML, '<customer><name>Broken</name>');
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(JSON_500);
    expect(await snapshot(app)).toEqual(before);
  });

  it('text/xml is parsed like application/xml (so the refusal above is about the body, not the type)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers.xml',
      headers: { authorization: AUTH, 'content-type': 'text/xml; charset=utf-8' },
      payload: '<customer><name>Typed Right</name></customer>',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<name>Typed Right</name>');
  });
});

describe('DOCTYPE and ENTITY declarations', () => {
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<customer><name>&lol5;</name></customer>`;
  const hostile: [string, string][] = [
    ['billion laughs', billionLaughs],
    [
      'an external file entity',
      '<?xml version="1.0"?>\n<!DOCTYPE customer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<customer><name>&xxe;</name></customer>',
    ],
    [
      'an external URL entity',
      '<!DOCTYPE customer [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/evil">]><customer><name>&xxe;</name></customer>',
    ],
    [
      'a parameter entity',
      '<!DOCTYPE customer [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><customer><name>P</name></customer>',
    ],
    ['a harmless internal entity', '<!DOCTYPE customer [<!ENTITY n "Named">]><customer><name>&n;</name></customer>'],
    ['a bare DOCTYPE', '<!DOCTYPE customer><customer><name>Doctype</name></customer>'],
    ['a lower-case doctype', '<!doctype customer><customer><name>Doctype</name></customer>'],
    ['an ENTITY without a DOCTYPE', '<customer><!ENTITY x "y"><name>Entity</name></customer>'],
  ];

  it.each(hostile)('%s: 500, nothing expanded, nothing read, nothing created', async (_label, payload) => {
    const before = await snapshot(app);
    for (const res of await createInEach(app, payload)) {
      expect(res.statusCode).toBe(500);
      expect(res.body).toBe(XML_500);
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('lol');
    }
    expect(await snapshot(app)).toEqual(before);
    await expectSequencesUntouched(app);
  });

  it('an external entity in an update leaves the record untouched (no file content stored)', async () => {
    const before = await snapshot(app);
    const res = await app.inject({
      method: 'PUT',
      url: '/api/customers/11.xml',
      headers: { authorization: AUTH, 'content-type': XML },
      payload:
        '<?xml version="1.0"?>\n<!DOCTYPE customer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<customer><name>&xxe;</name><remark>&xxe;</remark></customer>',
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe(XML_500);
    expect(await snapshot(app)).toEqual(before);
    const shown = await app.inject({ url: '/api/customers/11.json', headers: { authorization: AUTH } });
    expect(shown.json()).toMatchObject({ name: 'Customer 1', remark: null });
  });

  it('a .json URL refuses a DOCTYPE body with the JSON 500', async () => {
    const res = await sendBody(
      app,
      'POST',
      '/api/customers.json',
      XML,
      '<!DOCTYPE customer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><customer><name>&xxe;</name></customer>',
    );
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual(JSON_500);
  });
});

describe('bodies over the limit (bodyLimit 1024)', () => {
  const bigCustomer = `<customer><name>Big</name><remark>${'x'.repeat(2000)}</remark></customer>`;

  it.each(COLLECTIONS)(
    'a create of %s over the limit answers 413 in the hash and creates nothing',
    async (collection) => {
      const before = await snapshot(app);
      const res = await sendBody(
        app,
        'POST',
        `/api/${collection}.xml`,
        XML,
        bigCustomer.replaceAll('customer', ELEMENT[collection]),
      );
      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/xml/);
      expect(res.body).toBe(XML_413);
      expect(await snapshot(app)).toEqual(before);
      await expectSequencesUntouched(app);
    },
  );

  it('an update over the limit answers 413 and changes nothing', async () => {
    const before = await snapshot(app);
    const res = await sendBody(app, 'PUT', '/api/customers/11.xml', XML, bigCustomer);
    expect(res.statusCode).toBe(413);
    expect(res.body).toBe(XML_413);
    expect(await snapshot(app)).toEqual(before);
  });

  it('a JSON body over the limit on a .json URL answers the JSON 413', async () => {
    const before = await snapshot(app);
    const res = await sendBody(app, 'POST', '/api/customers.json', JSON_TYPE, {
      customer: { name: 'Big', remark: 'x'.repeat(2000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual(JSON_413);
    expect(await snapshot(app)).toEqual(before);
  });

  it('a body of an unparsed type over the limit is refused too', async () => {
    const before = await snapshot(app);
    const res = await sendBody(app, 'POST', '/api/customers.xml', 'text/plain', 'x'.repeat(5000));
    expect(res.statusCode).toBe(413);
    expect(res.body).toBe(XML_413);
    expect(await snapshot(app)).toEqual(before);
  });

  it('a body just under the limit is accepted', async () => {
    const payload = `<customer><name>Small</name><remark>${'y'.repeat(900)}</remark></customer>`;
    expect(Buffer.byteLength(payload)).toBeLessThan(1024);
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers.xml',
      headers: { authorization: AUTH, 'content-type': XML },
      payload,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<name>Small</name>');
  });
});

describe('wrong content types: the body is not parsed', () => {
  it.each(['text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'])(
    'a customer create sent as %s answers 422 "Name can\'t be blank" and creates nothing',
    async (contentType) => {
      const before = await snapshot(app);
      const res = await sendBody(
        app,
        'POST',
        '/api/customers.xml',
        contentType,
        '<customer><name>Valid Customer</name><email>valid@example.com</email></customer>',
      );
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/xml/);
      expect(res.body).toBe(NAME_BLANK_XML);
      expect(await snapshot(app)).toEqual(before);
      await expectSequencesUntouched(app);
    },
  );

  it('a supplier create sent as text/plain answers 422 too', async () => {
    const before = await snapshot(app);
    const res = await sendBody(
      app,
      'POST',
      '/api/suppliers.xml',
      'text/plain',
      '<supplier><name>Valid Supplier</name><code>VS1</code></supplier>',
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toBe(NAME_BLANK_XML);
    expect(await snapshot(app)).toEqual(before);
  });

  it('valid JSON sent as text/plain to a .json URL answers the JSON 422', async () => {
    const before = await snapshot(app);
    const res = await sendBody(
      app,
      'POST',
      '/api/customers.json',
      'text/plain',
      JSON.stringify({ customer: { name: 'Valid Customer' } }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: "Name can't be blank" });
    expect(await snapshot(app)).toEqual(before);
  });

  it('a create with no body and no content type answers 422', async () => {
    const before = await snapshot(app);
    const res = await app.inject({ method: 'POST', url: '/api/customers.xml', headers: { authorization: AUTH } });
    expect(res.statusCode).toBe(422);
    expect(res.body).toBe(NAME_BLANK_XML);
    expect(await snapshot(app)).toEqual(before);
  });

  it.each(COLLECTIONS)(
    'an update of %s sent as text/plain answers 200 with the record unchanged',
    async (collection) => {
      const url = `/api/${collection}/${SEEDED_ID[collection]}.json`;
      const shown = await app.inject({ url, headers: { authorization: AUTH } });
      const { utc_updated_at: _before, ...original } = shown.json() as Record<string, unknown>;
      const res = await app.inject({
        method: 'PUT',
        url,
        headers: { authorization: AUTH, 'content-type': 'text/plain' },
        payload: `<${ELEMENT[collection]}><name>Changed</name><city>Elsewhere</city></${ELEMENT[collection]}>`,
      });
      expect(res.statusCode).toBe(200);
      const { utc_updated_at: _after, ...answered } = res.json() as Record<string, unknown>;
      expect(answered).toEqual(original);
      const { utc_updated_at: _stored, ...stored } = (
        await app.inject({ url, headers: { authorization: AUTH } })
      ).json() as Record<string, unknown>;
      expect(stored).toEqual(original);
      expect(stored.name).not.toBe('Changed');
    },
  );

  // Rails reads an unknown (even unparseable) media type as "not a type I parse" and goes on
  // without params; Fastify refuses "foo" as an invalid media type before any parser runs.
  it.each(['foo', ';;;'])('a malformed content type (%s) is not parsed either: 422, not 500', async (contentType) => {
    const before = await snapshot(app);
    const res = await sendBody(
      app,
      'POST',
      '/api/customers.xml',
      contentType,
      '<customer><name>Valid Customer</name></customer>',
    );
    expect(await snapshot(app)).toEqual(before);
    expect(res.statusCode).toBe(422);
    expect(res.body).toBe(NAME_BLANK_XML);
  });
});

describe('malformed and odd JSON bodies', () => {
  it.each([
    '{"customer":',
    '{customer: {name: "x"}}',
    "{'customer': {'name': 'x'}}",
    'nul',
    '{"customer":{"name":"x"}} trailing',
  ])('malformed JSON %s answers the JSON 500 and creates nothing', async (payload) => {
    const before = await snapshot(app);
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers.json',
      headers: { authorization: AUTH, 'content-type': JSON_TYPE },
      payload,
    });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(JSON_500);
    expect(await snapshot(app)).toEqual(before);
    await expectSequencesUntouched(app);
  });

  it('malformed JSON on a .xml URL answers the XML 500', async () => {
    const res = await sendBody(app, 'POST', '/api/customers.xml', JSON_TYPE, '{"customer":');
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe(XML_500);
  });

  it('malformed JSON in an update leaves the record as it was', async () => {
    const before = await snapshot(app);
    const res = await sendBody(app, 'PUT', '/api/suppliers/22259.json', JSON_TYPE, '{"supplier": {"name": "Changed"');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual(JSON_500);
    expect(await snapshot(app)).toEqual(before);
  });

  it.each(['[]', '"customer"', '42', 'null', '{"customer": "Name"}', '{"customer": ["Name"]}'])(
    'well-formed JSON without a customer object (%s) answers 422 and creates nothing',
    async (payload) => {
      const before = await snapshot(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/customers.json',
        headers: { authorization: AUTH, 'content-type': JSON_TYPE },
        payload,
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({ error: "Name can't be blank" });
      expect(await snapshot(app)).toEqual(before);
    },
  );

  it('prototype keys in a JSON body are ignored and pollute nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers.json',
      headers: { authorization: AUTH, 'content-type': JSON_TYPE },
      payload:
        '{"__proto__": {"polluted": "yes"}, "customer": {"name": "Proto", "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}}',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 12, name: 'Proto' });
    expect(res.json()).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('unknown elements in an XML body', () => {
  it('ordinary unknown elements and nested elements are ignored', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers.xml',
      headers: { authorization: AUTH, 'content-type': XML },
      payload:
        '<customer><name>Known</name><favourite_colour>blue</favourite_colour><address><street>Nested</street></address><toString>x</toString></customer>',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<name>Known</name>');
    expect(res.body).not.toContain('favourite_colour');
    expect(res.body).toContain('<street nil="true"></street>');
  });

  // The contract says unknown elements are ignored; the XML parser instead throws on element
  // names it considers dangerous to JavaScript objects, and the request becomes a 500.
  it.each(['constructor', 'prototype', '__proto__'])('an unknown element named %s is ignored too', async (name) => {
    const res = await sendBody(
      app,
      'POST',
      '/api/customers.xml',
      XML,
      `<customer><name>Known</name><${name}>x</${name}></customer>`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<name>Known</name>');
  });
});

describe('unknown and non-numeric ids', () => {
  const ids = ['abc', '999999', '-11', '1e3', '99999999999999999999999999'];
  const methods = ['GET', 'PUT', 'DELETE'] as const;

  for (const collection of COLLECTIONS) {
    for (const method of methods) {
      it.each(ids)(`${method} /api/${collection}/%s answers 404 in both formats and changes nothing`, async (id) => {
        const before = await snapshot(app);
        const body = { [ELEMENT[collection]]: { name: 'Should Not Exist' } };
        const xml = await app.inject({
          method,
          url: `/api/${collection}/${id}.xml`,
          headers: { authorization: AUTH, 'content-type': XML },
          ...(method === 'PUT'
            ? { payload: `<${ELEMENT[collection]}><name>Should Not Exist</name></${ELEMENT[collection]}>` }
            : {}),
        });
        expect(xml.statusCode).toBe(404);
        expect(xml.headers['content-type']).toMatch(/^application\/xml/);
        expect(xml.body).toBe(XML_404);
        const json = await app.inject({
          method,
          url: `/api/${collection}/${id}.json`,
          headers: { authorization: AUTH, 'content-type': JSON_TYPE },
          ...(method === 'PUT' ? { payload: body } : {}),
        });
        expect(json.statusCode).toBe(404);
        expect(json.headers['content-type']).toMatch(/^application\/json/);
        expect(json.json()).toEqual(JSON_404);
        expect(await snapshot(app)).toEqual(before);
      });
    }
  }

  it('a DELETE of an unknown id does not delete a seeded record', async () => {
    await app.inject({ method: 'DELETE', url: '/api/suppliers/999999.xml', headers: { authorization: AUTH } });
    const supplier = await app.inject({ url: '/api/suppliers/22259.json', headers: { authorization: AUTH } });
    expect(supplier.json()).toMatchObject({ id: 22259, status: null });
  });
});

describe('bad credentials', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const badHeaders: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['a Bearer token', { authorization: `Bearer ${DOCS_TOKEN}` }],
    ['a Digest header', { authorization: `Digest username="${DOCS_TOKEN}"` }],
    ['an empty token (":X")', { authorization: `Basic ${b64(':X')}` }],
    ['an empty token and password (":")', { authorization: `Basic ${b64(':')}` }],
    ['a blank token ("   :X")', { authorization: `Basic ${b64('   :X')}` }],
    ['"Basic" with no credentials', { authorization: 'Basic' }],
    ['"Basic " with only a space', { authorization: 'Basic ' }],
    ['characters outside base64', { authorization: 'Basic !!!' }],
    ['an absurdly long token', { authorization: basic('t'.repeat(300)) }],
  ];
  const requests = [
    { method: 'GET', url: '/api/customers.xml' },
    { method: 'GET', url: '/api/customers.json?q=count' },
    { method: 'GET', url: '/api/suppliers/22259.xml' },
    { method: 'POST', url: '/api/customers.xml', payload: '<customer><name>Intruder</name></customer>' },
    { method: 'PUT', url: '/api/suppliers/22259.json', payload: '{"supplier":{"name":"Intruder"}}' },
    { method: 'DELETE', url: '/api/customers/11.xml' },
  ] as const;

  it.each(badHeaders)('%s: 401 with the Rails challenge, and no tenant is created', async (_label, headers) => {
    for (const request of requests) {
      const res = await app.inject({
        method: request.method,
        url: request.url,
        headers: { ...headers, ...('payload' in request ? { 'content-type': XML } : {}) },
        ...('payload' in request ? { payload: request.payload } : {}),
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Application"');
      expect(res.body).toBe(DENIED_BODY);
    }
    expect(await tenantCredentials(app)).toEqual([]);
  });

  it('a refused request never reaches the body parser: a hostile body without credentials is still a 401', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/customers.xml',
      headers: { 'content-type': XML },
      payload: '<!DOCTYPE customer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><customer><name>&xxe;</name></customer>',
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe(DENIED_BODY);
    expect(await tenantCredentials(app)).toEqual([]);
  });

  it('a 401 leaves an existing tenant untouched', async () => {
    const before = await snapshot(app);
    const res = await app.inject({
      method: 'DELETE',
      url: '/api/customers/11.xml',
      headers: { authorization: `Basic ${b64(':X')}` },
    });
    expect(res.statusCode).toBe(401);
    expect(await snapshot(app)).toEqual(before);
    expect(await tenantCredentials(app)).toEqual([DOCS_TOKEN]);
  });

  it('the password is ignored: any password reaches the same tenant', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/customers.json',
      headers: { authorization: basic(DOCS_TOKEN, 'X'), 'content-type': JSON_TYPE },
      payload: { customer: { name: 'Shared' } },
    });
    expect(created.statusCode).toBe(200);
    const id = (created.json() as { id: number }).id;
    const other = await app.inject({
      url: `/api/customers/${id}.json`,
      headers: { authorization: basic(DOCS_TOKEN, 'another password') },
    });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({ id, name: 'Shared' });
    expect(await tenantCredentials(app)).toEqual([DOCS_TOKEN]);
  });
});

describe('unknown paths under /api', () => {
  const unknown = [
    { method: 'GET', path: '/api/products' },
    { method: 'GET', path: '/api/customer' },
    { method: 'GET', path: '/api/customers/11/extra' },
    { method: 'POST', path: '/api/nothing' },
    { method: 'DELETE', path: '/api/customers' },
    { method: 'PUT', path: '/api/suppliers' },
  ] as const;

  it.each(unknown)('$method $path answers 404 in the vendor envelope for each format', async ({ method, path }) => {
    const before = await snapshot(app);
    const xml = await app.inject({ method, url: `${path}.xml`, headers: { authorization: AUTH } });
    expect(xml.statusCode).toBe(404);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.body).toBe(XML_404);
    const json = await app.inject({ method, url: `${path}.json`, headers: { authorization: AUTH } });
    expect(json.statusCode).toBe(404);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toEqual(JSON_404);
    expect(await snapshot(app)).toEqual(before);
  });

  it.each([
    '/api',
    '/api/',
    '/api/customers',
    '/api/customers.html',
    '/api/customers/11',
    '/api/customers/11.xml/',
    '/api/customers.xml/',
  ])('%s answers the XML 404, never a Fastify error body', async (url) => {
    const res = await app.inject({ url, headers: { authorization: AUTH } });
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe(XML_404);
    expect(res.body).not.toContain('statusCode');
  });

  it('an unknown path answers 404 before authentication, as Rails routes before its controllers run', async () => {
    const res = await app.inject({ url: '/api/products.json' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(JSON_404);
    expect(await tenantCredentials(app)).toEqual([]);
  });

  // A path Fastify cannot decode is rejected by its router with its own JSON body
  // ({"error":"Bad Request","code":"FST_ERR_BAD_URL",...}); on a vendor path it must be the
  // vendor's envelope instead (Rails answers such a path 400 Bad Request from its exceptions app).
  it('a path with a broken percent-escape answers in the vendor envelope, not Fastify JSON', async () => {
    const res = await app.inject({ url: '/api/customers/%zz.xml', headers: { authorization: AUTH } });
    expect(res.body).not.toContain('FST_ERR');
    expect([400, 404]).toContain(res.statusCode);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    expect(res.body).toBe(statusXml(res.statusCode, res.statusCode === 400 ? 'Bad Request' : 'Not Found'));
  });
});

describe('bad query values never fail a list', () => {
  it('unreadable paging and filters fall back to defaults', async () => {
    const plain = await app.inject({ url: '/api/customers.xml', headers: { authorization: AUTH } });
    for (const query of [
      'page=abc',
      'page=-4',
      'page=%zz',
      'after=garbage',
      'before=2011-02-30',
      'from=',
      'q=bogus',
      'active_only=maybe',
    ]) {
      const res = await app.inject({ url: `/api/customers.xml?${query}`, headers: { authorization: AUTH } });
      expect(res.statusCode, query).toBe(200);
      expect(res.body, query).toBe(plain.body);
    }
  });

  it('per_page=abc counts as 0, clamped to one record a page', async () => {
    await sendBody(app, 'POST', '/api/customers.json', JSON_TYPE, { customer: { name: 'Second' } });
    const res = await app.inject({ url: '/api/customers.json?per_page=abc', headers: { authorization: AUTH } });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { id: number }[]).map((customer) => customer.id)).toEqual([11]);
  });
});
