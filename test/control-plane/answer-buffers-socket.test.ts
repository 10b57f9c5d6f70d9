import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { listenOn } from './fault-helpers.js';
import { createTenant } from './helpers.js';

/**
 * Text answers go out in buffers the process reuses (AnswerBuffers): a buffer must never be used
 * for a second answer while the socket still reads the first. Over real sockets, clients that
 * stall before reading (so the server's writes wait on them) run beside clients that read at
 * once, on pages of different bytes; every body must arrive exactly as a lone request gets it.
 * A client that sends all its requests at once (pipelined) and reads none for a while is sent
 * more answer bytes than the kernel's socket buffers take, so an answer waits in the server
 * while the other clients' answers are made.
 */

const TOKEN = 'answer-buffers-socket';
const PAGES = 8;

let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = await testApp();
  port = await listenOn(app);
  await createTenant(app, { vendor: 'imonggo', credential: TOKEN, dataset: 'demo', records: 100 * PAGES });
});

afterAll(async () => {
  app.server.closeAllConnections();
  await app.close();
});

function get(agent: Agent, path: string, stallMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: basic(TOKEN) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
        if (stallMs > 0) {
          res.pause();
          setTimeout(() => res.resume(), stallMs);
        }
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends every request on one connection at once, reads nothing for `stallMs`, then the answers' bodies. */
function pipelined(paths: readonly string[], stallMs: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const bodies = answersIn(Buffer.concat(chunks));
      if (bodies.length === paths.length) {
        socket.destroy();
        resolve(bodies);
      }
    });
    socket.pause();
    socket.write(
      paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(TOKEN)}\r\n\r\n`).join(''),
    );
    setTimeout(() => socket.resume(), stallMs);
  });
}

/** The complete answers' bodies in a stream of HTTP/1.1 answers with Content-Length. */
function answersIn(stream: Buffer): Buffer[] {
  const bodies: Buffer[] = [];
  let at = 0;
  for (;;) {
    const headEnd = stream.indexOf('\r\n\r\n', at);
    if (headEnd === -1) return bodies;
    const length = Number(/content-length: *(\d+)/i.exec(stream.subarray(at, headEnd).toString('latin1'))?.[1]);
    const start = headEnd + 4;
    if (stream.length < start + length) return bodies;
    bodies.push(stream.subarray(start, start + length));
    at = start + length;
  }
}

describe('answers in reused buffers', () => {
  it('arrive byte for byte while other answers are written and slow readers stall', async () => {
    const paths = Array.from({ length: PAGES }, (_, i) => `/api/customers.xml?per_page=100&page=${i + 1}`);
    const lone = new Agent({ keepAlive: true, maxSockets: 1 });
    const expected: Buffer[] = [];
    for (const path of paths) expected.push(await get(lone, path, 0));
    lone.destroy();
    expect(new Set(expected.map((body) => body.toString('latin1'))).size).toBe(PAGES);
    for (const body of expected) expect(body.length).toBeGreaterThan(64 * 1024);

    // A connection that asks for 48 answers of ~100 KiB at once and reads nothing for a while:
    // past the ~4 MB the kernel's buffers take, the server's write of an answer waits on it.
    const waiting = Array.from({ length: 48 }, (_, i) => paths[i % PAGES] as string);
    const held = pipelined(waiting, 900);
    await new Promise((resolve) => setTimeout(resolve, 250));

    const clients = Array.from({ length: 8 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const runs = clients.map(async (agent, client) => {
      const got: [number, Buffer][] = [];
      for (let round = 0; round < 6; round++) {
        const page = (client + round) % PAGES;
        // Every other client stalls before reading, while the rest go on.
        got.push([page, await get(agent, paths[page] as string, client % 2 === 0 ? 60 : 0)]);
      }
      return got;
    });
    const results = (await Promise.all(runs)).flat();
    const heldBodies = await held;
    expect(heldBodies).toHaveLength(waiting.length);
    for (const [index, body] of heldBodies.entries()) expect(body.equals(expected[index % PAGES] as Buffer)).toBe(true);
    for (const agent of clients) agent.destroy();
    expect(results).toHaveLength(48);
    for (const [page, body] of results) expect(body.equals(expected[page] as Buffer)).toBe(true);
  });
});
