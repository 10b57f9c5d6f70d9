import { Transform, type TransformCallback } from 'node:stream';
import { type CapturedBody, JOURNAL_BODY_BYTES } from './journal.js';

/** Bodies a journal keeps as text; any other type (an image, a PDF) is kept as its size and type. */
const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|yaml|javascript)\b)/i;

/** Query and form fields whose values a journal never keeps (Valomnia's login sends `j_password`). */
const SECRET_FIELD = /pass|secret/i;

/** The text placed where a credential was. */
export const REDACTED = '[redacted]';

function isText(contentType: string | null): boolean {
  return contentType === null || TEXT_TYPE.test(contentType);
}

// Kept bytes live outside Buffer's shared pool: a pooled slice would keep a whole 8 KiB slab alive.
function ownCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

/** What a journal keeps of a response payload as Fastify's onSend hook holds it. */
export function captureResponse(
  payload: unknown,
  contentType: string | null,
  contentLength: unknown,
): CapturedBody | null {
  if (payload === null || payload === undefined) return null;
  if (typeof payload === 'string') {
    const size = Buffer.byteLength(payload);
    if (!isText(contentType)) return { contentType, size, kept: 'binary' };
    // At most 64 KiB of characters can make 64 KiB of bytes: encode no more than that.
    const head = Buffer.from(payload.length > JOURNAL_BODY_BYTES ? payload.slice(0, JOURNAL_BODY_BYTES) : payload);
    return { contentType, size, kept: ownCopy(head.subarray(0, JOURNAL_BODY_BYTES)) };
  }
  if (Buffer.isBuffer(payload)) {
    if (!isText(contentType)) return { contentType, size: payload.length, kept: 'binary' };
    return { contentType, size: payload.length, kept: ownCopy(payload.subarray(0, JOURNAL_BODY_BYTES)) };
  }
  // A stream: its size is what the head announces, when it does.
  const size = Number(contentLength);
  return { contentType, size: Number.isFinite(size) ? size : -1, kept: 'binary' };
}

/**
 * A pass-through for a request body on its way to the parser that keeps its first 64 KiB and
 * counts the rest. Fastify's body limit reads `receivedEncodedLength` from the stream it is given.
 */
export class BodyTap extends Transform {
  receivedEncodedLength = 0;
  readonly #chunks: Buffer[] = [];
  #kept = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    if (this.#kept < JOURNAL_BODY_BYTES) {
      const part = chunk.subarray(0, JOURNAL_BODY_BYTES - this.#kept);
      this.#chunks.push(ownCopy(part));
      this.#kept += part.length;
    }
    done(null, chunk);
  }

  /** What was read of the body so far, credentials in a form redacted. */
  captured(contentType: string | null): CapturedBody {
    const size = this.receivedEncodedLength;
    if (!isText(contentType)) return { contentType, size, kept: 'binary' };
    let kept: Buffer = Buffer.concat(this.#chunks);
    if (contentType !== null && /^application\/x-www-form-urlencoded/i.test(contentType)) {
      kept = ownCopy(Buffer.from(redactQuery(kept.toString('latin1')), 'latin1'));
    }
    return { contentType, size, kept };
  }
}

/** A query string (or urlencoded form) with the values of secret fields replaced. */
export function redactQuery(query: string): string {
  if (!SECRET_FIELD.test(query)) return query;
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A broken escape: judge the name as it is.
      }
      return equals !== -1 && SECRET_FIELD.test(decoded) ? `${name}=${encodeURIComponent(REDACTED)}` : pair;
    })
    .join('&');
}

/** Request headers as a journal keeps them: the credential in Authorization and every cookie value hidden. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'authorization' || name === 'proxy-authorization') {
      const scheme = /^\s*(\S+)\s+\S/.exec(String(value))?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } else if (name === 'cookie') {
      out[name] = String(value).replace(/=([^;]*)/g, `=${REDACTED}`);
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** A captured body as the control API shows it. */
export function describeBody(body: CapturedBody | null) {
  if (body === null) return null;
  const shown: { contentType: string | null; size: number; text?: string; truncated?: boolean; omitted?: string } = {
    contentType: body.contentType,
    size: body.size,
  };
  if (Buffer.isBuffer(body.kept)) {
    shown.text = body.kept.toString('utf8');
    if (body.kept.length < body.size) shown.truncated = true;
  } else {
    shown.omitted = body.kept;
  }
  return shown;
}
