/**
 * Flood fill (bucket tool) and Goxel's magic-wand region growing (`volume_select` with the
 * fuzzy-select condition), both over 6-connected voxels.
 */
import { LimitError } from "../budget.ts";
import { boxFromAabb, isNullBox } from "../box.ts";
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import type { Mat4, Vec3 } from "../mat4.ts";
import { isInRange, tileKey, tileOrigin, Volume, voxelIndex } from "../volume.ts";
import { boxVoxelTest, maskVoxelTest, type VoxelTest } from "./clip.ts";

/** Options of `floodFill`. */
export interface FloodFillOptions {
  /** Largest per-channel RGB difference from the start colour still filled (255 = any colour). */
  threshold?: number;
  /** Only voxels whose centre is in this box are filled. */
  limitBox?: Mat4 | null;
  /** Only voxels selected by this mask (alpha ≠ 0) are filled. */
  mask?: Volume | null;
  /** The fill fails instead of touching more voxels than this. */
  maxVoxels?: number;
}

/** Default cap on the number of voxels one flood fill may touch. */
export const DEFAULT_FILL_MAX_VOXELS = 1 << 22;

const NEIGHBOURS = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];

/** A set of voxel positions kept as one byte map per 16³ tile. */
export class VoxelSet {
  #tiles = new Map<number, Uint8Array>();
  /** Number of positions in the set. */
  size = 0;

  /** Returns true when the position is in the set. */
  has(x: number, y: number, z: number): boolean {
    const t = this.#tiles.get(tileKey(x & ~15, y & ~15, z & ~15));
    return t !== undefined && t[voxelIndex(x, y, z)] !== 0;
  }

  /** Adds a position; returns false when it was already there. */
  add(x: number, y: number, z: number): boolean {
    const key = tileKey(x & ~15, y & ~15, z & ~15);
    let t = this.#tiles.get(key);
    if (!t) this.#tiles.set(key, t = new Uint8Array(4096));
    const i = voxelIndex(x, y, z);
    if (t[i]) return false;
    t[i] = 1;
    this.size++;
    return true;
  }

  /** Calls `fn` for every position, tile by tile. */
  forEach(fn: (x: number, y: number, z: number) => void): void {
    for (const [key, t] of this.#tiles) {
      const [ox, oy, oz] = tileOrigin(key);
      for (let i = 0; i < 4096; i++) {
        if (t[i]) fn(ox + (i & 15), oy + ((i >> 4) & 15), oz + (i >> 8));
      }
    }
  }
}

/** Decides whether region growing may step from voxel (fx, fy, fz) onto (x, y, z). */
type StepTest = (x: number, y: number, z: number, fx: number, fy: number, fz: number) => boolean;

/**
 * Grows a 6-connected region from `start` (which the caller has accepted); calls `onOverflow`
 * as soon as the region would exceed `maxVoxels`.
 */
function growRegion(start: Vec3, step: StepTest, maxVoxels: number, onOverflow: () => never) {
  const region = new VoxelSet();
  region.add(start[0], start[1], start[2]);
  let stack = new Int32Array(3 * 1024);
  stack.set(start);
  let sp = 1;
  while (sp > 0) {
    sp--;
    const fx = stack[sp * 3], fy = stack[sp * 3 + 1], fz = stack[sp * 3 + 2];
    for (const [dx, dy, dz] of NEIGHBOURS) {
      const x = fx + dx, y = fy + dy, z = fz + dz;
      if (region.has(x, y, z) || !isInRange(x, y, z) || !step(x, y, z, fx, fy, fz)) continue;
      if (region.size >= maxVoxels) onOverflow();
      region.add(x, y, z);
      if ((sp + 1) * 3 > stack.length) {
        const bigger = new Int32Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      stack[sp * 3] = x;
      stack[sp * 3 + 1] = y;
      stack[sp * 3 + 2] = z;
      sp++;
    }
  }
  return region;
}

/** Returns the largest absolute difference between the R, G and B channels of two colours. */
export function maxRgbDiff(a: Rgba, b: Rgba): number {
  return Math.max(
    Math.abs((a & 255) - (b & 255)),
    Math.abs(((a >>> 8) & 255) - ((b >>> 8) & 255)),
    Math.abs(((a >>> 16) & 255) - ((b >>> 16) & 255)),
  );
}

function checkThreshold(threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 255) {
    throw new InvalidInputError(
      `Cannot fill: threshold must be an integer 0..255, got ${threshold}`,
    );
  }
}

function andTests(tests: (VoxelTest | null)[]): VoxelTest {
  const list = tests.filter((t): t is VoxelTest => t !== null);
  return (x, y, z) => list.every((t) => t(x, y, z));
}

/** Returns the test bounding a fill of empty voxels, or throws when it cannot be bounded. */
function emptyRegionBounds(volume: Volume, start: Vec3, limitBox?: Mat4 | null): VoxelTest {
  if (limitBox && !isNullBox(limitBox)) return boxVoxelTest(limitBox);
  const bbox = volume.bbox();
  if (!bbox) {
    throw new InvalidInputError(
      `Cannot fill from (${start.join(", ")}): the volume is empty, so the region has no ` +
        "bounds; give a limit box",
    );
  }
  const min = bbox.min.map((v) => v - 1) as Vec3, max = bbox.max.map((v) => v + 1) as Vec3;
  return boxVoxelTest(boxFromAabb({ min, max }));
}

/**
 * Fills the 6-connected region at `start` with `color` and returns how many voxels changed.
 * On a solid voxel it recolours the connected solid voxels whose RGB is within `threshold` of
 * the start colour; on an empty voxel it fills the connected empty voxels inside `limitBox`
 * (default: the volume's bbox grown by one). Throws LimitError, leaving the volume unchanged,
 * when the region holds more than `maxVoxels` voxels.
 */
export function floodFill(
  volume: Volume,
  start: Vec3,
  color: Rgba,
  options: FloodFillOptions = {},
): number {
  const { threshold = 0, limitBox = null, mask = null } = options;
  const maxVoxels = options.maxVoxels ?? DEFAULT_FILL_MAX_VOXELS;
  checkThreshold(threshold);
  if (!Number.isInteger(maxVoxels) || maxVoxels < 1) {
    throw new InvalidInputError(`Cannot fill: maxVoxels must be a positive integer`);
  }
  const [sx, sy, sz] = start;
  if (!isInRange(sx, sy, sz)) {
    throw new InvalidInputError(`Cannot fill from (${start.join(", ")}): not a voxel position`);
  }
  const startValue = volume.get(sx, sy, sz);
  const solid = startValue >>> 24 !== 0;
  const limits = andTests([
    solid
      ? (limitBox && !isNullBox(limitBox) ? boxVoxelTest(limitBox) : null)
      : emptyRegionBounds(volume, start, limitBox),
    mask ? maskVoxelTest(mask) : null,
  ]);
  if (!limits(sx, sy, sz)) return 0;
  const step: StepTest = solid
    ? (x, y, z) => {
      const v = volume.get(x, y, z);
      return v >>> 24 !== 0 && maxRgbDiff(v, startValue) <= threshold && limits(x, y, z);
    }
    : (x, y, z) => volume.get(x, y, z) >>> 24 === 0 && limits(x, y, z);
  const region = growRegion(start, step, maxVoxels, () => {
    throw new LimitError(
      "limits.max_voxels_per_request",
      maxVoxels + 1,
      maxVoxels,
      `Cannot fill from (${start.join(", ")}): the region has more than ${maxVoxels} voxels ` +
        `(limits.max_voxels_per_request)`,
    );
  });
  // The region is complete before the first write, so a failed fill leaves no trace.
  let changed = 0;
  const value = color >>> 0;
  region.forEach((x, y, z) => {
    if (volume.get(x, y, z) !== value) {
      volume.set(x, y, z, value);
      changed++;
    }
  });
  return changed;
}

/**
 * Returns Goxel's magic-wand selection at `start`: the solid voxels reachable through solid
 * neighbours whose RGB differs by at most `threshold` per step (255 = any colour), as a white
 * mask; empty when the start voxel is empty.
 */
export function fuzzySelectMask(volume: Volume, start: Vec3, threshold: number): Volume {
  checkThreshold(threshold);
  const out = new Volume();
  const [sx, sy, sz] = start;
  if (!isInRange(sx, sy, sz) || volume.get(sx, sy, sz) >>> 24 === 0) return out;
  const step: StepTest = (x, y, z, fx, fy, fz) => {
    const a = volume.get(fx, fy, fz), b = volume.get(x, y, z);
    return a >>> 24 !== 0 && b >>> 24 !== 0 && maxRgbDiff(a, b) <= threshold;
  };
  const region = growRegion(start, step, Infinity, () => {
    throw new RangeError("Unreachable: a magic-wand region has no size limit");
  });
  region.forEach((x, y, z) => out.set(x, y, z, 0xffffffff));
  return out;
}
