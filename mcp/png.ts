/**
 * The little PNG support the contact sheet needs: decode the daemon's 8-bit RGB/RGBA renders
 * (non-interlaced, any filter) and encode an RGBA picture.
 */
import { Buffer } from "node:buffer";
import { deflateSync, inflateSync } from "node:zlib";

/** An RGBA8 picture. */
export interface Picture {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function unfilter(data: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const type = data[y * (stride + 1)];
    const src = y * (stride + 1) + 1, row = y * stride, prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      const pred = type === 1
        ? a
        : type === 2
        ? b
        : type === 3
        ? (a + b) >> 1
        : type === 4
        ? paeth(a, b, c)
        : 0;
      out[row + x] = (data[src + x] + pred) & 0xff;
    }
  }
  return out;
}

/** Decodes an 8-bit RGB or RGBA non-interlaced PNG; throws RangeError on anything else. */
export function decodePicture(bytes: Uint8Array): Picture {
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw new RangeError("Not a PNG file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, colorType = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      colorType = body[9];
      if (body[8] !== 8 || (colorType !== 2 && colorType !== 6) || body[12] !== 0) {
        throw new RangeError("Unsupported PNG: only 8-bit RGB/RGBA, not interlaced");
      }
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    at += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = unfilter(new Uint8Array(inflateSync(Buffer.concat(idat))), width, height, bpp);
  if (bpp === 4) return { width, height, rgba: raw };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < raw.length; i += 3, j += 4) {
    rgba.set(raw.subarray(i, i + 3), j);
    rgba[j + 3] = 255;
  }
  return { width, height, rgba };
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Encodes an RGBA8 picture as a PNG (filter "up", which suits flat renders). */
export function encodePicture(pic: Picture): Uint8Array {
  const stride = pic.width * 4;
  const raw = new Uint8Array((stride + 1) * pic.height);
  for (let y = 0; y < pic.height; y++) {
    raw[y * (stride + 1)] = 2;
    for (let x = 0; x < stride; x++) {
      const cur = pic.rgba[y * stride + x], up = y > 0 ? pic.rgba[(y - 1) * stride + x] : 0;
      raw[y * (stride + 1) + 1 + x] = (cur - up) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, pic.width);
  new DataView(ihdr.buffer).setUint32(4, pic.height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw, { level: 6 }))),
    chunk("IEND", new Uint8Array(0)),
  ];
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Lays pictures out row by row in a grid of `cols` columns of `cell`-sized cells. Cells left
 * empty take the first picture's background (its left edge, row by row: a gradient follows),
 * not transparency, which a viewer showed as a black or white block.
 */
export function contactSheet(pics: Picture[], cols: number, cell: number): Picture {
  const rows = Math.ceil(pics.length / cols);
  const width = cols * cell, height = rows * cell;
  const rgba = new Uint8Array(width * height * 4);
  pics.forEach((pic, i) => {
    const ox = (i % cols) * cell, oy = Math.floor(i / cols) * cell;
    for (let y = 0; y < Math.min(pic.height, cell); y++) {
      const src = pic.rgba.subarray(
        y * pic.width * 4,
        (y * pic.width + Math.min(pic.width, cell)) * 4,
      );
      rgba.set(src, ((oy + y) * width + ox) * 4);
    }
  });
  const first = pics[0];
  for (let i = pics.length; first && i < cols * rows; i++) {
    const ox = (i % cols) * cell, oy = Math.floor(i / cols) * cell;
    for (let y = 0; y < cell; y++) {
      const from = Math.min(y, first.height - 1) * first.width * 4;
      const edge = first.rgba.subarray(from, from + 4);
      for (let x = 0; x < cell; x++) rgba.set(edge, ((oy + y) * width + ox + x) * 4);
    }
  }
  return { width, height, rgba };
}
