/**
 * The deflate tables both zlib codecs share (RFC 1951 §3.2.5–3.2.6): length and distance bases
 * with their extra bits (each base list ends with a sentinel one past its last code), bit
 * reversal for LSB-first codes, the fixed-Huffman literal/length code of a symbol, and zlib's
 * Adler-32 checksum.
 */

// deno-fmt-ignore
export const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
  67, 83, 99, 115, 131, 163, 195, 227, 258, 259];
// deno-fmt-ignore
export const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
  5, 5, 5, 5, 0];
// deno-fmt-ignore
export const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
  769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577, 32768];
// deno-fmt-ignore
export const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
  11, 11, 12, 12, 13, 13];

/** Returns the low `bits` bits of `code` in reverse order. */
export function reverseBits(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++, code >>= 1) r = (r << 1) | (code & 1);
  return r;
}

/** The fixed-Huffman code of literal/length symbol `s` (0..287), MSB-first, and its length. */
export function fixedLiteralCode(s: number): [number, number] {
  return s <= 143 ? [0x30 + s, 8] : s <= 255 ? [0x190 + s - 144, 9] : s <= 279 ? [s - 256, 7] : [
    0xc0 + s - 280,
    8,
  ];
}

const ADLER_BASE = 65521;

/** Returns the Adler-32 checksum of `data` (with Bun's native code when there is one: 3× faster). */
export function adler32(data: Uint8Array): number {
  const bun = (globalThis as { Bun?: { hash: { adler32(d: Uint8Array): number } } }).Bun;
  return bun ? bun.hash.adler32(data) >>> 0 : adler32Js(data);
}

/** Returns the Adler-32 checksum of `data`, in JavaScript. */
export function adler32Js(data: Uint8Array): number {
  let s1 = 1, s2 = 0;
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i + 4 <= end; i += 4) {
      s1 += data[i];
      s2 += s1;
      s1 += data[i + 1];
      s2 += s1;
      s1 += data[i + 2];
      s2 += s1;
      s1 += data[i + 3];
      s2 += s1;
    }
    for (; i < end; i++) {
      s1 += data[i];
      s2 += s1;
    }
    s1 %= ADLER_BASE;
    s2 %= ADLER_BASE;
  }
  return ((s2 << 16) | s1) >>> 0;
}

/**
 * Returns the Adler-32 of A followed by B from theirs and B's length: the low sums add (less
 * the one both start from), and each of B's `length` running sums grows by A's low sum less 1.
 */
export function adler32Combine(first: number, second: number, length: number): number {
  const a1 = first & 0xffff, b1 = first >>> 16, a2 = second & 0xffff, b2 = second >>> 16;
  const a = (a1 + a2 + ADLER_BASE - 1) % ADLER_BASE;
  const b = (b1 + b2 + (length % ADLER_BASE) * ((a1 + ADLER_BASE - 1) % ADLER_BASE)) % ADLER_BASE;
  return (b * 65536 + a) >>> 0;
}
