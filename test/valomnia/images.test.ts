import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  type ImageFormat,
  MAX_FULL_FRAME_PIXELS,
  MAX_IMAGE_PIXELS,
  makeImage,
  prepareImage,
  sniffImageFormat,
  storedImageName,
  UnsupportedImageError,
} from '../../src/vendors/valomnia/images.js';
import { pngChunk } from '../helpers/png.js';

/**
 * Customer images: formats told by their bytes, variants that are real resized copies in the
 * upload's own format, and hostile files (not images, corrupt, pixel bombs) refused with
 * UnsupportedImageError without decoding them.
 */

const FORMATS: ImageFormat[] = ['jpeg', 'png', 'gif', 'bmp'];

/** The size an image file stores: sharp reads JPEG, PNG and GIF; a BMP's header is read here. */
async function sizeOf(image: Buffer): Promise<{ width: number; height: number }> {
  if (sniffImageFormat(image) === 'bmp') {
    return { width: image.readInt32LE(18), height: Math.abs(image.readInt32LE(22)) };
  }
  const { width, height } = await sharp(image).metadata();
  return { width, height };
}

/** Expects `promise` to reject with UnsupportedImageError, within `ms`. */
async function expectRefused(promise: Promise<unknown>, ms = 2000): Promise<void> {
  const start = performance.now();
  await expect(promise).rejects.toBeInstanceOf(UnsupportedImageError);
  expect(performance.now() - start).toBeLessThan(ms);
}

describe('sniffImageFormat', () => {
  it.each(FORMATS)('knows %s by its first 14 bytes', async (format) => {
    const image = await makeImage(20, 10, format);
    expect(sniffImageFormat(image)).toBe(format);
    expect(sniffImageFormat(image.subarray(0, 14))).toBe(format);
  });

  it('knows nothing else', () => {
    for (const text of ['', 'hello, world', 'BM is how this text begins', 'GIF89', '<svg xmlns="x"/>', '%PDF-1.7']) {
      expect(sniffImageFormat(Buffer.from(text))).toBeNull();
    }
  });
});

describe('prepareImage', () => {
  it.each(FORMATS)('serves a %s as is and shrinks its variants in the same format', async (format) => {
    const image = await makeImage(272, 92, format);
    const prepared = await prepareImage(image);
    expect(prepared).toMatchObject({ format, width: 272, height: 92, contentType: `image/${format}` });
    expect(prepared.original).toBe(image);
    expect(sniffImageFormat(prepared.small)).toBe(format);
    expect(sniffImageFormat(prepared.medium)).toBe(format);
    // Smaller than 300 × 300: the medium copy keeps the size.
    expect(await sizeOf(prepared.medium)).toEqual({ width: 272, height: 92 });
    const small = await sizeOf(prepared.small);
    expect(small.width).toBe(100);
    expect(Math.abs(small.height - (100 * 92) / 272)).toBeLessThan(1);
  });

  it.each(FORMATS)('fits a large %s in 100 × 100 and 300 × 300', async (format) => {
    const prepared = await prepareImage(await makeImage(900, 1200, format));
    expect(await sizeOf(prepared.small)).toEqual({ width: 75, height: 100 });
    expect(await sizeOf(prepared.medium)).toEqual({ width: 225, height: 300 });
  });

  it.each(FORMATS)('never enlarges a small %s', async (format) => {
    const prepared = await prepareImage(await makeImage(20, 10, format));
    expect(await sizeOf(prepared.small)).toEqual({ width: 20, height: 10 });
    expect(await sizeOf(prepared.medium)).toEqual({ width: 20, height: 10 });
  });

  it('keeps the colours: the gradient runs the same way in a variant', async () => {
    const prepared = await prepareImage(await makeImage(272, 92, 'png'));
    const { data, info } = await sharp(prepared.small).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(pixel(0, 0)).toEqual([expect.closeTo(0, -1), expect.closeTo(0, -1), 160]);
    expect(pixel(info.width - 1, info.height - 1)).toEqual([expect.closeTo(255, -1), expect.closeTo(255, -1), 160]);
  });

  it('refuses a text file, whatever it is called', async () => {
    await expectRefused(prepareImage(Buffer.from('not an image at all, though named logo.png\n')));
    await expectRefused(prepareImage(Buffer.alloc(0)));
  });

  it.each(FORMATS)('refuses a truncated %s', async (format) => {
    const image = await makeImage(272, 92, format);
    for (const keep of [0.6, 0.95])
      await expectRefused(prepareImage(image.subarray(0, Math.floor(image.length * keep))));
    await expectRefused(prepareImage(image.subarray(0, 20)));
  });

  it.each(['jpeg', 'png', 'gif'] as const)(
    'refuses a %s whose data is garbage after a valid header',
    async (format) => {
      const image = Buffer.from(await makeImage(272, 92, format));
      for (let i = Math.floor(image.length / 3); i < image.length - 16; i++) image[i] = (i * 7919) & 0xff;
      await expectRefused(prepareImage(image));
    },
  );

  it('refuses a BMP whose header does not add up', async () => {
    const image = await makeImage(30, 20, 'bmp');
    const corrupt = (write: (b: Buffer) => void) => {
      const copy = Buffer.from(image);
      write(copy);
      return prepareImage(copy);
    };
    await expectRefused(corrupt((b) => b.writeUInt16LE(7, 28))); // 7 bits per pixel
    await expectRefused(corrupt((b) => b.writeUInt32LE(1, 30))); // RLE8
    await expectRefused(corrupt((b) => b.writeUInt32LE(12, 14))); // OS/2 header
    await expectRefused(corrupt((b) => b.writeUInt32LE(image.length, 10))); // pixels past the end
    await expectRefused(corrupt((b) => b.writeInt32LE(-30, 18))); // negative width
  });

  it('runs uploads one at a time, and a refused one does not stop the next', async () => {
    const uploads = await Promise.all(FORMATS.map((format) => makeImage(400, 300, format)));
    const results = await Promise.allSettled([
      ...uploads.map((image) => prepareImage(image)),
      prepareImage(uploads[0]?.subarray(0, 500) ?? Buffer.alloc(0)),
      prepareImage(uploads[1] ?? Buffer.alloc(0)),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
  });
});

/** A BMP of `width` × `height` pixels given as [r, g, b, a] rows, written at `bitsPerPixel` by hand. */
function handMadeBmp(options: {
  pixels: number[][][];
  bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  palette?: number[][];
  headerSize?: 40 | 124;
  compression?: 0 | 3;
  topDown?: boolean;
  gap?: number;
}): Buffer {
  const { pixels, bitsPerPixel, palette = [], headerSize = 40, compression = 0, topDown = false, gap = 0 } = options;
  const height = pixels.length;
  const width = pixels[0]?.length ?? 0;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const pixelOffset = 14 + headerSize + palette.length * 4 + gap;
  const file = Buffer.alloc(pixelOffset + rowBytes * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(pixelOffset, 10);
  file.writeUInt32LE(headerSize, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(topDown ? -height : height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bitsPerPixel, 28);
  file.writeUInt32LE(compression, 30);
  file.writeUInt32LE(palette.length, 46);
  if (compression === 3)
    for (const [i, mask] of [0xff0000, 0xff00, 0xff, 0xff000000].entries()) file.writeUInt32LE(mask, 54 + i * 4);
  for (const [i, [r = 0, g = 0, b = 0]] of palette.entries()) file.set([b, g, r, 0], 14 + headerSize + i * 4);
  const index = (rgba: number[]) => palette.findIndex((entry) => entry.every((v, i) => v === rgba[i]));
  pixels.forEach((row, y) => {
    const start = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    row.forEach(([r = 0, g = 0, b = 0, a = 255], x) => {
      if (bitsPerPixel === 24) file.set([b, g, r], start + x * 3);
      else if (bitsPerPixel === 32) file.set([b, g, r, compression === 3 ? a : 0], start + x * 4);
      else if (bitsPerPixel === 16) file.writeUInt16LE(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3), start + x * 2);
      else {
        const perByte = 8 / bitsPerPixel;
        const at = start + Math.floor(x / perByte);
        file[at] = (file[at] ?? 0) | (index([r, g, b]) << (8 - bitsPerPixel * ((x % perByte) + 1)));
      }
    });
  });
  return file;
}

describe('BMP decoding', () => {
  const RED = [255, 0, 0];
  const GREEN = [0, 255, 0];
  const BLUE = [0, 0, 255];
  const WHITE = [255, 255, 255];
  const BLACK = [0, 0, 0];
  // Odd width: 4-bit rows of odd width are one of bmp-ts's blind spots.
  const COLOURS = [
    [RED, GREEN, BLUE],
    [WHITE, BLUE, RED],
  ];
  const BLACK_AND_WHITE = [
    [BLACK, WHITE, BLACK],
    [WHITE, BLACK, BLACK],
  ];

  /** The RGB of each pixel of a BMP variant, decoded by reading its 24-bit rows here. */
  function pixelsOf(bmp: Buffer): number[][][] {
    const { width, height } = { width: bmp.readInt32LE(18), height: bmp.readInt32LE(22) };
    expect(bmp.readUInt16LE(28)).toBe(24);
    const rowBytes = Math.ceil((width * 3) / 4) * 4;
    return Array.from({ length: height }, (_, y) =>
      Array.from({ length: width }, (_, x) => {
        const at = bmp.readUInt32LE(10) + (height - 1 - y) * rowBytes + x * 3;
        return [bmp[at + 2] ?? -1, bmp[at + 1] ?? -1, bmp[at] ?? -1];
      }),
    );
  }

  /** Each channel of `actual` within 8 of `expected` (16-bit pixels keep 5 bits of each). */
  function expectColours(actual: number[][][], expected: number[][][]): void {
    const want = expected.flat(2);
    expect(actual.flat(2)).toHaveLength(want.length);
    const worst = Math.max(...actual.flat(2).map((value, i) => Math.abs(value - (want[i] ?? -99))));
    expect(worst, JSON.stringify(actual)).toBeLessThanOrEqual(8);
  }

  it.each([
    { name: '24-bit', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 24 }) },
    { name: '24-bit top-down', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 24, topDown: true }) },
    {
      name: '24-bit with a gap before the pixels',
      bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 24, gap: 10 }),
    },
    { name: '32-bit', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 32 }) },
    { name: '32-bit V5 BI_RGB', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 32, headerSize: 124 }) },
    { name: '16-bit', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 16 }) },
    { name: '8-bit', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 8, palette: [RED, GREEN, BLUE, WHITE] }) },
    { name: '4-bit', bmp: () => handMadeBmp({ pixels: COLOURS, bitsPerPixel: 4, palette: [RED, GREEN, BLUE, WHITE] }) },
  ])('reads a $name BMP', async ({ bmp }) => {
    const prepared = await prepareImage(bmp());
    expect(prepared).toMatchObject({ format: 'bmp', width: 3, height: 2 });
    expectColours(pixelsOf(prepared.small), COLOURS);
    expectColours(pixelsOf(prepared.medium), COLOURS);
  });

  it('reads a 1-bit BMP', async () => {
    const prepared = await prepareImage(
      handMadeBmp({ pixels: BLACK_AND_WHITE, bitsPerPixel: 1, palette: [BLACK, WHITE] }),
    );
    expectColours(pixelsOf(prepared.small), BLACK_AND_WHITE);
  });

  it('lays a 32-bit BMP with an alpha mask on white', async () => {
    const pixels = [
      [
        [255, 0, 0, 255],
        [0, 0, 0, 0],
      ],
    ];
    const prepared = await prepareImage(handMadeBmp({ pixels, bitsPerPixel: 32, headerSize: 124, compression: 3 }));
    expectColours(pixelsOf(prepared.small), [[RED, WHITE]]);
  });
});

/** Crafted files whose header declares a huge image over a few bytes of data. */
const BOMBS: Record<ImageFormat, (width: number, height: number) => Buffer> = {
  png: (width, height) => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, not interlaced
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
  },
  jpeg: (width, height) => {
    const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    sof.writeUInt16BE(height, 5);
    sof.writeUInt16BE(width, 7);
    const sos = Buffer.from([0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]);
    return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, sos, Buffer.alloc(1024), Buffer.from([0xff, 0xd9])]);
  },
  gif: (width, height) => {
    const screen = Buffer.from('GIF89a\0\0\0\0\0\0\0', 'latin1');
    screen.writeUInt16LE(width, 6);
    screen.writeUInt16LE(height, 8);
    const frame = Buffer.from([0x2c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    frame.writeUInt16LE(width, 5);
    frame.writeUInt16LE(height, 7);
    return Buffer.concat([screen, frame]);
  },
  bmp: (width, height) => {
    const header = handMadeBmp({ pixels: [[[0, 0, 0]]], bitsPerPixel: 24 });
    header.writeInt32LE(width, 18);
    header.writeInt32LE(height, 22);
    return header;
  },
};

describe('pixel bombs', () => {
  it.each(FORMATS)('refuses a %s declaring 50,000 × 50,000 pixels, quickly and without the memory', async (format) => {
    const bomb = BOMBS[format](50_000, 50_000);
    expect(sniffImageFormat(bomb)).toBe(format);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const before = process.memoryUsage().rss;
    await expectRefused(prepareImage(bomb), 500);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  });

  it('refuses a GIF whose small screen holds a huge frame', async () => {
    const bomb = BOMBS.gif(50_000, 50_000);
    bomb.writeUInt16LE(10, 6);
    bomb.writeUInt16LE(10, 8);
    await expectRefused(prepareImage(bomb), 500);
  });

  it('holds GIF, BMP and interlaced PNG, which decode whole, to the lower limit', async () => {
    const width = 4096;
    const height = MAX_FULL_FRAME_PIXELS / width + 1;
    expect(width * height).toBeLessThan(MAX_IMAGE_PIXELS);
    const interlaced = BOMBS.png(width, height);
    interlaced[28] = 1;
    for (const bomb of [BOMBS.gif(width, height), BOMBS.bmp(width, height), interlaced]) {
      await expectRefused(prepareImage(bomb), 500);
    }
  });

  it('refuses a BMP whose 1-bit rows within the limit are not in the file', async () => {
    const bomb = BOMBS.bmp(4096, MAX_FULL_FRAME_PIXELS / 4096);
    bomb.writeUInt16LE(1, 28);
    await expectRefused(prepareImage(bomb), 500);
  });

  it('takes an image at the pixel limit, in bounded memory, and refuses one pixel row more', async () => {
    const side = Math.sqrt(MAX_IMAGE_PIXELS);
    const solid = (height: number) =>
      sharp({ create: { width: side, height, channels: 3, background: '#4a90d9' } })
        .png()
        .toBuffer();
    await expectRefused(prepareImage(await solid(side + 1)), 500);
    const image = await solid(side);
    expect(image.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const prepared = await prepareImage(image);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect(await sizeOf(prepared.medium)).toEqual({ width: 300, height: 300 });
  });
});

describe('storedImageName', () => {
  const AT = 1_700_000_000_000;

  it.each([
    ['logo.png', 'logo.png'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['C:\\Users\\me\\My Photo (1).JPG', 'My_Photo__1_.JPG'],
    ['café.png', 'caf_.png'],
    ['cafe\u0301.png', 'caf_.png'],
    ['😀 smile.gif', '__smile.gif'],
    ['a-b_c.d.bmp', 'a-b_c.d.bmp'],
    ['', 'image'],
    ['photos/', 'image'],
    ['..', 'image'],
  ])('stores %j as <epochMs>_%s', (original, name) => {
    expect(storedImageName(AT, original)).toBe(`${AT}_${name}`);
  });

  it('caps a long name at 100 characters, keeping its extension', () => {
    const name = storedImageName(AT, `${'x'.repeat(300)}.jpeg`).slice(`${AT}_`.length);
    expect(name).toBe(`${'x'.repeat(95)}.jpeg`);
    expect(storedImageName(AT, 'y'.repeat(300))).toBe(`${AT}_${'y'.repeat(100)}`);
  });

  it('is always one URL-safe path segment', () => {
    for (const original of ['/', '\\', 'a/b\\c', '%2e%2e%2fetc', 'x\0y.png', 'name?.png#frag', ' ']) {
      expect(storedImageName(AT, original)).toMatch(/^\d+_[A-Za-z0-9._-]{1,100}$/);
    }
  });
});

describe('makeImage', () => {
  it('refuses a size with no pixels or too many', async () => {
    await expect(makeImage(0, 10, 'png')).rejects.toBeInstanceOf(RangeError);
    await expect(makeImage(10.5, 10, 'png')).rejects.toBeInstanceOf(RangeError);
    await expect(makeImage(5000, 5000, 'png')).rejects.toBeInstanceOf(RangeError);
  });
});
