/**
 * The colour arithmetic of Goxel's "Adjust Colors" filter (src/filters/colors.c and
 * src/utils/color.c), evaluated in single precision like the C code so results match.
 */
import type { Rgba } from "../color.ts";

/** Slider values: hue in degrees (±180), the others in percent (±100). */
export interface ColorAdjustments {
  hue: number;
  saturation: number;
  lightness: number;
  contrast: number;
}

const f = Math.fround;
const F_0_04045 = f(0.04045), F_12_92 = f(12.92), F_0_0031308 = f(0.0031308);
const F_1_055 = f(1.055), F_0_055 = f(0.055), F_INV_2_4 = f(1 / f(2.4));

/** Converts 8-bit sRGB to HSL (h in degrees, s and l in 0..1). */
export function srgbToHsl(r8: number, g8: number, b8: number): [number, number, number] {
  const r = f(r8 / 255), g = f(g8 / 255), b = f(b8 / 255);
  const v = Math.max(r, g, b), m = Math.min(r, g, b);
  const l = f(f(v + m) / 2), c = f(v - m);
  if (c === 0) return [0, 0, l];
  let h: number;
  if (v === r) h = f(f(f(g - b) / c) + (g < b ? 6 : 0));
  else if (v === g) h = f(f(f(b - r) / c) + 2);
  else h = f(f(f(r - g) / c) + 4);
  h = f(h * 60);
  const s = l > 0.5 ? f(c / f(f(2 - v) - m)) : f(c / f(v + m));
  return [h, s, l];
}

/** Converts HSL back to 8-bit sRGB, truncating like Goxel. */
export function hslToSrgb(hsl: [number, number, number]): [number, number, number] {
  const h = f(hsl[0] / 60), s = hsl[1], l = hsl[2];
  const c = f((1 - Math.abs(f(f(2 * l) - 1))) * s);
  const x = f(c * (1 - Math.abs((h % 2) - 1)));
  let r = 0, g = 0, b = 0;
  if (h < 1) [r, g, b] = [c, x, 0];
  else if (h < 2) [r, g, b] = [x, c, 0];
  else if (h < 3) [r, g, b] = [0, c, x];
  else if (h < 4) [r, g, b] = [0, x, c];
  else if (h < 5) [r, g, b] = [x, 0, c];
  else if (h < 6) [r, g, b] = [c, 0, x];
  const m = f(l - 0.5 * c);
  const to8 = (k: number) => Math.min(255, Math.max(0, Math.trunc(f(f(k + m) * 255))));
  return [to8(r), to8(g), to8(b)];
}

function srgb8ToLinear(s: number): number {
  const c = f(s / 255);
  return c <= F_0_04045 ? f(c / F_12_92) : f(Math.pow((c + 0.055) / 1.055, 2.4));
}

function linearToSrgb8(lin: number): number {
  const c = lin <= F_0_0031308 ? f(F_12_92 * lin) : f(F_1_055 * Math.pow(lin, F_INV_2_4) - F_0_055);
  return Math.min(255, Math.max(0, Math.trunc(f(c * 255) + 0.5)));
}

function applyContrast(s: number, k: number): number {
  const lin = f(f(f(srgb8ToLinear(s) - 0.5) * k) + 0.5);
  return linearToSrgb8(Math.min(1, Math.max(0, lin)));
}

function moveValue(x: number, v: number): number {
  const dst = v >= 0 ? 1 : 0, t = Math.abs(v);
  return f((1 - t) * x + f(t * dst));
}

/** Applies the Adjust Colors sliders to one colour; alpha is kept. */
export function adjustColor(c: Rgba, adj: ColorAdjustments): Rgba {
  const hsl = srgbToHsl(c & 255, (c >>> 8) & 255, (c >>> 16) & 255);
  let h = f(hsl[0] + f(adj.hue));
  while (h < 0) h = f(h + 360);
  hsl[0] = f(h % 360);
  hsl[1] = moveValue(hsl[1], f(f(adj.saturation) / 100));
  hsl[2] = moveValue(hsl[2], f(f(adj.lightness) / 100));
  const k = f(f(f(adj.contrast) / 100) + 1);
  const [r, g, b] = hslToSrgb(hsl).map((v) => applyContrast(v, k));
  return (r | g << 8 | b << 16 | (c >>> 24) << 24) >>> 0;
}
