/**
 * The zlib compressor of stb_image_write v1.16 (quality 8), re-implemented from its documented
 * behaviour so that PNGs written by Goxel can be reproduced byte for byte: one fixed-Huffman
 * block, a 14-bit hash of 3-byte prefixes with buckets of at most 16 positions, one step of
 * lazy matching, and a stored-block fallback when compression does not pay.
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

const HASH_BITS = 14;
const HASH_SIZE = 1 << HASH_BITS;
/** stb's default `stbi_write_png_compression_level`; buckets hold up to 2× this many entries. */
const QUALITY = 8;
const BUCKET = 2 * QUALITY;
const MAX_MATCH = 258;
const STORED_MAX = 32767;

/** Fixed-Huffman literal/length codes, already bit-reversed for LSB-first packing. */
const FIXED_CODE = new Uint16Array(288);
const FIXED_LEN = new Uint8Array(288);
for (let s = 0; s < 288; s++) {
  const [code, len] = fixedLiteralCode(s);
  FIXED_CODE[s] = reverseBits(code, len);
  FIXED_LEN[s] = len;
}
const DIST_CODE = Uint8Array.from({ length: 30 }, (_, j) => reverseBits(j, 5));

/** LSB-first bit packer over a pre-sized byte buffer. */
class BitWriter {
  bytes: Uint8Array;
  pos = 0;
  #buf = 0;
  #count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  add(code: number, bits: number): void {
    this.#buf |= code << this.#count;
    this.#count += bits;
    while (this.#count >= 8) {
      this.bytes[this.pos++] = this.#buf & 255;
      this.#buf >>>= 8;
      this.#count -= 8;
    }
  }

  symbol(s: number): void {
    this.add(FIXED_CODE[s], FIXED_LEN[s]);
  }

  /** Pads with zero bits to the next byte boundary. */
  flush(): void {
    if (this.#count > 0) this.add(0, 8 - this.#count);
  }
}

function hash3(data: Uint8Array, i: number): number {
  let h = (data[i] | data[i + 1] << 8 | data[i + 2] << 16) >>> 0;
  h = (h ^ (h << 3)) >>> 0;
  h = (h + (h >>> 5)) >>> 0;
  h = (h ^ (h << 4)) >>> 0;
  h = (h + (h >>> 17)) >>> 0;
  h = (h ^ (h << 25)) >>> 0;
  h = (h + (h >>> 6)) >>> 0;
  return h & (HASH_SIZE - 1);
}

function matchLength(data: Uint8Array, a: number, b: number, limit: number): number {
  const max = limit < MAX_MATCH ? limit : MAX_MATCH;
  let k = 0;
  while (k < max && data[a + k] === data[b + k]) k++;
  return k;
}

function writeMatch(w: BitWriter, length: number, dist: number): void {
  let j = 0;
  while (length > LENGTH_BASE[j + 1] - 1) j++;
  w.symbol(j + 257);
  if (LENGTH_EXTRA[j]) w.add(length - LENGTH_BASE[j], LENGTH_EXTRA[j]);
  j = 0;
  while (dist > DIST_BASE[j + 1] - 1) j++;
  w.add(DIST_CODE[j], 5);
  if (DIST_EXTRA[j]) w.add(dist - DIST_BASE[j], DIST_EXTRA[j]);
}

/**
 * The hash buckets of one compressor (1 MiB): allocated once and reused for every stream it
 * compresses (a `.gox` file compresses one stream per block), since only the counts need
 * clearing between streams.
 */
export class StbScratch {
  readonly table = new Int32Array(HASH_SIZE * BUCKET);
  readonly counts = new Uint8Array(HASH_SIZE);
}

/** Compresses `data` into the body of one fixed-Huffman deflate block (without zlib framing). */
function deflateFixed(data: Uint8Array, w: BitWriter, scratch: StbScratch): void {
  const len = data.length;
  const table = scratch.table;
  const counts = scratch.counts;
  counts.fill(0);
  w.add(1, 1); // BFINAL
  w.add(1, 2); // BTYPE = fixed Huffman
  let i = 0;
  while (i < len - 3) {
    let h = hash3(data, i), base = h * BUCKET, n = counts[h];
    // stb keeps the longest match, the most recent one among equals: scanning the bucket from
    // its newest entry and keeping only strictly longer matches picks the same one, and can
    // stop at the longest length possible (the common case in repetitive voxel data).
    const most = len - i < MAX_MATCH ? len - i : MAX_MATCH;
    let best = 2, bestLoc = -1;
    for (let j = n - 1; j >= 0 && best < most; j--) {
      const p = table[base + j];
      // Quick reject: a longer match needs byte `best` to agree.
      if (p > i - 32768 && data[p + best] === data[i + best]) {
        const d = matchLength(data, p, i, len - i);
        if (d > best) {
          best = d;
          bestLoc = p;
        }
      }
    }
    if (bestLoc < 0) best = 3;
    if (n === BUCKET) {
      table.copyWithin(base, base + QUALITY, base + BUCKET);
      n = QUALITY;
    }
    table[base + n] = i;
    counts[h] = n + 1;
    if (bestLoc >= 0 && best < MAX_MATCH && best < len - i - 1) {
      // Lazy matching: give up this match when the next position has a strictly longer one
      // (impossible when the match already has the longest length available there).
      h = hash3(data, i + 1), base = h * BUCKET, n = counts[h];
      for (let j = 0; j < n; j++) {
        const p = table[base + j];
        if (
          p > i - 32767 && data[p + best] === data[i + 1 + best] &&
          matchLength(data, p, i + 1, len - i - 1) > best
        ) {
          bestLoc = -1;
          break;
        }
      }
    }
    if (bestLoc >= 0) {
      writeMatch(w, best, i - bestLoc);
      i += best;
    } else {
      w.symbol(data[i++]);
    }
  }
  for (; i < len; i++) w.symbol(data[i]);
  w.symbol(256);
  w.flush();
}

/**
 * Compresses `data` into a zlib stream exactly like stb_image_write's `stbi_zlib_compress`;
 * pass the same `scratch` to compress many streams without reallocating the hash table.
 */
export function stbZlibCompress(data: Uint8Array, scratch = new StbScratch()): Uint8Array {
  const len = data.length;
  // Fixed codes take at most 9 bits per literal; 64 bytes cover header, end code and padding.
  const w = new BitWriter(Math.ceil(len * 9 / 8) + 64 + 5 * Math.ceil(len / STORED_MAX));
  w.add(0x78, 8);
  w.add(0x5e, 8);
  deflateFixed(data, w, scratch);
  if (w.pos > len + 2 + Math.ceil(len / STORED_MAX) * 5) {
    w.pos = 2;
    for (let j = 0; j < len;) {
      const blockLen = Math.min(len - j, STORED_MAX);
      const b = w.bytes;
      b[w.pos++] = len - j === blockLen ? 1 : 0;
      b[w.pos++] = blockLen & 255;
      b[w.pos++] = blockLen >> 8;
      b[w.pos++] = ~blockLen & 255;
      b[w.pos++] = (~blockLen >> 8) & 255;
      b.set(data.subarray(j, j + blockLen), w.pos);
      w.pos += blockLen;
      j += blockLen;
    }
  }
  const adler = adler32(data);
  const out = w.bytes.subarray(0, w.pos + 4);
  new DataView(out.buffer, out.byteOffset).setUint32(w.pos, adler);
  return out.slice();
}
