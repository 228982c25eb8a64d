/**
 * The fast path for BL16 blocks: a 64×64 8-bit RGBA PNG (what Goxel writes) decoded straight
 * into a tile's 4096 voxels. Rows are unfiltered a pixel (4 bytes) at a time with SIMD-within-
 * a-register arithmetic on 32-bit words, which is exact for the Sub, Up and Average filters
 * (bytes never carry into each other); Paeth rows go byte by byte. Anything else — another
 * size or colour type, interlacing, a truncated or corrupt stream — returns null so the caller
 * takes the general PNG decoder (and its precise error messages).
 */
import { inflateSync } from "node:zlib";
import { inflateFixed } from "./inflate_fixed.ts";

const SIDE = 64;
const ROW = SIDE * 4;
const RAW = (ROW + 1) * SIDE;
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

// Words are handled as int32 (Int32Array views) so engines keep them as small integers.

/** Per-byte a + b (mod 256) of two words. */
function add8(a: number, b: number): number {
  return (((a & 0x7f7f7f7f) + (b & 0x7f7f7f7f)) ^ ((a ^ b) & 0x80808080)) | 0;
}

/** Per-byte ⌊(a + b) / 2⌋ of two words. */
function avg8(a: number, b: number): number {
  return ((a & b) + (((a ^ b) & 0xfefefefe) >>> 1)) | 0;
}

/** The big-endian uint32 at `at` (PNG's byte order). */
function u32(b: Uint8Array, at: number): number {
  return (b[at] << 24 | b[at + 1] << 16 | b[at + 2] << 8 | b[at + 3]) >>> 0;
}

/** Returns the IDAT stream of a 64×64 RGBA8 non-interlaced PNG, or null. */
function idatOf(png: Uint8Array): Uint8Array | null {
  if (png.length < 45 || SIGNATURE.some((b, i) => png[i] !== b)) return null;
  if (u32(png, 8) !== 13 || u32(png, 12) !== 0x49484452) return null; // IHDR
  if (u32(png, 16) !== SIDE || u32(png, 20) !== SIDE) return null;
  if (u32(png, 24) !== 0x08060000 || png[28] !== 0) return null; // 8-bit RGBA, methods 0
  let pos = 33, idat: Uint8Array | null = null;
  while (pos + 12 <= png.length) {
    const len = u32(png, pos), type = u32(png, pos + 4);
    if (len > png.length - pos - 12) return null;
    if (type === 0x49444154) {
      if (idat) return null; // several IDATs: the general decoder joins them
      idat = png.subarray(pos + 8, pos + 8 + len);
    } else if (type === 0x49454e44) break; // IEND
    pos += 12 + len;
  }
  return idat;
}

/** Where a row is copied to in the scratch buffer (after the inflated bytes, word-aligned). */
const ROW_AT = (RAW + 3) & ~3;

/**
 * Buffers one decoder reuses for every block: the inflated bytes and, in the same buffer, the
 * row being unfiltered (copied there with copyWithin, which allocates nothing).
 */
export class BlockScratch {
  readonly all = new Uint8Array(ROW_AT + ROW);
  readonly raw = this.all.subarray(0, RAW);
  readonly row = this.all.subarray(ROW_AT);
  readonly words = new Int32Array(this.all.buffer, ROW_AT, SIDE);
}

/** Undoes the row filters of scratch.raw (64 rows of a filter byte + 256 bytes) into `out`. */
function unfilter(out: Int32Array, scratch: BlockScratch): boolean {
  const { all, row, words } = scratch;
  let bytes: Uint8Array | null = null; // Paeth rows only
  for (let y = 0; y < SIDE; y++) {
    const start = y * (ROW + 1) + 1, type = all[start - 1], o = y * SIDE, up = o - SIDE;
    if (type > 4) return false;
    all.copyWithin(ROW_AT, start, start + ROW);
    if (type === 0 || (type === 2 && y === 0)) out.set(words, o);
    else if (type === 1 || (type === 4 && y === 0)) {
      let left = 0;
      for (let i = 0; i < SIDE; i++) out[o + i] = left = add8(words[i], left);
    } else if (type === 2) {
      for (let i = 0; i < SIDE; i++) out[o + i] = add8(words[i], out[up + i]);
    } else if (type === 3) {
      let left = 0;
      for (let i = 0; i < SIDE; i++) {
        out[o + i] = left = add8(words[i], avg8(left, y > 0 ? out[up + i] : 0));
      }
    } else paeth(row, bytes ??= new Uint8Array(out.buffer, out.byteOffset, 4 * out.length), 4 * o);
  }
  return true;
}

function paeth(row: Uint8Array, out: Uint8Array, o: number): void {
  const up = o - ROW;
  for (let i = 0; i < 4; i++) out[o + i] = row[i] + out[up + i];
  for (let i = 4; i < ROW; i++) {
    const a = out[o + i - 4], b = out[up + i], c = out[up + i - 4];
    const p = a + b - c;
    const pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
    out[o + i] = row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
  }
}

/**
 * Decodes a Goxel BL16 PNG into 4096 voxels, or returns null (see the module comment). Like
 * Goxel's reader, the zlib Adler-32 is not verified on the fast path (inflate_fixed.ts).
 */
export function decodeBlockPng(png: Uint8Array, scratch = new BlockScratch()): Uint32Array | null {
  const idat = idatOf(png);
  if (!idat) return null;
  if (inflateFixed(idat, scratch.raw, false) !== RAW) {
    let raw: Uint8Array;
    try {
      raw = inflateSync(idat, { maxOutputLength: RAW + 4096 });
    } catch {
      return null;
    }
    if (raw.length < RAW) return null;
    scratch.raw.set(raw.subarray(0, RAW));
  }
  const out = new Uint32Array(SIDE * SIDE);
  return unfilter(new Int32Array(out.buffer), scratch) ? out : null;
}
