import { TextParts, writeParts } from './text-parts.js';

/** Text answers shorter than this are encoded into Node's own shared pool (Buffer.from's). */
const SHARED_POOL_BYTES = 4 * 1024;

/** Buffers are made in multiples of this, so one serves answers of a range of sizes. */
const BUFFER_UNIT = 64 * 1024;

/** Answers larger than this get a buffer of their own, left to the collector. */
const LARGEST_KEPT = 1024 * 1024;

/** Free buffers kept at most, and their bytes together. */
const FREE_BUFFERS = 32;
const FREE_BYTES = 8 * 1024 * 1024;

/** A text answer (or a page's parts) as the bytes to send, and the buffer to give back once they are out (if any). */
export interface EncodedAnswer {
  bytes: Buffer;
  buffer: Buffer | null;
}

/**
 * Buffers that text answers are encoded into, taken for an answer and given back once it is out.
 * A string handed to the socket is encoded into a scratch allocation three times its size on
 * every write, and a Buffer made per answer is memory outside the heap that only a collection
 * frees (the RSS of 20 busy tenants grew by 9 MB); a few buffers used round and round cost
 * neither, and the journal copies its 64 KiB out of the same bytes.
 */
export class AnswerBuffers {
  readonly #free: Buffer[] = [];
  #freeBytes = 0;

  /** `text` as UTF-8 bytes: in a buffer of the pool when it is large, else in Node's shared pool. */
  encode(text: string): EncodedAnswer {
    // Too short to reach the pool whatever its characters (at most 3 bytes each): not measured.
    if (text.length < SHARED_POOL_BYTES / 3) return { bytes: Buffer.from(text, 'utf8'), buffer: null };
    return this.join(new TextParts([text]));
  }

  /** A page's parts one after another: in a buffer of the pool when it is large, else in Node's shared pool. */
  join(page: TextParts): EncodedAnswer {
    const { size } = page;
    if (size < SHARED_POOL_BYTES || size > LARGEST_KEPT) return { bytes: page.joined(), buffer: null };
    const buffer = this.#take(size);
    writeParts(page.parts, buffer);
    return { bytes: buffer.subarray(0, size), buffer };
  }

  /**
   * A buffer back, once the answer it held is out (the response's 'finish': the socket no longer
   * reads from it). Kept while the pool has room; otherwise the collector takes it.
   */
  give(buffer: Buffer): void {
    if (this.#free.length >= FREE_BUFFERS || this.#freeBytes + buffer.length > FREE_BYTES) return;
    this.#free.push(buffer);
    this.#freeBytes += buffer.length;
  }

  // The free buffer given back last that holds `size` bytes (its memory is the likeliest still
  // in cache), or a new one.
  #take(size: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i] as Buffer;
      if (buffer.length < size) continue;
      this.#free.splice(i, 1);
      this.#freeBytes -= buffer.length;
      return buffer;
    }
    return Buffer.allocUnsafeSlow(Math.ceil(size / BUFFER_UNIT) * BUFFER_UNIT);
  }
}
