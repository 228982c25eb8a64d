/**
 * Voxel colours are packed in one unsigned 32-bit number whose little-endian bytes are
 * R, G, B, A, so that a tile's Uint32Array and its bytes agree with Goxel's RGBA layout.
 */

/** A packed RGBA colour: `r | g << 8 | b << 16 | a << 24`, unsigned. */
export type Rgba = number;

/** Packs four 0..255 channels into an Rgba. */
export function packRgba(r: number, g: number, b: number, a = 255): Rgba {
  return ((r & 255) | (g & 255) << 8 | (b & 255) << 16 | (a & 255) << 24) >>> 0;
}

/** Unpacks an Rgba into its four channels. */
export function unpackRgba(c: Rgba): [number, number, number, number] {
  return [c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24];
}

/** Returns the alpha channel of a packed colour. */
export function alphaOf(c: Rgba): number {
  return c >>> 24;
}

/** Formats a colour as `#rrggbbaa` (or `#rrggbb` when opaque and `short` is set). */
export function formatHex(c: Rgba, short = false): string {
  const [r, g, b, a] = unpackRgba(c);
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return `#${hex(r)}${hex(g)}${hex(b)}${short && a === 255 ? "" : hex(a)}`;
}

/** Parses `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` (the `#` is optional), or returns null. */
export function parseHex(text: string): Rgba | null {
  const s = text.startsWith("#") ? text.slice(1) : text;
  if (!/^[0-9a-fA-F]+$/.test(s)) return null;
  if (s.length === 3 || s.length === 4) {
    const v = [...s].map((ch) => parseInt(ch + ch, 16));
    return packRgba(v[0], v[1], v[2], v[3] ?? 255);
  }
  if (s.length === 6 || s.length === 8) {
    const v = [0, 2, 4, 6].map((i) => (i < s.length ? parseInt(s.slice(i, i + 2), 16) : 255));
    return packRgba(v[0], v[1], v[2], v[3]);
  }
  return null;
}

/** Converts one sRGB-encoded channel (0..1) to linear with the exact sRGB curve. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** Converts one linear channel (0..1) to sRGB with the exact sRGB curve. */
export function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
}
