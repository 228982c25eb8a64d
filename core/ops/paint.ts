/**
 * Goxel's painting primitive `volume_op` (src/volume_utils.c): paints a shape given as a box
 * into a volume with a blend mode, symmetry and an optional clip box.
 *
 * The work is done tile by tile on typed arrays. Tiles the shape cannot affect are skipped,
 * tiles wholly inside the shape are combined with one constant colour, and axis-aligned cubes
 * without smoothness use exact integer ranges per axis. Voxels are written only when their
 * value changes, so tiles are created (or un-shared) only when something really changes.
 *
 * Deliberate difference from Goxel: for SUB, SUB_CLAMP and MULT_ALPHA Goxel clips the
 * iteration domain with its fast bbox, whose z max wrongly uses the tile's y (spec §7.1); we
 * visit every existing tile overlapping the box instead (the bug is not replicated).
 */
import { BlendMode, combine } from "../blend.ts";
import { aabbFromBox, boxHalfSize } from "../box.ts";
import { WorkBudget } from "../budget.ts";
import type { Rgba } from "../color.ts";
import type { ShapeName } from "../layer.ts";
import { invert, type Mat4, multiply, scaling, translation, type Vec3 } from "../mat4.ts";
import { Volume } from "../volume.ts";
import {
  clipHoldsTile,
  clipSkipsTile,
  makeContext,
  type OpContext,
  type Tile,
  tileClassification,
  voxelCoverage,
  voxelWeight,
} from "./paint_context.ts";
import { shapeFunction as shapeFunctionOf } from "./shape.ts";

/** Goxel's painter: how `paint` draws a box. */
export interface Painter {
  shape: ShapeName;
  mode: BlendMode;
  color: Rgba;
  smoothness: number;
  /** Bit 0 mirrors X, bit 1 Y, bit 2 Z about `symmetryOrigin`. */
  symmetry: number;
  symmetryOrigin: Vec3;
  /** Voxels whose centre lies outside this box are never touched. */
  clipBox?: Mat4 | null;
}

/** Returns Goxel's painter after reset: white opaque cube, OVER, no smoothness, no symmetry. */
export function defaultPainter(): Painter {
  return {
    shape: "cube",
    mode: BlendMode.OVER,
    color: 0xffffffff,
    smoothness: 0,
    symmetry: 0,
    symmetryOrigin: [0, 0, 16],
    clipBox: null,
  };
}

/** Returns the shape tool's box: exactly the voxels between voxels `a` and `b`, inclusive. */
export function boxFromCorners(a: Vec3, b: Vec3): Mat4 {
  const m = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    const lo = Math.min(a[i], b[i]), hi = Math.max(a[i], b[i]) + 1;
    m[i * 5] = (hi - lo) / 2;
    m[12 + i] = (hi + lo) / 2;
  }
  m[15] = 1;
  return m;
}

/**
 * Paints `box` into `volume` with `painter` (Goxel's volume_op), mutating the volume. Every
 * mirrored copy is charged to `budget` (default: the default request budget) before the first
 * one is written, so a symmetric stroke over the budget changes nothing.
 */
export function paint(
  volume: Volume,
  painter: Painter,
  box: Mat4,
  budget: WorkBudget = new WorkBudget(),
): void {
  const strokes: [Painter, Mat4][] = [];
  collectStrokes(painter, box, strokes);
  const planned = strokes.map(([p, b]) => planStroke(volume, p, b, budget));
  for (const plan of planned) if (plan) paintPlanned(volume, plan);
}

/**
 * Charges what `paint(volume, painter, box)` would touch without painting (so a caller can
 * check the budget first and then paint elsewhere, e.g. on a worker thread).
 */
export function chargePaint(volume: Volume, painter: Painter, box: Mat4, budget: WorkBudget): void {
  const strokes: [Painter, Mat4][] = [];
  collectStrokes(painter, box, strokes);
  for (const [p, b] of strokes) planStroke(volume, p, b, budget);
}

/** Lists the box and its mirrors in Goxel's painting order. */
function collectStrokes(painter: Painter, box: Mat4, out: [Painter, Mat4][]): void {
  let rest = painter.symmetry & 7;
  const o = painter.symmetryOrigin;
  for (let i = 0; i < 3; i++) {
    if (!(painter.symmetry & (1 << i))) continue;
    // Like Goxel, the bits already handled stay cleared for the next mirrors.
    rest &= ~(1 << i);
    const s: Vec3 = [1, 1, 1];
    s[i] = -1;
    const mirror = multiply(
      multiply(translation(o[0], o[1], o[2]), scaling(s[0], s[1], s[2])),
      translation(-o[0], -o[1], -o[2]),
    );
    collectStrokes({ ...painter, symmetry: rest }, multiply(mirror, box), out);
  }
  out.push([painter, box]);
}

interface Plan {
  ctx: OpContext;
  box: Mat4;
  lo: Vec3;
  hi: Vec3;
}

/** Prepares one stroke and charges it; null when it cannot change anything. */
function planStroke(volume: Volume, painter: Painter, box: Mat4, budget: WorkBudget) {
  const size = boxHalfSize(box);
  const local = invert(multiply(box, scaling(1 / size[0], 1 / size[1], 1 / size[2])));
  const isFinite = local !== null && local.every(Number.isFinite);
  const ctx = makeContext(painter, size, isFinite ? local : null, shapeFunctionOf(painter.shape));
  if (ctx.isV0Noop && ctx.alpha === 0) return null;
  const [lo, hi] = clipRange(tileRange(box), painter.clipBox);
  chargeStroke(budget, ctx, size, volume, [lo, hi]);
  return { ctx, box, lo, hi };
}

function paintPlanned(volume: Volume, { ctx, box, lo, hi }: Plan): void {
  if (ctx.isIntersect) {
    deleteTilesOutside(volume, box);
    for (const [ox, oy, oz] of [...volume.tiles()]) processTile(volume, ctx, ox, oy, oz);
    return;
  }
  if (ctx.skipDst) {
    for (const [ox, oy, oz] of [...volume.tiles()]) {
      if (ox < lo[0] || ox > hi[0] || oy < lo[1] || oy > hi[1] || oz < lo[2] || oz > hi[2]) {
        continue;
      }
      processTile(volume, ctx, ox, oy, oz);
    }
    return;
  }
  // Goxel's box iterator order: tiles with x fastest, then y, then z.
  for (let oz = lo[2]; oz <= hi[2]; oz += 16) {
    for (let oy = lo[1]; oy <= hi[1]; oy += 16) {
      for (let ox = lo[0]; ox <= hi[0]; ox += 16) processTile(volume, ctx, ox, oy, oz);
    }
  }
}

/**
 * Charges a paint before it writes: SUB-like modes only rewrite existing tiles; OVER-like modes
 * allocate at most the tiles the oriented box (grown by a tile's diagonal) can meet; other
 * modes may write every tile of the iterated range. Tile visits are the iterated range.
 */
function chargeStroke(
  budget: WorkBudget,
  ctx: OpContext,
  size: Vec3,
  volume: Volume,
  [lo, hi]: [Vec3, Vec3],
): void {
  // The iterator visits origins lo, lo + 16, … ≤ hi on each axis.
  const visits = lo.reduce(
    (n, l, i) => n * (Math.max(0, Math.floor((hi[i] - l) / 16) + 1) || 0),
    1,
  );
  if (ctx.skipDst) {
    const tiles = Math.min(volume.tileCount, visits);
    return budget.charge("paint", { voxels: tiles * 4096, visits: tiles });
  }
  // Voxels: those the shape covers. Tiles: with MAX, REPLACE… even a transparent source rewrites
  // the RGB of every voxel in range (as Goxel's line mask does), so the whole range is allocated.
  const voxels = Math.min(visits * 4096, 8 * size[0] * size[1] * size[2]);
  const tiles = ctx.isV0Noop || ctx.confined
    ? Math.min(visits, size.reduce((n, s) => n * (2 * s + 28) / 16, 1))
    : visits;
  budget.charge("paint", { voxels, tiles, visits });
}

/** Narrows the iterated tile range to the clip box's (tiles outside it are skipped anyway). */
function clipRange(range: [Vec3, Vec3], clip: Mat4 | null | undefined): [Vec3, Vec3] {
  if (!clip || clip[15] === 0) return range;
  const a = aabbFromBox(clip);
  const lo = range[0].map((v, i) => Math.max(v, (a.min[i] - 1) & ~15)) as Vec3;
  const hi = range[1].map((v, i) => Math.min(v, a.max[i] + 1)) as Vec3;
  return [lo, hi];
}

/** Tile origins covered by Goxel's box iterator: `[floor(min) & ~15, ceil(max)]` per axis. */
function tileRange(box: Mat4): [Vec3, Vec3] {
  const lo: Vec3 = [0, 0, 0], hi: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const ext = Math.abs(box[i]) + Math.abs(box[4 + i]) + Math.abs(box[8 + i]);
    lo[i] = Math.floor(box[12 + i] - ext) & ~15;
    hi[i] = Math.ceil(box[12 + i] + ext);
  }
  return [lo, hi];
}

/** Separating-axis test (world and box face axes) between a box and a tile's cube. */
function boxTouchesTile(box: Mat4, ox: number, oy: number, oz: number): boolean {
  const d = [box[12] - ox - 8, box[13] - oy - 8, box[14] - oz - 8];
  for (let i = 0; i < 3; i++) {
    const r = Math.abs(box[i]) + Math.abs(box[4 + i]) + Math.abs(box[8 + i]);
    if (Math.abs(d[i]) >= r + 8) return false;
  }
  for (let c = 0; c < 3; c++) {
    const ax = box[c * 4], ay = box[c * 4 + 1], az = box[c * 4 + 2];
    const len = Math.hypot(ax, ay, az);
    if (len === 0) continue;
    const dist = Math.abs(ax * d[0] + ay * d[1] + az * d[2]) / len;
    const tileR = 8 * (Math.abs(ax) + Math.abs(ay) + Math.abs(az)) / len;
    if (dist >= len + tileR) return false;
  }
  return true;
}

function deleteTilesOutside(volume: Volume, box: Mat4): void {
  for (const [ox, oy, oz] of [...volume.tiles()]) {
    if (!boxTouchesTile(box, ox, oy, oz)) volume.deleteTile(ox, oy, oz);
  }
}

function processTile(volume: Volume, ctx: OpContext, ox: number, oy: number, oz: number): void {
  const src = volume.readTile(ox, oy, oz);
  if (ctx.skipDst && !src) return;
  if (clipSkipsTile(ctx, ox, oy, oz)) return;
  const kind = tileClassification(ctx, ox, oy, oz);
  if (kind === "outside" && (ctx.isV0Noop || ctx.confined)) return;
  if (kind === "partial" || !clipHoldsTile(ctx, ox, oy, oz)) {
    return combineVoxels(volume, ctx, [ox, oy, oz], src);
  }
  const c = kind === "inside" ? ctx.color : ctx.color & 0xffffff;
  combineConstant(volume, ctx, [ox, oy, oz], src, c);
}

/** Combines every voxel of a tile with the same source colour `c`. */
function combineConstant(volume: Volume, ctx: OpContext, o: Vec3, src: Tile, c: Rgba): void {
  if (ctx.skipSrc && (c >>> 24) === 0) return;
  if (ctx.mode === BlendMode.OVER && (c >>> 24) === 255) {
    // Opaque OVER replaces every voxel by `c`.
    if (src && src.every((v) => v === c)) return;
    volume.writeTile(o[0], o[1], o[2]).fill(c);
    return;
  }
  let out: Uint32Array | null = null;
  let lastCur = -1, lastNew = 0;
  for (let i = 0; i < 4096; i++) {
    const cur = src ? src[i] : 0;
    if (ctx.skipDst && (cur >>> 24) === 0) continue;
    if (cur !== lastCur) {
      lastCur = cur;
      lastNew = combine(cur, c, ctx.mode);
    }
    if (lastNew !== cur) {
      out ??= volume.writeTile(o[0], o[1], o[2]);
      out[i] = lastNew;
    }
  }
}

/** Evaluates the shape at every voxel centre of a tile and combines where needed. */
function combineVoxels(volume: Volume, ctx: OpContext, o: Vec3, src: Tile): void {
  const [ox, oy, oz] = o;
  const rgb = (ctx.color & 0xffffff) >>> 0, mode = ctx.mode;
  let out: Uint32Array | null = null;
  let lastA = -1, lastCur = -1, lastNew = 0;
  for (let i = 0; i < 4096; i++) {
    const x = ox + (i & 15), y = oy + ((i >> 4) & 15), z = oz + (i >> 8);
    const a = voxelWeight(ctx, x, y, z);
    if (a < 0) continue; // Clipped out.
    if (a === 0 && ctx.skipSrc) continue;
    if (a === 0 && ctx.confined && voxelCoverage(ctx, x, y, z) === 0) continue;
    const cur = src ? src[i] : 0;
    if (ctx.skipDst && (cur >>> 24) === 0) continue;
    if (a !== lastA || cur !== lastCur) {
      lastA = a;
      lastCur = cur;
      lastNew = combine(cur, (rgb | a << 24) >>> 0, mode);
    }
    if (lastNew !== cur) {
      out ??= volume.writeTile(ox, oy, oz);
      out[i] = lastNew;
    }
  }
}
