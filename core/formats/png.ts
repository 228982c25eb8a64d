/**
 * PNG encoding and decoding: `encodePngStb` reproduces the bytes stb_image_write (and so
 * Goxel) produces, `encodePng` is a faster general encoder on node:zlib, and `decodePng`
 * reads 8/16-bit and low-depth non-interlaced PNGs of every colour type into RGBA8.
 */
import { constants as zlibConstants, deflateRawSync } from "node:zlib";
import { adler32, adler32Combine } from "./deflate_tables.ts";
import { StbScratch, stbZlibCompress } from "./stb_zlib.ts";
import { type Scratch, takeArray } from "../scratch.ts";

export { StbScratch };

export { type DecodedPng, decodePng } from "./png_decode.ts";

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

/** Returns the CRC-32 (as used by PNG and zip) of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Options of `encodePng`. */
export interface EncodePngOptions {
  /** zlib compression level 0..9 (default PNG_LEVEL). */
  level?: number;
}

/**
 * Default zlib level of `encodePng`: 3 writes renders 5–8 % larger than 6 in two thirds of the
 * time (monu9 at 512²: 1.9 vs 2.8 ms; at 1024²: 5.8 vs 8.5 ms).
 */
export const PNG_LEVEL = 3;

/** PNG filter type 1: each byte minus the one a pixel to its left. */
const SUB = 1;

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Writes row `y` filtered with `type` into `line` (stored mod 256 by the Uint8Array). Row 0
 * sees a zero previous row, as in stb: type 2 acts as 0, type 3 as "left/2", type 4 as "left".
 */
function filterLine(
  px: Uint8Array,
  stride: number,
  n: number,
  y: number,
  type: number,
  line: Uint8Array,
) {
  const row = y * stride, up = row - stride, hasUp = y > 0;
  if (type === 0 || (type === 2 && !hasUp)) {
    line.set(px.subarray(row, row + stride));
  } else if (type === 1 || (type === 4 && !hasUp)) {
    for (let i = 0; i < n; i++) line[i] = px[row + i];
    for (let i = n; i < stride; i++) line[i] = px[row + i] - px[row + i - n];
  } else if (type === 2) {
    for (let i = 0; i < stride; i++) line[i] = px[row + i] - px[up + i];
  } else if (type === 3) {
    for (let i = 0; i < n; i++) line[i] = px[row + i] - (hasUp ? px[up + i] >> 1 : 0);
    for (let i = n; i < stride; i++) {
      line[i] = px[row + i] - ((px[row + i - n] + (hasUp ? px[up + i] : 0)) >> 1);
    }
  } else {
    for (let i = 0; i < n; i++) line[i] = px[row + i] - px[up + i];
    for (let i = n; i < stride; i++) {
      line[i] = px[row + i] - paeth(px[row + i - n], px[up + i], px[up + i - n]);
    }
  }
}

/** |(int8) v| for every byte value. */
const ABS8 = Uint8Array.from({ length: 256 }, (_, v) => v < 128 ? v : 256 - v);

/**
 * Returns the first filter type with the strictly smallest `Σ |(int8) filtered byte|` for row
 * `y` (stb's heuristic), computing the five estimates in one pass. Missing neighbours are 0,
 * which gives exactly stb's row-0 substitutions.
 */
function chooseFilter(px: Uint8Array, stride: number, n: number, y: number): number {
  const row = y * stride, up = row - stride, hasUp = y > 0;
  // Shortcuts that give the same answer: an all-zero row has e0 = 0 (type 0 wins ties); a
  // row equal to the one above (and not all zero) has e2 = 0 with e0, e1 > 0. Both are common
  // in voxel tiles and skip the five sums.
  let i = 0;
  while (i < stride && px[row + i] === 0) i++;
  if (i === stride) return 0;
  if (hasUp) {
    let k = 0;
    while (k < stride && px[row + k] === px[up + k]) k++;
    if (k === stride) return 2;
  }
  // |(int8) v| of a byte difference is ABS8[v & 255]; one pass, no calls (hot in .gox saves).
  let e0 = 0, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
  for (let i = 0; i < n; i++) {
    const x = px[row + i], b = hasUp ? px[up + i] : 0;
    const ax = ABS8[x], ab = ABS8[(x - b) & 255];
    e0 += ax, e1 += ax, e2 += ab, e3 += ABS8[(x - (b >> 1)) & 255], e4 += ab;
  }
  if (hasUp) {
    for (let i = n; i < stride; i++) {
      const x = px[row + i], a = px[row + i - n], b = px[up + i], c = px[up + i - n];
      const p = a + b - c;
      const pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
      const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      e0 += ABS8[x];
      e1 += ABS8[(x - a) & 255];
      e2 += ABS8[(x - b) & 255];
      e3 += ABS8[(x - ((a + b) >> 1)) & 255];
      e4 += ABS8[(x - pred) & 255];
    }
  } else {
    // Row 0: b = c = 0, so paeth predicts a.
    for (let i = n; i < stride; i++) {
      const x = px[row + i], a = px[row + i - n], ax = ABS8[x], d = ABS8[(x - a) & 255];
      e0 += ax, e1 += d, e2 += ax, e3 += ABS8[(x - (a >> 1)) & 255], e4 += d;
    }
  }
  let best = 0, min = e0;
  if (e1 < min) (best = 1, min = e1);
  if (e2 < min) (best = 2, min = e2);
  if (e3 < min) (best = 3, min = e3);
  if (e4 < min) best = 4;
  return best;
}

/**
 * Filters every row, each starting with its type byte: with the type stb's heuristic picks, or
 * with `fixed` on every row.
 */
function filterImage(
  px: Uint8Array,
  width: number,
  height: number,
  n: number,
  fixed?: number,
  scratch: Scratch | null = null,
): Uint8Array {
  const stride = width * n;
  const out = takeArray(scratch, "png filtered", Uint8Array, (stride + 1) * height);
  if (fixed === SUB && n === 4 && px.byteOffset % 4 === 0) return subFilterRgba(px, stride, out);
  for (let y = 0; y < height; y++) {
    const type = fixed ?? chooseFilter(px, stride, n, y);
    out[y * (stride + 1)] = type;
    filterLine(px, stride, n, y, type, out.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
  }
  return out;
}

/**
 * filterImage with Sub on every row of 4-byte pixels, a pixel at a time: each byte minus the
 * one a pixel to its left, mod 256, four lanes in one 32-bit word (lanes never borrow from one
 * another: x | 0x80 stays above y & 0x7f, and the xor puts the top bits right). Same bytes as
 * filterLine, about a third of the time.
 */
function subFilterRgba(px: Uint8Array, stride: number, out: Uint8Array): Uint8Array {
  const words = stride / 4, height = px.length / stride;
  const src = new Uint32Array(px.buffer, px.byteOffset, words * height);
  const line = new Uint32Array(words), lineBytes = new Uint8Array(line.buffer);
  for (let y = 0, w = 0; y < height; y++, w += words) {
    line[0] = src[w];
    for (let i = 1; i < words; i++) {
      const x = src[w + i], l = src[w + i - 1];
      line[i] = ((x | 0x80808080) - (l & 0x7f7f7f7f)) ^ ((x ^ ~l) & 0x80808080);
    }
    const o = y * (stride + 1);
    out[o] = SUB;
    out.set(lineBytes, o + 1);
  }
  return out;
}

function writeChunk(out: Uint8Array, view: DataView, pos: number, type: string, data: Uint8Array) {
  view.setUint32(pos, data.length);
  for (let i = 0; i < 4; i++) out[pos + 4 + i] = type.charCodeAt(i);
  out.set(data, pos + 8);
  view.setUint32(pos + 8 + data.length, crc32(out, pos + 4, pos + 8 + data.length));
  return pos + 12 + data.length;
}

/** Wraps a zlib stream of filtered RGB or RGBA rows into a PNG (IHDR, one IDAT, IEND). */
function assemblePng(
  width: number,
  height: number,
  channels: number,
  zdata: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(8 + 25 + 12 + zdata.length + 12);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE);
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8);
  let pos = writeChunk(out, view, 8, "IHDR", ihdr);
  pos = writeChunk(out, view, pos, "IDAT", zdata);
  writeChunk(out, view, pos, "IEND", new Uint8Array(0));
  return out;
}

function checkPixels(width: number, height: number, px: Uint8Array, channels = 4): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size ${width}×${height} is not a positive integer size`);
  }
  if (channels !== 3 && channels !== 4) throw new RangeError(`PNG channels must be 3 or 4`);
  if (px.length !== width * height * channels) {
    throw new RangeError(
      `PNG pixel buffer holds ${px.length} bytes, expected ${width * height * channels}`,
    );
  }
}

/**
 * Encodes RGBA8 (or, with `channels` 3, RGB8) pixels, row-major and top row first, exactly as
 * stb_image_write does in Goxel. `scratch` lets a caller encoding many images reuse buffers.
 */
export function encodePngStb(
  width: number,
  height: number,
  pixels: Uint8Array,
  channels = 4,
  scratch?: StbScratch,
): Uint8Array {
  checkPixels(width, height, pixels, channels);
  const filtered = filterImage(pixels, width, height, channels);
  return assemblePng(width, height, channels, stbZlibCompress(filtered, scratch));
}

/**
 * Encodes RGBA8 pixels as a PNG quickly: the Sub filter on every row, node:zlib deflate. (stb's
 * per-row choice took three times the deflate's time on a 1024² render, 18 vs 6 ms, and its
 * output was 10 % larger than Sub's on renders.)
 */
export function encodePng(
  width: number,
  height: number,
  rgba: Uint8Array,
  options: EncodePngOptions = {},
): Uint8Array {
  checkPixels(width, height, rgba);
  return assemblePngParts(width, height, [encodePngPart(width, rgba, options.level)]);
}

/**
 * A run of a picture's rows filtered and deflated on their own (raw deflate ending on a sync
 * flush, so runs can be concatenated), with the Adler-32 and length of the filtered bytes:
 * workers encode their own rows and `assemblePngParts` joins them into one zlib stream.
 */
export interface PngPart {
  data: Uint8Array;
  adler: number;
  length: number;
}

/**
 * Filters (Sub) and deflates RGBA rows `width` pixels wide into a part (see PngPart); the
 * filtered rows go to an array of `scratch` if given.
 */
export function encodePngPart(
  width: number,
  rgba: Uint8Array,
  level = PNG_LEVEL,
  scratch: Scratch | null = null,
): PngPart {
  const height = rgba.length / (width * 4);
  checkPixels(width, height, rgba);
  const filtered = filterImage(rgba, width, height, 4, SUB, scratch);
  const out = deflateRawSync(filtered, { level, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  // A copy in a buffer of its own: the zlib output may sit in a shared pool, and parts are
  // moved between threads.
  return { data: new Uint8Array(out), adler: adler32(filtered), length: filtered.length };
}

/** Joins the parts of a picture's rows, top to bottom, into a PNG (see PngPart). */
export function assemblePngParts(width: number, height: number, parts: PngPart[]): Uint8Array {
  const rows = parts.reduce((n, p) => n + p.length, 0);
  if (rows !== (width * 4 + 1) * height) {
    throw new RangeError(
      `PNG parts hold ${rows} filtered bytes, a ${width}×${height} needs ${
        (width * 4 + 1) * height
      }`,
    );
  }
  const size = parts.reduce((n, p) => n + p.data.length, 0);
  // zlib header (deflate, 32 KiB window), the parts, an empty final block, the Adler-32.
  const z = new Uint8Array(2 + size + 2 + 4);
  z[0] = 0x78, z[1] = 0x5e;
  let pos = 2, adler = 1;
  for (const p of parts) {
    z.set(p.data, pos);
    pos += p.data.length;
    adler = adler32Combine(adler, p.adler, p.length);
  }
  z[pos] = 0x03, z[pos + 1] = 0x00;
  new DataView(z.buffer).setUint32(pos + 2, adler);
  return assemblePng(width, height, 4, z);
}
