import { describe, expect, it } from 'vitest';
import { AnswerBuffers } from '../../src/core/answer-buffers.js';
import { pageOf } from '../../src/core/text-parts.js';

/** The pool text answers are encoded into: the bytes are always the text's UTF-8, whatever reuse. */
describe('AnswerBuffers', () => {
  const texts = [
    '',
    'short',
    'x'.repeat(5_000),
    `<a>${'é'.repeat(30_000)}</a>`,
    `${'€'.repeat(50_000)}${'😀'.repeat(1_000)}`,
    'y'.repeat(200_000),
  ];

  it('encodes every text to exactly its UTF-8 bytes', () => {
    const pool = new AnswerBuffers();
    for (const text of texts) expect(pool.encode(text).bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('keeps small answers out of the pool (Node shares one for them) and takes large ones from it', () => {
    const pool = new AnswerBuffers();
    expect(pool.encode('short').buffer).toBeNull();
    const large = pool.encode('x'.repeat(5_000));
    expect(large.buffer).not.toBeNull();
    expect(large.bytes.buffer).toBe(large.buffer?.buffer);
  });

  it('gives a buffer out again only once it is given back', () => {
    const pool = new AnswerBuffers();
    const first = pool.encode('a'.repeat(10_000));
    const second = pool.encode('b'.repeat(10_000));
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.bytes.toString()).toBe('a'.repeat(10_000));
    pool.give(first.buffer as Buffer);
    const third = pool.encode('c'.repeat(20_000));
    expect(third.buffer).toBe(first.buffer);
    expect(third.bytes.toString()).toBe('c'.repeat(20_000));
    // The second answer's bytes were never written over.
    expect(second.bytes.toString()).toBe('b'.repeat(10_000));
  });

  it('takes a new buffer when no free one is large enough', () => {
    const pool = new AnswerBuffers();
    const small = pool.encode('a'.repeat(10_000));
    pool.give(small.buffer as Buffer);
    const big = pool.encode('b'.repeat(300_000));
    expect(big.buffer).not.toBe(small.buffer);
    expect(big.bytes.length).toBe(300_000);
    // The small one is still free for the next answer that fits it.
    expect(pool.encode('c'.repeat(10_000)).buffer).toBe(small.buffer);
  });

  it('leaves answers over 1 MiB to a buffer of their own', () => {
    const pool = new AnswerBuffers();
    const huge = pool.encode('z'.repeat(2 * 1024 * 1024));
    expect(huge.buffer).toBeNull();
    expect(huge.bytes.length).toBe(2 * 1024 * 1024);
  });

  it("joins a page's parts to exactly their bytes, in the pool when large and in Node's shared pool when small", () => {
    const pool = new AnswerBuffers();
    const items = ['é'.repeat(3_000), 'plain', '😀'.repeat(2_000)].map((text) => Buffer.from(text));
    const page = pageOf(Buffer.from('['), items, (item) => item, Buffer.from(','), Buffer.from(']'));
    const expected = Buffer.from(`[${'é'.repeat(3_000)},plain,${'😀'.repeat(2_000)}]`);
    expect(page.size).toBe(expected.length);
    const large = pool.join(page);
    expect(large.buffer).not.toBeNull();
    expect(large.bytes.equals(expected)).toBe(true);
    const small = pool.join(pageOf(Buffer.from('<a>'), [Buffer.from('x')], (item) => item, null, Buffer.from('</a>')));
    expect(small.buffer).toBeNull();
    expect(small.bytes.toString()).toBe('<a>x</a>');
  });
});
