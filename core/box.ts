/**
 * Goxel boxes: a box is the 4×4 matrix mapping the cube [-1, +1]³ onto it (columns 0–2 are
 * the half-axis vectors, column 3 the centre); the all-zero matrix is the null box.
 */
import { identity, type Mat4, transformPoint, type Vec3 } from "./mat4.ts";

/** An integer axis-aligned range `[min, max)` on every axis. */
export interface Aabb {
  min: Vec3;
  max: Vec3;
}

/** Returns true when the box is the null box (`m[3][3] == 0`). */
export function isNullBox(box: Mat4 | null | undefined): boolean {
  return !box || box[15] === 0;
}

/** Returns the axis-aligned box covering `[min, max)`. */
export function boxFromAabb(aabb: Aabb): Mat4 {
  const m = identity();
  for (let i = 0; i < 3; i++) {
    m[i * 5] = (aabb.max[i] - aabb.min[i]) / 2;
    m[12 + i] = (aabb.max[i] + aabb.min[i]) / 2;
  }
  return m;
}

/** Returns the integer AABB of an axis-aligned box (`round(centre ± half)`, Goxel's bbox_to_aabb). */
export function aabbFromBox(box: Mat4): Aabb {
  const min: Vec3 = [0, 0, 0], max: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const half = Math.abs(box[i]) + Math.abs(box[4 + i]) + Math.abs(box[8 + i]);
    min[i] = roundHalfAway(box[12 + i] - half);
    max[i] = roundHalfAway(box[12 + i] + half);
  }
  return { min, max };
}

/** Returns the half extents of a box (lengths of its three axis columns). */
export function boxHalfSize(box: Mat4): Vec3 {
  return [0, 1, 2].map((c) => Math.hypot(box[c * 4], box[c * 4 + 1], box[c * 4 + 2])) as Vec3;
}

/** Returns the eight corners of a box in world coordinates. */
export function boxCorners(box: Mat4): Vec3[] {
  const out: Vec3[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(transformPoint(box, [i & 1 ? 1 : -1, i & 2 ? 1 : -1, i & 4 ? 1 : -1]));
  }
  return out;
}

/** Returns the smallest axis-aligned box holding both boxes (AABB of their 16 corners). */
export function boxUnion(a: Mat4 | null, b: Mat4 | null): Mat4 | null {
  if (isNullBox(a)) return isNullBox(b) ? null : b;
  if (isNullBox(b)) return a;
  const pts = [...boxCorners(a!), ...boxCorners(b!)];
  const min: Vec3 = [Infinity, Infinity, Infinity], max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of pts) {
    for (let i = 0; i < 3; i++) {
      min[i] = Math.min(min[i], p[i]);
      max[i] = Math.max(max[i], p[i]);
    }
  }
  return boxFromAabb({ min, max });
}

/** Rounds half away from zero like C's `round`. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
