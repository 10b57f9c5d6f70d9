import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppOptions, buildApp } from '../src/app.js';
import { createMemoryDb, TenantStore } from '../src/core/store.js';
import { basic } from './helpers/app.js';

/**
 * What reaches the sandbox before (or instead of) a route, over a real socket with raw bytes:
 * requests the HTTP parser refuses, heads and bodies that stall, a missing Host, ids longer than
 * the router's defaults, and clients that hang up. Each must answer in the envelope of the vendor
 * whose path was called, with the exact status line, and close the connection.
 */

const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function listen(options: Partial<AppOptions> = {}): Promise<number> {
  const store = new TenantStore(createMemoryDb(), {
    seed: { dataset: 'docs', seed: 1, records: 1 },
    maxTenants: 10,
  });
  const app = buildApp({ store, ...options });
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Exchange {
  /** Everything the server sent, read as latin1. */
  text: string;
  /** The server closed the connection before the wait ran out. */
  closed: boolean;
  /** Time from the first byte sent to the close (or the end of the wait). */
  ms: number;
}

/** Sends raw parts (a number waits that many ms) and reads until the server closes or waitMs passes. */
function exchange(port: number, parts: (string | Buffer | number)[], waitMs = 3000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const started = Date.now();
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => chunks.push(Buffer.from(chunk)));
    socket.on('close', () => finish(true));
    // The server may close while a large write is still going out.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else reject(error);
    });
    socket.on('connect', async () => {
      for (const part of parts) {
        if (typeof part === 'number') await new Promise((wait) => setTimeout(wait, part));
        else if (!socket.destroyed) socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
      }
    });
  });
}

interface Response {
  statusLine: string;
  headers: Record<string, string>;
  body: string;
}

/** Splits the first response out of raw text. */
function parseResponse(text: string): Response {
  const end = text.indexOf('\r\n\r\n');
  expect(end, `no complete head in ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length']);
  const body = text.slice(end + 4, end + 4 + length);
  expect(Buffer.byteLength(body, 'latin1')).toBe(length);
  return { statusLine, headers, body };
}

function imonggoXml(status: number, error: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">${status}</status>\n  <error>${error}</error>\n</hash>\n`;
}

const XML = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const AUTH = `Authorization: ${basic()}\r\n`;

interface Case {
  label: string;
  parts: (string | Buffer | number)[];
  statusLine: string;
  contentType: string;
  body: string;
}

const bigHeader = `X-Big: ${'a'.repeat(64 * 1024)}\r\n`;

const parserCases: Case[] = [
  {
    label: 'an unknown method on an Imonggo XML path',
    parts: ['FOO /api/customers.xml HTTP/1.1\r\nHost: x\r\n\r\n'],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: XML,
    body: imonggoXml(400, 'Bad Request'),
  },
  {
    label: 'a lower-case method on an Imonggo JSON path',
    parts: ['get /api/customers.json HTTP/1.1\r\nHost: x\r\n\r\n'],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: JSON_TYPE,
    body: '{"status":400,"error":"Bad Request"}',
  },
  {
    label: 'a 64 KB header on an Imonggo path',
    parts: [`GET /api/customers.xml HTTP/1.1\r\nHost: x\r\n${bigHeader}\r\n`],
    statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
    contentType: XML,
    body: imonggoXml(431, 'Request Header Fields Too Large'),
  },
  {
    label: 'a raw non-ASCII byte in an Imonggo path',
    parts: [
      Buffer.concat([
        Buffer.from('GET /api/customers/1'),
        Buffer.from([0xff]),
        Buffer.from('.json HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
    ],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: JSON_TYPE,
    body: '{"status":400,"error":"Bad Request"}',
  },
  {
    label: 'Content-Length with Transfer-Encoding on an Imonggo path',
    parts: [
      `POST /api/customers.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/xml\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: XML,
    body: imonggoXml(400, 'Bad Request'),
  },
  {
    label: 'a bad chunk size after the head was routed',
    parts: [
      `POST /api/customers.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n`,
      100,
      'zz\r\n<customer/>\r\n0\r\n\r\n',
    ],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: XML,
    body: imonggoXml(400, 'Bad Request'),
  },
  {
    label: 'a bad chunk size in the same packet as the head',
    parts: [
      `PUT /api/suppliers/22259.json HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    ],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: JSON_TYPE,
    body: '{"status":400,"error":"Bad Request"}',
  },
  {
    label: 'a chunk extension over the parser limit',
    parts: [
      `POST /api/customers.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n`,
      100,
      `5;ext=${'e'.repeat(20_000)}\r\nhello\r\n0\r\n\r\n`,
    ],
    statusLine: 'HTTP/1.1 413 Payload Too Large',
    contentType: XML,
    body: imonggoXml(413, 'Payload Too Large'),
  },
  {
    label: 'an unknown method on the control API',
    parts: ['FOO /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n'],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: JSON_TYPE,
    body: '{"error":"bad_request","message":"Bad Request"}',
  },
  {
    label: 'a 64 KB header on the control API',
    parts: [`POST /__admin/tenants/imonggo/x/reset HTTP/1.1\r\nHost: x\r\n${bigHeader}\r\n`],
    statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
    contentType: JSON_TYPE,
    body: '{"error":"request_header_fields_too_large","message":"Request Header Fields Too Large"}',
  },
  {
    label: 'an unknown method on a path no vendor owns',
    parts: ['FOO /nowhere HTTP/1.1\r\nHost: x\r\n\r\n'],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: JSON_TYPE,
    body: '{"error":"bad_request","message":"Bad Request"}',
  },
  {
    label: 'a request line the parser cannot read at all',
    parts: ['\u0001\u0002\u0003\r\n\r\n'],
    statusLine: 'HTTP/1.1 400 Bad Request',
    contentType: JSON_TYPE,
    body: '{"error":"bad_request","message":"Bad Request"}',
  },
];

describe('requests the HTTP parser refuses answer in the envelope of their path, then close', () => {
  it.each(parserCases)('$label', async ({ parts, statusLine, contentType, body }) => {
    const port = await listen();
    const { text, closed } = await exchange(port, parts);
    const response = parseResponse(text);
    expect(response.statusLine).toBe(statusLine);
    expect(response.headers['content-type']).toBe(contentType);
    expect(response.headers.connection).toBe('close');
    expect(response.body).toBe(body);
    expect(closed).toBe(true);
    // One answer, nothing after it.
    expect(text.length).toBe(text.indexOf('\r\n\r\n') + 4 + Buffer.byteLength(response.body, 'latin1'));
  });

  it('a bad request after a good one on a kept-alive connection answers for its own path', async () => {
    const port = await listen();
    const { text, closed } = await exchange(port, [
      'GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n',
      100,
      'FOO /api/customers.xml HTTP/1.1\r\nHost: x\r\n\r\n',
    ]);
    const first = parseResponse(text);
    expect(first.statusLine).toBe('HTTP/1.1 200 OK');
    const second = parseResponse(text.slice(text.indexOf(first.body) + first.body.length));
    expect(second.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(second.body).toBe(imonggoXml(400, 'Bad Request'));
    expect(closed).toBe(true);
  });

  it('HEAD gets the head of the envelope and no body', async () => {
    const port = await listen();
    const { text } = await exchange(port, [`HEAD /api/customers.xml HTTP/1.1\r\nHost: x\r\n${bigHeader}\r\n`]);
    expect(text.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(text).toContain(`Content-Length: ${imonggoXml(431, 'Request Header Fields Too Large').length}\r\n`);
  });
});

describe('a missing Host header', () => {
  it('on HTTP/1.1 is a 400 in the envelope of the path', async () => {
    const port = await listen();
    const xml = parseResponse((await exchange(port, ['GET /api/customers.xml HTTP/1.1\r\n\r\n'])).text);
    expect(xml.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(xml.headers['content-type']).toBe(XML);
    expect(xml.headers.connection).toBe('close');
    expect(xml.body).toBe(imonggoXml(400, 'Bad Request'));

    const json = parseResponse((await exchange(port, [`GET /api/customers.json HTTP/1.1\r\n${AUTH}\r\n`])).text);
    expect(json.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(json.body).toBe('{"status":400,"error":"Bad Request"}');

    const admin = parseResponse((await exchange(port, ['GET /__admin/health HTTP/1.1\r\n\r\n'])).text);
    expect(admin.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(admin.body).toBe('{"error":"bad_request","message":"Bad Request"}');
  });

  it('on HTTP/1.0 is allowed, as HTTP/1.0 has no Host', async () => {
    const port = await listen();
    const res = parseResponse((await exchange(port, [`GET /api/customers.xml?q=count HTTP/1.0\r\n${AUTH}\r\n`])).text);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.body).toContain('<count type="integer">1</count>');
  });
});

describe('requests that stall', () => {
  it('a body that stalls is answered 408 in the envelope of its path and the socket closed', async () => {
    const lines: { level: number; msg: string }[] = [];
    const port = await listen({ requestTimeout: 300, logger: { level: 'debug', stream: lineCollector(lines) } });
    const { text, closed, ms } = await exchange(
      port,
      [
        `POST /api/customers.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/xml\r\nContent-Length: 100\r\n\r\n<customer>`,
      ],
      5000,
    );
    const response = parseResponse(text);
    expect(response.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(response.headers['content-type']).toBe(XML);
    expect(response.headers.connection).toBe('close');
    expect(response.body).toBe(imonggoXml(408, 'Request Timeout'));
    expect(closed).toBe(true);
    expect(ms).toBeLessThan(2000);
    await new Promise((wait) => setTimeout(wait, 100));
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('a request answered before its body (401) gets no second answer when the body then stalls', async () => {
    const port = await listen({ requestTimeout: 300 });
    const { text, closed } = await exchange(
      port,
      [
        'POST /api/customers.xml HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: 100\r\n\r\n<customer>',
      ],
      3000,
    );
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 401']);
    expect(text).toContain('HTTP Basic: Access denied.');
    expect(closed).toBe(true);
  });

  it('a JSON body that stalls gets the JSON envelope', async () => {
    const port = await listen({ requestTimeout: 300 });
    const { text, closed } = await exchange(port, [
      `PUT /api/customers/11.json HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    ]);
    const response = parseResponse(text);
    expect(response.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(response.body).toBe('{"status":408,"error":"Request Timeout"}');
    expect(closed).toBe(true);
  });

  it('a control-API body that stalls gets the control API envelope', async () => {
    const port = await listen({ requestTimeout: 300 });
    const { text } = await exchange(port, [
      'POST /__admin/tenants/imonggo/x/clock/set HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    ]);
    const response = parseResponse(text);
    expect(response.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(response.body).toBe('{"error":"request_timeout","message":"Request Timeout"}');
  });

  it('a head that stalls before its end is answered 408 (its path is not known yet) and closed', async () => {
    const port = await listen({ requestTimeout: 300 });
    const { text, closed, ms } = await exchange(port, ['GET /api/customers.xml HTTP/1.1\r\nHost: x\r\n'], 5000);
    const response = parseResponse(text);
    expect(response.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(response.headers.connection).toBe('close');
    expect(response.body).toBe('{"error":"request_timeout","message":"Request Timeout"}');
    expect(closed).toBe(true);
    expect(ms).toBeLessThan(2000);
  });

  it('a slow handler is not a stalled request: the timeout covers receiving the request only', async () => {
    const port = await listen({ requestTimeout: 200 });
    // A first request of a new token seeds its tenant; here with a body sent in full at once.
    const { text } = await exchange(port, [
      `POST /api/customers.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/xml\r\nContent-Length: 40\r\nConnection: close\r\n\r\n<customer><name>Slow</name></customer>  `,
    ]);
    expect(parseResponse(text).statusLine).toBe('HTTP/1.1 200 OK');
  });

  it('the default request timeout is 30 s', async () => {
    const { DEFAULT_REQUEST_TIMEOUT } = await import('../src/app.js');
    expect(DEFAULT_REQUEST_TIMEOUT).toBe(30_000);
    await listen();
    const app = apps[0];
    expect(app?.server.requestTimeout).toBe(30_000);
    expect(app?.server.headersTimeout).toBeLessThanOrEqual(30_000);
  });
});

describe('errors raised before or outside any vendor route', () => {
  it('a broken %-escape answers in the envelope of its path', async () => {
    const port = await listen();
    const xml = parseResponse(
      (await exchange(port, [`GET /api/customers/%zz.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: close\r\n\r\n`]))
        .text,
    );
    expect(xml.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(xml.body).toBe(imonggoXml(400, 'Bad Request'));
    const admin = parseResponse(
      (
        await exchange(port, [
          'POST /__admin/tenants/imonggo/%zz/reset HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        ])
      ).text,
    );
    expect(admin.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(admin.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(admin.body)).toMatchObject({ error: 'bad_request' });
  });

  it("a path no vendor owns is a 404 in the sandbox envelope, not Fastify's", async () => {
    const port = await listen();
    const res = parseResponse(
      (await exchange(port, ['GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])).text,
    );
    expect(res.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.body).toBe('{"error":"not_found","message":"Not Found"}');
  });

  it('a body error on a path no vendor owns is in the sandbox envelope', async () => {
    const port = await listen();
    const res = parseResponse(
      (
        await exchange(port, [
          'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"a":',
        ])
      ).text,
    );
    expect(res.statusLine).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(JSON.parse(res.body)).toEqual({
      error: expect.stringMatching(/^[a-z_]+$/),
      message: expect.any(String),
    });
    expect(res.body).not.toContain('statusCode');
  });
});

describe('ids of any length', () => {
  it.each([101, 300, 5000])('a %i-digit id is a 404 in the Imonggo envelope', async (digits) => {
    const port = await listen();
    const id = '9'.repeat(digits);
    for (const [path, body] of [
      [`/api/customers/${id}.xml`, imonggoXml(404, 'Not Found')],
      [`/api/suppliers/${id}.json`, '{"status":404,"error":"Not Found"}'],
    ] as const) {
      const res = parseResponse(
        (await exchange(port, [`GET ${path} HTTP/1.1\r\nHost: x\r\n${AUTH}Connection: close\r\n\r\n`])).text,
      );
      expect(res.statusLine, path).toBe('HTTP/1.1 404 Not Found');
      expect(res.body).toBe(body);
    }
  });

  it('an id past the header limit is a 431 in the envelope, not a router error', async () => {
    const port = await listen();
    const res = parseResponse(
      (await exchange(port, [`GET /api/customers/${'9'.repeat(70_000)}.xml HTTP/1.1\r\nHost: x\r\n\r\n`])).text,
    );
    expect(res.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(res.body).toBe(imonggoXml(431, 'Request Header Fields Too Large'));
  });
});

/** A pino destination that keeps each line's level and message. */
function lineCollector(lines: { level: number; msg: string }[]): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as { level: number; msg: string });
      }
      callback();
    },
  });
}

describe('clients that hang up mid-body are not errors', () => {
  const heads: [string, string][] = [
    [
      'an Imonggo create',
      `POST /api/customers.xml HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/xml\r\nContent-Length: 1000\r\n\r\n<customer>`,
    ],
    [
      'a control-API clock set',
      'POST /__admin/tenants/imonggo/x/clock/set HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"at"',
    ],
    [
      'a path no vendor owns',
      'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a"',
    ],
  ];

  it.each(heads)('%s: logged at debug, nothing at error', async (_label, head) => {
    const lines: { level: number; msg: string }[] = [];
    const port = await listen({ logger: { level: 'debug', stream: lineCollector(lines) } });
    // The head and a few bytes of the 1000 promised, then the client goes away.
    await exchange(port, [head, 100, Buffer.alloc(0)], 150);
    await new Promise((wait) => setTimeout(wait, 300));
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.some((line) => line.level === 20 && /disconnect/i.test(line.msg))).toBe(true);
  });
});
