/**
 * The per-call context of `paint` (Goxel's volume_op): blend-mode flags, the box-local
 * transform, exact cube ranges, the clip box, and the per-voxel and per-tile shape tests.
 */
import { BlendMode } from "../blend.ts";
import type { Rgba } from "../color.ts";
import type { ShapeName } from "../layer.ts";
import { invert, type Mat4, type Vec3 } from "../mat4.ts";
import type { Painter } from "./paint.ts";
import { type ShapeFunction, shapeMissesAabb } from "./shape.ts";

export type Tile = Uint32Array | undefined;

/** Everything one `volume_op` call needs per voxel, precomputed once. */
export interface OpContext {
  mode: BlendMode;
  color: Rgba;
  alpha: number;
  skipSrc: boolean;
  skipDst: boolean;
  /** A source alpha of 0 leaves every destination unchanged (or the voxel is skipped). */
  isV0Noop: boolean;
  /**
   * MAX and REPLACE write only the voxels the shape covers. Goxel's volume_op also rewrites the
   * rest of the tiles the box touches (REPLACE clears them, MAX gives them the colour's RGB);
   * Goxel's own tools never paint with these modes, and through the API a one-voxel replace
   * wiped the 16³ tile around it.
   */
  confined: boolean;
  isIntersect: boolean;
  size: Vec3;
  smoothness: number;
  shape: ShapeFunction;
  shapeName: ShapeName;
  /** World → box-local transform, or null for a degenerate box (nothing is inside). */
  local: Mat4 | null;
  /** Exact voxel ranges `[lo, hi)` per axis for unrotated cubes without smoothness. */
  ranges: Int32Array | null;
  clipMin: Vec3 | null;
  clipMax: Vec3 | null;
  clipInverse: Mat4 | null;
}

const SKIP_SRC: readonly number[] = [BlendMode.SUB, BlendMode.SUB_CLAMP, BlendMode.MULT_ALPHA];
const SKIP_DST: readonly number[] = [...SKIP_SRC, BlendMode.INTERSECT, BlendMode.INTERSECT_FILL];
const V0_NOOP: readonly number[] = [...SKIP_SRC, BlendMode.OVER, BlendMode.PAINT];

export function makeContext(
  painter: Painter,
  size: Vec3,
  local: Mat4 | null,
  shape: ShapeFunction,
): OpContext {
  const mode = painter.mode;
  const ctx: OpContext = {
    mode,
    color: painter.color >>> 0,
    alpha: painter.color >>> 24,
    skipSrc: SKIP_SRC.includes(mode),
    skipDst: SKIP_DST.includes(mode),
    isV0Noop: V0_NOOP.includes(mode),
    confined: mode === BlendMode.MAX || mode === BlendMode.REPLACE,
    isIntersect: mode === BlendMode.INTERSECT || mode === BlendMode.INTERSECT_FILL,
    size,
    smoothness: painter.smoothness,
    shape,
    shapeName: painter.shape,
    local,
    ranges: null,
    clipMin: null,
    clipMax: null,
    clipInverse: null,
  };
  const clip = painter.clipBox;
  if (clip && clip[15] !== 0) {
    if (isUnrotated(clip)) {
      ctx.clipMin = [0, 1, 2].map((i) => clip[12 + i] - Math.abs(clip[i * 5])) as Vec3;
      ctx.clipMax = [0, 1, 2].map((i) => clip[12 + i] + Math.abs(clip[i * 5])) as Vec3;
    } else {
      ctx.clipInverse = invert(clip) ?? new Float64Array(16);
    }
  }
  if (local && painter.shape === "cube" && painter.smoothness === 0 && isUnrotated(local)) {
    ctx.ranges = cubeRanges(local, size);
  }
  return ctx;
}

function isUnrotated(m: Mat4): boolean {
  return m[1] === 0 && m[2] === 0 && m[4] === 0 && m[6] === 0 && m[8] === 0 && m[9] === 0;
}

/** Integer ranges `[lo, hi)` of voxels whose centre maps into `[-s, s)` on each axis. */
function cubeRanges(m: Mat4, size: Vec3): Int32Array {
  const out = new Int32Array(6);
  for (let i = 0; i < 3; i++) {
    const k = m[i * 5], t = m[12 + i], s = size[i];
    // Same arithmetic as voxelWeight so both paths agree to the last bit.
    const inside = (v: number) => {
      const p = k * (v + 0.5) + t;
      return -s <= p && p < s;
    };
    const a = (-s - t) / k - 0.5, b = (s - t) / k - 0.5;
    let lo = Math.floor(Math.min(a, b)) - 2, hi = Math.ceil(Math.max(a, b)) + 2;
    while (lo < hi && !inside(lo)) lo++;
    while (hi > lo && !inside(hi - 1)) hi--;
    out[i * 2] = Math.max(lo, -(1 << 30));
    out[i * 2 + 1] = Math.min(hi, 1 << 30);
  }
  return out;
}

/** Returns the source alpha at voxel (x, y, z), or -1 when the clip box excludes it. */
export function voxelWeight(ctx: OpContext, x: number, y: number, z: number): number {
  const v = voxelCoverage(ctx, x, y, z);
  if (v <= 0) return v;
  // Goxel computes the weight in float32 and truncates alpha × weight to a byte.
  return v === 1 ? ctx.alpha : Math.trunc(Math.fround(ctx.alpha * v));
}

/**
 * Returns how much of voxel (x, y, z) the shape covers: 1 inside, 0 outside, between them in a
 * smooth shape's rim; -1 when the clip box excludes it.
 */
export function voxelCoverage(ctx: OpContext, x: number, y: number, z: number): number {
  const cx = x + 0.5, cy = y + 0.5, cz = z + 0.5;
  if (ctx.clipMin) {
    const mn = ctx.clipMin, mx = ctx.clipMax!;
    if (cx < mn[0] || cx >= mx[0] || cy < mn[1] || cy >= mx[1] || cz < mn[2] || cz >= mx[2]) {
      return -1;
    }
  } else if (ctx.clipInverse && !isInUnitBox(ctx.clipInverse, cx, cy, cz)) return -1;
  const r = ctx.ranges;
  if (r) {
    return x >= r[0] && x < r[1] && y >= r[2] && y < r[3] && z >= r[4] && z < r[5] ? 1 : 0;
  }
  const m = ctx.local;
  if (!m) return 0;
  const px = m[0] * cx + m[4] * cy + m[8] * cz + m[12];
  const py = m[1] * cx + m[5] * cy + m[9] * cz + m[13];
  const pz = m[2] * cx + m[6] * cy + m[10] * cz + m[14];
  const s = ctx.size, sm = ctx.smoothness;
  const k = ctx.shape(px, py, pz, s[0], s[1], s[2], sm);
  if (!sm) return k >= 0 ? 1 : 0;
  const t = Math.min(1, Math.max(-1, Math.fround(k / sm)));
  return Math.fround(Math.fround(t / 2) + 0.5);
}

function isInUnitBox(inv: Mat4, x: number, y: number, z: number): boolean {
  for (let i = 0; i < 3; i++) {
    const q = inv[i] * x + inv[4 + i] * y + inv[8 + i] * z + inv[12 + i];
    if (!(q >= -1 && q < 1)) return false;
  }
  return true;
}

/** Skips tiles whose voxel centres all lie outside an axis-aligned clip box. */
export function clipSkipsTile(ctx: OpContext, ox: number, oy: number, oz: number): boolean {
  const mn = ctx.clipMin, mx = ctx.clipMax;
  if (!mn || !mx) return false;
  const o = [ox, oy, oz];
  for (let i = 0; i < 3; i++) if (o[i] + 15.5 < mn[i] || o[i] + 0.5 >= mx[i]) return true;
  return false;
}

export function clipHoldsTile(ctx: OpContext, ox: number, oy: number, oz: number): boolean {
  if (ctx.clipInverse) return false;
  const mn = ctx.clipMin, mx = ctx.clipMax;
  if (!mn || !mx) return true;
  const o = [ox, oy, oz];
  for (let i = 0; i < 3; i++) if (o[i] + 0.5 < mn[i] || o[i] + 15.5 >= mx[i]) return false;
  return true;
}

/** Says whether the shape gives weight 0 to every voxel of a tile, full weight, or a mix. */
export function tileClassification(
  ctx: OpContext,
  ox: number,
  oy: number,
  oz: number,
): "outside" | "inside" | "partial" {
  const m = ctx.local;
  if (!m) return "outside";
  const r = ctx.ranges;
  if (r) {
    const o = [ox, oy, oz];
    let inside = true;
    for (let i = 0; i < 3; i++) {
      if (o[i] + 16 <= r[i * 2] || o[i] >= r[i * 2 + 1]) return "outside";
      if (o[i] < r[i * 2] || o[i] + 16 > r[i * 2 + 1]) inside = false;
    }
    return inside ? "inside" : "partial";
  }
  const s = ctx.size, sm = ctx.smoothness;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  let allInside = sm === 0;
  for (let c = 0; c < 8; c++) {
    const cx = ox + (c & 1 ? 15.5 : 0.5), cy = oy + (c & 2 ? 15.5 : 0.5);
    const cz = oz + (c & 4 ? 15.5 : 0.5);
    const p = [0, 1, 2].map((i) => m[i] * cx + m[4 + i] * cy + m[8 + i] * cz + m[12 + i]);
    for (let i = 0; i < 3; i++) {
      lo[i] = Math.min(lo[i], p[i]);
      hi[i] = Math.max(hi[i], p[i]);
    }
    if (allInside && !(ctx.shape(p[0], p[1], p[2], s[0], s[1], s[2], 0) >= 0)) allInside = false;
  }
  if (shapeMissesAabb(ctx.shapeName, lo, hi, s, sm)) return "outside";
  return allInside ? "inside" : "partial";
}
