import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeImage } from '../../src/vendors/valomnia/images.js';
import { testApp } from '../helpers/app.js';
import { BOUNDARY, MULTIPART_TYPE, multipart, type Part, partHead } from '../helpers/multipart.js';
import { pngChunk } from '../helpers/png.js';
import {
  advanceClock,
  DOCS_LOGIN,
  form,
  freezeClock,
  type ValomniaSession,
  valomniaLogin,
} from '../helpers/valomnia.js';

/**
 * Requests Valomnia's API must refuse without changing the tenant: unknown and repeated
 * parameters, values of the wrong type, bodies that are not forms, broken and oversized
 * multiparts and images, dead sessions, broken URLs. Each answers the vendor's status and
 * `{"error", "error_description"}` body (docs/valomnia.md), the tenant's customers and images are
 * the same after as before, and the app keeps answering.
 */

const JSON_TYPE = 'application/json; charset=utf-8';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const PHOTOS = '/entity1-1450169988465/photoCustomer';
/** The docs tenant's clock during every test, so any stored image's name is known in advance. */
const FROZEN_MS = 1_714_557_600_777;
/** The id the docs tenant's next customer gets (the dataset holds customer 256 only). */
const NEXT_ID = 257;

const BAD_REQUEST = { error: 'bad_request', error_description: 'Bad Request' };
const TOO_LARGE = { error: 'payload_too_large', error_description: 'Payload Too Large' };
const UNAUTHORIZED = {
  error: 'unauthorized',
  error_description: 'Full authentication is required to access this resource',
};
const SAVE_FAILED = { error: 'save_failed', error_description: 'Failed to save instance.' };
const TOO_BIG_IMAGE = { error: 'exceeded_file_size', error_description: 'image size should not exceed 2Mo' };
const NOT_AN_IMAGE = { error: 'unsupported_file_type', error_description: 'image format not supported.' };

function invalidParam(names: string[]) {
  return {
    error: 'invalid_param',
    error_description: `The parameters [${names.join(', ')}] you provided are not valid for this request.`,
  };
}

function invalidType(name: string) {
  return {
    error: 'invalid_param_type',
    error_description: `The type of parameter ${name} you provided is not valid for this request.`,
  };
}

function missing(name: string) {
  return { error: 'missing_param', error_description: `${name} parameter is missing` };
}

// ---------------------------------------------------------------------------------------------
// Bodies.

// The first bytes of a JPEG (SOI, then an APP0/JFIF segment): enough to be sniffed as one.
const JPEG_HEAD = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
  0x00,
]);

/** A valid PNG header declaring width × height (8-bit RGB), with a few bytes of pixel data. */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  // zlib of a few zero bytes: a stream that inflates to far fewer rows than declared.
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A GIF whose screen and only frame declare width × height. */
function gifBomb(width: number, height: number): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen.set([0x80, 0, 0], 4); // a global colour table of two entries
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(width, 5);
  descriptor.writeUInt16LE(height, 7);
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    screen,
    Buffer.from([0, 0, 0, 255, 255, 255]),
    descriptor,
    Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]),
  ]);
}

/** A baseline JPEG frame header declaring width × height, and nothing to decode. */
function jpegBomb(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([JPEG_HEAD, sof, Buffer.from([0xff, 0xd9])]);
}

// ---------------------------------------------------------------------------------------------
// The tenant's state, as a client sees it.

let app: FastifyInstance;
let session: ValomniaSession;

interface Snapshot {
  customers: string;
  /** Every file of every logo the customers show: original and variants, as base64. */
  files: Record<string, string>;
}

async function snapshot(asker: ValomniaSession = session): Promise<Snapshot> {
  const list = await app.inject({ url: '/api/v1.0/customers?max=100', headers: { cookie: asker.cookie, host: 'h' } });
  expect(list.statusCode, list.body).toBe(200);
  const files: Record<string, string> = {};
  for (const customer of (list.json() as { data: { logo: string | null }[] }).data) {
    if (customer.logo === null) continue;
    const name = customer.logo.slice(customer.logo.lastIndexOf('/') + 1);
    for (const path of [`${PHOTOS}/${name}`, `${PHOTOS}/small_${name}`, `${PHOTOS}/medium_${name}`]) {
      const res = await app.inject({ url: path });
      expect(res.statusCode, path).toBe(200);
      files[path] = res.rawPayload.toString('base64');
    }
  }
  return { customers: list.body, files };
}

/** Checks that no image of any of these file names was stored at the frozen clock (or the ms after). */
async function expectNoImageNamed(...fileNames: string[]): Promise<void> {
  for (const fileName of fileNames) {
    for (let ms = FROZEN_MS; ms < FROZEN_MS + 3; ms++) {
      const res = await app.inject({ url: `${PHOTOS}/${ms}_${fileName}` });
      expect(res.statusCode, `${ms}_${fileName}`).toBe(404);
    }
  }
}

/** The next create still gets NEXT_ID: no refused write took an id. */
async function expectNextIdUnused(): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1.0/customers',
    headers: { cookie: session.cookie, 'content-type': FORM_TYPE },
    payload: form({ reference: 'PROBE-NEXT', name: 'Probe' }),
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().id).toBe(NEXT_ID);
}

/** Checks a refusal: the status, the exact envelope and its content type. */
function expectRefusal(
  res: { statusCode: number; headers: Record<string, unknown>; body: string; json: () => unknown },
  status: number,
  body: unknown,
) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.json()).toEqual(body);
}

/** The docs tenant as seeded, its clock frozen at FROZEN_MS, and a fresh session. */
async function freshTenant(): Promise<void> {
  const reset = await app.inject({ method: 'POST', url: `/__admin/tenants/valomnia/${DOCS_LOGIN}/reset` });
  expect(reset.statusCode).toBe(200);
  await freezeClock(app, DOCS_LOGIN, FROZEN_MS);
  session = await valomniaLogin(app);
}

// One app for the file (building one is the slow part); every test starts from a fresh tenant.
beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app.close();
});

beforeEach(freshTenant);

/** Gives a describe an app of its own, in place of the file's, for its tests. */
function ownApp(options: { bodyLimit?: number } = {}): void {
  let shared: FastifyInstance;
  beforeAll(async () => {
    shared = app;
    app = await testApp(options);
  });
  afterAll(async () => {
    // A connection the server left open (see the 50 MB upload) must not hold the close up.
    app.server.closeAllConnections();
    await app.close();
    app = shared;
  });
}

function postForm(url: string, payload: string, extra: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': FORM_TYPE, ...extra },
    payload,
  });
}

function postMultipart(url: string, payload: Buffer | string, contentType: string = MULTIPART_TYPE) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': contentType },
    payload,
  });
}

/** The three writes, each addressed so that it would succeed with a valid body. */
const WRITES = [
  { kind: 'create', url: '/api/v1.0/customers', base: { reference: 'NEW-1', name: 'New one' } },
  { kind: 'update', url: '/api/v1.0/customers/256', base: {} },
  { kind: 'update by reference', url: '/api/v1.0/customers/reference/NC-3', base: {} },
  { kind: 'upsert', url: '/api/v1/customers/reference/NEW-2', base: { name: 'Upserted' } },
] as const;

// ---------------------------------------------------------------------------------------------

describe('list parameters', () => {
  const cases: [string, string, unknown][] = [
    ['/api/v1.0/customers?foo=1&bar=2', 'unknown parameters, all listed in order', invalidParam(['foo', 'bar'])],
    [
      '/api/v1.0/customers?max=2&dateCreated_gta=2016-08-15T14:52:48Z&name=a',
      'an unknown one among known ones',
      invalidParam(['dateCreated_gta']),
    ],
    ['/api/v1/customers?name=a&name=a&zz=1', 'an unknown one before a repeated one', invalidParam(['zz'])],
    ['/api/v1.0/customers?name=a&name=b', 'a repeated filter', invalidType('name')],
    ['/api/v1.0/customers?max=1&max=2', 'a repeated max', invalidType('max')],
    ['/api/v1.0/customers?isActive=true&isActive=true', 'a repeated isActive', invalidType('isActive')],
    [
      '/api/v1.0/customers?lastUpdated_gt=2016-08-15T14:52:48Z&lastUpdated_gt=2016-08-15T14:52:48Z',
      'a repeated date filter',
      invalidType('lastUpdated_gt'),
    ],
    ['/api/v1.0/customers?sort=name&sort=id', 'a repeated sort', invalidType('sort')],
    ['/api/v1.0/customers?max=abc', 'a max that is no integer', invalidType('max')],
    ['/api/v1.0/customers?offset=1.5', 'an offset that is no integer', invalidType('offset')],
    ['/api/v1.0/customers?isActive=yes', 'an isActive that is no boolean', invalidType('isActive')],
    ['/api/v1.0/customers?sort=logo', 'a sort on a field that is not plain', invalidParam(['logo'])],
    ['/api/v1.0/customers?order=up', 'an order other than asc/desc', invalidParam(['up'])],
    [
      '/api/v1.0/customers?dateCreated_gte=2016-08-15',
      'a date alone',
      {
        error: 'invalid_datetime_format',
        error_description: 'Invalid datetime filter (not ISO-8601 formatted): [2016-08-15]',
      },
    ],
    ['/api/v1.0/regions?reference=x', 'a reference filter on regions', invalidParam(['reference'])],
    ['/api/v1/users?name=x&isActive=true', 'filters users do not take', invalidParam(['name', 'isActive'])],
    ['/api/v1.0/paymentTypes?reference=a&reference=b', 'a repeated filter on payment types', invalidType('reference')],
    ['/api/v1.0/customerCategories?max=1.0', 'a decimal max on categories', invalidType('max')],
  ];

  it.each(cases)('%s (%s) is refused, nothing changes', async (url, _label, body) => {
    const before = await snapshot();
    expectRefusal(await app.inject({ url, headers: { cookie: session.cookie } }), 400, body);
    expect(await snapshot()).toEqual(before);
  });
});

describe('repeated form fields on writes', () => {
  for (const write of WRITES) {
    it(`${write.kind}: a url-encoded field given twice is invalid_param_type naming it`, async () => {
      const before = await snapshot();
      const payload = `${form(write.base)}&city=Nice&city=Nice`.replace(/^&/, '');
      expectRefusal(await postForm(write.url, payload), 400, invalidType('city'));
      expect(await snapshot()).toEqual(before);
    });

    it(`${write.kind}: a multipart field given twice is invalid_param_type naming it`, async () => {
      const before = await snapshot();
      const parts: Part[] = [...Object.entries(write.base), ['isActive', 'true'], ['isActive', 'false']];
      expectRefusal(await postMultipart(write.url, multipart(parts)), 400, invalidType('isActive'));
      expect(await snapshot()).toEqual(before);
    });
  }

  it('a field given twice in the query string of a write is refused too', async () => {
    const before = await snapshot();
    const res = await postForm('/api/v1.0/customers?comment=a&comment=b', form({ reference: 'Q-1', name: 'Q' }));
    expectRefusal(res, 400, invalidType('comment'));
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });

  it('the reference and name given twice on create name the first repeated one', async () => {
    const before = await snapshot();
    expectRefusal(
      await postForm('/api/v1.0/customers', 'reference=A&reference=B&name=N'),
      400,
      invalidType('reference'),
    );
    expectRefusal(await postForm('/api/v1.0/customers', 'reference=A&name=N&name=M'), 400, invalidType('name'));
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });
});

describe('values of the wrong type', () => {
  const BOOLEANS = ['isActive', 'isSubCustomer', 'billWithParent', 'isSameAddress', 'onHold', 'useExternalId'];
  const DECIMALS = ['billingLat', 'billingLng', 'latitude', 'longitude', 'creditLimit'];
  const LINKS = ['categoryId', 'customerSegmentationId', 'userId', 'parentCustomer'];

  const cases: [string, Record<string, string>, unknown][] = [
    ...BOOLEANS.flatMap((name): [string, Record<string, string>, unknown][] =>
      ['yes', '1', 'on', 'truee'].map((value) => [`${name}=${value}`, { [name]: value }, invalidType(name)]),
    ),
    ...DECIMALS.flatMap((name): [string, Record<string, string>, unknown][] =>
      ['abc', '1,5', '1.2.3', '12abc', '--1'].map((value) => [
        `${name}=${value}`,
        { [name]: value },
        invalidType(name),
      ]),
    ),
    ...['1.5', 'abc', '7 days'].map((value): [string, Record<string, string>, unknown] => [
      `dueDateConfigNumber=${value}`,
      { dueDateConfigNumber: value, dueDateConfigType: '1' },
      invalidType('dueDateConfigNumber'),
    ]),
    ...['3', '0', 'daysAfterInvoiceDate'].map((value): [string, Record<string, string>, unknown] => [
      `dueDateConfigType=${value}`,
      { dueDateConfigType: value, dueDateConfigNumber: '5' },
      invalidType('dueDateConfigType'),
    ]),
    ['regionId=abc', { regionId: 'abc' }, invalidType('regionId')],
    ['regionId=1.5', { regionId: '1.5' }, invalidType('regionId')],
    ['regionId=abc with useExternalId=true', { regionId: 'abc', useExternalId: 'true' }, invalidType('regionId')],
    ...LINKS.map((name): [string, Record<string, string>, unknown] => [
      `${name}=x without useExternalId`,
      { [name]: 'x' },
      invalidType(name),
    ]),
    ...LINKS.map((name): [string, Record<string, string>, unknown] => [
      `${name}=x with useExternalId=false`,
      { [name]: 'x', useExternalId: 'false' },
      invalidType(name),
    ]),
    ...['[{"id"=}', '7,8', '[{"x"=7}]', '{"id"=7}', '[{"id"=7},]', '[{"id"=7}{"id"=8}]', '[7,8]'].map(
      (value): [string, Record<string, string>, unknown] => [
        `paymentTypes=${value}`,
        { paymentTypes: value },
        invalidType('paymentTypes'),
      ],
    ),
    ...['[{"id"=abc}]', '[{"id"=7},{"id"=1.5}]', '[{"id":-1}]'].map(
      (value): [string, Record<string, string>, unknown] => [
        `paymentTypes=${value}`,
        { paymentTypes: value },
        invalidType('payment type id'),
      ],
    ),
  ];

  for (const write of WRITES) {
    it(`${write.kind}: every typed parameter refuses a value of the wrong type, nothing changes`, async () => {
      const before = await snapshot();
      for (const [label, fields, body] of cases) {
        const res = await postForm(write.url, form({ ...write.base, ...fields }));
        expect(res.statusCode, `${label}: ${res.body}`).toBe(400);
        expect(res.json(), label).toEqual(body);
      }
      // The same in a multipart body.
      for (const [label, fields, body] of cases.filter((_, i) => i % 3 === 0)) {
        const res = await postMultipart(write.url, multipart(Object.entries({ ...write.base, ...fields })));
        expect(res.statusCode, `${label} (multipart): ${res.body}`).toBe(400);
        expect(res.json(), label).toEqual(body);
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it('an {id} in the path that is no whole number: invalid_param_type id', async () => {
    const before = await snapshot();
    expectRefusal(await postForm('/api/v1.0/customers/abc', form({ name: 'X' })), 400, invalidType('id'));
    expectRefusal(await postForm('/api/v1.0/customers/25.6', form({ name: 'X' })), 400, invalidType('id'));
    expectRefusal(
      await app.inject({ method: 'DELETE', url: '/api/v1.0/customers/-256', headers: { cookie: session.cookie } }),
      400,
      invalidType('id'),
    );
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });
});

describe('bodies that are not forms', () => {
  it('a JSON create is not read: missing_param reference', async () => {
    const before = await snapshot();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1.0/customers',
      headers: { cookie: session.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ reference: 'JSON-1', name: 'Json' }),
    });
    expectRefusal(res, 400, missing('reference'));
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });

  it('a JSON upsert of a new reference is not read: missing_param name', async () => {
    const before = await snapshot();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1.0/customers/reference/JSON-2',
      headers: { cookie: session.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Json' }),
    });
    expectRefusal(res, 400, missing('name'));
    expect(await snapshot()).toEqual(before);
  });

  it('a text/plain body that looks like a form is not read either', async () => {
    const before = await snapshot();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1.0/customers',
      headers: { cookie: session.cookie, 'content-type': 'text/plain' },
      payload: 'reference=TXT&name=Text',
    });
    expectRefusal(res, 400, missing('reference'));
    expect(await snapshot()).toEqual(before);
  });
});

describe('broken multipart bodies', () => {
  const whole = multipart([
    ['reference', 'MP-1'],
    ['name', 'Multipart'],
    ['comment', 'a comment long enough to be cut in the middle of its value'],
  ]);
  const cutMidValue = whole.subarray(0, whole.indexOf('cut in the middle'));
  const cutMidHeaders = whole.subarray(0, whole.indexOf('name="comment"') + 8);

  const cases: [string, Buffer | string, string][] = [
    [
      'a body whose boundary is not the declared one',
      multipart(
        [
          ['reference', 'MP-1'],
          ['name', 'M'],
        ],
        { boundary: 'other' },
      ),
      MULTIPART_TYPE,
    ],
    ['garbage', 'this is not a multipart body at all', MULTIPART_TYPE],
    ['binary garbage', Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10, 45, 45]), MULTIPART_TYPE],
    ['an empty boundary parameter', whole, 'multipart/form-data; boundary='],
    ['no boundary parameter', whole, 'multipart/form-data'],
    ['a body cut in the middle of a value', cutMidValue, MULTIPART_TYPE],
    ['a body cut in the middle of part headers', cutMidHeaders, MULTIPART_TYPE],
    ['a body without its closing boundary', whole.subarray(0, whole.lastIndexOf(`--${BOUNDARY}--`)), MULTIPART_TYPE],
  ];

  it.each(cases)('%s: 400 bad_request in the envelope, nothing stored', async (_label, payload, contentType) => {
    const before = await snapshot();
    const res = await postMultipart('/api/v1.0/customers', payload, contentType);
    expectRefusal(res, 400, BAD_REQUEST);
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });

  it('a truncated multipart with an image part stores no image', async () => {
    const before = await snapshot();
    const image = await makeImage(32, 32, 'png');
    const body = multipart([
      ['reference', 'MP-2'],
      ['name', 'Cut'],
      ['imageFile', image, 'cut.png'],
    ]);
    const res = await postMultipart('/api/v1.0/customers', body.subarray(0, body.indexOf(image) + image.length - 10));
    expectRefusal(res, 400, BAD_REQUEST);
    expect(await snapshot()).toEqual(before);
    await expectNoImageNamed('cut.png');
  });

  it('a multipart of 1,000 parts: 413 in the envelope', async () => {
    const before = await snapshot();
    const parts: Part[] = [
      ['reference', 'MANY'],
      ['name', 'Many'],
      ...Array.from({ length: 998 }, (_, i): Part => [`extra${i}`, 'x']),
    ];
    expectRefusal(await postMultipart('/api/v1.0/customers', multipart(parts)), 413, TOO_LARGE);
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });

  it('101 parts are refused, 100 are taken', async () => {
    const before = await snapshot();
    const fields = (count: number): Part[] => [
      ['reference', 'HUNDRED'],
      ['name', 'Hundred'],
      ...Array.from({ length: count - 2 }, (_, i): Part => [`extra${i}`, 'x']),
    ];
    expectRefusal(await postMultipart('/api/v1.0/customers', multipart(fields(101))), 413, TOO_LARGE);
    expect(await snapshot()).toEqual(before);
    const taken = await postMultipart('/api/v1.0/customers', multipart(fields(100)));
    expect(taken.statusCode, taken.body).toBe(201);
    expect(taken.json()).toMatchObject({ id: NEXT_ID, reference: 'HUNDRED' });
  });
});

describe('text longer than a column', () => {
  const long = 'x'.repeat(256);

  it.each([
    ['reference', '/api/v1.0/customers', { reference: long, name: 'N' }],
    ['name', '/api/v1.0/customers', { reference: 'LONG-1', name: long }],
    ['comment', '/api/v1.0/customers', { reference: 'LONG-2', name: 'N', comment: long }],
    ['email', '/api/v1.0/customers/256', { email: `${'e'.repeat(250)}@example.com` }],
    ['billingAddress', '/api/v1.0/customers/reference/NC-3', { billingAddress: long }],
    ['onHoldReason', '/api/v1.0/customers/reference/LONG-3', { name: 'N', onHoldReason: long }],
  ])('%s over 255 characters: save_failed, nothing stored', async (_label, url, fields) => {
    const before = await snapshot();
    expectRefusal(await postForm(url, form(fields)), 400, SAVE_FAILED);
    expect(await snapshot()).toEqual(before);
  });

  it('an upsert whose path reference is over 255 characters: save_failed', async () => {
    const before = await snapshot();
    expectRefusal(await postForm(`/api/v1.0/customers/reference/${long}`, form({ name: 'N' })), 400, SAVE_FAILED);
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });

  it('255 characters are taken', async () => {
    const res = await postForm('/api/v1.0/customers', form({ reference: 'FULL', name: 'y'.repeat(255) }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe('y'.repeat(255));
  });
});

describe('image files the vendor refuses', () => {
  async function refusedUpload(bytes: Buffer, fileName: string, body: unknown, fields: Record<string, string> = {}) {
    const before = await snapshot();
    const parts: Part[] = [
      ...Object.entries({ reference: 'IMG-X', name: 'Image', ...fields }),
      ['imageFile', bytes, fileName],
    ];
    expectRefusal(await postMultipart('/api/v1.0/customers', multipart(parts)), 400, body);
    expect(await snapshot()).toEqual(before);
    await expectNoImageNamed(fileName);
  }

  it('text named logo.png: unsupported_file_type', async () => {
    await refusedUpload(Buffer.from('just some text, not an image\n'), 'logo.png', NOT_AN_IMAGE);
    await expectNextIdUnused();
  });

  it('text that starts with "BM", named logo.bmp: unsupported_file_type', async () => {
    await refusedUpload(Buffer.from('BMW owners club membership list\n'.repeat(4)), 'logo.bmp', NOT_AN_IMAGE);
  });

  it('a real PNG cut short: unsupported_file_type', async () => {
    const png = await makeImage(64, 64, 'png');
    await refusedUpload(png.subarray(0, Math.floor(png.length / 2)), 'half.png', NOT_AN_IMAGE);
  });

  it('a PDF named doc.png on an update of customer 256: the refusal keeps its logo and fields', async () => {
    const before = await snapshot();
    const res = await postMultipart(
      '/api/v1.0/customers/256',
      multipart([
        ['name', 'Renamed'],
        ['imageFile', Buffer.from('%PDF-1.4\n'), 'doc.png'],
      ]),
    );
    expectRefusal(res, 400, NOT_AN_IMAGE);
    expect(await snapshot()).toEqual(before);
  });

  it('a taken reference is reported before the image', async () => {
    await refusedUpload(
      Buffer.from('not an image'),
      'taken.png',
      { error: 'not_unique', error_description: 'reference already used' },
      { reference: 'NC-3' },
    );
  });

  it('2 MB exactly is within the limit (then judged by its bytes); one byte more is exceeded_file_size', async () => {
    const limit = 2 * 1024 * 1024;
    const atLimit = Buffer.concat([JPEG_HEAD, Buffer.alloc(limit - JPEG_HEAD.length)]);
    await refusedUpload(atLimit, 'at-limit.jpg', NOT_AN_IMAGE);
    const over = Buffer.concat([JPEG_HEAD, Buffer.alloc(limit + 1 - JPEG_HEAD.length)]);
    await refusedUpload(over, 'over-limit.jpg', TOO_BIG_IMAGE);
    await expectNextIdUnused();
  });

  it.each([
    ['a PNG', () => pngBomb(50_000, 50_000), 'bomb.png'],
    ['a GIF', () => gifBomb(65_535, 65_535), 'bomb.gif'],
    ['a JPEG', () => jpegBomb(65_000, 65_000), 'bomb.jpg'],
  ])(
    '%s declaring billions of pixels in a few bytes: unsupported_file_type, fast, no memory blow-up',
    async (_label, make, fileName) => {
      const bomb = make();
      expect(bomb.length).toBeLessThan(200);
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const started = Date.now();
      try {
        await refusedUpload(bomb, fileName, NOT_AN_IMAGE);
      } finally {
        clearInterval(sampler);
      }
      expect(Date.now() - started).toBeLessThan(2000);
      expect(Math.max(peak, process.memoryUsage().rss) - rssBefore).toBeLessThan(100 * 1024 * 1024);
    },
  );
});

describe('a 50 MB image over a real socket', () => {
  ownApp();

  const FIFTY_MB = 50 * 1024 * 1024;
  const HEAD = Buffer.concat([
    Buffer.from(partHead('reference', undefined)),
    Buffer.from('HUGE\r\n'),
    Buffer.from(partHead('name', undefined)),
    Buffer.from('Huge\r\n'),
    Buffer.from(partHead('imageFile', 'huge.jpg')),
    JPEG_HEAD,
  ]);
  const TAIL = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

  interface Upload {
    status: number;
    body: string;
    /** Bytes of the 50 MB written before the writing stopped. */
    sent: number;
    /** How the request ended: all bytes written, the connection closed, or the writing stalled. */
    ending: 'written' | 'closed' | 'stalled';
    rssGrowth: number;
    arrayBuffersGrowth: number;
  }

  /**
   * Streams the upload in 64 KB chunks with backpressure. `untilAnswered`: stop writing once the
   * answer is in (a careful client); otherwise keep going (a naive one) and see how it ends.
   */
  async function upload(port: number, untilAnswered: boolean): Promise<Upload> {
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakArrayBuffers = before.arrayBuffers;
    const sample = () => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
    };
    const sampler = setInterval(sample, 5);
    const zeros = Buffer.alloc(64 * 1024);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/v1.0/customers',
      headers: {
        cookie: session.cookie,
        'content-type': MULTIPART_TYPE,
        'content-length': HEAD.length + FIFTY_MB + TAIL.length,
      },
    });
    let sent = 0;
    let closed = false;
    req.on('error', () => {
      closed = true;
    });
    req.on('close', () => {
      closed = true;
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    answer.catch(() => undefined);
    const writing = (async (): Promise<'written' | 'closed'> => {
      req.write(HEAD);
      while (sent < FIFTY_MB) {
        if (closed) return 'closed';
        const n = Math.min(zeros.length, FIFTY_MB - sent);
        sent += n;
        if (!req.write(n === zeros.length ? zeros : zeros.subarray(0, n))) {
          await new Promise<void>((resolve) => {
            const done = () => {
              req.off('drain', done);
              req.off('close', done);
              resolve();
            };
            req.on('drain', done);
            req.on('close', done);
          });
        }
      }
      if (closed) return 'closed';
      req.end(TAIL);
      return 'written';
    })();
    try {
      const { status, body } = await answer;
      // A careful client hangs up once answered; a naive one's request ends as the server lets it.
      if (untilAnswered) req.destroy();
      let timer: NodeJS.Timeout | undefined;
      const ending = await Promise.race([
        writing,
        new Promise<'stalled'>((resolve) => {
          timer = setTimeout(() => resolve('stalled'), 3000);
        }),
      ]);
      clearTimeout(timer);
      sample();
      return {
        status,
        body,
        sent,
        ending,
        rssGrowth: peakRss - before.rss,
        arrayBuffersGrowth: peakArrayBuffers - before.arrayBuffers,
      };
    } finally {
      clearInterval(sampler);
      req.destroy();
    }
  }

  async function listen(): Promise<number> {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('answers exceeded_file_size while it streams, holding nothing near 50 MB; the server answers after', {
    timeout: 15_000,
  }, async () => {
    const port = await listen();
    const before = await snapshot();
    const result = await upload(port, true);
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body)).toEqual(TOO_BIG_IMAGE);
    // Decided near the 2 MB limit, long before the 50 MB were sent.
    expect(result.sent).toBeLessThan(FIFTY_MB / 2);
    expect(result.rssGrowth).toBeLessThan(20 * 1024 * 1024);
    expect(result.arrayBuffersGrowth).toBeLessThan(12 * 1024 * 1024);

    const again = await fetch(`http://127.0.0.1:${port}/api/v1.0/customers`, {
      headers: { cookie: session.cookie, connection: 'close' },
    });
    expect(again.status).toBe(200);
    await again.text();
    expect(await snapshot()).toEqual(before);
    await expectNoImageNamed('huge.jpg');
  });

  it('a client that keeps sending after the answer is not left hanging (the rest is drained or the connection closed)', {
    timeout: 15_000,
  }, async () => {
    const port = await listen();
    const result = await upload(port, false);
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body)).toEqual(TOO_BIG_IMAGE);
    expect(result.ending, `the writing stalled after ${result.sent} bytes`).not.toBe('stalled');
    expect(result.rssGrowth).toBeLessThan(20 * 1024 * 1024);
    expect(result.arrayBuffersGrowth).toBeLessThan(12 * 1024 * 1024);
    const again = await fetch(`http://127.0.0.1:${port}/api/v1.0/customers?max=1`, {
      headers: { cookie: session.cookie, connection: 'close' },
    });
    expect(again.status).toBe(200);
    await again.text();
  });
});

describe('sessions that are not live', () => {
  const forged: [string, () => Record<string, string>][] = [
    ['a forged cookie', () => ({ cookie: 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF' })],
    ['a cookie of the wrong shape', () => ({ cookie: 'JSESSIONID=../../etc/passwd' })],
    ['a forged bearer token', () => ({ authorization: 'Bearer 0123456789ABCDEF0123456789ABCDEF' })],
    ['the live session id in lower case', () => ({ cookie: `JSESSIONID=${session.token.toLowerCase()}` })],
    ['the live session id under another cookie name', () => ({ cookie: `SESSION=${session.token}` })],
  ];

  it.each(forged)('%s: 401 on reads and writes, nothing written', async (_label, headersOf) => {
    const headers = headersOf();
    const before = await snapshot();
    expectRefusal(await app.inject({ url: '/api/v1.0/customers', headers }), 401, UNAUTHORIZED);
    for (const [method, url] of [
      ['POST', '/api/v1.0/customers'],
      ['POST', '/api/v1.0/customers/256'],
      ['POST', '/api/v1.0/customers/reference/FORGED'],
      ['DELETE', '/api/v1.0/customers/256'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: { ...headers, 'content-type': FORM_TYPE },
        payload: form({ reference: 'FORGED', name: 'Forged' }),
      });
      expectRefusal(res, 401, UNAUTHORIZED);
    }
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });

  it('a session idle for 31 minutes of the tenant clock: 401, nothing written', async () => {
    const before = await snapshot();
    await advanceClock(app, DOCS_LOGIN, 31 * 60);
    expectRefusal(await postForm('/api/v1.0/customers', form({ reference: 'LATE', name: 'Late' })), 401, UNAUTHORIZED);
    expectRefusal(
      await postMultipart(
        '/api/v1.0/customers/256',
        multipart([
          ['name', 'Late'],
          ['imageFile', await makeImage(10, 10, 'png'), 'late.png'],
        ]),
      ),
      401,
      UNAUTHORIZED,
    );
    expectRefusal(
      await app.inject({ url: '/api/v1.0/customers', headers: { authorization: session.authorization } }),
      401,
      UNAUTHORIZED,
    );
    // A new session sees the tenant as it was.
    const fresh = await valomniaLogin(app);
    expect(await snapshot(fresh)).toEqual(before);
    const late = await app.inject({ url: '/api/v1.0/customers/reference/LATE', headers: { cookie: fresh.cookie } });
    expect(late.statusCode).toBe(404);
    // An image stored now would be named at the advanced clock.
    for (let ms = FROZEN_MS + 31 * 60 * 1000; ms < FROZEN_MS + 31 * 60 * 1000 + 3; ms++) {
      expect((await app.inject({ url: `${PHOTOS}/${ms}_late.png` })).statusCode).toBe(404);
    }
  });
});

describe('a form body over the body limit (bodyLimit 1024)', () => {
  ownApp({ bodyLimit: 1024 });

  it('413 in the Valomnia envelope, nothing stored; a body under the limit is taken', async () => {
    const before = await snapshot();
    const big = form({ reference: 'BIG', name: 'Big', comment: 'c'.repeat(200), website: 'w'.repeat(2000) });
    expect(big.length).toBeGreaterThan(1024);
    expectRefusal(await postForm('/api/v1.0/customers', big), 413, TOO_LARGE);
    expectRefusal(await postForm('/api/v1.0/customers/256', big), 413, TOO_LARGE);
    expect(await snapshot()).toEqual(before);
    await expectNextIdUnused();
  });
});

describe('broken %-escapes in the URL path', () => {
  const paths = [
    '/api/v1.0/customers/%E0%A4%A',
    '/api/v1.0/%zz',
    '/api/v1.0/customers/reference/%',
    '/api/v1/customers/reference/100%',
    '/api/v1.0/customers/reference/%C3%28',
  ];

  it.each(paths)('GET %s: 400 bad_request in the Valomnia envelope, with or without a session', async (path) => {
    for (const headers of [{ cookie: session.cookie }, {}]) {
      expectRefusal(await app.inject({ url: path, headers }), 400, BAD_REQUEST);
    }
  });

  it.each(paths)('POST and DELETE %s: 400 bad_request, nothing written', async (path) => {
    const before = await snapshot();
    expectRefusal(await postForm(path, form({ reference: 'PCT', name: 'Percent' })), 400, BAD_REQUEST);
    expectRefusal(
      await app.inject({ method: 'DELETE', url: path, headers: { cookie: session.cookie } }),
      400,
      BAD_REQUEST,
    );
    expect(await snapshot()).toEqual(before);
  });
});
