import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import {
  addFault,
  type Call,
  imonggoKit,
  journalOf,
  listenOn,
  myposKit,
  responseBodyOf,
  type SocketAnswer,
  socketCall,
  type VendorKit,
  valomniaKit,
} from './fault-helpers.js';

/**
 * The fault kinds that act on the connection, over real sockets, on each vendor: what a client
 * sees (a reset: no answer at all; a truncate: a head announcing N bytes, fewer arriving, then
 * the connection gone; a dribble: the whole answer, in pieces spread over time; a delay: the
 * whole answer, late), what the journal records, and what a write faulted this way leaves
 * behind (the lost response: the record exists though the client never heard of it).
 * Timing is asserted only as behaviour (late enough, spread out), never as speed.
 */

const SLOW_MS = 300;

let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = await testApp();
  port = await listenOn(app);
});

afterAll(async () => {
  app.server.closeAllConnections();
  await app.close();
});

let serial = 0;
const kits: [string, () => VendorKit][] = [
  ['Imonggo', () => imonggoKit(`socket-${++serial}`.padEnd(40, 'y'))],
  ['Valomnia', () => valomniaKit(`socket${++serial}@faults.example`)],
  ['MYPOS Connect', () => myposKit(`socket${++serial}@faults.example`)],
];

function get(kit: VendorKit, auth: Record<string, string>): Call {
  return { method: 'GET', path: kit.listPath, headers: auth };
}

/** The request never got an answer: the connection went before any head. */
function expectHangUp(answer: SocketAnswer): void {
  expect(answer.status, `answered ${answer.status} ${answer.body.toString()}`).toBeNull();
  expect(answer.error).not.toBeNull();
  expect(answer.error?.code).toBe('ECONNRESET');
  expect(answer.error?.message).toMatch(/socket hang up/);
  expect(answer.body.length).toBe(0);
}

/** A whole 200 answer arrived. */
function expectWhole(answer: SocketAnswer, expected: Buffer): void {
  expect(answer.error).toBeNull();
  expect(answer.status).toBe(200);
  expect(answer.complete).toBe(true);
  expect(answer.aborted).toBe(false);
  expect(Number(answer.headers['content-length'])).toBe(expected.length);
  expect(answer.body.equals(expected)).toBe(true);
}

describe.each(kits)('%s over a socket', (_vendor, makeKit) => {
  it('reset: the connection closes with no answer, and the journal says so', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    await addFault(app, kit.vendor, kit.credential, { times: 1, fault: { kind: 'reset' } });
    expectHangUp(await socketCall(port, get(kit, auth)));
    // The rule is spent: the next request, on a new connection, is answered.
    const next = await socketCall(port, get(kit, auth));
    expect(next.status).toBe(200);
    expect(next.complete).toBe(true);
    const entries = await journalOf(app, kit.vendor, kit.credential);
    const api = entries.filter((entry) => entry.path === kit.listPath);
    expect(api.map((entry) => [entry.status, entry.fault])).toEqual([
      [null, 'reset'],
      [200, null],
    ]);
  });

  it('reset of a write, writeApplied false: no answer and no record', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const before = await kit.count(app, auth);
    await addFault(app, kit.vendor, kit.credential, { match: { method: 'POST' }, fault: { kind: 'reset' } });
    expectHangUp(await socketCall(port, kit.create(auth, 'Dropped-1')));
    expect(await kit.count(app, auth)).toBe(before);
    expect(await kit.exists(app, auth, 'Dropped-1')).toBe(false);
  });

  it('reset of a write, writeApplied true: no answer, but the record exists (the lost response)', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const before = await kit.count(app, auth);
    await addFault(app, kit.vendor, kit.credential, {
      match: { method: 'POST' },
      times: 1,
      writeApplied: true,
      fault: { kind: 'reset' },
    });
    expectHangUp(await socketCall(port, kit.create(auth, 'Lost-1')));
    expect(await kit.count(app, auth)).toBe(before + 1);
    expect(await kit.exists(app, auth, 'Lost-1')).toBe(true);
    const created = kit.create(auth, 'Lost-1');
    const entry = (await journalOf(app, kit.vendor, kit.credential)).find(
      (each) => each.method === 'POST' && each.path === created.path,
    );
    expect(entry).toMatchObject({ status: null, fault: 'reset' });
  });

  it('truncate: the head announces the whole body, fewer bytes arrive, then the connection dies', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const whole = await socketCall(port, get(kit, auth));
    expect(whole.status).toBe(200);
    expect(whole.body.length).toBeGreaterThan(100);
    await addFault(app, kit.vendor, kit.credential, { times: 1, fault: { kind: 'truncate' } });
    const cut = await socketCall(port, get(kit, auth));
    expect(cut.error).toBeNull();
    expect(cut.status).toBe(200);
    expect(cut.headers['content-type']).toBe(whole.headers['content-type']);
    expect(Number(cut.headers['content-length'])).toBe(whole.body.length);
    expect(cut.body.length).toBeGreaterThan(0);
    expect(cut.body.length).toBeLessThan(whole.body.length);
    // Half of it, as documented, give or take what was in flight.
    expect(cut.body.length).toBeLessThanOrEqual(Math.ceil(whole.body.length / 2));
    expect(whole.body.subarray(0, cut.body.length).equals(cut.body)).toBe(true);
    expect(cut.complete).toBe(false);
    expect(cut.aborted).toBe(true);
    const entry = (await journalOf(app, kit.vendor, kit.credential)).at(-1);
    expect(entry).toMatchObject({ path: kit.listPath, status: 200, fault: 'truncate' });
  });

  it('dribble: the whole answer, in several pieces spread over the time asked', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const whole = await socketCall(port, get(kit, auth));
    await addFault(app, kit.vendor, kit.credential, { times: 1, fault: { kind: 'dribble', ms: SLOW_MS } });
    const slow = await socketCall(port, get(kit, auth));
    expectWhole(slow, whole.body);
    expect(slow.chunks.length).toBeGreaterThan(1);
    const first = slow.chunks[0]?.at ?? 0;
    const last = slow.chunks.at(-1)?.at ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(SLOW_MS / 2);
    const entry = (await journalOf(app, kit.vendor, kit.credential)).at(-1);
    expect(entry).toMatchObject({ status: 200, fault: 'dribble' });
    expect(responseBodyOf(entry).size).toBe(whole.body.length);
  });

  it('delay: the whole answer, no sooner than the time asked', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const whole = await socketCall(port, get(kit, auth));
    await addFault(app, kit.vendor, kit.credential, { times: 1, fault: { kind: 'delay', ms: SLOW_MS } });
    const late = await socketCall(port, get(kit, auth));
    expectWhole(late, whole.body);
    // Timers may fire a millisecond early; nothing arrives before the wait is (almost) over.
    expect(late.headAt).toBeGreaterThanOrEqual(SLOW_MS - 5);
    const entry = (await journalOf(app, kit.vendor, kit.credential)).at(-1);
    expect(entry).toMatchObject({ status: 200, fault: 'delay' });
    expect(entry?.durationMs as number).toBeGreaterThanOrEqual(SLOW_MS - 5);
  });

  it('truncate of a write: the write is carried out though the answer never arrives whole', async () => {
    const kit = makeKit();
    const auth = await kit.auth(app);
    const before = await kit.count(app, auth);
    await addFault(app, kit.vendor, kit.credential, {
      match: { method: 'POST' },
      times: 1,
      fault: { kind: 'truncate' },
    });
    const cut = await socketCall(port, kit.create(auth, 'Half-1'));
    expect(cut.status).toBe(kit.createdStatus);
    expect(cut.complete).toBe(false);
    expect(cut.body.length).toBeLessThan(Number(cut.headers['content-length']));
    expect(await kit.count(app, auth)).toBe(before + 1);
    expect(await kit.exists(app, auth, 'Half-1')).toBe(true);
  });
});
