/**
 * The dimensions an image declares, read from its header by hand before any decoder sees it: a
 * 2 MB file can declare billions of pixels, and only the header tells so without allocating them.
 * Each reader walks at most the file once and refuses what is truncated or inconsistent.
 */
import { type ImageFormat, MAX_FULL_FRAME_PIXELS, MAX_IMAGE_PIXELS, UnsupportedImageError } from './image-format.js';

/** Width and height as the file stores them. */
export interface ImageSize {
  width: number;
  height: number;
}

/** What the BMP decoder needs to know of a file beyond its size; see image-bmp.ts. */
export interface BmpLayout extends ImageSize {
  bitsPerPixel: number;
  /** 0 (BI_RGB), 3 (BI_BITFIELDS) or 6 (BI_ALPHA_BITFIELDS): the uncompressed ones. */
  compression: number;
  /** 40 (BITMAPINFOHEADER), 108 (V4) or 124 (V5). */
  headerSize: number;
  /** Where the pixel rows start, from the file header. */
  pixelOffset: number;
  /** Where they would start if nothing stood between the colour table and them. */
  packedPixelOffset: number;
  /** Whether the file's bit masks give it an alpha channel. */
  hasAlpha: boolean;
}

/**
 * The size `bytes` declares as a `format` image; throws UnsupportedImageError if unreadable or over
 * its format's pixel limit (MAX_IMAGE_PIXELS, or MAX_FULL_FRAME_PIXELS where the decoder holds the
 * whole image).
 */
export function readImageSize(bytes: Buffer, format: ImageFormat): ImageSize {
  return READERS[format](bytes);
}

/** Refuses a size with no pixels or more than `limit`. */
function checkPixels<T extends ImageSize>(size: T, limit: number): T {
  if (size.width < 1 || size.height < 1) throw new UnsupportedImageError('image declares no pixels');
  if (size.width * size.height > limit) {
    throw new UnsupportedImageError(`image declares ${size.width} × ${size.height} pixels, over the limit`);
  }
  return size;
}

const READERS: Record<ImageFormat, (bytes: Buffer) => ImageSize> = {
  jpeg: readJpegSize,
  png: readPngSize,
  gif: readGifSize,
  bmp: readBmpLayout,
};

/** Throws the error every reader gives for a file that ends before its structure does. */
function truncated(format: string): never {
  throw new UnsupportedImageError(`${format} file is truncated or corrupt`);
}

/** PNG: the IHDR chunk, which the format requires to come first. An interlaced image is decoded whole. */
function readPngSize(bytes: Buffer): ImageSize {
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    truncated('PNG');
  }
  const interlaced = bytes[28] !== 0;
  const size = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  return checkPixels(size, interlaced ? MAX_FULL_FRAME_PIXELS : MAX_IMAGE_PIXELS);
}

/** JPEG markers that carry no length: TEM, RST0–7 and a repeated SOI. */
function isStandaloneJpegMarker(marker: number): boolean {
  return marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7);
}

/** JPEG: the first start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC), walking the segments before it. */
function readJpegSize(bytes: Buffer): ImageSize {
  let pos = 2;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0xff) truncated('JPEG');
    while (bytes[pos] === 0xff) pos++; // fill bytes may pad any marker
    const marker = bytes[pos++];
    if (marker === undefined) break;
    if (isStandaloneJpegMarker(marker)) continue;
    // Scan data or the end before any frame header: nothing a decoder could size.
    if (marker === 0xda || marker === 0xd9) truncated('JPEG');
    if (pos + 2 > bytes.length) break;
    const length = bytes.readUInt16BE(pos);
    if (length < 2) truncated('JPEG');
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8 || pos + 7 > bytes.length) break;
      // A zero height means a DNL segment gives it after the scan, which no header check can bound.
      const size = { height: bytes.readUInt16BE(pos + 3), width: bytes.readUInt16BE(pos + 5) };
      return checkPixels(size, MAX_IMAGE_PIXELS);
    }
    pos += length;
  }
  truncated('JPEG');
}

/** Bytes of a GIF colour table whose size field (the low 3 bits of `flags`) is given, if `flags` has one. */
function gifColourTableBytes(flags: number): number {
  return flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0;
}

/**
 * GIF: the logical screen, and every frame's descriptor, since a frame may reach past the screen
 * and some decoders grow the canvas to hold it. Walks the whole block structure, which also
 * refuses a file cut inside a block.
 */
function readGifSize(bytes: Buffer): ImageSize {
  if (bytes.length < 13) truncated('GIF');
  const screen = { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  checkPixels(screen, MAX_FULL_FRAME_PIXELS);
  let pos = 13 + gifColourTableBytes(bytes[10] ?? 0);
  let frames = 0;
  const skipSubBlocks = (): void => {
    for (;;) {
      const length = bytes[pos++];
      if (length === undefined) truncated('GIF');
      if (length === 0) return;
      pos += length;
    }
  };
  while (pos < bytes.length) {
    const block = bytes[pos++];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      pos++; // extension label
      skipSubBlocks();
    } else if (block === 0x2c) {
      if (pos + 9 > bytes.length) truncated('GIF');
      const left = bytes.readUInt16LE(pos);
      const top = bytes.readUInt16LE(pos + 2);
      const width = bytes.readUInt16LE(pos + 4);
      const height = bytes.readUInt16LE(pos + 6);
      const canvas = { width: Math.max(screen.width, left + width), height: Math.max(screen.height, top + height) };
      checkPixels(canvas, MAX_FULL_FRAME_PIXELS);
      pos += 9 + gifColourTableBytes(bytes[pos + 8] ?? 0) + 1; // + the LZW minimum code size
      skipSubBlocks();
      frames++;
    } else {
      truncated('GIF');
    }
  }
  // A missing trailer after whole blocks is common and harmless; a file with no frame is not an image.
  if (frames === 0 || pos > bytes.length) truncated('GIF');
  return screen;
}

/** BMP compression values: uncompressed, and uncompressed with explicit bit masks. */
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHA_BITFIELDS = 6;

/**
 * BMP: the BITMAPINFOHEADER or its V4/V5 extensions, with everything the decoder relies on checked:
 * an uncompressed depth, a colour table that fits, and pixel rows that are all in the file (so the
 * pixel count is also bounded by the file's size). OS/2 headers and RLE compression are refused:
 * both are rare, and the BMP library misreads RLE.
 */
export function readBmpLayout(bytes: Buffer): BmpLayout {
  if (bytes.length < 54) truncated('BMP');
  const pixelOffset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize !== 40 && headerSize !== 108 && headerSize !== 124) {
    throw new UnsupportedImageError(`BMP header of ${headerSize} bytes is not supported`);
  }
  const width = bytes.readInt32LE(18);
  // A negative height means the rows are stored top-down.
  const height = Math.abs(bytes.readInt32LE(22));
  checkPixels({ width, height }, MAX_FULL_FRAME_PIXELS);
  const bitsPerPixel = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  const colours = bytes.readUInt32LE(46);
  const masked = compression === BI_BITFIELDS || compression === BI_ALPHA_BITFIELDS;
  const plausible =
    bytes.readUInt16LE(26) === 1 &&
    [1, 4, 8, 16, 24, 32].includes(bitsPerPixel) &&
    (compression === BI_RGB || (masked && (bitsPerPixel === 16 || bitsPerPixel === 32))) &&
    colours <= (bitsPerPixel <= 8 ? 2 ** bitsPerPixel : 256);
  if (!plausible) throw new UnsupportedImageError('BMP depth or compression is not supported');
  // A BITMAPINFOHEADER is followed by its masks; V4 and V5 headers hold them.
  const masksBytes =
    headerSize === 40 ? (compression === BI_BITFIELDS ? 12 : compression === BI_ALPHA_BITFIELDS ? 16 : 0) : 0;
  const paletteEntries = bitsPerPixel <= 8 ? colours || 2 ** bitsPerPixel : colours;
  const packedPixelOffset = 14 + headerSize + masksBytes + paletteEntries * 4;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelOffset < packedPixelOffset || pixelOffset + rowBytes * height > bytes.length) truncated('BMP');
  if (masked && (bytes.readUInt32LE(54) === 0 || bytes.readUInt32LE(58) === 0 || bytes.readUInt32LE(62) === 0)) {
    truncated('BMP');
  }
  const alphaMask = compression === BI_ALPHA_BITFIELDS || (masked && headerSize > 40) ? bytes.readUInt32LE(66) : 0;
  return {
    width,
    height,
    bitsPerPixel,
    compression,
    headerSize,
    pixelOffset,
    packedPixelOffset,
    hasAlpha: alphaMask !== 0,
  };
}
