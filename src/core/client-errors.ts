import type { FastifyError, FastifyRequest } from 'fastify';
import type { ErrorAnswer } from './error-envelopes.js';
import { pathOfUrl, reasonPhrase } from './error-envelopes.js';

/**
 * Errors of the connection rather than of a route: what the HTTP parser refuses, a request that
 * stalls, a client that goes away. Node reports them with the socket, before (or without) a
 * request object; these helpers read what there is and write an answer straight to the socket.
 */

/** Codes of a client that went away: its connection reset, closed early, or ended mid-request. */
const DISCONNECT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  // The client closed its side with a request half sent.
  'HPE_INVALID_EOF_STATE',
]);

/** True when an error only says the client hung up; such an error is no fault of the server. */
export function isClientDisconnect(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DISCONNECT_CODES.has(code)) return true;
  // Node's IncomingMessage ends a request whose socket closed early with Error('aborted').
  return error.message === 'aborted';
}

/**
 * The status for an error Node's HTTP server reports on a connection, as Node itself (and the
 * nginx in front of such vendors) answers it: 431 for a head over the size limit, 408 for a
 * request not received in time, 413 for chunk extensions over their limit, 400 for anything else
 * the parser refuses.
 */
export function statusOfClientError(error: Error): number {
  switch ((error as { code?: unknown }).code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

// A request line at the very start: a method token (no colon, so never a header line), then the
// target. The target is read up to the next space or line end (not \s: latin1 0xA0 is one) or the
// packet's end, so a line the packet cuts short still names its path.
const REQUEST_LINE = /^(?:\r?\n)*([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([^ \t\r\n]+)/;

/**
 * The method and path of the request line a raw packet starts with, or null when it starts with
 * anything else (a continuation of a head or of a body). Bytes are read as latin1, so a raw byte
 * over 0x7f stays one character.
 */
export function requestTargetOf(rawPacket: unknown): { method: string; path: string } | null {
  if (!Buffer.isBuffer(rawPacket)) return null;
  const match = REQUEST_LINE.exec(rawPacket.toString('latin1'));
  if (!match?.[1] || !match[2]) return null;
  const target = match[2];
  if (!target.startsWith('/') && !/^https?:\/\//i.test(target)) return null;
  return { method: match[1], path: pathOfUrl(target) };
}

/**
 * A whole HTTP/1.1 response for a raw socket: status line, Content-Type, Content-Length, the
 * envelope's headers, Connection: close, then the body (left out for HEAD, whose Content-Length
 * still gives the body's size).
 */
export function rawHttpResponse(answer: ErrorAnswer, head = false): Buffer {
  const body = Buffer.from(answer.body, 'utf8');
  const lines = [
    `HTTP/1.1 ${answer.statusCode} ${reasonPhrase(answer.statusCode)}`,
    `Content-Type: ${answer.contentType}`,
    `Content-Length: ${body.length}`,
    ...Object.entries(answer.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  const headBytes = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return head ? headBytes : Buffer.concat([headBytes, body]);
}

/** The status an error carries when it is an HTTP error status, `fallback` otherwise. */
export function errorStatus(error: { statusCode?: unknown }, fallback: number): number {
  const { statusCode } = error;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode <= 599 ? statusCode : fallback;
}

/**
 * Logs an error a handler could not turn into an answer of its own, and says which status to
 * answer: a client that hung up is a debug line (no fault of the server; the answer goes
 * nowhere), a refusal the error carries (4xx) is not logged, anything else is an error and a 500.
 */
export function logRequestError(request: FastifyRequest, error: FastifyError): number {
  if (isClientDisconnect(error)) {
    request.log.debug({ err: error }, 'client disconnected');
    return 400;
  }
  const statusCode = errorStatus(error, 500);
  if (statusCode >= 500) request.log.error(error);
  return statusCode;
}
