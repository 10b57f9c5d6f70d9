/**
 * A customer's `imageFile`: which uploads are images, their `small_` and `medium_` variants, and
 * the name they are stored under. sharp (native) and bmp-ts are imported on first use only, so the
 * server's cold start never pays for them.
 */
import type { Sharp, SharpConstructor } from 'sharp';
import { decodeBmp, encodeBmp, type RawImage } from './image-bmp.js';
import {
  IMAGE_CONTENT_TYPES,
  type ImageFormat,
  MAX_FULL_FRAME_PIXELS,
  MAX_IMAGE_PIXELS,
  sniffImageFormat,
  UnsupportedImageError,
} from './image-format.js';
import { readBmpLayout, readImageSize } from './image-headers.js';

export {
  IMAGE_CONTENT_TYPES,
  type ImageFormat,
  MAX_FULL_FRAME_PIXELS,
  MAX_IMAGE_PIXELS,
  sniffImageFormat,
  UnsupportedImageError,
};

/** Largest upload Valomnia takes, 2 MB ("2Mo" in its message); the multipart parser enforces it. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** The square each variant fits in, in pixels. */
const SMALL_BOX = 100;
const MEDIUM_BOX = 300;

/** Longest one sharp pipeline may run; the largest images allowed take under half a second on 2 cores. */
const SHARP_TIMEOUT_SECONDS = 10;

/** Longest stored name, extension included, after the `<epochMs>_` prefix. */
const MAX_NAME_LENGTH = 100;
/** Longest ending kept as an extension when a long name is cut. */
const MAX_EXTENSION_LENGTH = 20;

/** A checked upload with its two variants, all three in the upload's format. */
export interface PreparedImage {
  format: ImageFormat;
  contentType: string;
  /** The size the file stores, before any EXIF orientation. */
  width: number;
  height: number;
  /** The upload itself (the same Buffer), served as is. */
  original: Buffer;
  /** Fits in 100 × 100, never enlarged. */
  small: Buffer;
  /** Fits in 300 × 300, never enlarged. */
  medium: Buffer;
}

let sharpLibrary: Promise<SharpConstructor> | undefined;

/** sharp, imported once on first use. */
function loadSharp(): Promise<SharpConstructor> {
  sharpLibrary ??= import('sharp').then(({ default: sharp }) => {
    // libvips' operation cache keeps recent inputs and results alive to reuse them; every upload
    // is new, so it would only hold memory.
    sharp.cache(false);
    return sharp;
  });
  return sharpLibrary;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` once every earlier one has settled. Decoding one image may take tens of MB (see
 * MAX_FULL_FRAME_PIXELS); one at a time, concurrent uploads cannot multiply that.
 */
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task);
  queue = run.catch(() => undefined);
  return run;
}

/** Checks the bytes (format, header dimensions, pixel limit, that it decodes) and makes the two variants. */
export async function prepareImage(bytes: Buffer): Promise<PreparedImage> {
  const format = sniffImageFormat(bytes);
  if (format === null) throw new UnsupportedImageError('the bytes are not a JPEG, GIF, PNG or BMP image');
  // Before any decoder runs: a bomb is refused here, at no cost.
  const { width, height } = readImageSize(bytes, format);
  const { small, medium } = await oneAtATime(() => makeVariants(bytes, format));
  return { format, contentType: IMAGE_CONTENT_TYPES[format], width, height, original: bytes, small, medium };
}

/**
 * The two variants of an image whose header was checked. The image is decoded once, straight to
 * the medium size (JPEG even decodes at a fraction of its size then); the small one is made from
 * those pixels. Any failure of the decoders is the file's: corrupt data.
 */
async function makeVariants(bytes: Buffer, format: ImageFormat): Promise<{ small: Buffer; medium: Buffer }> {
  const sharp = await loadSharp();
  try {
    const source = format === 'bmp' ? await bmpSource(sharp, bytes) : sharpSource(sharp, bytes);
    const medium = await toRaw(source.resize(fitIn(MEDIUM_BOX)));
    const small = await toRaw(fromRaw(sharp, medium).resize(fitIn(SMALL_BOX)));
    return { small: await encode(sharp, small, format), medium: await encode(sharp, medium, format) };
  } catch (error) {
    throw new UnsupportedImageError('the image data is corrupt', { cause: error });
  }
}

/** A JPEG, PNG or GIF for sharp, refusing (not repairing) a damaged file, turned as its EXIF says. */
function sharpSource(sharp: SharpConstructor, bytes: Buffer): Sharp {
  // The header check already bounds the pixels; sharp's own limit guards the same line.
  return sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS }).autoOrient();
}

/** A BMP decoded by bmp-ts, for sharp; its variants are 24-bit, so any alpha is laid on white. */
async function bmpSource(sharp: SharpConstructor, bytes: Buffer): Promise<Sharp> {
  const layout = readBmpLayout(bytes);
  const image = fromRaw(sharp, await decodeBmp(bytes, layout));
  return layout.hasAlpha ? image.flatten({ background: '#ffffff' }) : image.removeAlpha();
}

/** sharp over raw pixels. */
function fromRaw(sharp: SharpConstructor, raw: RawImage): Sharp {
  const { width, height, channels } = raw;
  return sharp(raw.data, { raw: { width, height, channels }, limitInputPixels: MAX_IMAGE_PIXELS });
}

/** Resize options: within `box` × `box`, aspect ratio kept, never enlarged. */
function fitIn(box: number) {
  return { width: box, height: box, fit: 'inside', withoutEnlargement: true } as const;
}

/** The pipeline's result as 8-bit raw pixels. */
async function toRaw(image: Sharp): Promise<RawImage> {
  const { data, info } = await image
    .timeout({ seconds: SHARP_TIMEOUT_SECONDS })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Raw pixels encoded as a `format` file. */
function encode(sharp: SharpConstructor, raw: RawImage, format: ImageFormat): Promise<Buffer> {
  if (format === 'bmp') return encodeBmp(raw);
  return fromRaw(sharp, raw).timeout({ seconds: SHARP_TIMEOUT_SECONDS }).toFormat(format).toBuffer();
}

/**
 * The vendor's stored name: `<epochMs>_<original name made URL-safe>` — keep letters, digits, '.',
 * '-', '_'; replace anything else by '_'; strip any directory part (both / and \); cap the name
 * part at 100 chars keeping the extension; an empty result (or only dots) becomes 'image'.
 */
export function storedImageName(epochMs: number, originalName: string): string {
  const base = originalName.split(/[/\\]/).pop() ?? '';
  // NFC first, so that an accented letter is one character and becomes one '_'.
  let name = Array.from(base.normalize('NFC'), (c) => (/^[A-Za-z0-9._-]$/.test(c) ? c : '_')).join('');
  if (/^\.*$/.test(name)) name = 'image';
  if (name.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_LENGTH ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME_LENGTH - extension.length) + extension;
  }
  return `${epochMs}_${name}`;
}

/** A plain test image (a gradient or solid colour) of the given size and format, for seeds and tests. */
export async function makeImage(width: number, height: number, format: ImageFormat): Promise<Buffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`no image of ${width} × ${height} pixels`);
  }
  if (width * height > MAX_IMAGE_PIXELS) throw new RangeError(`${width} × ${height} is over MAX_IMAGE_PIXELS`);
  // Red grows to the right, green downwards, blue stays: every variant shows which way is up.
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      data[i] = Math.round((255 * x) / Math.max(1, width - 1));
      data[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      data[i + 2] = 160;
    }
  }
  return encode(await loadSharp(), { data, width, height, channels: 3 }, format);
}
