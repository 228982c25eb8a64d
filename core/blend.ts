/**
 * Goxel's blend modes (`combine` in src/volume_utils.c) with its integer arithmetic, and
 * `mergeVolumes` (volume_merge). The numeric values are saved in files and never change.
 */
import { type Rgba } from "./color.ts";
import { TILE_VOXELS, Volume } from "./volume.ts";

/** Blend mode numbers as stored in `.gox` layer `mode`. */
export const BlendMode = {
  OVER: 0,
  SUB: 1,
  SUB_CLAMP: 2,
  PAINT: 3,
  MAX: 4,
  INTERSECT: 5,
  INTERSECT_FILL: 6,
  MULT_ALPHA: 7,
  REPLACE: 8,
} as const;
/** One of the nine blend modes. */
export type BlendMode = typeof BlendMode[keyof typeof BlendMode];

/** Lower-case names accepted by the API for each mode ("add" etc. are Goxel's UI names). */
export const BLEND_MODE_NAMES: Record<string, BlendMode> = {
  over: 0,
  add: 0,
  sub: 1,
  subtract: 1,
  sub_clamp: 2,
  paint: 3,
  max: 4,
  intersect: 5,
  intersect_fill: 6,
  mult_alpha: 7,
  replace: 8,
};

/** Returns the canonical lower-case name of a blend mode ("over", "sub", …). */
export function blendModeName(mode: BlendMode): string {
  return Object.keys(BLEND_MODE_NAMES).find((k) => BLEND_MODE_NAMES[k] === mode) ?? String(mode);
}

/** Returns the blend mode for a name or number, or null when unknown. */
export function parseBlendMode(value: string | number): BlendMode | null {
  if (typeof value === "number") {
    return Number.isInteger(value) && value >= 0 && value <= 8 ? value as BlendMode : null;
  }
  return BLEND_MODE_NAMES[value.toLowerCase()] ?? null;
}

/** Combines destination `a` with source `b` using `mode`, exactly like Goxel. */
export function combine(a: Rgba, b: Rgba, mode: BlendMode): Rgba {
  const aa = a >>> 24, ba = b >>> 24;
  switch (mode) {
    case BlendMode.OVER:
      return combineOver(a, b, aa, ba);
    case BlendMode.SUB:
      return withAlpha(a, Math.max(0, aa - ba));
    case BlendMode.SUB_CLAMP:
      return withAlpha(a, Math.min(aa, 255 - ba));
    case BlendMode.PAINT:
      return combinePaint(a, b, aa, ba);
    case BlendMode.MAX:
      return withAlpha(b, Math.max(aa, ba));
    case BlendMode.INTERSECT:
      return withAlpha(a, Math.min(aa, ba));
    case BlendMode.INTERSECT_FILL: {
      const alpha = Math.min(aa, ba);
      return withAlpha(alpha ? b : a, alpha);
    }
    case BlendMode.MULT_ALPHA:
      return multAlpha(a, ba);
    case BlendMode.REPLACE:
      return b >>> 0;
  }
}

function withAlpha(c: Rgba, alpha: number): Rgba {
  return ((c & 0xffffff) | alpha << 24) >>> 0;
}

function combineOver(a: Rgba, b: Rgba, aa: number, ba: number): Rgba {
  const d = 255 * ba + aa * (255 - ba);
  if (d === 0) return a >>> 0;
  let out = 0;
  for (let s = 0; s < 24; s += 8) {
    const ai = (a >>> s) & 255, bi = (b >>> s) & 255;
    out |= Math.floor((255 * bi * ba + ai * aa * (255 - ba)) / d) << s;
  }
  return withAlpha(out, ba + Math.floor(aa * (255 - ba) / 255));
}

function combinePaint(a: Rgba, b: Rgba, aa: number, ba: number): Rgba {
  // Goxel mixes in float: (1 - t)·a + t·b with t = ba / 255, then truncates.
  const t = Math.fround(ba / 255);
  let out = 0;
  for (let s = 0; s < 24; s += 8) {
    const ai = (a >>> s) & 255, bi = (b >>> s) & 255;
    out |= Math.trunc(Math.fround(Math.fround((1 - t) * ai) + Math.fround(t * bi))) << s;
  }
  return withAlpha(out, aa);
}

function multAlpha(a: Rgba, k: number): Rgba {
  let out = 0;
  for (let s = 0; s < 32; s += 8) out |= Math.floor(((a >>> s) & 255) * k / 255) << s;
  return out >>> 0;
}

/** Multiplies each of the four channels of `c` by `color / 255` (volume_merge's tint). */
export function tint(c: Rgba, color: Rgba): Rgba {
  let out = 0;
  for (let s = 0; s < 32; s += 8) {
    out |= Math.floor(((c >>> s) & 255) * ((color >>> s) & 255) / 255) << s;
  }
  return out >>> 0;
}

/** Merges `src` into `dst` with `mode` (Goxel's volume_merge); `color` tints the source. */
export function mergeVolumes(dst: Volume, src: Volume, mode: BlendMode, color?: Rgba): Volume {
  if (mode === BlendMode.REPLACE) return src.copy();
  const seen = new Set<string>();
  const positions: [number, number, number][] = [];
  for (const [x, y, z] of dst.tiles()) {
    positions.push([x, y, z]);
    seen.add(`${x},${y},${z}`);
  }
  for (const [x, y, z] of src.tiles()) if (!seen.has(`${x},${y},${z}`)) positions.push([x, y, z]);
  for (const [x, y, z] of positions) mergeTile(dst, src, x, y, z, mode, color);
  return dst;
}

function mergeTile(
  dst: Volume,
  src: Volume,
  x: number,
  y: number,
  z: number,
  mode: BlendMode,
  color?: Rgba,
): void {
  const s = src.readTile(x, y, z), d = dst.readTile(x, y, z);
  const additive = mode === BlendMode.OVER || mode === BlendMode.MAX;
  if (!s && (additive || mode === BlendMode.SUB || mode === BlendMode.SUB_CLAMP)) return;
  if (additive && color === undefined && s && !d) {
    dst.shareTile(src, x, y, z);
    return;
  }
  if (mode === BlendMode.MULT_ALPHA && !d) return;
  const out = dst.writeTile(x, y, z);
  for (let i = 0; i < TILE_VOXELS; i++) {
    let v = s ? s[i] : 0;
    if (color !== undefined) v = tint(v, color);
    out[i] = combine(out[i], v, mode);
  }
}
