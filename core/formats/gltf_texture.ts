/**
 * Goxel's glTF palette texture (`src/formats/gltf.c`): every distinct RGBA value of every
 * layer, each painted as a 4×4 block of an RGB PNG encoded byte-for-byte like stb_image_write.
 */
import type { Image } from "../image.ts";
import { TILE_VOXELS } from "../volume.ts";
import { crc32 } from "./png.ts";
import { stbZlibCompress } from "./stb_zlib.ts";

/** Distinct colours in first-occurrence order. */
export class ColorPalette {
  readonly colors: number[] = [];
  #index = new Map<number, number>();

  /** Returns the index of a colour, appending it when new. */
  add(color: number): number {
    let i = this.#index.get(color);
    if (i === undefined) {
      i = this.colors.length;
      this.colors.push(color);
      this.#index.set(color, i);
    }
    return i;
  }
}

/**
 * Collects every voxel value of every layer (hidden ones and fully transparent voxels
 * included) in iteration order, as Goxel does before meshing.
 */
export function collectPalette(image: Image): ColorPalette {
  const palette = new ColorPalette();
  for (const layer of image.layers) {
    for (const [, , , voxels] of layer.volume.tiles()) {
      let last = -1;
      for (let i = 0; i < TILE_VOXELS; i++) {
        if (voxels[i] !== last) palette.add(last = voxels[i]);
      }
    }
  }
  return palette;
}

/** Returns the number of 4×4 colour blocks per texture row: max(nextPow2(⌈√n⌉), 16). */
export function paletteGrid(colorCount: number): number {
  let g = 1;
  while (g < Math.ceil(Math.sqrt(colorCount))) g *= 2;
  return Math.max(g, 16);
}

/** Renders the palette texture (RGB, 4·grid pixels square) and encodes it as stb would. */
export function encodePaletteTexture(palette: ColorPalette): Uint8Array {
  const grid = paletteGrid(palette.colors.length), side = grid * 4;
  const rgb = new Uint8Array(side * side * 3);
  palette.colors.forEach((c, k) => {
    const x0 = (k % grid) * 4, y0 = Math.floor(k / grid) * 4;
    for (let y = y0; y < y0 + 4; y++) {
      for (let x = x0; x < x0 + 4; x++) {
        const o = (y * side + x) * 3;
        rgb[o] = c & 255;
        rgb[o + 1] = (c >>> 8) & 255;
        rgb[o + 2] = (c >>> 16) & 255;
      }
    }
  });
  return encodeRgbPngStb(side, side, rgb);
}

/** Encodes RGB8 pixels as stb_image_write does: per-row best filter, stb's zlib, one IDAT. */
export function encodeRgbPngStb(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const zdata = stbZlibCompress(filterRows(rgb, width * 3, height, 3));
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [chunk("IHDR", ihdr), chunk("IDAT", zdata), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(8 + parts.reduce((n, p) => n + p.length, 0));
  out.set([137, 80, 78, 71, 13, 10, 26, 10]);
  let pos = 8;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Returns a PNG chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length), view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Filters each row with the first of types 0..4 whose Σ|(int8) byte| is smallest; row 0
 * sees an all-zero previous row (stb's behaviour).
 */
function filterRows(px: Uint8Array, stride: number, height: number, n: number): Uint8Array {
  const out = new Uint8Array((stride + 1) * height), line = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    let best = 0, bestCost = Infinity;
    for (let type = 0; type < 5; type++) {
      const cost = filterRow(px, stride, n, y, type, line);
      if (cost < bestCost) [best, bestCost] = [type, cost];
    }
    filterRow(px, stride, n, y, best, line);
    out[y * (stride + 1)] = best;
    out.set(line, y * (stride + 1) + 1);
  }
  return out;
}

/** Writes row `y` filtered with `type` into `line`; returns stb's cost estimate. */
function filterRow(
  px: Uint8Array,
  stride: number,
  n: number,
  y: number,
  type: number,
  line: Uint8Array,
): number {
  const row = y * stride, up = row - stride;
  let cost = 0;
  for (let i = 0; i < stride; i++) {
    const a = i >= n ? px[row + i - n] : 0, b = y > 0 ? px[up + i] : 0;
    const c = i >= n && y > 0 ? px[up + i - n] : 0;
    const predictors = [0, a, b, (a + b) >> 1, paeth(a, b, c)];
    const v = (px[row + i] - predictors[type]) & 255;
    line[i] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

/** The PNG Paeth predictor. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
