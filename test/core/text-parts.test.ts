import { describe, expect, it } from 'vitest';
import { byteLengthOf, keptBytes, pageOf, TextParts, writeParts } from '../../src/core/text-parts.js';

/** Answers made of parts: kept bytes and request text, written as one UTF-8 answer. */
describe('TextParts', () => {
  const texts = [
    '',
    ',',
    '"count":12}',
    'é',
    'ab€',
    `${'x'.repeat(63)}é`,
    'y'.repeat(64),
    `${'z'.repeat(100)}😀`,
    '😀ab',
  ];

  it('counts and writes every text part as exactly its UTF-8, short and long, ASCII or not', () => {
    for (const text of texts) {
      expect(byteLengthOf(text)).toBe(Buffer.byteLength(text));
      const target = Buffer.alloc(Buffer.byteLength(text) + 4, 0xff);
      expect(writeParts([text], target, 2)).toBe(2 + Buffer.byteLength(text));
      expect(target.subarray(2, 2 + Buffer.byteLength(text)).toString()).toBe(text);
      // Nothing written past its end.
      expect(target.subarray(2 + Buffer.byteLength(text)).every((byte) => byte === 0xff)).toBe(true);
    }
  });

  it('joins bytes and text in order, its size their UTF-8 size', () => {
    const parts = new TextParts(['[', keptBytes('{"name":"Émilie"}'), ',', Buffer.from('{"n":2}'), ']']);
    const expected = '[{"name":"Émilie"},{"n":2}]';
    expect(parts.size).toBe(Buffer.byteLength(expected));
    expect(parts.joined().toString()).toBe(expected);
  });

  it('puts the separator between items only, and makes an empty page of the head and tail', () => {
    const render = (n: number) => `{"id":${n}}`;
    expect(pageOf('[', [1, 2, 3], render, ',', ']').joined().toString()).toBe('[{"id":1},{"id":2},{"id":3}]');
    expect(pageOf('[', [], render, ',', ']').joined().toString()).toBe('[]');
    expect(pageOf('<a>', [1, 2], render, null, '</a>').joined().toString()).toBe('<a>{"id":1}{"id":2}</a>');
  });

  it('keeps bytes in memory of their own, not in a slab of Node pool', () => {
    const bytes = keptBytes('<customer>Zoë</customer>');
    expect(bytes.toString()).toBe('<customer>Zoë</customer>');
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
  });
});
