/**
 * BMP through bmp-ts, since sharp neither decodes nor encodes it. bmp-ts is pure JavaScript and
 * loaded on first use, so a server that never sees a BMP never pays for it.
 */
import type { BmpLayout } from './image-headers.js';

/** 8-bit pixels row by row, `channels` bytes each, as sharp takes and gives them. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

let bmpLibrary: Promise<typeof import('bmp-ts')> | undefined;

/** bmp-ts, imported once on first use. */
function loadBmpLibrary(): Promise<typeof import('bmp-ts')> {
  bmpLibrary ??= import('bmp-ts');
  return bmpLibrary;
}

/**
 * The RGBA pixels of a BMP that readBmpLayout accepted. bmp-ts misreads three kinds of valid file,
 * so those are fixed on a copy before it sees them:
 * - it reads the rows right after the colour table, not at the file's pixel offset: the gap goes;
 * - it applies a V4/V5 header's mask fields even to BI_RGB pixels, where they mean nothing and are
 *   often zero (a black image): the default masks are written in;
 * - it stops after the first row of a 4-bit image of odd width: the image is decoded one column
 *   wider (the row stride is the same) and that column dropped.
 * Its alpha is 0 or 255 where the file has none; the caller goes by `layout.hasAlpha`.
 */
export async function decodeBmp(bytes: Buffer, layout: BmpLayout): Promise<RawImage> {
  const { decode } = await loadBmpLibrary();
  const oddFourBit = layout.bitsPerPixel === 4 && layout.width % 2 === 1;
  const defaultMasks = layout.compression === 0 && layout.headerSize > 40 && layout.bitsPerPixel >= 16;
  let file = bytes;
  if (oddFourBit || defaultMasks) {
    file = Buffer.from(bytes);
    if (oddFourBit) file.writeInt32LE(layout.width + 1, 18);
    if (defaultMasks) {
      const masks = layout.bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
      for (const [i, mask] of masks.entries()) file.writeUInt32LE(mask, 54 + 4 * i);
      file.writeUInt32LE(0, 66);
    }
  }
  if (layout.pixelOffset > layout.packedPixelOffset) {
    file = Buffer.concat([file.subarray(0, layout.packedPixelOffset), file.subarray(layout.pixelOffset)]);
  }
  const decoded = decode(file);
  // bmp-ts gives A, B, G, R for every depth (its toRGBA option covers only some): each pixel's
  // four bytes reversed are R, G, B, A.
  const data = decoded.data.swap32();
  const { width, height } = layout;
  if (oddFourBit) {
    for (let row = 1; row < height; row++)
      data.copyWithin(row * width * 4, row * (width + 1) * 4, (row * (width + 1) + width) * 4);
  }
  return { data: data.subarray(0, width * height * 4), width, height, channels: 4 };
}

/** A 24-bit BMP of `raw`; any alpha channel is ignored, so flatten it first. */
export async function encodeBmp(raw: RawImage): Promise<Buffer> {
  const { encode } = await loadBmpLibrary();
  const { data, width, height, channels } = raw;
  // Grey repeats its one channel.
  const green = channels >= 3 ? 1 : 0;
  const blue = channels >= 3 ? 2 : 0;
  // bmp-ts takes A, B, G, R for each pixel.
  const abgr = Buffer.alloc(width * height * 4);
  for (let p = 0, s = 0; p < abgr.length; p += 4, s += channels) {
    abgr[p + 1] = data[s + blue] ?? 0;
    abgr[p + 2] = data[s + green] ?? 0;
    abgr[p + 3] = data[s] ?? 0;
  }
  return encode({ data: abgr, width, height, bitPP: 24 }).data;
}
