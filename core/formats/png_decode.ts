/** PNG decoding into RGBA8: every colour type and bit depth, non-interlaced, bounds-checked. */
import { inflateSync } from "node:zlib";
import { FormatError } from "../errors.ts";
import { concatBytes } from "./bytes.ts";
import { inflateFixed } from "./inflate_fixed.ts";

/** A decoded PNG: RGBA8 pixels, row-major, top row first. */
export interface DecodedPng {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Largest image accepted (8192² pixels, 256 MiB of RGBA) so a hostile header cannot exhaust memory. */
const MAX_PIXELS = 1 << 26;
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Samples per pixel by colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
}

function fail(offset: number, message: string, cause?: unknown): never {
  throw new FormatError("png", offset, message, cause === undefined ? undefined : { cause });
}

function chunkName(bytes: Uint8Array, pos: number): string {
  let s = "";
  for (let i = 0; i < 4; i++) {
    const c = bytes[pos + i];
    s += c >= 32 && c < 127 ? String.fromCharCode(c) : "?";
  }
  return s;
}

function parseHeader(view: DataView, pos: number, length: number): Header {
  if (length !== 13) fail(pos, `chunk IHDR at byte ${pos} has ${length} bytes, expected 13`);
  const d = pos + 8;
  const h: Header = {
    width: view.getUint32(d),
    height: view.getUint32(d + 4),
    depth: view.getUint8(d + 8),
    colorType: view.getUint8(d + 9),
  };
  if (h.width < 1 || h.height < 1 || h.width * h.height > MAX_PIXELS) {
    fail(d, `image size ${h.width}×${h.height} is empty or larger than ${MAX_PIXELS} pixels`);
  }
  if (!DEPTHS[h.colorType]?.includes(h.depth)) {
    fail(d + 8, `colour type ${h.colorType} with bit depth ${h.depth} is not valid`);
  }
  if (view.getUint8(d + 10) !== 0 || view.getUint8(d + 11) !== 0) {
    fail(d + 10, "unknown compression or filter method");
  }
  if (view.getUint8(d + 12) !== 0) fail(d + 12, "interlaced PNGs are not supported");
  return h;
}

interface Chunks {
  header: Header;
  palette: Uint8Array | null;
  trns: Uint8Array | null;
  idat: Uint8Array[];
  idatOffset: number;
}

/** Walks the chunk list, checking every declared length against the bytes available. */
function readChunks(bytes: Uint8Array): Chunks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    fail(0, "data does not start with the PNG signature");
  }
  let header: Header | null = null, palette = null, trns = null, idatOffset = -1;
  const idat: Uint8Array[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    if (bytes.length - pos < 12) fail(pos, `chunk header is truncated at byte ${pos}`);
    const length = view.getUint32(pos), type = chunkName(bytes, pos + 4);
    if (length > bytes.length - pos - 12) {
      fail(pos, `chunk ${type} at byte ${pos} is truncated: declares ${length} bytes`);
    }
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (!header && type !== "IHDR") fail(pos, `chunk ${type} at byte ${pos} comes before IHDR`);
    if (type === "IHDR" && !header) header = parseHeader(view, pos, length);
    else if (type === "PLTE") palette = data;
    else if (type === "tRNS") trns = data;
    else if (type === "IDAT") {
      if (idatOffset < 0) idatOffset = pos;
      idat.push(data);
    } else if (type === "IEND") break;
    pos += 12 + length;
  }
  if (!header) fail(pos, "no IHDR chunk");
  if (idat.length === 0) fail(pos, "no IDAT chunk");
  if (header.colorType === 3 && !palette) fail(pos, "palette image has no PLTE chunk");
  return { header, palette, trns, idat, idatOffset };
}

function inflateRows(chunks: Chunks, rowBytes: number): Uint8Array {
  const { header, idat, idatOffset } = chunks;
  const expected = (rowBytes + 1) * header.height;
  let raw: Uint8Array;
  const joined = concatBytes(idat);
  // Streams written by stb (every Goxel PNG) inflate here without a native zlib call.
  const out = new Uint8Array(expected);
  if (inflateFixed(joined, out) === expected) return out;
  try {
    raw = inflateSync(joined, { maxOutputLength: expected + 4096 });
  } catch (e) {
    fail(idatOffset, `IDAT data does not inflate: ${(e as Error).message}`, e);
  }
  if (raw.length < expected) {
    fail(idatOffset, `IDAT data holds ${raw.length} bytes, expected ${expected}`);
  }
  return raw;
}

/** Reverses one row's filter into `out[row, row + rowBytes)` (missing neighbours are 0). */
function unfilterRow(
  src: Uint8Array,
  out: Uint8Array,
  row: number,
  rowBytes: number,
  bpp: number,
  y: number,
  type: number,
) {
  const up = row - rowBytes;
  if (type === 0 || (type === 2 && y === 0)) {
    out.set(src, row);
  } else if (type === 1 || (type === 4 && y === 0)) {
    for (let i = 0; i < bpp; i++) out[row + i] = src[i];
    for (let i = bpp; i < rowBytes; i++) out[row + i] = src[i] + out[row + i - bpp];
  } else if (type === 2) {
    for (let i = 0; i < rowBytes; i++) out[row + i] = src[i] + out[up + i];
  } else if (type === 3) {
    for (let i = 0; i < bpp; i++) out[row + i] = src[i] + (y > 0 ? out[up + i] >> 1 : 0);
    for (let i = bpp; i < rowBytes; i++) {
      out[row + i] = src[i] + ((out[row + i - bpp] + (y > 0 ? out[up + i] : 0)) >> 1);
    }
  } else {
    for (let i = 0; i < bpp; i++) out[row + i] = src[i] + out[up + i];
    for (let i = bpp; i < rowBytes; i++) {
      const a = out[row + i - bpp], b = out[up + i], c = out[up + i - bpp];
      const p = a + b - c;
      const pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
      out[row + i] = src[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }
  }
}

/** Undoes the per-row filters; returns the rows without their filter bytes. */
function unfilter(raw: Uint8Array, h: Header, rowBytes: number, bpp: number, at: number) {
  const out = new Uint8Array(rowBytes * h.height);
  for (let y = 0; y < h.height; y++) {
    const start = y * (rowBytes + 1), type = raw[start];
    if (type > 4) fail(at, `row ${y} has unknown filter type ${type}`);
    unfilterRow(
      raw.subarray(start + 1, start + 1 + rowBytes),
      out,
      y * rowBytes,
      rowBytes,
      bpp,
      y,
      type,
    );
  }
  return out;
}

/** Returns sample `k` of row `row` (depth ≤ 8 returns the raw value, 16 the full 16 bits). */
function sample(px: Uint8Array, row: number, k: number, depth: number): number {
  if (depth === 8) return px[row + k];
  if (depth === 16) return px[row + 2 * k] << 8 | px[row + 2 * k + 1];
  const bit = k * depth;
  return (px[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/** Converts unfiltered rows of any colour type to RGBA8. */
function toRgba(px: Uint8Array, chunks: Chunks, rowBytes: number): Uint8Array {
  const { width, height, depth, colorType } = chunks.header;
  const { palette, trns } = chunks;
  const n = CHANNELS[colorType], out = new Uint8Array(width * height * 4);
  const max = (1 << depth) - 1, to8 = (v: number) => depth === 16 ? v >> 8 : (v * 255 / max) | 0;
  const key = trns && colorType !== 3
    ? Array.from(
      { length: n },
      (_, i) => trns.length >= 2 * i + 2 ? trns[2 * i] << 8 | trns[2 * i + 1] : -1,
    )
    : null;
  for (let y = 0, o = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < width; x++, o += 4) {
      const s0 = sample(px, row, x * n, depth);
      if (colorType === 3) {
        const ok = 3 * s0 + 2 < palette!.length;
        out[o] = ok ? palette![3 * s0] : 0;
        out[o + 1] = ok ? palette![3 * s0 + 1] : 0;
        out[o + 2] = ok ? palette![3 * s0 + 2] : 0;
        out[o + 3] = trns && s0 < trns.length ? trns[s0] : 255;
        continue;
      }
      const g = n >= 3 ? sample(px, row, x * n + 1, depth) : s0;
      const b = n >= 3 ? sample(px, row, x * n + 2, depth) : s0;
      out[o] = to8(s0);
      out[o + 1] = to8(g);
      out[o + 2] = to8(b);
      if (n === 2 || n === 4) out[o + 3] = to8(sample(px, row, x * n + n - 1, depth));
      else {
        const isKey = key !== null && s0 === key[0] && (n === 1 || (g === key[1] && b === key[2]));
        out[o + 3] = isKey ? 0 : 255;
      }
    }
  }
  return out;
}

/** Decodes a PNG to RGBA8; throws FormatError("png", offset, …) on malformed input. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const chunks = readChunks(bytes);
  const h = chunks.header;
  const bitsPerPixel = CHANNELS[h.colorType] * h.depth;
  const rowBytes = Math.ceil(h.width * bitsPerPixel / 8);
  const raw = inflateRows(chunks, rowBytes);
  const px = unfilter(raw, h, rowBytes, Math.max(1, bitsPerPixel >> 3), chunks.idatOffset);
  if (h.colorType === 6 && h.depth === 8) return { width: h.width, height: h.height, rgba: px };
  return { width: h.width, height: h.height, rgba: toRgba(px, chunks, rowBytes) };
}
