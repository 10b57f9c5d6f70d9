import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeImage } from '../../src/vendors/valomnia/images.js';
import { testApp } from '../helpers/app.js';
import { MULTIPART_TYPE, multipart } from '../helpers/multipart.js';
import { DOCS_LOGIN, freezeClock, type ValomniaSession, valomniaLogin } from '../helpers/valomnia.js';

/**
 * Customer images through the API: `imageFile` on create, update and upsert, for each format the
 * vendor takes; the `logo` URL the customer then shows (on the origin the client called, named
 * `<tenant clock ms>_<file name made URL-safe>`), the original and its `small_`/`medium_`
 * variants served from it (dimensions decoded from the bytes), and the files' lifetime: replaced,
 * deleted with the customer, gone with a tenant reset or delete. Unknown image paths are 404 in
 * Valomnia's envelope.
 */

const DIRECTORY = 'entity1-1450169988465';
const PHOTOS = `/${DIRECTORY}/photoCustomer`;
const SEEDED_LOGO = '1471338230737_logo_color_272x92dp.png';
const HOST = 'pos.test:8080';
const JSON_TYPE = 'application/json; charset=utf-8';
const NOT_FOUND = { error: 'not_found', error_description: "The requested resource doesn't exist." };
const ADMIN = `/__admin/tenants/valomnia/${DOCS_LOGIN}`;

type Format = 'jpeg' | 'gif' | 'png' | 'bmp';
const FORMATS: Format[] = ['jpeg', 'gif', 'png', 'bmp'];
const EXTENSION: Record<Format, string> = { jpeg: 'jpg', gif: 'gif', png: 'png', bmp: 'bmp' };
const CONTENT_TYPE: Record<Format, string> = {
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  png: 'image/png',
  bmp: 'image/bmp',
};

// ---------------------------------------------------------------------------------------------
// Reading images back: the format from the magic bytes, the dimensions from the header.

interface Decoded {
  format: Format;
  width: number;
  height: number;
}

/** The format and dimensions a file's bytes declare; throws for anything else. */
function decode(bytes: Buffer): Decoded {
  if (
    bytes.length >= 24 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) {
    return { format: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 26 && bytes.toString('latin1', 0, 2) === 'BM') {
    // The file header states the file's size; a real BMP's is its length.
    expect(bytes.readUInt32LE(2)).toBe(bytes.length);
    return { format: 'bmp', width: bytes.readInt32LE(18), height: Math.abs(bytes.readInt32LE(22)) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) throw new Error(`JPEG marker expected at ${at}`);
      const marker = bytes[at + 1] ?? 0;
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) return { format: 'jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      at += 2 + bytes.readUInt16BE(at + 2);
    }
    throw new Error('JPEG without a frame header');
  }
  throw new Error(`not an image: ${bytes.subarray(0, 16).toString('hex')}`);
}

/** The size `width` × `height` takes when fitted in `box` × `box`, aspect kept, never enlarged. */
function fitted(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / width, box / height);
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** Checks a variant's dimensions: the long side exactly, the other within one pixel of the aspect. */
function expectFits(actual: Decoded, width: number, height: number, box: number): void {
  const expected = fitted(width, height, box);
  expect(Math.max(actual.width, actual.height)).toBe(Math.max(expected.width, expected.height));
  expect(Math.abs(actual.width - expected.width)).toBeLessThanOrEqual(1);
  expect(Math.abs(actual.height - expected.height)).toBeLessThanOrEqual(1);
  expect(actual.width).toBeLessThanOrEqual(Math.min(width, box));
  expect(actual.height).toBeLessThanOrEqual(Math.min(height, box));
}

/** That the bytes are a whole image a decoder reads (sharp reads all but BMP, checked by decode()). */
async function expectDecodes(bytes: Buffer, format: Format, width: number, height: number): Promise<void> {
  if (format === 'bmp') {
    const bitsPerPixel = bytes.readUInt16LE(28);
    const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
    const pixelOffset = bytes.readUInt32LE(10);
    expect(bytes.length).toBeGreaterThanOrEqual(pixelOffset + rowBytes * height);
    return;
  }
  const stats = await sharp(bytes, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
  expect(stats.info.width).toBe(width);
  expect(stats.info.height).toBe(height);
}

// ---------------------------------------------------------------------------------------------
// Requests.

let app: FastifyInstance;
let session: ValomniaSession;

// One app for the file (building one is the slow part); every test starts from a fresh tenant.
beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app.close();
});

beforeEach(async () => {
  const reset = await app.inject({ method: 'POST', url: `${ADMIN}/reset` });
  expect(reset.statusCode).toBe(200);
  session = await valomniaLogin(app);
});

type Json = Record<string, unknown>;

/** A multipart write with `imageFile`; answers the response as parsed JSON, checking the status. */
async function writeWithImage(
  url: string,
  status: number,
  fields: Record<string, string>,
  image: Buffer,
  fileName: string,
  headers: Record<string, string> = {},
): Promise<Json> {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: session.cookie,
      host: HOST,
      'content-type': MULTIPART_TYPE,
      ...headers,
    },
    payload: multipart([...Object.entries(fields), ['imageFile', image, fileName]]),
  });
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  return res.json() as Json;
}

/** GET of a path, without a session unless one is given. */
function get(path: string, withSession?: ValomniaSession) {
  return app.inject({ url: path, headers: withSession ? { cookie: withSession.cookie } : {} });
}

/** The path part of a logo URL, checked to be on the called origin and under the photo folder. */
function pathOfLogo(logo: unknown, origin = `http://${HOST}`): string {
  expect(typeof logo).toBe('string');
  const text = String(logo);
  expect(text.startsWith(`${origin}${PHOTOS}/`), text).toBe(true);
  return text.slice(origin.length);
}

/** The stored file name of a logo URL (its last segment). */
function storedName(logo: unknown): string {
  return pathOfLogo(logo).slice(PHOTOS.length + 1);
}

/** The three files of a stored name: original, small_ and medium_. */
function filesOf(name: string): string[] {
  return [`${PHOTOS}/${name}`, `${PHOTOS}/small_${name}`, `${PHOTOS}/medium_${name}`];
}

/** Checks an uploaded image is served: the original as uploaded, both variants resized, same format. */
async function expectServed(name: string, original: Buffer, format: Format, width: number, height: number) {
  const [originalPath = '', smallPath = '', mediumPath = ''] = filesOf(name);
  for (const asker of [undefined, session]) {
    const res = await get(originalPath, asker);
    expect(res.statusCode, originalPath).toBe(200);
    expect(res.headers['content-type']).toBe(CONTENT_TYPE[format]);
    expect(res.rawPayload.equals(original)).toBe(true);
  }
  for (const [path, box] of [
    [smallPath, 100],
    [mediumPath, 300],
  ] as const) {
    const res = await get(path);
    expect(res.statusCode, path).toBe(200);
    expect(res.headers['content-type']).toBe(CONTENT_TYPE[format]);
    const decoded = decode(res.rawPayload);
    expect(decoded.format).toBe(format);
    expectFits(decoded, width, height, box);
    await expectDecodes(res.rawPayload, format, decoded.width, decoded.height);
  }
}

/** Checks that none of a stored name's files is served, to anyone. */
async function expectGone(name: string): Promise<void> {
  for (const path of filesOf(name)) {
    for (const asker of [undefined, session]) {
      const res = await get(path, asker);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.json()).toEqual(NOT_FOUND);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe.each(FORMATS)('a %s imageFile', (format) => {
  const ext = EXTENSION[format];

  it('on create: the logo is <origin>/<upload dir>/photoCustomer/<clock ms>_<name>, served with its variants', async () => {
    const T = 1_714_557_600_123;
    await freezeClock(app, DOCS_LOGIN, T);
    const image = await makeImage(640, 480, format);
    const created = await writeWithImage(
      '/api/v1.0/customers',
      201,
      { reference: 'IMG-1', name: 'Pictured' },
      image,
      `logo.${ext}`,
    );
    expect(created.logo).toBe(`http://${HOST}${PHOTOS}/${T}_logo.${ext}`);
    await expectServed(`${T}_logo.${ext}`, image, format, 640, 480);

    // The same logo on every read of the customer, on the origin each read called.
    const shown = await app.inject({
      url: `/api/v1.0/customers/${created.id}`,
      headers: { cookie: session.cookie, host: 'other.example:1234' },
    });
    expect(shown.json().logo).toBe(`http://other.example:1234${PHOTOS}/${T}_logo.${ext}`);
    const listed = await app.inject({
      url: '/api/v1/customers?reference=IMG-1',
      headers: { cookie: session.cookie, host: HOST },
    });
    expect(listed.json().data).toHaveLength(1);
    expect(listed.json().data[0].logo).toBe(created.logo);
  });

  it('on update: a tall image replaces the old one, whose files are then gone', async () => {
    const T1 = 1_714_557_600_000;
    await freezeClock(app, DOCS_LOGIN, T1);
    const first = await makeImage(60, 40, format);
    const created = await writeWithImage(
      '/api/v1.0/customers',
      201,
      { reference: 'IMG-2', name: 'Twice' },
      first,
      `first.${ext}`,
    );
    expect(storedName(created.logo)).toBe(`${T1}_first.${ext}`);
    // Smaller than both boxes: the variants keep its size (never enlarged).
    await expectServed(`${T1}_first.${ext}`, first, format, 60, 40);

    const T2 = T1 + 5_000;
    await freezeClock(app, DOCS_LOGIN, T2);
    const second = await makeImage(120, 360, format);
    const updated = await writeWithImage(`/api/v1.0/customers/${created.id}`, 200, {}, second, `second.${ext}`);
    expect(updated.id).toBe(created.id);
    expect(updated.name).toBe('Twice');
    expect(updated.logo).toBe(`http://${HOST}${PHOTOS}/${T2}_second.${ext}`);
    await expectServed(`${T2}_second.${ext}`, second, format, 120, 360);
    await expectGone(`${T1}_first.${ext}`);
  });

  it('on upsert: creating a new reference and then updating it', async () => {
    const T1 = 1_714_557_700_001;
    await freezeClock(app, DOCS_LOGIN, T1);
    const wide = await makeImage(1000, 10, format);
    const created = await writeWithImage(
      '/api/v1.0/customers/reference/UP-1',
      201,
      { name: 'Upserted' },
      wide,
      `wide.${ext}`,
    );
    expect(created.reference).toBe('UP-1');
    expect(created.logo).toBe(`http://${HOST}${PHOTOS}/${T1}_wide.${ext}`);
    await expectServed(`${T1}_wide.${ext}`, wide, format, 1000, 10);

    const T2 = T1 + 60_000;
    await freezeClock(app, DOCS_LOGIN, T2);
    const square = await makeImage(301, 301, format);
    const updated = await writeWithImage('/api/v1.0/customers/reference/UP-1', 201, {}, square, `square.${ext}`);
    expect(updated.id).toBe(created.id);
    expect(updated.logo).toBe(`http://${HOST}${PHOTOS}/${T2}_square.${ext}`);
    await expectServed(`${T2}_square.${ext}`, square, format, 301, 301);
    await expectGone(`${T1}_wide.${ext}`);
  });
});

describe('the stored file name', () => {
  const SAFE = /^[A-Za-z0-9._~-]+$/;

  it.each([
    ['my logo (1).png', /^my.logo.+1.*\.png$/],
    ['../../x.png', /x\.png$/],
    ['..\\..\\windows\\x.png', /x\.png$/],
    ['café €.png', /^caf.+\.png$/],
    ['a%2F..%2Fb.png', /b\.png$/],
  ])('%s is made URL-safe, one segment under photoCustomer, and is served', async (fileName, shape) => {
    const T = 1_714_557_800_042;
    await freezeClock(app, DOCS_LOGIN, T);
    const image = await makeImage(40, 30, 'png');
    const created = await writeWithImage(
      '/api/v1.0/customers',
      201,
      { reference: 'NAMED', name: 'Named' },
      image,
      fileName,
    );
    const name = storedName(created.logo);
    expect(name.startsWith(`${T}_`), name).toBe(true);
    const rest = name.slice(`${T}_`.length);
    expect(rest, name).toMatch(SAFE);
    expect(rest).toMatch(shape);
    expect(rest).not.toContain('/');
    expect(encodeURIComponent(name)).toBe(name);
    await expectServed(name, image, 'png', 40, 30);
  });

  it('the logo follows X-Forwarded-Proto https', async () => {
    const T = 1_714_557_800_500;
    await freezeClock(app, DOCS_LOGIN, T);
    const image = await makeImage(20, 20, 'gif');
    const created = await writeWithImage(
      '/api/v1.0/customers',
      201,
      { reference: 'TLS', name: 'Secure' },
      image,
      'tls.gif',
      { 'x-forwarded-proto': 'https' },
    );
    expect(created.logo).toBe(`https://${HOST}${PHOTOS}/${T}_tls.gif`);
  });
});

describe("the image files' lifetime", () => {
  async function uploadOne(reference: string, T: number): Promise<{ id: number; name: string }> {
    await freezeClock(app, DOCS_LOGIN, T);
    const image = await makeImage(50, 50, 'png');
    const created = await writeWithImage(
      '/api/v1.0/customers',
      201,
      { reference, name: reference },
      image,
      `${reference}.png`,
    );
    const name = storedName(created.logo);
    expect(name).toBe(`${T}_${reference}.png`);
    expect((await get(`${PHOTOS}/${name}`)).statusCode).toBe(200);
    return { id: Number(created.id), name };
  }

  it('replacing the seeded logo of customer 256 removes its files from the tenant', async () => {
    const T = 1_714_557_900_000;
    await freezeClock(app, DOCS_LOGIN, T);
    expect((await get(`${PHOTOS}/${SEEDED_LOGO}`, session)).statusCode).toBe(200);
    const image = await makeImage(80, 80, 'jpeg');
    const updated = await writeWithImage('/api/v1.0/customers/256', 200, {}, image, 'new.jpg');
    expect(updated.logo).toBe(`http://${HOST}${PHOTOS}/${T}_new.jpg`);
    await expectGone(SEEDED_LOGO);
    await expectServed(`${T}_new.jpg`, image, 'jpeg', 80, 80);
  });

  it('deleting the customer by id removes its files', async () => {
    const { id, name } = await uploadOne('DEL-ID', 1_714_558_000_000);
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/v1.0/customers/${id}`,
      headers: { cookie: session.cookie },
    });
    expect(res.statusCode).toBe(200);
    await expectGone(name);
  });

  it('deleting the customer by reference removes its files', async () => {
    const { name } = await uploadOne('DEL-REF', 1_714_558_000_100);
    const res = await app.inject({
      method: 'DELETE',
      url: '/api/v1.0/customers/reference/DEL-REF',
      headers: { cookie: session.cookie },
    });
    expect(res.statusCode).toBe(200);
    await expectGone(name);
  });

  it('a failed delete (a parent of another customer) keeps its files', async () => {
    const { id, name } = await uploadOne('PARENT', 1_714_558_000_200);
    const child = await app.inject({
      method: 'POST',
      url: '/api/v1.0/customers',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ reference: 'CHILD', name: 'Child', parentCustomer: String(id) }).toString(),
    });
    expect(child.statusCode, child.body).toBe(201);
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/v1.0/customers/${id}`,
      headers: { cookie: session.cookie },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'delete_failed', error_description: 'Failed to delete instance.' });
    for (const path of filesOf(name)) expect((await get(path)).statusCode, path).toBe(200);
  });

  it('a tenant reset removes uploaded files and serves the seeded logo again', async () => {
    const { name } = await uploadOne('RESET', 1_714_558_100_000);
    const res = await app.inject({ method: 'POST', url: `${ADMIN}/reset` });
    expect(res.statusCode).toBe(200);
    await expectGone(name);
    for (const path of filesOf(SEEDED_LOGO)) expect((await get(path, session)).statusCode, path).toBe(200);
  });

  it('a tenant delete removes uploaded files', async () => {
    const { name } = await uploadOne('GONE', 1_714_558_200_000);
    const res = await app.inject({ method: 'DELETE', url: ADMIN });
    expect(res.statusCode).toBe(204);
    for (const path of filesOf(name)) {
      const answer = await get(path);
      expect(answer.statusCode, path).toBe(404);
      expect(answer.json()).toEqual(NOT_FOUND);
    }
  });
});

describe('image paths', () => {
  it.each([
    `${PHOTOS}/nope.png`,
    `${PHOTOS}/large_x.png`,
    `${PHOTOS}/large_${SEEDED_LOGO}`,
    `${PHOTOS}/Small_${SEEDED_LOGO}`,
    `${PHOTOS}/small_small_${SEEDED_LOGO}`,
    `${PHOTOS}/small_`,
    `${PHOTOS}/${SEEDED_LOGO.toUpperCase()}`,
    `${PHOTOS}/${SEEDED_LOGO}.png`,
    `/entity1-1450169988466/photoCustomer/${SEEDED_LOGO}`,
    `/other-directory/photoCustomer/small_${SEEDED_LOGO}`,
  ])('%s: 404 in the Valomnia envelope, with or without a session', async (path) => {
    for (const asker of [undefined, session]) {
      const res = await get(path, asker);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.json()).toEqual(NOT_FOUND);
    }
  });

  it('the docs logo of customer 256 is a 272×92 PNG, with a 100-wide small and a full-size medium', async () => {
    const shown = await app.inject({ url: '/api/v1.0/customers/256', headers: { cookie: session.cookie, host: HOST } });
    expect(shown.json().logo).toBe(`http://${HOST}${PHOTOS}/${SEEDED_LOGO}`);
    const original = await get(`${PHOTOS}/${SEEDED_LOGO}`);
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('image/png');
    expect(decode(original.rawPayload)).toEqual({ format: 'png', width: 272, height: 92 });
    await expectDecodes(original.rawPayload, 'png', 272, 92);
    const small = await get(`${PHOTOS}/small_${SEEDED_LOGO}`);
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-type']).toBe('image/png');
    expect(decode(small.rawPayload)).toEqual({ format: 'png', width: 100, height: 34 });
    const medium = await get(`${PHOTOS}/medium_${SEEDED_LOGO}`, session);
    expect(medium.statusCode).toBe(200);
    expect(decode(medium.rawPayload)).toEqual({ format: 'png', width: 272, height: 92 });
  });

  it('HEAD answers the headers of GET without a body', async () => {
    for (const path of filesOf(SEEDED_LOGO)) {
      const full = await get(path);
      const head = await app.inject({ method: 'HEAD', url: path });
      expect(head.statusCode, path).toBe(200);
      expect(head.headers['content-type']).toBe('image/png');
      expect(Number(head.headers['content-length'])).toBe(full.rawPayload.length);
      expect(head.rawPayload.length).toBe(0);
    }
    const missing = await app.inject({ method: 'HEAD', url: `${PHOTOS}/large_x.png` });
    expect(missing.statusCode).toBe(404);
    expect(missing.rawPayload.length).toBe(0);
  });
});
