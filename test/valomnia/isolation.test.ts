import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeImage } from '../../src/vendors/valomnia/images.js';
import { testApp } from '../helpers/app.js';
import { MULTIPART_TYPE, multipart, type Part } from '../helpers/multipart.js';
import { DOCS_LOGIN, form, freezeClock, type ValomniaSession, valomniaLogin } from '../helpers/valomnia.js';

/**
 * Valomnia's tenants under concurrency and side by side: concurrent creates and upserts (ids,
 * reference uniqueness, images stored once), and everything of one tenant kept from another —
 * customers, writes, images (even in the docs dataset, where every tenant shares the vendor's
 * upload directory), sessions, clocks, and the control API's reset and delete.
 */

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const LOGINS = [DOCS_LOGIN, ALICE, BOB, 'carol@example.com', 'dave@example.com', 'erin@example.com'];
const DOCS_DIRECTORY = 'entity1-1450169988465';
const JSON_TYPE = 'application/json; charset=utf-8';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const UNAUTHORIZED = {
  error: 'unauthorized',
  error_description: 'Full authentication is required to access this resource',
};
const NOT_UNIQUE = { error: 'not_unique', error_description: 'reference already used' };
const NOT_FOUND_PATH = { error: 'not_found', error_description: "The requested resource doesn't exist." };

function customerNotFound(id: string | number) {
  return { error: 'not_found', error_description: `The customer with the id ${id} doesn't exist.` };
}

type Json = Record<string, unknown>;

let app: FastifyInstance;

// One docs app for the file (building one is the slow part); every test starts without tenants.
beforeAll(async () => {
  app = await testApp({ dataset: 'docs' });
});

afterAll(async () => {
  await app.close();
});

beforeEach(async () => {
  for (const login of LOGINS) {
    const res = await app.inject({ method: 'DELETE', url: `/__admin/tenants/valomnia/${login}` });
    expect([204, 404]).toContain(res.statusCode);
  }
});

function create(session: ValomniaSession, fields: Record<string, string>, on: FastifyInstance = app) {
  return on.inject({
    method: 'POST',
    url: '/api/v1.0/customers',
    headers: { cookie: session.cookie, 'content-type': FORM_TYPE },
    payload: form(fields),
  });
}

function createMultipart(session: ValomniaSession, parts: Part[], url = '/api/v1.0/customers', on = app) {
  return on.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': MULTIPART_TYPE, host: 'iso.test' },
    // The file parts say image/png whatever the image: the server reads the bytes.
    payload: multipart(parts, { fileType: 'image/png' }),
  });
}

function get(session: ValomniaSession | null, url: string, on: FastifyInstance = app) {
  return on.inject({ url, headers: session ? { cookie: session.cookie, host: 'iso.test' } : { host: 'iso.test' } });
}

async function listOf(session: ValomniaSession, query = '', on: FastifyInstance = app) {
  const res = await get(session, `/api/v1.0/customers?max=100${query}`, on);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { paging: { total: number }; data: Json[] };
}

/** The path of a logo URL on the iso.test origin. */
function logoPath(logo: unknown): string {
  expect(typeof logo).toBe('string');
  const url = new URL(String(logo));
  expect(url.host).toBe('iso.test');
  return url.pathname;
}

/** Everything a tenant's client sees of its customers: the list and every logo file's bytes. */
async function snapshot(session: ValomniaSession, on: FastifyInstance = app) {
  const list = await get(session, '/api/v1.0/customers?max=100', on);
  expect(list.statusCode).toBe(200);
  const files: Record<string, string> = {};
  for (const customer of (list.json() as { data: Json[] }).data) {
    if (customer.logo === null) continue;
    const path = logoPath(customer.logo);
    const at = path.lastIndexOf('/') + 1;
    for (const file of [
      path,
      `${path.slice(0, at)}small_${path.slice(at)}`,
      `${path.slice(0, at)}medium_${path.slice(at)}`,
    ]) {
      const res = await get(session, file, on);
      expect(res.statusCode, file).toBe(200);
      files[file] = res.rawPayload.toString('base64');
    }
  }
  return { customers: list.body, files };
}

// ---------------------------------------------------------------------------------------------

describe('concurrent writes in one tenant', () => {
  it('50 concurrent creates (url-encoded and multipart): 50 distinct ids, 50 records', async () => {
    const session = await valomniaLogin(app);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? create(session, { reference: `CON-${i}`, name: `Concurrent ${i}` })
          : createMultipart(session, [
              ['reference', `CON-${i}`],
              ['name', `Concurrent ${i}`],
            ]),
      ),
    );
    for (const res of answers) expect(res.statusCode, res.body).toBe(201);
    const ids = answers.map((res) => Number(res.json().id));
    expect(new Set(ids).size).toBe(50);
    // The sequence hands out each id once, from the docs tenant's next one.
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 257 + i));
    answers.forEach((res, i) => {
      expect(res.json().reference).toBe(`CON-${i}`);
    });

    const list = await listOf(session, '&reference=CON-*');
    expect(list.paging.total).toBe(50);
    expect(new Set(list.data.map((customer) => customer.id))).toEqual(new Set(ids));
    expect((await listOf(session)).paging.total).toBe(51);
    for (const [i, id] of ids.entries()) {
      const shown = await get(session, `/api/v1.0/customers/${id}`);
      expect(shown.json().reference).toBe(`CON-${i}`);
    }
  });

  it('50 concurrent creates over real sockets: 50 distinct ids, 50 records', async () => {
    const served = await testApp({ dataset: 'docs' });
    try {
      await served.listen({ port: 0, host: '127.0.0.1' });
      const address = served.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const session = await valomniaLogin(served);
      const answers = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const res = await fetch(`http://127.0.0.1:${address.port}/api/v1.0/customers`, {
            method: 'POST',
            headers: { cookie: session.cookie, 'content-type': FORM_TYPE },
            body: form({ reference: `SOCK-${i}`, name: `Socket ${i}` }),
          });
          return { status: res.status, body: (await res.json()) as Json };
        }),
      );
      for (const answer of answers) expect(answer.status).toBe(201);
      expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(50);
      expect((await listOf(session, '&reference=SOCK-*', served)).paging.total).toBe(50);
    } finally {
      served.server.closeAllConnections();
      await served.close();
    }
  });

  it('20 concurrent creates of one reference: exactly one 201, nineteen not_unique, one record', async () => {
    const session = await valomniaLogin(app);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? create(session, { reference: 'ONLY-ONE', name: `Racer ${i}` })
          : createMultipart(session, [
              ['reference', 'ONLY-ONE'],
              ['name', `Racer ${i}`],
            ]),
      ),
    );
    const won = answers.filter((res) => res.statusCode === 201);
    const lost = answers.filter((res) => res.statusCode === 400);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const res of lost) {
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.json()).toEqual(NOT_UNIQUE);
    }
    const list = await listOf(session, '&reference=ONLY-ONE');
    expect(list.paging.total).toBe(1);
    expect(list.data[0]?.id).toBe(won[0]?.json().id);
    expect(list.data[0]?.name).toBe(won[0]?.json().name);
    // No refused create took an id.
    const next = await create(session, { reference: 'AFTER', name: 'After' });
    expect(next.json().id).toBe(Number(won[0]?.json().id) + 1);
  });

  it('20 concurrent creates of one reference in different cases: still one record', async () => {
    const session = await valomniaLogin(app);
    const spellings = ['case-1', 'CASE-1', 'Case-1', 'cAsE-1'];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createMultipart(session, [
          ['reference', spellings[i % spellings.length] ?? 'case-1'],
          ['name', `Cased ${i}`],
        ]),
      ),
    );
    expect(answers.filter((res) => res.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((res) => res.statusCode === 400 && res.json().error === 'not_unique')).toHaveLength(19);
    expect((await listOf(session, '&reference=case-1')).paging.total).toBe(1);
  });

  it('20 concurrent upserts of one new reference: all 201, one record, one id', async () => {
    const session = await valomniaLogin(app);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? app.inject({
              method: 'POST',
              url: '/api/v1.0/customers/reference/UPS-1',
              headers: { cookie: session.cookie, 'content-type': FORM_TYPE },
              payload: form({ name: `Upsert ${i}` }),
            })
          : createMultipart(session, [['name', `Upsert ${i}`]], '/api/v1.0/customers/reference/UPS-1'),
      ),
    );
    for (const res of answers) expect(res.statusCode, res.body).toBe(201);
    const ids = new Set(answers.map((res) => res.json().id));
    expect(ids.size).toBe(1);
    const list = await listOf(session, '&reference=UPS-1');
    expect(list.paging.total).toBe(1);
    expect(list.data[0]?.id).toBe([...ids][0]);
    expect(answers.map((res) => res.json().name)).toContain(list.data[0]?.name);
    expect((await listOf(session)).paging.total).toBe(2);
  });

  it('concurrent creates with images of one reference: one 201, one stored image', async () => {
    const T = 1_714_600_000_000;
    await freezeClock(app, DOCS_LOGIN, T);
    const session = await valomniaLogin(app);
    const images = await Promise.all(Array.from({ length: 10 }, (_, i) => makeImage(20 + i, 20, 'png')));
    const answers = await Promise.all(
      images.map((image, i) =>
        createMultipart(session, [
          ['reference', 'PICTURED'],
          ['name', `Pictured ${i}`],
          ['imageFile', image, `pic${i}.png`],
        ]),
      ),
    );
    const won = answers.filter((res) => res.statusCode === 201);
    expect(won).toHaveLength(1);
    for (const res of answers.filter((answer) => answer.statusCode !== 201)) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(NOT_UNIQUE);
    }
    const winner = won[0]?.json() as Json;
    const index = answers.indexOf(won[0] as (typeof answers)[number]);
    expect(logoPath(winner.logo)).toBe(`/${DOCS_DIRECTORY}/photoCustomer/${T}_pic${index}.png`);
    const served = await get(null, logoPath(winner.logo));
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(images[index] as Buffer)).toBe(true);
    // No loser's image was stored, under its name at any nearby ms.
    for (const [i] of images.entries()) {
      if (i === index) continue;
      for (let ms = T; ms < T + 12; ms++) {
        const res = await get(null, `/${DOCS_DIRECTORY}/photoCustomer/${ms}_pic${i}.png`);
        expect(res.statusCode, `${ms}_pic${i}.png`).toBe(404);
      }
    }
  });

  it('concurrent creates with images of one reference and one file name: only one name is taken', async () => {
    const T = 1_714_600_100_000;
    await freezeClock(app, DOCS_LOGIN, T);
    const session = await valomniaLogin(app);
    const image = await makeImage(24, 24, 'png');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createMultipart(session, [
          ['reference', 'SAME-NAME'],
          ['name', `Same ${i}`],
          ['imageFile', image, 'same.png'],
        ]),
      ),
    );
    expect(answers.filter((res) => res.statusCode === 201)).toHaveLength(1);
    expect((await get(null, `/${DOCS_DIRECTORY}/photoCustomer/${T}_same.png`)).statusCode).toBe(200);
    // A loser's image stored as well would have pushed its name to a later ms.
    for (let ms = T + 1; ms < T + 12; ms++) {
      expect((await get(null, `/${DOCS_DIRECTORY}/photoCustomer/${ms}_same.png`)).statusCode).toBe(404);
    }
  });
});

describe('tenants side by side (docs dataset: one organization, one upload directory)', () => {
  it("B sees none of A's customers: list, show, by reference, filters", async () => {
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    const created = await create(alice, { reference: 'A-ONLY', name: 'Alice only' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;

    const bobs = await listOf(bob);
    expect(bobs.paging.total).toBe(1);
    expect(bobs.data.map((customer) => customer.reference)).toEqual(['NC-3']);
    expect((await listOf(bob, '&reference=A-*')).paging.total).toBe(0);
    expect((await listOf(bob, '&name=Alice*')).paging.total).toBe(0);
    const shown = await get(bob, `/api/v1.0/customers/${id}`);
    expect(shown.statusCode).toBe(404);
    expect(shown.json()).toEqual(customerNotFound(id));
    const byReference = await get(bob, '/api/v1/customers/reference/A-ONLY');
    expect(byReference.statusCode).toBe(404);
    expect(byReference.json()).toEqual(customerNotFound('A-ONLY'));

    // Alice sees it, on both prefixes.
    expect((await get(alice, `/api/v1.0/customers/${id}`)).statusCode).toBe(200);
    expect((await get(alice, '/api/v1/customers/reference/a-only')).json().id).toBe(id);
    expect((await listOf(alice)).paging.total).toBe(2);
  });

  it("B's writes never reach A's records", async () => {
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    const id = (await create(alice, { reference: 'A-ONLY', name: 'Alice only', city: 'Sousse' })).json().id;
    const before = await snapshot(alice);

    const updated = await app.inject({
      method: 'POST',
      url: `/api/v1.0/customers/${id}`,
      headers: { cookie: bob.cookie, 'content-type': FORM_TYPE },
      payload: form({ name: 'Taken over' }),
    });
    expect(updated.statusCode).toBe(404);
    expect(updated.json()).toEqual(customerNotFound(id));
    for (const url of [`/api/v1.0/customers/${id}`, '/api/v1.0/customers/reference/A-ONLY']) {
      const deleted = await app.inject({ method: 'DELETE', url, headers: { cookie: bob.cookie } });
      expect(deleted.statusCode, url).toBe(404);
    }
    // An upsert of A's reference makes B a record of its own.
    const upserted = await app.inject({
      method: 'POST',
      url: '/api/v1.0/customers/reference/A-ONLY',
      headers: { cookie: bob.cookie, 'content-type': FORM_TYPE },
      payload: form({ name: 'Bob too' }),
    });
    expect(upserted.statusCode).toBe(201);
    expect(upserted.json()).toMatchObject({ reference: 'A-ONLY', name: 'Bob too', city: null });
    // B's seeded customer changed and then deleted; A's is its own.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1.0/customers/256',
          headers: { cookie: bob.cookie, 'content-type': FORM_TYPE },
          payload: form({ name: 'Renamed by Bob' }),
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1.0/customers/256', headers: { cookie: bob.cookie } }))
        .statusCode,
    ).toBe(200);
    // A reference A holds is free in B, and one B holds is free in A.
    expect((await create(bob, { reference: 'NC-3', name: 'Bob reuses NC-3' })).statusCode).toBe(201);

    expect(await snapshot(alice)).toEqual(before);
    expect((await get(alice, '/api/v1.0/customers/256')).json().name).toBe("Marie's Jewelry");
  });

  it("images: B's session cannot fetch A's logo, though both share the upload directory", async () => {
    const T = 1_714_600_200_000;
    await freezeClock(app, ALICE, T);
    await freezeClock(app, BOB, T);
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    const aliceImage = await makeImage(30, 20, 'png');
    const bobImage = await makeImage(20, 30, 'png');
    const a = await createMultipart(alice, [
      ['reference', 'A-PIC'],
      ['name', 'Alice'],
      ['imageFile', aliceImage, 'logo.png'],
    ]);
    const b = await createMultipart(bob, [
      ['reference', 'B-PIC'],
      ['name', 'Bob'],
      ['imageFile', bobImage, 'logo.png'],
    ]);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    const aPath = logoPath(a.json().logo);
    const bPath = logoPath(b.json().logo);
    // The same file name at the same frozen ms: the second takes the next free ms.
    expect(aPath).toBe(`/${DOCS_DIRECTORY}/photoCustomer/${T}_logo.png`);
    expect(bPath).toBe(`/${DOCS_DIRECTORY}/photoCustomer/${T + 1}_logo.png`);

    const prefixes = ['', 'small_', 'medium_'];
    for (const prefix of prefixes) {
      const aFile = aPath.replace('/photoCustomer/', `/photoCustomer/${prefix}`);
      const bFile = bPath.replace('/photoCustomer/', `/photoCustomer/${prefix}`);
      expect((await get(alice, aFile)).statusCode, aFile).toBe(200);
      expect((await get(bob, bFile)).statusCode, bFile).toBe(200);
      for (const [session, file] of [
        [bob, aFile],
        [alice, bFile],
      ] as const) {
        const res = await get(session, file);
        expect(res.statusCode, file).toBe(404);
        expect(res.json()).toEqual(NOT_FOUND_PATH);
      }
      // Without a session, a plain file anyone may fetch.
      expect((await get(null, aFile)).statusCode).toBe(200);
      expect((await get(null, bFile)).statusCode).toBe(200);
    }
    expect((await get(null, aPath)).rawPayload.equals(aliceImage)).toBe(true);
    expect((await get(null, bPath)).rawPayload.equals(bobImage)).toBe(true);
  });

  it("replacing A's copy of the seeded logo leaves B's", async () => {
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    const seeded = `/${DOCS_DIRECTORY}/photoCustomer/1471338230737_logo_color_272x92dp.png`;
    const res = await createMultipart(
      alice,
      [['imageFile', await makeImage(16, 16, 'gif'), 'mine.gif']],
      '/api/v1.0/customers/256',
    );
    expect(res.statusCode).toBe(200);
    expect((await get(alice, seeded)).statusCode).toBe(404);
    expect((await get(bob, seeded)).statusCode).toBe(200);
    expect((await get(null, seeded)).statusCode).toBe(200);
    expect(logoPath((await get(bob, '/api/v1.0/customers/256')).json().logo)).toBe(seeded);
  });

  it('several docs tenants uploading one file name at one frozen ms all get different stored names', async () => {
    const T = 1_714_600_300_000;
    const logins = [ALICE, BOB, 'carol@example.com', 'dave@example.com', 'erin@example.com'];
    for (const login of logins) await freezeClock(app, login, T);
    const sessions = await Promise.all(logins.map((login) => valomniaLogin(app, login)));
    const images = await Promise.all(logins.map((_, i) => makeImage(10 + i, 10, 'png')));
    const answers = await Promise.all(
      sessions.map((session, i) =>
        createMultipart(session, [
          ['reference', 'SHARED'],
          ['name', `Tenant ${i}`],
          ['imageFile', images[i] as Buffer, 'shared.png'],
        ]),
      ),
    );
    for (const res of answers) expect(res.statusCode, res.body).toBe(201);
    const paths = answers.map((res) => logoPath(res.json().logo));
    expect(new Set(paths).size).toBe(logins.length);
    expect(new Set(paths)).toEqual(
      new Set(logins.map((_, i) => `/${DOCS_DIRECTORY}/photoCustomer/${T + i}_shared.png`)),
    );
    for (const [i, path] of paths.entries()) {
      const own = await get(sessions[i] as ValomniaSession, path);
      expect(own.statusCode).toBe(200);
      expect(own.rawPayload.equals(images[i] as Buffer)).toBe(true);
      const anyone = await get(null, path);
      expect(anyone.rawPayload.equals(images[i] as Buffer)).toBe(true);
    }
  });

  it("sessions: A's cookie is A's, B's is B's; the cookie wins over a bearer token", async () => {
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    expect(alice.token).not.toBe(bob.token);
    await create(alice, { reference: 'A-ONLY', name: 'Alice only' });

    const aliceUser = await app.inject({ url: '/login/ajaxSuccess', headers: { cookie: alice.cookie } });
    expect(aliceUser.json().user.email).toBe(ALICE);
    const bobUser = await app.inject({ url: '/login/ajaxSuccess', headers: { authorization: bob.authorization } });
    expect(bobUser.json().user.email).toBe(BOB);

    const both = await app.inject({
      url: '/api/v1.0/customers/reference/A-ONLY',
      headers: { cookie: bob.cookie, authorization: alice.authorization },
    });
    expect(both.statusCode).toBe(404);
    const aliceByBearer = await app.inject({
      url: '/api/v1.0/customers/reference/A-ONLY',
      headers: { authorization: alice.authorization },
    });
    expect(aliceByBearer.statusCode).toBe(200);

    // The login is one tenant whatever its case: a second session of Alice sees her data.
    const shouting = await valomniaLogin(app, 'ALICE@Example.COM');
    expect(shouting.token).not.toBe(alice.token);
    expect((await get(shouting, '/api/v1.0/customers/reference/A-ONLY')).statusCode).toBe(200);
  });

  it("each tenant has its own clock: freezing A's does not move B's", async () => {
    await freezeClock(app, ALICE, Date.parse('2020-01-02T03:04:05.678Z'));
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    const a = await create(alice, { reference: 'CLOCK', name: 'A' });
    const b = await create(bob, { reference: 'CLOCK', name: 'B' });
    expect(a.json().dateCreated).toBe('2020-01-02T03:04:05Z');
    expect(Math.abs(Date.parse(b.json().dateCreated) - Date.now())).toBeLessThan(60_000);
  });

  it("the control API's reset and delete of A leave B untouched", async () => {
    const T = 1_714_600_400_000;
    await freezeClock(app, ALICE, T);
    await freezeClock(app, BOB, T);
    const alice = await valomniaLogin(app, ALICE);
    const bob = await valomniaLogin(app, BOB);
    for (const [session, who] of [
      [alice, 'A'],
      [bob, 'B'],
    ] as const) {
      const res = await createMultipart(session, [
        ['reference', `${who}-KEPT`],
        ['name', who],
        ['imageFile', await makeImage(who === 'A' ? 12 : 14, 12, 'jpeg'), 'kept.jpg'],
      ]);
      expect(res.statusCode).toBe(201);
    }
    const bobBefore = await snapshot(bob);
    const aliceLogo = logoPath((await get(alice, '/api/v1.0/customers/reference/A-KEPT')).json().logo);

    const reset = await app.inject({ method: 'POST', url: `/__admin/tenants/valomnia/${ALICE}/reset` });
    expect(reset.statusCode).toBe(200);
    expect(await snapshot(bob)).toEqual(bobBefore);
    expect((await listOf(alice)).paging.total).toBe(1);
    expect((await get(null, aliceLogo)).statusCode).toBe(404);

    const deleted = await app.inject({ method: 'DELETE', url: `/__admin/tenants/valomnia/${ALICE}` });
    expect(deleted.statusCode).toBe(204);
    const aliceAfter = await get(alice, '/api/v1.0/customers');
    expect(aliceAfter.statusCode).toBe(401);
    expect(aliceAfter.json()).toEqual(UNAUTHORIZED);
    expect(await snapshot(bob)).toEqual(bobBefore);
    // B's images still served to anyone, and B still writes.
    for (const file of Object.keys(bobBefore.files)) expect((await get(null, file)).statusCode, file).toBe(200);
    expect((await create(bob, { reference: 'B-AFTER', name: 'After' })).statusCode).toBe(201);
  });
});

describe('tenants side by side (demo dataset: an organization and upload directory each)', () => {
  let demo: FastifyInstance;

  beforeAll(async () => {
    demo = await testApp({ dataset: 'demo', records: 5 });
  });

  afterAll(async () => {
    await demo.close();
  });

  it("each tenant's uploads live in its own directory; B's session cannot fetch A's", async () => {
    const T = 1_714_600_500_000;
    await freezeClock(demo, ALICE, T);
    await freezeClock(demo, BOB, T);
    const alice = await valomniaLogin(demo, ALICE);
    const bob = await valomniaLogin(demo, BOB);
    const image = await makeImage(40, 40, 'bmp');
    const answers = [];
    for (const session of [alice, bob]) {
      answers.push(
        await createMultipart(
          session,
          [
            ['reference', 'DEMO-PIC'],
            ['name', 'Demo'],
            ['imageFile', image, 'demo.bmp'],
          ],
          '/api/v1.0/customers',
          demo,
        ),
      );
    }
    const [a, b] = answers.map((res) => {
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as Json;
    });
    expect(a?.organization).toBe('alice');
    expect(b?.organization).toBe('bob');
    const aPath = logoPath(a?.logo);
    const bPath = logoPath(b?.logo);
    const aDirectory = aPath.split('/')[1] ?? '';
    const bDirectory = bPath.split('/')[1] ?? '';
    expect(aDirectory).toMatch(/^alice-\d{13}$/);
    expect(bDirectory).toMatch(/^bob-\d{13}$/);
    // Directories differ, so the same name at the same ms is free in each.
    expect(aPath).toBe(`/${aDirectory}/photoCustomer/${T}_demo.bmp`);
    expect(bPath).toBe(`/${bDirectory}/photoCustomer/${T}_demo.bmp`);

    expect((await get(alice, aPath, demo)).statusCode).toBe(200);
    expect((await get(null, aPath, demo)).statusCode).toBe(200);
    const crossed = await get(bob, aPath, demo);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json()).toEqual(NOT_FOUND_PATH);
    expect((await get(alice, bPath, demo)).statusCode).toBe(404);
    // Nothing of B's is under A's directory, nor of A's under B's.
    expect((await get(null, `/${aDirectory}/photoCustomer/${T + 1}_demo.bmp`, demo)).statusCode).toBe(404);
    expect((await get(null, `/${DOCS_DIRECTORY}/photoCustomer/${T}_demo.bmp`, demo)).statusCode).toBe(404);
  });

  it('the same login always gets the same directory; different logins different ones', async () => {
    const directoryOf = async (login: string) => {
      const session = await valomniaLogin(demo, login);
      const res = await createMultipart(
        session,
        [
          ['reference', `DIR-${Date.now()}-${Math.random()}`],
          ['name', 'Dir'],
          ['imageFile', await makeImage(8, 8, 'png'), 'd.png'],
        ],
        '/api/v1.0/customers',
        demo,
      );
      expect(res.statusCode, res.body).toBe(201);
      return logoPath(res.json().logo).split('/')[1];
    };
    const first = await directoryOf('carol@example.com');
    const reset = await demo.inject({ method: 'DELETE', url: '/__admin/tenants/valomnia/carol@example.com' });
    expect(reset.statusCode).toBe(204);
    expect(await directoryOf('carol@example.com')).toBe(first);
    expect(await directoryOf('carol@example.org')).not.toBe(first);
    expect(await directoryOf('dave@example.com')).not.toBe(first);
  });
});
