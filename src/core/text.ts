/** Text helpers shared by vendors: cutting text to a column. */

/** `text` cut to at most `width` characters (code points, as MySQL counts them). */
export function truncateChars(text: string, width: number): string {
  // A string of at most `width` UTF-16 units has at most `width` code points.
  if (text.length <= width) return text;
  let end = 0;
  for (let count = 0; count < width && end < text.length; count += 1) {
    end += isSurrogatePair(text, end) ? 2 : 1;
  }
  return text.slice(0, end);
}

/** `text` cut to at most `maxBytes` bytes of UTF-8, never inside a character. */
export function truncateUtf8Bytes(text: string, maxBytes: number): string {
  // A UTF-16 unit is at most three bytes of UTF-8 (a pair, two units, is four).
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const pair = isSurrogatePair(text, end);
    const code = text.charCodeAt(end);
    // A lone surrogate is written as U+FFFD (three bytes), as Buffer.from writes it.
    const size = pair ? 4 : code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  return text.slice(0, end);
}

function isSurrogatePair(text: string, at: number): boolean {
  const high = text.charCodeAt(at);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(at + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}
