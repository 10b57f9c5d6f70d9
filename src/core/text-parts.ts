import type { FastifyReply } from 'fastify';

/**
 * An answer made of pieces of UTF-8 that go out one after another: a page of records, each
 * rendered once (see renderOnce), between a head and a tail. The control plane copies the pieces
 * straight into an answer buffer, with no page-sized string in between, and the journal keeps the
 * pieces themselves rather than a copy of their bytes: they never change (a record is replaced,
 * never edited, and so is its rendering), so the entry shows the answer exactly as it was sent.
 */
export class TextParts {
  /** Bytes of all the pieces together. */
  readonly size: number;

  constructor(readonly parts: readonly Buffer[]) {
    let size = 0;
    for (const part of parts) size += part.length;
    this.size = size;
  }

  /** The pieces as one buffer of their own (for a fault that cuts or slows the answer). */
  joined(): Buffer {
    return Buffer.concat(this.parts as Buffer[], this.size);
  }
}

/** `head`, each item's rendering with `separator` between them, then `tail`. */
export function pageOf<T>(
  head: Buffer,
  items: readonly T[],
  render: (item: T) => Buffer,
  separator: Buffer | null,
  tail: Buffer,
): TextParts {
  const parts: Buffer[] = [head];
  for (let i = 0; i < items.length; i++) {
    if (separator !== null && i > 0) parts.push(separator);
    parts.push(render(items[i] as T));
  }
  parts.push(tail);
  return new TextParts(parts);
}

/**
 * Sends a page as its parts. Fastify serializes any object sent with a JSON type, so the reply
 * gets a serializer that passes the parts on to the onSend hooks, where the control plane turns
 * them into bytes (it is asked for strings too, an error answer's, and gives them back as they are).
 */
export function sendParts(reply: FastifyReply, parts: TextParts): FastifyReply {
  return reply.serializer(asSent).send(parts);
}

function asSent(payload: unknown): string {
  return payload as string;
}
