/**
 * Goxel's shape functions (src/shape.c): signed distances, positive inside, evaluated in a
 * box-local frame where `size` holds the half extents in voxel units.
 */
import type { ShapeName } from "../layer.ts";
import type { Vec3 } from "../mat4.ts";

/** A shape function on scalar arguments (no allocation in hot loops). */
export type ShapeFunction = (
  px: number,
  py: number,
  pz: number,
  sx: number,
  sy: number,
  sz: number,
  smoothness: number,
) => number;

function sphere(px: number, py: number, pz: number, sx: number, sy: number, sz: number): number {
  const d = Math.sqrt(px * px + py * py + pz * pz);
  if (d === 0) return Math.max(sx, sy, sz);
  const ex = sy * sz * px / d, ey = sx * sz * py / d, ez = sx * sy * pz / d;
  const r = sx * sy * sz / Math.sqrt(ex * ex + ey * ey + ez * ez);
  return r - d;
}

function cube(
  px: number,
  py: number,
  pz: number,
  sx: number,
  sy: number,
  sz: number,
  sm: number,
): number {
  if (
    px < -sx - sm || px >= sx + sm || py < -sy - sm || py >= sy + sm || pz < -sz - sm ||
    pz >= sz + sm
  ) return -Infinity;
  if (
    px >= -sx + sm && px < sx - sm && py >= -sy + sm && py < sy - sm && pz >= -sz + sm &&
    pz < sz - sm
  ) return Infinity;
  // Border band of a smooth cube: the axis whose face the point is relatively closest to.
  let best = Infinity, out = 0;
  const ps = [px, py, pz], ss = [sx, sy, sz];
  for (let i = 0; i < 3; i++) {
    const a = Math.abs(ps[i]);
    if (a === 0) continue;
    const ratio = ss[i] / a;
    if (ratio < best) {
      best = ratio;
      out = ss[i] - a;
    }
  }
  return out;
}

function cylinder(px: number, py: number, pz: number, sx: number, sy: number, sz: number): number {
  const rz = sz - Math.abs(pz);
  if (px === 0 && py === 0) return Math.min(rz, Math.max(sx, sy, sz));
  const d = Math.sqrt(px * px + py * py);
  const ex = sy * px / d, ey = sx * py / d;
  const r = sx * sy / Math.sqrt(ex * ex + ey * ey);
  return Math.min(rz, r - d);
}

/** Returns the scalar shape function for a shape name. */
export function shapeFunction(shape: ShapeName): ShapeFunction {
  switch (shape) {
    case "sphere":
      return sphere;
    case "cube":
      return cube;
    case "cylinder":
      return cylinder;
  }
}

/** Returns Goxel's signed distance of local point `p` to `shape` with half extents `size`. */
export function shapeDistance(shape: ShapeName, p: Vec3, size: Vec3, smoothness: number): number {
  return shapeFunction(shape)(p[0], p[1], p[2], size[0], size[1], size[2], smoothness);
}

/**
 * Returns true when no point of the local box `[lo, hi]` can get a positive weight from the
 * shape (conservative: false may still mean "nothing inside").
 */
export function shapeMissesAabb(
  shape: ShapeName,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  size: Vec3,
  smoothness: number,
): boolean {
  // Every shape fits in its box grown by the smoothness on each side.
  for (let i = 0; i < 3; i++) {
    const bound = (size[i] + smoothness) * (1 + 1e-9) + 1e-9;
    if (hi[i] < -bound || lo[i] > bound) return true;
  }
  if (shape === "cube") return false;
  // Scaled by the half extents a sphere (cylinder section) is the unit ball (disc); along a
  // ray the smooth band adds at most smoothness / min(size) to the scaled radius.
  const axes = shape === "sphere" ? 3 : 2;
  let d2 = 0, minSize = Infinity;
  for (let i = 0; i < axes; i++) {
    const near = lo[i] > 0 ? lo[i] : hi[i] < 0 ? hi[i] : 0;
    d2 += (near / size[i]) ** 2;
    minSize = Math.min(minSize, size[i]);
  }
  const reach = (1 + smoothness / minSize) * (1 + 1e-9);
  return d2 > reach * reach;
}
