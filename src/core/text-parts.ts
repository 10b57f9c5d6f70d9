import type { FastifyReply } from 'fastify';

/** A piece of an answer: a record's kept bytes, or a little text made for this request. */
export type TextPart = string | Buffer;

/**
 * An answer made of pieces of UTF-8 that go out one after another: a page of records, each
 * rendered once to bytes (see renderOnce, keptBytes), between text made for the request (a head,
 * separators, counters). The control plane writes the pieces straight into an answer buffer, with
 * no page-sized string or Buffer made per request, and the journal keeps the pieces themselves
 * rather than a copy: a rendering never changes (a record is replaced, never edited), so the entry
 * shows the answer exactly as it was sent.
 */
export class TextParts {
  /** Bytes of all the pieces together. */
  readonly size: number;

  constructor(readonly parts: readonly TextPart[]) {
    let size = 0;
    for (const part of parts) size += byteLengthOf(part);
    this.size = size;
  }

  /** The pieces as one buffer of their own (for a fault that cuts or slows the answer). */
  joined(): Buffer {
    const bytes = Buffer.allocUnsafe(this.size);
    writeParts(this.parts, bytes);
    return bytes;
  }
}

/** A piece's size in UTF-8. */
export function byteLengthOf(part: TextPart): number {
  if (typeof part !== 'string') return part.length;
  // Short text (separators, counters) is mostly ASCII: counted here without a call into Node.
  if (part.length <= SHORT_TEXT) {
    let i = 0;
    while (i < part.length && part.charCodeAt(i) < 0x80) i++;
    if (i === part.length) return i;
  }
  return Buffer.byteLength(part, 'utf8');
}

/** Writes the pieces one after another into `target` from `at`; gives back where they end. */
export function writeParts(parts: readonly TextPart[], target: Buffer, at = 0): number {
  let end = at;
  for (const part of parts) {
    if (typeof part !== 'string') {
      target.set(part, end);
      end += part.length;
    } else {
      end += writeText(part, target, end);
    }
  }
  return end;
}

/** Text at most this long is written and counted in a plain loop while it is ASCII. */
const SHORT_TEXT = 64;

// A page writes a few short texts per row: a plain loop is faster than a call into Buffer.write
// for each, which is kept for longer text and for what follows a non-ASCII character.
function writeText(text: string, target: Buffer, at: number): number {
  let i = 0;
  if (text.length <= SHORT_TEXT) {
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      target[at + i] = code;
    }
    if (i === text.length) return i;
  }
  return i + target.write(i === 0 ? text : text.slice(i), at + i, 'utf8');
}

/**
 * Text as UTF-8 bytes to keep (a record's rendering). Outside Node's 8 KB pool: a kept slice of a
 * pool slab would keep the whole slab alive.
 */
export function keptBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 0, 'utf8');
  return bytes;
}

/** `head`, each item's rendering with `separator` between them, then `tail`. */
export function pageOf<T>(
  head: TextPart,
  items: readonly T[],
  render: (item: T) => TextPart,
  separator: TextPart | null,
  tail: TextPart,
): TextParts {
  const parts: TextPart[] = [head];
  for (let i = 0; i < items.length; i++) {
    if (separator !== null && i > 0) parts.push(separator);
    parts.push(render(items[i] as T));
  }
  parts.push(tail);
  return new TextParts(parts);
}

/**
 * Sends an answer as its parts. Fastify serializes any object sent with a JSON type, so the reply
 * gets a serializer that hands the parts on to the onSend hooks, where the control plane writes
 * them into bytes (it is also given strings, an error answer's, and passes them on as they are).
 */
export function sendParts(reply: FastifyReply, parts: TextParts): FastifyReply {
  return reply.serializer(asSent).send(parts);
}

function asSent(payload: unknown): string {
  return payload as string;
}
