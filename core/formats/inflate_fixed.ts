/**
 * A small inflater for the zlib streams stb_image_write (and so Goxel) writes: fixed-Huffman
 * and stored blocks only. `.gox` files hold one such stream per 16³ block, so decoding them
 * here avoids a native zlib call, its buffers and its stream object per block (the per-call
 * cost dominates for 16 KiB outputs, most of all in the compiled binary's runtime). Anything
 * else (dynamic Huffman blocks, a stream longer than the output) returns −1 so the caller can
 * hand the stream to node:zlib, which also gives the precise error.
 *
 * The Adler-32 trailer is checked only with `verify` (it costs as much as the inflating):
 * Goxel's own reader (stb_image) does not check it either, and every structural error — a bad
 * code, a distance before the start, a wrong length — is still caught.
 */
import {
  adler32,
  DIST_BASE,
  DIST_EXTRA,
  fixedLiteralCode,
  LENGTH_BASE,
  LENGTH_EXTRA,
  reverseBits,
} from "./deflate_tables.ts";

/** Fixed literal/length codes indexed by the next 9 input bits: (symbol << 4) | code length. */
const LIT = new Uint16Array(512);
/** Fixed distance codes indexed by the next 5 input bits. */
const DIST = new Uint8Array(32);
for (let s = 0; s < 288; s++) {
  const [code, len] = fixedLiteralCode(s);
  const r = reverseBits(code, len);
  for (let k = 0; k < 1 << (9 - len); k++) LIT[r | (k << len)] = (s << 4) | len;
}
for (let d = 0; d < 32; d++) DIST[reverseBits(d, 5)] = d;

/** LSB-first bit reader; reads zeros past the end (the caller checks where it stopped). */
class Bits {
  pos: number;
  buf = 0;
  count = 0;
  constructor(readonly src: Uint8Array, start: number) {
    this.pos = start;
  }
  need(n: number): void {
    while (this.count < n) {
      const byte = this.pos < this.src.length ? this.src[this.pos] : 0;
      this.pos++;
      this.buf |= byte << this.count;
      this.count += 8;
    }
  }
  take(n: number): number {
    this.need(n);
    const v = this.buf & ((1 << n) - 1);
    this.buf >>>= n;
    this.count -= n;
    return v;
  }
  /** Drops the bits up to the next byte boundary and returns the position of that byte. */
  align(): number {
    this.pos -= this.count >> 3;
    this.buf = 0;
    this.count = 0;
    return this.pos;
  }
}

/** Copies a match; long ones double a periodic run with copyWithin instead of byte by byte. */
function copyMatch(out: Uint8Array, o: number, dist: number, length: number): number {
  const end = o + length;
  if (length < 32) {
    for (; o < end; o++) out[o] = out[o - dist];
    return o;
  }
  // A run of one byte (how empty voxels compress) is one fill.
  if (dist === 1) {
    out.fill(out[o - 1], o, end);
    return end;
  }
  const from = o - dist;
  while (o < end) {
    const n = Math.min(o - from, end - o);
    out.copyWithin(o, from, from + n);
    o += n;
  }
  return o;
}

/** Decodes one fixed-Huffman block into `out` from `o`; returns the new end or −1. */
function fixedBlock(b: Bits, out: Uint8Array, o: number): number {
  for (;;) {
    b.need(9);
    const e = LIT[b.buf & 511], len = e & 15, sym = e >> 4;
    b.buf >>>= len;
    b.count -= len;
    if (sym < 256) {
      if (o >= out.length) return -1;
      out[o++] = sym;
      continue;
    }
    if (sym === 256) return o;
    const li = sym - 257;
    if (li >= 29) return -1;
    const length = LENGTH_BASE[li] + b.take(LENGTH_EXTRA[li]);
    b.need(5);
    const di = DIST[b.buf & 31];
    b.buf >>>= 5;
    b.count -= 5;
    if (di >= 30) return -1;
    const dist = DIST_BASE[di] + b.take(DIST_EXTRA[di]);
    if (dist > o || o + length > out.length) return -1;
    o = copyMatch(out, o, dist, length);
  }
}

/**
 * Inflates a zlib stream of fixed-Huffman and stored blocks into `out`; returns the number of
 * bytes written, or −1 when the stream needs node:zlib (see the module comment).
 */
export function inflateFixed(src: Uint8Array, out: Uint8Array, verify = true): number {
  if (src.length < 7) return -1;
  const cmf = src[0], flg = src[1];
  if ((cmf & 15) !== 8 || ((cmf << 8) | flg) % 31 !== 0 || flg & 32) return -1;
  const b = new Bits(src, 2);
  let o = 0, final = 0;
  while (!final) {
    final = b.take(1);
    const type = b.take(2);
    if (type === 1) o = fixedBlock(b, out, o);
    else if (type === 0) {
      const at = b.align();
      if (at + 4 > src.length) return -1;
      const len = src[at] | src[at + 1] << 8, nlen = src[at + 2] | src[at + 3] << 8;
      if ((len ^ 0xffff) !== nlen || at + 4 + len > src.length || o + len > out.length) return -1;
      out.set(src.subarray(at + 4, at + 4 + len), o);
      o += len;
      b.pos = at + 4 + len;
    } else return -1;
    if (o < 0 || b.pos > src.length) return -1;
  }
  const at = b.align();
  if (at + 4 > src.length) return -1;
  if (!verify) return o;
  const expected = (src[at] << 24 | src[at + 1] << 16 | src[at + 2] << 8 | src[at + 3]) >>> 0;
  return adler32(out.subarray(0, o)) === expected ? o : -1;
}
