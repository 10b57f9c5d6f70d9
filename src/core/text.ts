/** Text helpers shared by vendors: strict UTF-8 decoding of bodies, and cutting text to a column. */

/** A body whose bytes are not valid UTF-8. A SyntaxError, so handlers treat it as malformed input. */
export class InvalidUtf8Error extends SyntaxError {
  readonly code = 'INVALID_UTF8';
}

// ignoreBOM keeps a leading byte-order mark in the text (as U+FEFF) instead of dropping it, so each
// format decides: XML skips it, JSON.parse refuses it, as both did when bodies were read as strings.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8, refusing any invalid byte sequence (stray, overlong, truncated, surrogate) with
 * InvalidUtf8Error rather than replacing it with U+FFFD as Buffer#toString does.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new InvalidUtf8Error('the body is not valid UTF-8');
  }
}

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
