import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customers } from '../../src/vendors/imonggo/customers.js';
import { MYSQL_TEXT_BYTES } from '../../src/vendors/imonggo/fields.js';
import { suppliers } from '../../src/vendors/imonggo/suppliers.js';
import { basic, testApp } from '../helpers/app.js';

/**
 * Bodies read the way the vendor's Rails app reads them: well-formed XML that merely looks odd is
 * accepted, XML that XML 1.0 forbids (and bytes that are not UTF-8) is the documented 500 and
 * changes nothing, and text columns without a documented width are cut at MySQL TEXT's size.
 */

const AUTH = basic();
const XML = 'application/xml';
const JSON_TYPE = 'application/json';
const XML_500 =
  '<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">500</status>\n  <error>Internal Server Error</error>\n</hash>\n';
const JSON_500 = { status: 500, error: 'Internal Server Error' };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let app: FastifyInstance;

beforeEach(async () => {
  app = await testApp();
});

afterEach(async () => {
  await app.close();
});

function send(method: 'POST' | 'PUT', url: string, contentType: string, payload: string | Buffer | object) {
  return app.inject({ method, url, headers: { authorization: AUTH, 'content-type': contentType }, payload });
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await app.inject({ url, headers: { authorization: AUTH } });
  expect(res.statusCode).toBe(200);
  return res.json() as Record<string, unknown>;
}

/** What a client can see of the docs tenant: counts and full lists of both collections. */
async function tenantState(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const url of [
    '/api/customers.xml?q=count',
    '/api/suppliers.xml?q=count',
    '/api/customers.xml?per_page=100',
    '/api/suppliers.json?per_page=100',
  ]) {
    const res = await app.inject({ url, headers: { authorization: AUTH } });
    expect(res.statusCode).toBe(200);
    state[url] = res.body;
  }
  return state;
}

/** Sends a body that must be refused: the XML 500, and the tenant exactly as it was. */
async function expectRefused(payload: string | Buffer, method: 'POST' | 'PUT' = 'POST', url = '/api/customers.xml') {
  const before = await tenantState();
  const res = await send(method, url, XML, payload);
  expect(res.statusCode).toBe(500);
  expect(res.headers['content-type']).toMatch(/^application\/xml/);
  expect(res.body).toBe(XML_500);
  expect(await tenantState()).toEqual(before);
}

/** Creates a customer from an XML body and answers the stored record as GET shows it. */
async function createCustomer(payload: string | Buffer): Promise<Record<string, unknown>> {
  const res = await send('POST', '/api/customers.xml', XML, payload);
  expect(res.statusCode).toBe(200);
  return getJson('/api/customers/12.json');
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('nil="true" on an element that has text', () => {
  it('keeps the text, as Rails reads content before the nil attribute', async () => {
    const stored = await createCustomer(
      '<customer><name>Shop Ify</name><email nil="true">shop.ify@example.com</email></customer>',
    );
    expect(stored).toEqual({
      alternate_code: null,
      birthday: null,
      city: null,
      code: '000002',
      company_name: null,
      country: null,
      customer_type_id: null,
      email: 'shop.ify@example.com',
      fax: null,
      first_name: 'Shop',
      id: 12,
      last_name: 'Ify',
      mobile: null,
      name: 'Shop Ify',
      remark: null,
      state: '',
      status: null,
      street: null,
      tax_exempt: false,
      telephone: null,
      tin: null,
      zipcode: null,
      customer_type_name: null,
      discount_text: '',
      birthdate: null,
      utc_created_at: expect.stringMatching(TIMESTAMP),
      utc_updated_at: expect.stringMatching(TIMESTAMP),
    });
    const xml = await app.inject({ url: '/api/customers/12.xml', headers: { authorization: AUTH } });
    expect(xml.body).toContain('\n  <email>shop.ify@example.com</email>\n');
  });

  it('is null only when the content is blank: empty, whitespace or self-closed', async () => {
    const res = await send(
      'PUT',
      '/api/customers/11.xml',
      XML,
      '<customer><email nil="true">kept@example.com</email><city nil="true">  \n </city><street nil="true"/><state nil="true"></state></customer>',
    );
    expect(res.statusCode).toBe(200);
    expect(await getJson('/api/customers/11.json')).toMatchObject({
      email: 'kept@example.com',
      city: null,
      street: null,
      state: null,
    });
  });
});

describe('DOCTYPE and ENTITY written as text, not as declarations', () => {
  it('a CDATA section that contains <!DOCTYPE and <!ENTITY is read as text', async () => {
    const remark = '<!DOCTYPE customer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>&xxe;';
    const stored = await createCustomer(
      `<customer><name>Cdata</name><remark><![CDATA[${remark}]]></remark></customer>`,
    );
    expect(stored).toMatchObject({ name: 'Cdata', remark });
  });

  it('comments that contain <!DOCTYPE and <!ENTITY are ignored like any comment', async () => {
    const stored = await createCustomer(
      '<?xml version="1.0"?><!-- <!DOCTYPE customer> --><customer><name>Commented</name><!-- <!ENTITY e "x"> --><remark>kept</remark></customer><!-- <!DOCTYPE after> -->',
    );
    expect(stored).toMatchObject({ name: 'Commented', remark: 'kept' });
  });

  const declarations: [string, string][] = [
    ['an internal entity', '<!DOCTYPE customer [<!ENTITY e "EXPANDED">]><customer><name>&e;</name></customer>'],
    [
      'an external file entity',
      '<!DOCTYPE customer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><customer><name>X</name><remark>&xxe;</remark></customer>',
    ],
    [
      'a DOCTYPE after a comment that mentions one',
      '<!-- <!DOCTYPE --><!DOCTYPE customer [<!ENTITY e "EXPANDED">]><customer><name>&e;</name></customer>',
    ],
    [
      'an entity whose value holds "]>"',
      '<!DOCTYPE customer [<!ENTITY e "]>EXPANDED">]><customer><name>&e;</name></customer>',
    ],
    ['a DOCTYPE with no entity', '<!DOCTYPE customer><customer><name>Plain</name></customer>'],
  ];

  it.each(declarations)('a real declaration (%s) is still refused and nothing is expanded', async (_label, payload) => {
    await expectRefused(payload);
  });
});

describe('XML that XML 1.0 forbids: the documented 500, nothing changed', () => {
  const forbidden: [string, string | Buffer][] = [
    ['an undeclared entity (&nbsp;)', '<customer><name>Non&nbsp;Breaking</name></customer>'],
    ['"--" inside a comment', '<customer><name>Dashes</name><!-- a -- b --></customer>'],
    ['"<" in an attribute value', '<customer><name type="a<b">Angle</name></customer>'],
    ['an XML declaration after the root', '<customer><name>Late</name></customer><?xml version="1.0"?>'],
    ['an XML declaration inside the root', '<customer><?xml version="1.0"?><name>Inside</name></customer>'],
    ['an XML declaration after leading whitespace', '\n<?xml version="1.0"?><customer><name>Spaced</name></customer>'],
    ['an XML declaration after a comment', '<!-- first --><?xml version="1.0"?><customer><name>C</name></customer>'],
    ['a raw NUL', '<customer><name>Nul\u0000Byte</name></customer>'],
    ['a raw control character (U+0001)', '<customer><name>Ctl\u0001</name></customer>'],
    ['a raw U+FFFE', '<customer><name>Not\uFFFEChar</name></customer>'],
    ['a NUL character reference (&#0;)', '<customer><name>Nul&#0;Ref</name></customer>'],
    ['a control character reference (&#x1;)', '<customer><name>Ctl&#x1;Ref</name></customer>'],
    ['a surrogate character reference (&#xD800;)', '<customer><name>Half&#xD800;</name></customer>'],
    ['a U+FFFF character reference', '<customer><name>&#xFFFF;</name></customer>'],
    ['XML 1.1 control characters', '<?xml version="1.1"?><customer><name>Ctl&#x1;</name></customer>'],
    ['invalid UTF-8: a 0xFF byte', bytes('<customer><name>', [0xff], '</name></customer>')],
    ['invalid UTF-8: a lone continuation byte', bytes('<customer><name>', [0x80], '</name></customer>')],
    ['invalid UTF-8: an overlong "/"', bytes('<customer><name>', [0xc0, 0xaf], '</name></customer>')],
    ['invalid UTF-8: a truncated sequence', bytes('<customer><name>', [0xe4, 0xb8], '</name></customer>')],
    ['invalid UTF-8: an encoded surrogate', bytes('<customer><name>', [0xed, 0xa0, 0x80], '</name></customer>')],
    ['an undeclared prefix on the root', '<a:customer><name>Prefixed</name></a:customer>'],
    ['an undeclared prefix on a field', '<customer><name>P</name><a:remark>x</a:remark></customer>'],
    ['an undeclared prefix on an attribute', '<customer><name a:type="string">Attr</name></customer>'],
  ];

  it.each(forbidden)('a create with %s', async (_label, payload) => {
    await expectRefused(payload);
  });

  it('an update with invalid UTF-8 leaves the record as it was', async () => {
    await expectRefused(bytes('<customer><name>Changed', [0xff], '</name></customer>'), 'PUT', '/api/customers/11.xml');
  });

  it('a JSON body with invalid UTF-8 answers the JSON 500 and changes nothing', async () => {
    const before = await tenantState();
    const res = await send('POST', '/api/customers.json', JSON_TYPE, bytes('{"customer":{"name":"Bad', [0xff], '"}}'));
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(JSON_500);
    expect(await tenantState()).toEqual(before);
  });

  it('a UTF-8 BOM before the XML declaration is accepted', async () => {
    const stored = await createCustomer(
      bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0" encoding="UTF-8"?><customer><name>Byte Order</name></customer>'),
    );
    expect(stored).toMatchObject({ id: 12, name: 'Byte Order' });
  });

  it('a UTF-8 BOM before JSON is refused as before (Ruby JSON does not skip it)', async () => {
    const before = await tenantState();
    const res = await send(
      'POST',
      '/api/customers.json',
      JSON_TYPE,
      bytes([0xef, 0xbb, 0xbf], '{"customer":{"name":"B"}}'),
    );
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual(JSON_500);
    expect(await tenantState()).toEqual(before);
  });

  it('a declared prefix is well-formed: the body is read (and matches no record element)', async () => {
    const before = await tenantState();
    const res = await send(
      'POST',
      '/api/customers.xml',
      XML,
      '<a:customer xmlns:a="urn:x"><a:name>Spaced</a:name></a:customer>',
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error>Name can't be blank</error>\n</errors>\n`,
    );
    expect(await tenantState()).toEqual(before);
  });

  const nested = (depth: number) =>
    `<customer><name>Deep</name>${'<a>'.repeat(depth - 1)}${'</a>'.repeat(depth - 1)}</customer>`;

  it('a body nested 100 elements deep is read', async () => {
    expect(await createCustomer(nested(100))).toMatchObject({ name: 'Deep' });
  });

  it('a body nested 101 elements deep is refused, as Rails refuses it', async () => {
    await expectRefused(nested(101));
  });

  it('a 1 MB body nested as deep as it goes is refused quickly', async () => {
    const depth = 140_000;
    const payload = `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
    expect(payload.length).toBeGreaterThan(900_000);
    const started = performance.now();
    await expectRefused(payload);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('text columns without a documented width are cut at MySQL TEXT (65,535 bytes)', () => {
  const textColumns = [
    { collection: 'customers', element: 'customer', field: 'remark', next: 12 },
    { collection: 'customers', element: 'customer', field: 'birthday', next: 12 },
    { collection: 'suppliers', element: 'supplier', field: 'discount_text', next: 23248 },
  ] as const;
  const seeded = { customers: 11, suppliers: 22259 } as const;

  it('MySQL TEXT holds 65,535 bytes', () => {
    expect(MYSQL_TEXT_BYTES).toBe(65_535);
  });

  it('every text field without a width declares the TEXT limit', () => {
    for (const field of [...customers.writable, ...suppliers.writable]) {
      if (field.kind === 'text' && field.width === undefined)
        expect(field, field.name).toHaveProperty('maxBytes', MYSQL_TEXT_BYTES);
    }
  });

  // [label, value sent, value stored]: the cut never splits a character.
  const cases: [string, string, string][] = [
    ['1 MB of ASCII', 'x'.repeat(1_000_000), 'x'.repeat(MYSQL_TEXT_BYTES)],
    ['two-byte characters after one ASCII byte', `a${'é'.repeat(40_000)}`, `a${'é'.repeat(32_767)}`],
    ['two-byte characters that do not end on the limit', 'é'.repeat(40_000), 'é'.repeat(32_767)],
    ['three-byte characters', '中'.repeat(30_000), '中'.repeat(21_845)],
    ['four-byte emoji', '😀'.repeat(20_000), '😀'.repeat(16_383)],
    ['exactly 65,535 bytes', `${'é'.repeat(32_767)}a`, `${'é'.repeat(32_767)}a`],
  ];

  for (const { collection, element, field, next } of textColumns) {
    it.each(cases)(`${collection} ${field}: a create with %s (XML)`, async (_label, sent, stored) => {
      const res = await send(
        'POST',
        `/api/${collection}.xml`,
        XML,
        `<${element}><name>Long</name><${field}>${sent}</${field}></${element}>`,
      );
      expect(res.statusCode).toBe(200);
      const record = await getJson(`/api/${collection}/${next}.json`);
      expect(Buffer.byteLength(String(record[field]))).toBeLessThanOrEqual(MYSQL_TEXT_BYTES);
      expect(record[field] === stored, `${field} is the ${stored.length}-unit cut`).toBe(true);
    });

    it.each(cases)(`${collection} ${field}: an update with %s (JSON)`, async (_label, sent, stored) => {
      const res = await send('PUT', `/api/${collection}/${seeded[collection]}.json`, JSON_TYPE, {
        [element]: { [field]: sent },
      });
      expect(res.statusCode).toBe(200);
      const record = await getJson(`/api/${collection}/${seeded[collection]}.json`);
      expect(Buffer.byteLength(String(record[field]))).toBeLessThanOrEqual(MYSQL_TEXT_BYTES);
      expect(record[field] === stored, `${field} is the ${stored.length}-unit cut`).toBe(true);
    });
  }

  it('a supplier remark keeps its documented width of 255 characters', async () => {
    const res = await send('PUT', '/api/suppliers/22259.json', JSON_TYPE, { supplier: { remark: 'é'.repeat(300) } });
    expect(res.statusCode).toBe(200);
    expect((await getJson('/api/suppliers/22259.json')).remark).toBe('é'.repeat(255));
  });
});
