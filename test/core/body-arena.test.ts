import { describe, expect, it } from 'vitest';
import { type ArenaSlice, BodyArena, JOURNAL_BODY_BYTES } from '../../src/core/journal.js';
import { pageOf } from '../../src/core/text-parts.js';

const CAPACITY = 4 * JOURNAL_BODY_BYTES;

function slice(): ArenaSlice {
  return { start: -1, length: 0, parts: null };
}

/** A page of `count` items of `itemBytes` bytes each, as it is sent and as its parts. */
function page(count: number, itemChars: number, fill = 'x', head = '<list>') {
  const items = Array.from({ length: count }, (_, i) =>
    Buffer.from(`${String(i).padStart(6, '0')}${fill.repeat(itemChars - 6)}`),
  );
  const parts = pageOf(Buffer.from(head), items, (item) => item, null, Buffer.from('</list>'));
  return { parts: parts.parts, bytes: parts.joined() };
}

/**
 * The journal's body store: copied bodies and pages kept as their parts read back as the first
 * 64 KiB of what was sent, and both go once the stream has moved past them by the budget.
 */
describe('BodyArena', () => {
  it('reads a copied body and a page kept as parts back as the bytes sent', () => {
    const arena = new BodyArena(CAPACITY);
    const copied = slice();
    arena.write(Buffer.from('<customer/>'), copied);
    const sent = page(10, 1_000);
    const kept = slice();
    arena.keep(sent.parts, sent.bytes, kept);
    expect(kept.parts).not.toBeNull();
    expect(arena.read(copied)?.toString()).toBe('<customer/>');
    expect(arena.read(kept)?.equals(sent.bytes)).toBe(true);
  });

  it('copies a small page rather than hold its parts, so a polled empty page never piles up', () => {
    const arena = new BodyArena(CAPACITY);
    const empty = pageOf('[', [], (item: Buffer) => item, ',', ']');
    const slices = Array.from({ length: 10_000 }, () => {
      const kept = slice();
      arena.keep(empty.parts, empty.joined(), kept);
      return kept;
    });
    expect(slices.every((kept) => kept.parts === null)).toBe(true);
    expect(arena.read(slices[9_999] as ArenaSlice)?.toString()).toBe('[]');
    const large = page(10, 1_000);
    const held = slice();
    arena.keep(large.parts, large.bytes, held);
    expect(held.parts).not.toBeNull();
  });

  it('keeps the first 64 KiB of a large page, and only the parts that hold them', () => {
    const arena = new BodyArena(CAPACITY);
    const large = page(100, 1_000);
    const kept = slice();
    arena.keep(large.parts, large.bytes, kept);
    expect(arena.read(kept)?.equals(large.bytes.subarray(0, JOURNAL_BODY_BYTES))).toBe(true);
    // The head and 66 items of 1,000 bytes cover 64 KiB; the rest of the page is not held.
    expect(kept.parts?.length).toBe(Math.ceil((JOURNAL_BODY_BYTES - 6) / 1_000) + 1);
  });

  it('cuts a page on a character boundary, as a copy is cut', () => {
    const arena = new BodyArena(CAPACITY);
    // Items of two-byte characters after a seven-byte head put the 64 KiB mark inside one.
    const accents = page(40, 3_006, 'é', '<list >');
    expect(accents.bytes.length).toBeGreaterThan(JOURNAL_BODY_BYTES);
    expect((accents.bytes[JOURNAL_BODY_BYTES] as number) & 0xc0).toBe(0x80);
    const [kept, copied] = [slice(), slice()];
    arena.keep(accents.parts, accents.bytes, kept);
    arena.write(accents.bytes, copied);
    const text = arena.read(kept)?.toString('utf8') ?? '';
    expect(text).not.toContain('\uFFFD');
    expect(Buffer.byteLength(text)).toBe(JOURNAL_BODY_BYTES - 1);
    expect(arena.read(copied)?.toString('utf8')).toBe(text);
  });

  it('reads a page of bytes and text back as sent, cut at 64 KiB on a character', () => {
    const arena = new BodyArena(CAPACITY);
    const rows = Array.from({ length: 4_000 }, (_, i) => i);
    const made = pageOf(
      '[',
      rows,
      (i) => (i % 2 === 0 ? Buffer.from(`{"n":"Zoë ${i}"}`) : `{"n":"Émile ${i}"}`),
      ',',
      ']',
    );
    const bytes = made.joined();
    expect(bytes.length).toBeGreaterThan(JOURNAL_BODY_BYTES);
    const kept = slice();
    arena.keep(made.parts, bytes, kept);
    const text = arena.read(kept)?.toString('utf8') ?? '';
    expect(text).not.toContain('\uFFFD');
    expect(Buffer.byteLength(text)).toBeGreaterThan(JOURNAL_BODY_BYTES - 4);
    expect(bytes.subarray(0, Buffer.byteLength(text)).toString('utf8')).toBe(text);
  });

  it('lets bodies of either kind go once later bodies fill the budget, the parts with them', () => {
    const arena = new BodyArena(CAPACITY);
    const first = page(10, 1_000);
    const [keptFirst, copiedFirst] = [slice(), slice()];
    arena.keep(first.parts, first.bytes, keptFirst);
    arena.write(Buffer.from('first copy'), copiedFirst);
    const later = page(70, 1_000);
    const laterSlices: ArenaSlice[] = [];
    for (let i = 0; i < 3; i++) {
      const kept = slice();
      arena.keep(later.parts, later.bytes, kept);
      laterSlices.push(kept);
    }
    // 3 x 64 KiB since: within the budget of 4 x 64 KiB.
    expect(arena.read(keptFirst)?.equals(first.bytes)).toBe(true);
    expect(arena.read(copiedFirst)?.toString()).toBe('first copy');
    const last = slice();
    arena.write(later.bytes, last);
    expect(arena.read(keptFirst)).toBeNull();
    expect(arena.read(copiedFirst)).toBeNull();
    // Its parts are let go, not only hidden.
    expect(keptFirst.parts).toBeNull();
    // The copy needed 64 KiB in one piece, so the ring's tail was skipped: the stream moved past the
    // first of the later pages too. The others are kept.
    expect(arena.read(laterSlices[0] as ArenaSlice)).toBeNull();
    for (const kept of [...laterSlices.slice(1), last]) {
      expect(arena.read(kept)?.equals(later.bytes.subarray(0, JOURNAL_BODY_BYTES))).toBe(true);
    }
  });
});
