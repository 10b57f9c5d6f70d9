import { type BodyArena, type CapturedBody, JOURNAL_BODY_BYTES } from './journal.js';
import type { TextPart } from './text-parts.js';

/** Bodies a journal keeps as text; any other type (an image, a PDF) is kept as its size and type. */
const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|yaml|javascript)\b)/i;

/** Query and form fields whose values a journal never keeps (Valomnia's login sends `j_password`). */
const SECRET_FIELD = /pass|secret/i;

/** The text placed where a credential was. */
export const REDACTED = '[redacted]';

function isText(contentType: string | null): boolean {
  return contentType === null || TEXT_TYPE.test(contentType);
}

/** A body the journal keeps as its type and size only, and why. */
export function bodyNotKept(contentType: string | null, size: number, omitted: 'binary' | 'multipart'): CapturedBody {
  return { contentType, size, start: -1, length: 0, parts: null, omitted };
}

// A text body of `size` bytes, kept in the arena: `bytes` copied, or the parts they were sent as
// (see TextParts).
function keptBody(
  arena: BodyArena,
  bytes: Uint8Array,
  contentType: string | null,
  size: number,
  parts: readonly TextPart[] | null,
): CapturedBody {
  const body: CapturedBody = { contentType, size, start: -1, length: 0, parts: null, omitted: null };
  if (parts === null) arena.write(bytes, body);
  else arena.keep(parts, bytes, body);
  return body;
}

/**
 * What a journal keeps of a response payload as Fastify's onSend hook holds it: the first 64 KiB
 * of its bytes when it is text (a string is encoded here; the plugin hands over the bytes it
 * sends, see AnswerBuffers, and the parts of a page sent as them), else its type and size.
 */
export function captureResponse(
  arena: BodyArena,
  payload: unknown,
  contentType: string | null,
  contentLength: unknown,
  parts: readonly TextPart[] | null = null,
): CapturedBody | null {
  if (payload === null || payload === undefined) return null;
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (Buffer.isBuffer(bytes)) {
    if (!isText(contentType)) return bodyNotKept(contentType, bytes.length, 'binary');
    return keptBody(arena, bytes, contentType, bytes.length, parts);
  }
  // A stream: its size is what the head announces, when it does.
  const size = Number(contentLength);
  return bodyNotKept(contentType, Number.isFinite(size) ? size : -1, 'binary');
}

/**
 * What a journal sees of a request body on its way to the parser: its first 64 KiB kept, the rest
 * counted. It listens to the body's chunks beside the parser (which Fastify attaches in the same
 * turn, before the body flows) instead of passing them through a stream of its own: a Transform
 * piped in front of the parser cost a create 6-8 µs.
 */
export class BodyTap {
  /** Bytes of the body seen so far. */
  received = 0;
  readonly #chunks: Buffer[] = [];
  #kept = 0;

  /** Notes a chunk of the body. */
  take(chunk: Buffer): void {
    this.received += chunk.length;
    // One byte past the 64 KiB: the arena sees whether the cut falls inside a character.
    if (this.#kept <= JOURNAL_BODY_BYTES) {
      // The parser may hold on to the chunk; the tap only references it until the journal copies it.
      const part = chunk.subarray(0, JOURNAL_BODY_BYTES + 1 - this.#kept);
      this.#chunks.push(part);
      this.#kept += part.length;
    }
  }

  /** The body read so far, copied into the arena, with credentials in a form redacted. */
  captured(arena: BodyArena, contentType: string | null): CapturedBody {
    const size = this.received;
    if (!isText(contentType)) return bodyNotKept(contentType, size, 'binary');
    const bytes = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    this.#chunks.length = 0;
    const form = contentType !== null && /^application\/x-www-form-urlencoded/i.test(contentType);
    const kept = form ? Buffer.from(redactQuery(bytes.toString('latin1')), 'latin1') : bytes;
    // Its size is what was received, a redacted form's included.
    return keptBody(arena, kept, contentType, size, null);
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

// A JSON string field whose name holds one of these: a login's token or a password.
const SECRET_JSON_FIELD = /token|pass|secret/i;
// A quoted name (bounded, so no long run of text is ever scanned twice), a colon, a quoted value.
const JSON_STRING_FIELD = /"([^"\\]{1,64})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/**
 * Body text with the values of secret JSON fields replaced: a token answer's `bearerToken`
 * (MYPOS Connect), ajaxSuccess's `token` (Valomnia's session id). Shown bodies only, so the
 * journal costs nothing for it per request.
 */
export function redactJsonSecrets(text: string): string {
  if (!SECRET_JSON_FIELD.test(text)) return text;
  return text.replace(JSON_STRING_FIELD, (field, name: string, colon: string) =>
    SECRET_JSON_FIELD.test(name) ? `"${name}"${colon}"${REDACTED}"` : field,
  );
}

/**
 * A head as Node's `rawHeaders` gives it (name, value, …; here joined by newlines), as an object:
 * lower-case names, a repeated one's values in a list.
 */
export function headersOf(head: string): Record<string, string | string[]> {
  const raw = head === '' ? [] : head.split('\n');
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const had = headers[name];
    headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return headers;
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

/** A captured body as the control API shows it: at most its first 64 KiB, as text. */
export function describeBody(body: CapturedBody | null, arena: BodyArena) {
  if (body === null) return null;
  const shown: { contentType: string | null; size: number; text?: string; truncated?: boolean; omitted?: string } = {
    contentType: body.contentType,
    size: body.size,
  };
  const bytes = arena.read(body);
  if (bytes === null) {
    // The ring has written over it since: the oldest bodies go first.
    shown.omitted = body.omitted ?? 'memory';
    return shown;
  }
  shown.text = redactJsonSecrets(bytes.toString('utf8'));
  if (bytes.length < body.size) shown.truncated = true;
  return shown;
}
