import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index.js';
import { makeImage } from '../src/vendors/valomnia/images.js';
import { MULTIPART_TYPE, multipart } from './helpers/multipart.js';
import {
  admin,
  basic,
  call,
  cleanUp,
  createImonggoCustomer,
  exported,
  filesUnder,
  imonggo,
  imonggoWrite,
  listening,
  mypos,
  myposToken,
  runToEnd,
  type Server,
  spawnSandbox,
  startServer,
  tempDir,
  valomniaLogin,
  xmlField,
} from './persistence-helpers.js';

// --data-dir, proven on the real process: what a restart keeps (every vendor's records and
// sequences, clocks, sessions, tokens, permissions, tenants made to order, deletes, snapshots),
// that a stop by SIGTERM writes the last window, that a process killed with SIGKILL at any moment
// leaves a directory that loads and is consistent, and that a file that cannot be loaded stops
// the start in one line. (dist/ is built by the global setup.)

afterEach(cleanUp);

/** The file a tenant is kept in: named by the hash of its (canonical) credential. */
function tenantFile(dir: string, vendor: string, credential: string): string {
  const name = createHash('sha256').update(credential).digest('hex').slice(0, 40);
  return join(dir, 'tenants', vendor, `${name}.json`);
}

/**
 * Waits until a tenant has been written once (its file exists), so that what a test does next is
 * a change to a tenant already on disk rather than part of its first write.
 */
async function writtenOnce(dir: string, vendor: string, credential: string): Promise<void> {
  const file = tenantFile(dir, vendor, credential);
  await until(`${file} is written`, () => existsSync(file));
}

/** Waits (up to 10 s) for something the server does in its own time; fails the test if it never happens. */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !done(); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(done(), what).toBe(true);
}

/** What is kept of a tenant on disk, as text: its file and, when there is one, its change log beside it. */
function keptText(dir: string, vendor: string, credential: string): string {
  const file = tenantFile(dir, vendor, credential);
  const log = file.replace(/\.json$/, '.log');
  return readFileSync(file, 'utf8') + (existsSync(log) ? readFileSync(log, 'utf8') : '');
}

/** Stops a server with SIGTERM, checking that it exits 0. */
async function stopped(server: Server): Promise<void> {
  expect(await server.stop()).toBe(0);
}

const ISO_2011 = '2011-04-21T03:01:51.000Z';

describe('a restart with --data-dir keeps', () => {
  it('Imonggo: customers and suppliers created, updated and deleted, their sequences, and each tenant’s clock', async () => {
    const dir = tempDir();
    const T = 'persist-imonggo';
    let server = await startServer(dir, ['--dataset', 'docs']);
    let url = server.url;

    const first = await createImonggoCustomer(url, T, 'First Person');
    const second = await createImonggoCustomer(url, T, 'Second Person');
    expect(second.id).toBe(first.id + 1);
    expect(Number(second.code)).toBe(Number(first.code) + 1);
    // The updates, deletes and supplier writes change a tenant already written.
    await writtenOnce(dir, 'imonggo', T);
    const renamed = await imonggoWrite(
      url,
      T,
      'PUT',
      `/api/customers/${first.id}.xml`,
      '<customer><name>First Renamed</name></customer>',
    );
    expect(renamed.status, renamed.text).toBe(200);
    expect((await imonggo(url, T, `/api/customers/${second.id}.xml`, 'DELETE')).status).toBe(200);

    const supplier = async (name: string) => {
      const res = await imonggoWrite(url, T, 'POST', '/api/suppliers.xml', `<supplier><name>${name}</name></supplier>`);
      expect(res.status, res.text).toBe(200);
      return Number(xmlField(res.text, 'id'));
    };
    const s1 = await supplier('Supplier One');
    const s2 = await supplier('Supplier Two');
    expect(s2).toBe(s1 + 1);
    const supplierRenamed = await imonggoWrite(
      url,
      T,
      'PUT',
      `/api/suppliers/${s1}.xml`,
      '<supplier><name>Supplier Renamed</name></supplier>',
    );
    expect(supplierRenamed.status, supplierRenamed.text).toBe(200);
    expect((await imonggo(url, T, `/api/suppliers/${s2}.xml`, 'DELETE')).status).toBe(200);

    // One tenant's clock frozen, another's running from a time in the past.
    const frozen = await admin(url, 'POST', '/tenants/imonggo/persist-frozen/clock/freeze', { at: ISO_2011 });
    expect(frozen.json).toEqual({ now: ISO_2011, frozen: true });
    const setAt = Date.parse('2015-06-01T00:00:00Z');
    const running = await admin(url, 'POST', '/tenants/imonggo/persist-running/clock/set', { at: setAt });
    expect(running.status).toBe(200);
    expect((running.json as { frozen: boolean }).frozen).toBe(false);

    const reads = async () => ({
      first: (await imonggo(url, T, `/api/customers/${first.id}.xml`)).text,
      second: (await imonggo(url, T, `/api/customers/${second.id}.xml`)).text,
      s1: (await imonggo(url, T, `/api/suppliers/${s1}.xml`)).text,
      s2: await imonggo(url, T, `/api/suppliers/${s2}.xml`).then((res) => `${res.status} ${res.text}`),
      customers: (await imonggo(url, T, '/api/customers.xml?q=count')).text,
      suppliers: (await imonggo(url, T, '/api/suppliers.xml?q=count')).text,
      document: (await admin(url, 'GET', `/tenants/imonggo/${T}/export`)).text,
    });
    const before = await reads();
    expect(before.first).toContain('<name>First Renamed</name>');
    expect(before.second).toContain('<status>D</status>');
    expect(before.s1).toContain('<name>Supplier Renamed</name>');
    await stopped(server);

    // Another dataset for new tenants: the kept ones keep their own data.
    server = await startServer(dir, ['--dataset', 'empty']);
    url = server.url;
    expect(await reads()).toEqual(before);

    const third = await createImonggoCustomer(url, T, 'Third Person');
    expect(third.id).toBe(second.id + 1);
    expect(third.code).toBe(String(Number(second.code) + 1).padStart(6, '0'));
    const s3 = await imonggoWrite(url, T, 'POST', '/api/suppliers.xml', '<supplier><name>Three</name></supplier>');
    expect(Number(xmlField(s3.text, 'id'))).toBe(s2 + 1);

    expect((await admin(url, 'GET', '/tenants/imonggo/persist-frozen/clock')).json).toEqual({
      now: ISO_2011,
      frozen: true,
    });
    const clock = (await admin(url, 'GET', '/tenants/imonggo/persist-running/clock')).json as {
      now: string;
      frozen: boolean;
    };
    expect(clock.frozen).toBe(false);
    // Running on from the time it was set to (a real-time clock would read today).
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(setAt);
    expect(Date.parse(clock.now)).toBeLessThan(setAt + 3_600_000);
    await stopped(server);
  }, 60_000);

  it('Valomnia: customers, an uploaded image and its variants byte for byte, and the sessions', async () => {
    const dir = tempDir();
    const login = 'persist@valomnia.example';
    let server = await startServer(dir, ['--dataset', 'empty']);
    let url = server.url;
    const session = await valomniaLogin(url, login);
    const ended = await valomniaLogin(url, login);
    expect((await call(`${url}/logout`, { headers: { cookie: ended } })).status).toBe(302);

    const plain = await call(`${url}/api/v1.0/customers`, {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: 'P-1', name: 'Plain' }).toString(),
    });
    expect(plain.status, plain.text).toBe(201);
    await writtenOnce(dir, 'valomnia', login);
    const doomed = await call(`${url}/api/v1.0/customers`, {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: 'P-0', name: 'Deleted Soon' }).toString(),
    });
    expect(doomed.status, doomed.text).toBe(201);
    const { id: doomedId } = JSON.parse(doomed.text) as { id: number };
    // Deleted once it is on disk, so that the delete is a change of its own.
    await until('the customer is written', () => keptText(dir, 'valomnia', login).includes('Deleted Soon'));
    expect(
      (await call(`${url}/api/v1.0/customers/${doomedId}`, { method: 'DELETE', headers: { cookie: session } })).status,
    ).toBe(200);
    const image = await makeImage(640, 480, 'png');
    const pictured = await call(`${url}/api/v1.0/customers`, {
      method: 'POST',
      headers: { cookie: session, 'content-type': MULTIPART_TYPE },
      body: multipart([
        ['reference', 'P-2'],
        ['name', 'Pictured'],
        ['imageFile', image, 'logo.png'],
      ]),
    });
    expect(pictured.status, pictured.text).toBe(201);
    const { id: plainId } = JSON.parse(plain.text) as { id: number };
    const { id: picturedId, logo } = JSON.parse(pictured.text) as { id: number; logo: string };
    expect(logo).toMatch(/\/photoCustomer\/\d+_logo\.png$/);
    const logoPath = new URL(logo).pathname;
    const name = logoPath.slice(logoPath.lastIndexOf('/') + 1);
    const folder = logoPath.slice(0, logoPath.lastIndexOf('/') + 1);
    const files = [name, `small_${name}`, `medium_${name}`].map((file) => `${folder}${file}`);

    const images = async () =>
      Promise.all(
        files.map(async (path) => {
          const res = await call(`${url}${path}`);
          return { status: res.status, type: res.headers.get('content-type'), bytes: res.bytes };
        }),
      );
    // The origin (its port) changes with the restart; the rest of a customer must not.
    const customers = async () =>
      Promise.all(
        [plainId, picturedId].map(async (id) => {
          const res = await call(`${url}/api/v1.0/customers/${id}`, { headers: { cookie: session } });
          return { status: res.status, text: res.text.replaceAll(url, 'ORIGIN') };
        }),
      );
    const imagesBefore = await images();
    expect(imagesBefore.map((one) => one.status)).toEqual([200, 200, 200]);
    expect(imagesBefore[0]?.bytes.equals(image)).toBe(true);
    expect(imagesBefore[1]?.bytes.length).toBeLessThan(image.length);
    const customersBefore = await customers();
    expect(customersBefore.map((one) => one.status)).toEqual([200, 200]);
    await stopped(server);

    server = await startServer(dir);
    url = server.url;
    // The session from before the restart still works; the one that logged out stays ended.
    expect(await customers()).toEqual(customersBefore);
    const refused = await call(`${url}/api/v1.0/customers/${plainId}`, { headers: { cookie: ended } });
    expect(refused.status).toBe(401);
    expect((await call(`${url}/api/v1.0/customers/${doomedId}`, { headers: { cookie: session } })).status).toBe(404);
    const imagesAfter = await images();
    expect(imagesAfter).toHaveLength(3);
    for (const [index, after] of imagesAfter.entries()) {
      const kept = imagesBefore[index];
      expect(after.status).toBe(200);
      expect(after.type).toBe(kept?.type);
      expect(after.bytes.equals(kept?.bytes ?? Buffer.alloc(0)), files[index]).toBe(true);
    }
    const next = await call(`${url}/api/v1.0/customers`, {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: 'P-3', name: 'Next' }).toString(),
    });
    expect(next.status, next.text).toBe(201);
    expect((JSON.parse(next.text) as { id: number }).id).toBe(picturedId + 1);
    await stopped(server);
  }, 60_000);

  it('MYPOS Connect: customers, the bearer token, the day’s token count and the permissions', async () => {
    const dir = tempDir();
    const email = 'persist@mypos.example';
    const admin_ = `/tenants/myposconnect/${encodeURIComponent(email)}`;
    let server = await startServer(dir, ['--dataset', 'docs']);
    let url = server.url;
    // A frozen clock: the UTC day cannot end in the middle of the test.
    expect((await admin(url, 'POST', `${admin_}/clock/freeze`, { at: '2024-05-01T12:00:00Z' })).status).toBe(200);
    const token = await myposToken(url, email);
    await writtenOnce(dir, 'myposconnect', email);
    // 249 of the day's 250 tokens.
    for (let batch = 0; batch < 8; batch++) {
      await Promise.all(Array.from({ length: 31 }, () => myposToken(url, email)));
    }
    const issued = (await exported(url, 'myposconnect', email)).data.tokens as { issued: number };
    expect(issued.issued).toBe(249);

    const created = await mypos(url, token, 'POST', '/api/v2/customers', { customerName: 'Kept Customer' });
    expect(created.status, created.text).toBe(202);
    const { customerCode, customerId } = JSON.parse(created.text) as { customerCode: string; customerId: string };
    const replaced = await mypos(url, token, 'PUT', `/api/v2/customers/${customerCode}`, {
      customerId,
      customerCode,
      customerName: 'Kept Customer, Replaced',
      city: 'Tricity',
    });
    expect(replaced.status, replaced.text).toBe(200);
    const changed = await admin(url, 'PUT', `${admin_}/permissions`, { delete: false });
    expect(changed.json).toEqual({ read: true, write: true, delete: false });
    const shown = await mypos(url, token, 'GET', `/api/v2/customers/${customerCode}`);
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.text)).toMatchObject({ customerName: 'Kept Customer, Replaced', city: 'Tricity' });
    await stopped(server);

    server = await startServer(dir);
    url = server.url;
    const again = await mypos(url, token, 'GET', `/api/v2/customers/${customerCode}`);
    expect(again.status, again.text).toBe(200);
    expect(again.text).toBe(shown.text);
    expect((await admin(url, 'GET', `${admin_}/permissions`)).json).toEqual({ read: true, write: true, delete: false });
    const denied = await mypos(url, token, 'DELETE', `/api/v2/customers/${customerCode}`);
    expect(denied.status, denied.text).toBe(403);
    const next = await mypos(url, token, 'POST', '/api/v2/customers', { customerName: 'After Restart' });
    expect(next.status, next.text).toBe(202);
    expect(Number((JSON.parse(next.text) as { customerCode: string }).customerCode)).toBe(Number(customerCode) + 1);
    // The 250th token of the day is the last.
    await myposToken(url, email);
    const over = await call(`${url}/api/v2/auth/token`, { method: 'POST', headers: { authorization: basic(email) } });
    expect(over.status).toBe(400);
    expect(JSON.parse(over.text)).toEqual({
      failureDescription: 'The daily limit of 250 bearer tokens for this user has been reached.',
      bearerToken: null,
    });
    await stopped(server);
  }, 60_000);

  it('tenants made to order with their seed spec and clock, deletes, and snapshots that restore exactly', async () => {
    const dir = tempDir();
    let server = await startServer(dir, ['--dataset', 'empty']);
    let url = server.url;
    const made = await admin(url, 'POST', '/tenants', {
      vendor: 'imonggo',
      credential: 'made-to-order',
      dataset: 'docs',
      seed: 7,
      records: 5,
      clock: { at: '2012-01-01T00:00:00Z', frozen: false },
    });
    expect(made.status, made.text).toBe(201);
    const frozen = await admin(url, 'POST', '/tenants', {
      vendor: 'valomnia',
      credential: 'frozen@example.com',
      dataset: 'docs',
      clock: ISO_2011,
    });
    expect(frozen.status, frozen.text).toBe(201);
    await createImonggoCustomer(url, 'doomed', 'Soon Gone');
    expect((await admin(url, 'DELETE', '/tenants/imonggo/doomed')).status).toBe(204);
    const kept = await createImonggoCustomer(url, 'made-to-order', 'Before The Snapshot');
    expect(kept.id).toBe(12);

    const documents = async () => ({
      imonggo: (await admin(url, 'GET', '/tenants/imonggo/made-to-order/export')).text,
      valomnia: (await admin(url, 'GET', '/tenants/valomnia/frozen%40example.com/export')).text,
    });
    const saved = await documents();
    expect((await admin(url, 'POST', '/snapshots', { name: 'all-1' })).status).toBe(201);
    const some = await admin(url, 'POST', '/snapshots', {
      name: 'some-1',
      tenants: [{ vendor: 'imonggo', credential: 'made-to-order' }],
    });
    expect(some.status).toBe(201);
    expect((await admin(url, 'POST', '/snapshots', { name: 'dropped' })).status).toBe(201);
    expect((await admin(url, 'DELETE', '/snapshots/dropped')).status).toBe(204);
    // Changes after the snapshots: a customer, and a tenant the snapshot of all does not know.
    expect((await createImonggoCustomer(url, 'made-to-order', 'After The Snapshot')).id).toBe(13);
    await createImonggoCustomer(url, 'after-snapshot', 'Newer');
    const snapshots = (await admin(url, 'GET', '/snapshots')).json as { snapshots: { name: string }[] };
    expect(snapshots.snapshots.map((one) => one.name)).toEqual(['all-1', 'some-1']);
    const tenants = (await admin(url, 'GET', '/tenants')).json as { tenants: Record<string, unknown>[] };
    expect(tenants.tenants.map((one) => one.credential)).toEqual([
      'made-to-order',
      'frozen@example.com',
      'after-snapshot',
    ]);
    await stopped(server);

    server = await startServer(dir);
    url = server.url;
    // Every tenant as it was: seed spec, creation time, frozen clock; the deleted one stays gone.
    const listed = (await admin(url, 'GET', '/tenants')).json as { tenants: Record<string, unknown>[] };
    // (Compared in one order: the list's order after a restart is not its order before.)
    const withoutRunningTime = (list: Record<string, unknown>[]) =>
      list
        .map(
          (one): Record<string, unknown> => ({
            ...one,
            clock: (one.clock as { frozen: boolean }).frozen ? one.clock : 'running',
          }),
        )
        .sort((a, b) => `${a.vendor} ${a.credential}`.localeCompare(`${b.vendor} ${b.credential}`));
    expect(withoutRunningTime(listed.tenants)).toEqual(withoutRunningTime(tenants.tenants));
    const named = (credential: string) => listed.tenants.find((one) => one.credential === credential);
    expect(named('made-to-order')).toMatchObject({ dataset: 'docs', seed: 7, records: 5 });
    expect(named('frozen@example.com')).toMatchObject({ clock: { now: ISO_2011, frozen: true } });
    expect(existsSync(tenantFile(dir, 'imonggo', 'doomed'))).toBe(false);
    expect((await admin(url, 'GET', '/snapshots')).json).toEqual(snapshots);

    // A reset goes back to the clock the tenant was made with: running from 2012.
    const reset = await admin(url, 'POST', '/tenants/imonggo/made-to-order/reset');
    expect(reset.status).toBe(200);
    const resetClock = (reset.json as { clock: { now: string; frozen: boolean } }).clock;
    expect(resetClock.frozen).toBe(false);
    expect(Date.parse(resetClock.now)).toBeGreaterThanOrEqual(Date.parse('2012-01-01T00:00:00Z'));
    expect(Date.parse(resetClock.now)).toBeLessThan(Date.parse('2012-01-01T01:00:00Z'));
    expect((await imonggo(url, 'made-to-order', '/api/customers/12.xml')).status).toBe(404);

    const restored = await admin(url, 'POST', '/snapshots/all-1/restore');
    expect(restored.status, restored.text).toBe(200);
    expect(await documents()).toEqual(saved);
    const afterRestore = (await admin(url, 'GET', '/tenants')).json as { tenants: { credential: string }[] };
    expect(afterRestore.tenants.map((one) => one.credential).sort()).toEqual(['frozen@example.com', 'made-to-order']);
    await stopped(server);

    // What the restore did is kept too.
    server = await startServer(dir);
    url = server.url;
    expect(await documents()).toEqual(saved);
    const last = (await admin(url, 'GET', '/tenants')).json as { tenants: { credential: string }[] };
    expect(last.tenants.map((one) => one.credential).sort()).toEqual(['frozen@example.com', 'made-to-order']);
    expect(existsSync(tenantFile(dir, 'imonggo', 'after-snapshot'))).toBe(false);
    expect((await createImonggoCustomer(url, 'made-to-order', 'Once More')).id).toBe(13);
    await stopped(server);
  }, 60_000);
});

describe('stopping', () => {
  it('by SIGTERM writes the last window: a write answered just before the signal is kept', async () => {
    const dir = tempDir();
    let server = await startServer(dir, ['--dataset', 'empty']);
    // A tenant's first write, then a change to a tenant already written, each followed at once by SIGTERM.
    const first = await createImonggoCustomer(server.url, 'last-window', 'Just In Time');
    await stopped(server);
    expect(keptText(dir, 'imonggo', 'last-window')).toContain('"name":"Just In Time"');
    server = await startServer(dir);
    const second = await createImonggoCustomer(server.url, 'last-window', 'Written Before');
    await until('the customer is written', () => keptText(dir, 'imonggo', 'last-window').includes('Written Before'));
    const third = await createImonggoCustomer(server.url, 'last-window', 'Again Just In Time');
    await stopped(server);
    expect(keptText(dir, 'imonggo', 'last-window')).toContain('"name":"Again Just In Time"');

    server = await startServer(dir);
    for (const [created, name] of [
      [first, 'Just In Time'],
      [second, 'Written Before'],
      [third, 'Again Just In Time'],
    ] as const) {
      const shown = await imonggo(server.url, 'last-window', `/api/customers/${created.id}.xml`);
      expect(shown.status).toBe(200);
      expect(xmlField(shown.text, 'name')).toBe(name);
    }
    expect(third.id).toBe(first.id + 2);
    await stopped(server);
  }, 30_000);

  it('by SIGTERM keeps the last of a delete and a re-creation made within one window', async () => {
    const dir = tempDir();
    let server = await startServer(dir, ['--dataset', 'empty']);
    await createImonggoCustomer(server.url, 'again', 'Old World');
    await createImonggoCustomer(server.url, 'briefly', 'Short Lived');
    // Each pair lands in one window: deleted then made again, made then deleted.
    expect((await admin(server.url, 'DELETE', '/tenants/imonggo/again')).status).toBe(204);
    const remade = await admin(server.url, 'POST', '/tenants', { vendor: 'imonggo', credential: 'again', seed: 3 });
    expect(remade.status).toBe(201);
    expect((await createImonggoCustomer(server.url, 'again', 'New World')).id).toBe(1);
    await createImonggoCustomer(server.url, 'gone', 'Never Kept');
    expect((await admin(server.url, 'DELETE', '/tenants/imonggo/gone')).status).toBe(204);
    await stopped(server);
    expect(existsSync(tenantFile(dir, 'imonggo', 'gone'))).toBe(false);

    server = await startServer(dir);
    const listed = (await admin(server.url, 'GET', '/tenants')).json as { tenants: Record<string, unknown>[] };
    expect(listed.tenants.map((one) => one.credential).sort()).toEqual(['again', 'briefly']);
    expect(listed.tenants.find((one) => one.credential === 'again')).toMatchObject({ dataset: 'empty', seed: 3 });
    const shown = await imonggo(server.url, 'again', '/api/customers/1.xml');
    expect(xmlField(shown.text, 'name')).toBe('New World');
    expect((await imonggo(server.url, 'again', '/api/customers.xml?q=count')).text).toContain('>1</count>');
    await stopped(server);
  }, 30_000);

  it('by SIGKILL right after a snapshot was answered: the snapshot is kept and restores', async () => {
    const dir = tempDir();
    let server = await startServer(dir, ['--dataset', 'empty']);
    await createImonggoCustomer(server.url, 'crash-snap', 'In The Snapshot');
    const saved = (await admin(server.url, 'GET', '/tenants/imonggo/crash-snap/export')).text;
    expect((await admin(server.url, 'POST', '/snapshots', { name: 'before-crash' })).status).toBe(201);
    await server.kill();

    server = await startServer(dir);
    const listed = (await admin(server.url, 'GET', '/snapshots')).json as { snapshots: { name: string }[] };
    expect(listed.snapshots.map((one) => one.name)).toEqual(['before-crash']);
    expect((await admin(server.url, 'POST', '/snapshots/before-crash/restore')).status).toBe(200);
    expect((await admin(server.url, 'GET', '/tenants/imonggo/crash-snap/export')).text).toBe(saved);
    await stopped(server);
  }, 30_000);
});

interface Kept {
  /** Customer id → name, as last read back after a restart. */
  imonggo: Map<number, string>;
  /** MYPOS customer code → name. */
  mypos: Map<number, string>;
}

// A tenant written whole (its first write in a process, after a reset or restore, a log fold) is
// renamed into place before its change log is emptied; a kill between the two leaves the old lines
// beside the newer file. They name the older file's generation and are skipped on load, where
// replayed they would put back older values ("next" among them) and the directory would not load.
// The loop meets that moment now and then; the second test makes it on purpose.
describe('killed with SIGKILL mid-stream, 20 times over', () => {
  it('every restart loads, and the tenants are consistent: no lost or doubled ids, sequences right after', async () => {
    const dir = tempDir();
    const token = 'kill-9';
    const email = 'kill-9@mypos.example';
    const kept: Kept = { imonggo: new Map(), mypos: new Map() };
    const sent = { imonggo: new Set<string>(), mypos: new Set<string>() };
    let bearer = '';
    let leftTemporary = 0;
    let lost = 0;

    // Reads both tenants back and checks them against what was sent and what was read last time.
    const check = async (url: string, acknowledged: { imonggo: Map<number, string>; mypos: Map<number, string> }) => {
      const shop = await exported(url, 'imonggo', token);
      const customers = shop.data.customers as { id: number; code: string; name: string }[];
      const ids = customers.map((one) => one.id);
      expect(ids).toEqual(ids.map((_, index) => index + 1));
      expect(shop.data.next.customerId).toBe(ids.length + 1);
      for (const customer of customers) {
        expect(customer.code).toBe(String(customer.id).padStart(6, '0'));
        expect(sent.imonggo.has(customer.name), customer.name).toBe(true);
        const known = kept.imonggo.get(customer.id) ?? acknowledged.imonggo.get(customer.id);
        if (known !== undefined) expect(customer.name).toBe(known);
      }
      // Nothing kept before is lost; nothing appears that was not sent.
      expect(customers.length).toBeGreaterThanOrEqual(kept.imonggo.size);
      expect(new Set(customers.map((one) => one.name)).size).toBe(customers.length);
      lost += acknowledged.imonggo.size - (customers.length - kept.imonggo.size);
      kept.imonggo = new Map(customers.map((one) => [one.id, one.name]));

      const office = await exported(url, 'myposconnect', email);
      const rows = office.data.customers as { customerCode: string; customerName: string }[];
      const codes = rows.map((one) => Number(one.customerCode)).sort((a, b) => a - b);
      expect(codes).toEqual(codes.map((_, index) => 1_000_001 + index));
      expect(office.data.next.customerCode).toBe(1_000_001 + codes.length);
      for (const row of rows) {
        expect(sent.mypos.has(row.customerName), row.customerName).toBe(true);
        const known = kept.mypos.get(Number(row.customerCode)) ?? acknowledged.mypos.get(Number(row.customerCode));
        if (known !== undefined) expect(row.customerName).toBe(known);
      }
      expect(rows.length).toBeGreaterThanOrEqual(kept.mypos.size);
      kept.mypos = new Map(rows.map((one) => [Number(one.customerCode), one.customerName]));
    };

    let acknowledged = { imonggo: new Map<number, string>(), mypos: new Map<number, string>() };
    for (let round = 0; round < 20; round++) {
      const server = await startServer(dir, ['--dataset', 'empty']);
      const { url } = server;
      if (round === 0) {
        bearer = await myposToken(url, email);
        // The token names its tenant's id: wait until the tenant's file holds it, after which
        // the token must work after every crash.
        const tnt = JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString()).tnt as string;
        const file = tenantFile(dir, 'myposconnect', email);
        const holdsId = () =>
          existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { id?: string }).id === tnt;
        await until(`${file} holds the tenant id the token names`, holdsId);
      } else {
        await check(url, acknowledged);
      }
      const probe = await mypos(url, bearer, 'GET', '/api/v2/customers?liPageSize=1');
      expect(probe.status, probe.text).toBe(200);

      acknowledged = { imonggo: new Map(), mypos: new Map() };
      let killed = false;
      const imonggoWorker = async (worker: number) => {
        for (let n = 0; !killed; n++) {
          const name = `r${round}-w${worker}-n${n}`;
          sent.imonggo.add(name);
          try {
            const { id } = await createImonggoCustomer(url, token, name);
            acknowledged.imonggo.set(id, name);
          } catch {
            return; // the process is gone
          }
        }
      };
      const myposWorker = async (worker: number) => {
        for (let n = 0; !killed; n++) {
          const name = `r${round}-m${worker}-n${n}`;
          sent.mypos.add(name);
          try {
            const res = await mypos(url, bearer, 'POST', '/api/v2/customers', { customerName: name });
            if (res.status !== 202) throw new Error(res.text);
            acknowledged.mypos.set(Number((JSON.parse(res.text) as { customerCode: string }).customerCode), name);
          } catch {
            return;
          }
        }
      };
      const workers = [
        ...Array.from({ length: 8 }, (_, worker) => imonggoWorker(worker)),
        ...Array.from({ length: 2 }, (_, worker) => myposWorker(worker)),
      ];
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 350)));
      await server.kill();
      killed = true;
      await Promise.all(workers);
      for (const vendor of ['imonggo', 'myposconnect']) {
        const folder = join(dir, 'tenants', vendor);
        if (existsSync(folder) && readdirSync(folder).some((name) => name.endsWith('.tmp'))) leftTemporary += 1;
      }
    }

    // A temporary file cut short (as a crash mid-write leaves one) must not stop the start.
    const half = tenantFile(dir, 'imonggo', token).replace(/([^/]+)$/, '.$1.tmp');
    writeFileSync(half, readFileSync(tenantFile(dir, 'imonggo', token), 'utf8').slice(0, 100));
    const server = await startServer(dir);
    await check(server.url, acknowledged);
    const count = kept.imonggo.size;
    expect(count).toBeGreaterThan(0);
    // The vendor's own list agrees, page by page.
    const listed: number[] = [];
    for (let page = 1; ; page++) {
      const res = await imonggo(server.url, token, `/api/customers.json?per_page=100&page=${page}`);
      expect(res.status).toBe(200);
      const rows = JSON.parse(res.text) as { id: number | string }[];
      if (rows.length === 0) break;
      listed.push(...rows.map((one) => Number(one.id)));
    }
    expect(listed.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index + 1));
    const next = await createImonggoCustomer(server.url, token, 'After The Crashes');
    expect(next.id).toBe(count + 1);
    const nextMypos = await mypos(server.url, bearer, 'POST', '/api/v2/customers', { customerName: 'Last' });
    expect(nextMypos.status).toBe(202);
    expect(Number((JSON.parse(nextMypos.text) as { customerCode: string }).customerCode)).toBe(
      1_000_001 + kept.mypos.size,
    );
    await stopped(server);
    console.info(
      `kill -9 loop: ${count} Imonggo and ${kept.mypos.size} MYPOS customers kept, ${lost} acknowledged creates lost to a last window, temporary files left after ${leftTemporary} kills`,
    );
  }, 120_000);
});

describe('a kill between writing a tenant whole and emptying its change log', () => {
  it('loses nothing: the old lines replayed over the newer file change nothing', async () => {
    const dir = tempDir();
    const token = 'folded';
    const log = tenantFile(dir, 'imonggo', token).replace(/\.json$/, '.log');
    let server = await startServer(dir, ['--dataset', 'empty']);
    await createImonggoCustomer(server.url, token, 'Person A');
    await writtenOnce(dir, 'imonggo', token);
    // Changes to a tenant already written: lines of its change log.
    for (const name of ['Person B', 'Person C']) {
      await createImonggoCustomer(server.url, token, name);
      await until(`${name} is written`, () => keptText(dir, 'imonggo', token).includes(name));
    }
    await stopped(server);
    const lines = readFileSync(log, 'utf8');
    expect(lines).toContain('Person C');

    // The next process writes the tenant whole (its first write), then empties the log.
    server = await startServer(dir);
    expect((await createImonggoCustomer(server.url, token, 'Person D')).id).toBe(4);
    await stopped(server);
    // The files as a kill between the rename and the emptying leaves them.
    writeFileSync(log, lines);

    server = await startServer(dir);
    const shop = await exported(server.url, 'imonggo', token);
    const customers = shop.data.customers as { id: number; name: string }[];
    expect(customers.map((one) => [one.id, one.name])).toEqual([
      [1, 'Person A'],
      [2, 'Person B'],
      [3, 'Person C'],
      [4, 'Person D'],
    ]);
    expect((await createImonggoCustomer(server.url, token, 'Person E')).id).toBe(5);
    await stopped(server);
  }, 30_000);
});

describe('a data directory that cannot be loaded', () => {
  async function oneTenant(): Promise<{ dir: string; file: string }> {
    const dir = tempDir();
    const server = await startServer(dir, ['--dataset', 'empty']);
    await createImonggoCustomer(server.url, 'broken', 'Someone');
    await stopped(server);
    return { dir, file: tenantFile(dir, 'imonggo', 'broken') };
  }

  it('stops the start in one line, exit code 1, for a tenant file cut in half or of the wrong shape', async () => {
    const { dir, file } = await oneTenant();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const cut = await runToEnd(['--port', '0', '--log-level', 'silent', '--data-dir', dir]);
    expect(cut.code).toBe(1);
    expect(cut.out).toBe('');
    expect(cut.err).toMatch(/^pos-sandbox: [^\n]+\n$/);
    expect(cut.err).toContain(file);

    writeFileSync(file, '{}');
    const empty = await runToEnd(['--port', '0', '--log-level', 'silent', '--data-dir', dir]);
    expect(empty.code).toBe(1);
    expect(empty.out).toBe('');
    expect(empty.err).toBe(
      `pos-sandbox: cannot load ${file}: not a tenant document: "format" must be "pos-sandbox/tenant" and "version" 1\n`,
    );
  }, 30_000);

  it('stops the start in one line for a snapshot file that is not a snapshot', async () => {
    const { dir } = await oneTenant();
    const file = join(dir, 'snapshots', 'bad.json');
    writeFileSync(file, '{"name": "bad"}');
    const { code, out, err } = await runToEnd(['--port', '0', '--log-level', 'silent', '--data-dir', dir]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`pos-sandbox: cannot load ${file}: not a snapshot\n`);
  }, 30_000);

  it('stops the start in one line for a secrets file that is not JSON', async () => {
    const { dir } = await oneTenant();
    writeFileSync(join(dir, 'secrets.json'), '{"myposconnect-token-key": ');
    const { code, out, err } = await runToEnd(['--port', '0', '--log-level', 'silent', '--data-dir', dir]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(new RegExp(`^pos-sandbox: cannot use the data directory ${dir}: [^\\n]+\\n$`));
  }, 30_000);

  it('stops the start in one line when the path is a file', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, 'text');
    const { code, out, err } = await runToEnd(['--port', '0', '--log-level', 'silent', '--data-dir', file]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(new RegExp(`^pos-sandbox: cannot use the data directory ${file}: [A-Z]+\\n$`));
    expect(readFileSync(file, 'utf8')).toBe('text');
  }, 30_000);
});

describe('without --data-dir', () => {
  it('writes nothing: the working directory stays empty', async () => {
    const cwd = tempDir();
    const server = await listening(spawnSandbox(['--port', '0', '--log-level', 'silent'], { cwd }));
    await createImonggoCustomer(server.url, 'memory-only', 'Forgotten');
    expect((await myposToken(server.url, 'memory@mypos.example')).length).toBeGreaterThan(0);
    expect((await admin(server.url, 'POST', '/snapshots', { name: 'in-memory' })).status).toBe(201);
    await stopped(server);
    expect(filesUnder(cwd)).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
  }, 30_000);
});

describe('startSandbox({ dataDir })', () => {
  it('keeps a tenant across close() and a second start on the same directory', async () => {
    const dataDir = tempDir();
    const first = await startSandbox({ dataDir, dataset: 'empty' });
    try {
      await first.createTenant('imonggo', 'embedded', { dataset: 'docs', clock: ISO_2011 });
      expect((await createImonggoCustomer(first.url, 'embedded', 'Embedded Person')).id).toBe(12);
    } finally {
      await first.close();
    }
    expect(existsSync(tenantFile(dataDir, 'imonggo', 'embedded'))).toBe(true);
    const second = await startSandbox({ dataDir });
    try {
      const tenants = await second.tenants();
      expect(tenants).toHaveLength(1);
      expect(tenants[0]).toMatchObject({
        vendor: 'imonggo',
        credential: 'embedded',
        dataset: 'docs',
        clock: { now: ISO_2011, frozen: true },
      });
      const shown = await imonggo(second.url, 'embedded', '/api/customers/12.xml');
      expect(shown.status).toBe(200);
      expect(xmlField(shown.text, 'name')).toBe('Embedded Person');
      expect((await createImonggoCustomer(second.url, 'embedded', 'Next One')).id).toBe(13);
    } finally {
      await second.close();
    }
  }, 30_000);
});
