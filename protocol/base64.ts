/**
 * Standard base64 (RFC 4648 §4, with padding) on plain byte arrays, so the protocol layer needs
 * no runtime module (`node:buffer`) and behaves the same on Deno, Bun and Node.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d;

/** Decodes padded base64; returns null when the text is not valid base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const n = text.length;
  if (n % 4 !== 0) return null;
  const pad = n === 0
    ? 0
    : text.charCodeAt(n - 1) === PAD
    ? text.charCodeAt(n - 2) === PAD ? 2 : 1
    : 0;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const a = value(text, i), b = value(text, i + 1);
    const last = i + 4 === n;
    const c = last && pad === 2 ? 0 : value(text, i + 2);
    const d = last && pad >= 1 ? 0 : value(text, i + 3);
    if ((a | b | c | d) < 0) return null;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = bits >> 16;
    if (o < out.length) out[o++] = (bits >> 8) & 0xff;
    if (o < out.length) out[o++] = bits & 0xff;
  }
  return out;
}

function value(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUES[code] : -1;
}

/** Uint8Array's ES2025 encoder, where the runtime has it (Deno, Bun, current browsers). */
const nativeToBase64 = (Uint8Array.prototype as unknown as { toBase64?: () => string }).toBase64;

/** Encodes bytes as padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  // Native: 0.4–2 ms for 4 MB where the loop below takes 75–140 ms.
  if (nativeToBase64) return nativeToBase64.call(bytes);
  return encodeBase64Js(bytes);
}

/** The same in plain JavaScript (runtimes without Uint8Array.prototype.toBase64). */
export function encodeBase64Js(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Joined in slices so a many-megabyte input never builds one huge concatenation chain.
  for (let start = 0; start < bytes.length; start += 49152) {
    parts.push(encodeSlice(bytes, start, Math.min(bytes.length, start + 49152)));
  }
  return parts.join("");
}

function encodeSlice(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  let i = start;
  for (; i + 2 < end; i += 3) {
    const bits = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += ALPHABET[bits >> 18] + ALPHABET[(bits >> 12) & 63] + ALPHABET[(bits >> 6) & 63] +
      ALPHABET[bits & 63];
  }
  if (i < end) {
    const two = i + 1 < end;
    const bits = (bytes[i] << 16) | (two ? bytes[i + 1] << 8 : 0);
    s += ALPHABET[bits >> 18] + ALPHABET[(bits >> 12) & 63] +
      (two ? ALPHABET[(bits >> 6) & 63] : "=") + "=";
  }
  return s;
}
