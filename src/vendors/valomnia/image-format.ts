/** What an uploaded image is, judged from its bytes alone: the name and declared type are the client's word. */

/** The formats Valomnia accepts for a customer's `imageFile`. */
export type ImageFormat = 'jpeg' | 'gif' | 'png' | 'bmp';

/** The content type each stored image, and each of its variants, is served with. */
export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  png: 'image/png',
  bmp: 'image/bmp',
};

/**
 * Most pixels an image may declare: 4096 × 4096, about 16.8 megapixels, above a 12-megapixel phone
 * photo (4032 × 3024) that still fits the 2 MB cap. A small file can declare far more (a
 * decompression bomb), so the header is read before any decoder runs. This limit is for the images
 * libvips decodes as a stream, shrinking as it reads: JPEG (about 45 MB at the limit when
 * progressive, a few MB otherwise) and non-interlaced PNG (about 20 MB). Measured on 2 cores.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/**
 * Most pixels of an image whose decoder holds it whole before shrinking it: GIF, BMP and interlaced
 * PNG. 4096 × 2048, about 8.4 megapixels: at 16.8 megapixels those peaked at 100 to 125 MB, measured,
 * too much for one request of a sandbox; at this size they peak at about half that.
 */
export const MAX_FULL_FRAME_PIXELS = 4096 * 2048;

/** Thrown for anything that is not a usable image (unknown bytes, corrupt data, pixel bomb). */
export class UnsupportedImageError extends Error {
  readonly code = 'UNSUPPORTED_IMAGE';
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `bytes` starts with `prefix` (numbers are bytes, a string is ASCII). */
function startsWith(bytes: Uint8Array, prefix: readonly number[] | string): boolean {
  const codes = typeof prefix === 'string' ? [...prefix].map((c) => c.charCodeAt(0)) : prefix;
  return bytes.length >= codes.length && codes.every((code, i) => bytes[i] === code);
}

/** The format the leading bytes show, or null. Needs at most the first 14 bytes. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, PNG_SIGNATURE)) return 'png';
  if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return 'gif';
  // "BM" alone is two letters a text file can start with; the file header's two reserved words,
  // which must be zero, never are in text.
  if (startsWith(head, 'BM') && head.length >= 14 && head[6] === 0 && head[7] === 0 && head[8] === 0 && head[9] === 0) {
    return 'bmp';
  }
  return null;
}
