import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * The error bodies of the vendors, chosen by path. Every vendor answers errors in its own
 * envelope (Imonggo: Rails' `<hash><status/><error/></hash>`); errors raised before any route
 * (the HTTP parser, the router, a stalled request) have only a path to go by, so the path picks
 * the envelope, through one table every vendor plugin registers its prefixes into.
 */

/** What an error answers: enough to fill a Fastify reply or a raw socket write. */
export interface ErrorAnswer {
  statusCode: number;
  contentType: string;
  body: string;
  headers?: Readonly<Record<string, string>>;
}

/**
 * A vendor's error body for a status on a path; `url` is the request target as known (with its
 * query; absolute when the caller knows the host), for the vendors whose texts name it. Pure: it
 * serves replies and raw sockets alike.
 */
export type ErrorEnvelope = (statusCode: number, path: string, url?: string) => ErrorAnswer;

/** The HTTP reason phrase of a status ("Not Found"); "Error" for one HTTP does not name. */
export function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error';
}

/** The `error` code of the sandbox's own envelope: the reason phrase in snake case. */
export function errorCode(statusCode: number): string {
  if (statusCode === 500) return 'server_error';
  return reasonPhrase(statusCode)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * The sandbox's own envelope, `{"error": "not_found", "message": "Not Found"}`: the control API's,
 * and the answer on any path no vendor owns.
 */
export const sandboxEnvelope: ErrorEnvelope = (statusCode) => ({
  statusCode,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ error: errorCode(statusCode), message: reasonPhrase(statusCode) }),
});

/** The path of a request target: no query or fragment; an absolute-form URL's path. */
export function pathOfUrl(url: string): string {
  let path = url;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
  if (absolute) path = path.slice(absolute[0].length) || '/';
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

interface Entry {
  prefix: string;
  envelope: ErrorEnvelope;
}

/**
 * Path prefix → envelope, the longest prefix winning, matched on whole path segments: `/api`
 * takes `/api` and `/api/…` but not `/apiary`, and `/api/v1` (registered by a later vendor) takes
 * `/api/v1/…` from it. Paths no prefix takes get the fallback.
 */
export class ErrorEnvelopes {
  readonly #entries: Entry[] = [];
  readonly #fallback: ErrorEnvelope;

  constructor(fallback: ErrorEnvelope = sandboxEnvelope) {
    this.#fallback = fallback;
  }

  /** Claims a prefix ("/api/" or "/api") for an envelope; a prefix has one owner. */
  register(prefix: string, envelope: ErrorEnvelope): void {
    const normalized = prefix.replace(/\/+$/, '');
    if (!normalized.startsWith('/')) throw new Error(`an envelope prefix is a path below "/", not "${prefix}"`);
    const taken = this.#entries.find((entry) => entry.prefix === normalized);
    if (taken && taken.envelope !== envelope) throw new Error(`"${normalized}" already has an error envelope`);
    if (taken) return;
    this.#entries.push({ prefix: normalized, envelope });
    this.#entries.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The envelope of a path (no query); `fallback` (the table's own unless given) when no prefix takes it. */
  envelopeFor(path: string, fallback: ErrorEnvelope = this.#fallback): ErrorEnvelope {
    for (const { prefix, envelope } of this.#entries) {
      if (path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/')) return envelope;
    }
    return fallback;
  }

  /**
   * The answer for a status on a request URL, in the envelope its path picks; in the fallback's
   * when the path is not known (a request whose head never arrived in full). A route that serves
   * paths no prefix names (Valomnia's images, under any upload directory) gives its own fallback.
   */
  answer(statusCode: number, url: string | undefined, fallback: ErrorEnvelope = this.#fallback): ErrorAnswer {
    if (url === undefined) return fallback(statusCode, '');
    const path = pathOfUrl(url);
    return this.envelopeFor(path, fallback)(statusCode, path, url);
  }
}

/** Sends an answer through Fastify. */
export function sendErrorAnswer(reply: FastifyReply, answer: ErrorAnswer): FastifyReply {
  reply.code(answer.statusCode).type(answer.contentType);
  if (answer.headers) reply.headers(answer.headers);
  return reply.send(answer.body);
}
