/**
 * Tile addressing and whole-tile scans of the sparse volume: tile keys and origins, voxel
 * indexes inside a tile, the coordinate range, and the per-tile helpers Volume's queries use.
 */
import type { Aabb } from "./box.ts";
import { InvalidInputError } from "./errors.ts";

/** Edge length of a tile in voxels. */
export const TILE_SIZE = 16;
/** Number of voxels in a tile. */
export const TILE_VOXELS = 4096;
/** Voxel coordinates must lie in `[-COORD_LIMIT, COORD_LIMIT)` on every axis. */
export const COORD_LIMIT = 1 << 20;

/** The error for a voxel (or tile) outside the range. */
export function outOfRange(x: number, y: number, z: number): InvalidInputError {
  return new InvalidInputError(
    `Voxel (${x}, ${y}, ${z}) is outside ±${COORD_LIMIT} or not integer`,
  );
}

const KEY_OFFSET = 1 << 16;
const KEY_SPAN = 1 << 17;

/** Returns the map key of the tile whose origin is (ox, oy, oz) (multiples of 16). */
export function tileKey(ox: number, oy: number, oz: number): number {
  return ((ox >> 4) + KEY_OFFSET) * KEY_SPAN * KEY_SPAN + ((oy >> 4) + KEY_OFFSET) * KEY_SPAN +
    ((oz >> 4) + KEY_OFFSET);
}

/** Returns the tile origin encoded in a tile key. */
export function tileOrigin(key: number): [number, number, number] {
  const tz = key % KEY_SPAN;
  const rest = (key - tz) / KEY_SPAN;
  const ty = rest % KEY_SPAN;
  const tx = (rest - ty) / KEY_SPAN;
  return [(tx - KEY_OFFSET) * 16, (ty - KEY_OFFSET) * 16, (tz - KEY_OFFSET) * 16];
}

/** Returns the index of local voxel (x, y, z) inside a tile (x fastest, then y, then z). */
export function voxelIndex(x: number, y: number, z: number): number {
  return (x & 15) | (y & 15) << 4 | (z & 15) << 8;
}

/** Returns true when (x, y, z) are integers inside the supported coordinate range. */
export function isInRange(x: number, y: number, z: number): boolean {
  return Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(z) &&
    x >= -COORD_LIMIT && x < COORD_LIMIT && y >= -COORD_LIMIT && y < COORD_LIMIT &&
    z >= -COORD_LIMIT && z < COORD_LIMIT;
}

const STRIDE = [1, 16, 256];

/**
 * Returns the first slice index (0..15) along axis `a`, scanning up (dir 1) or down (dir -1),
 * that holds a voxel with alpha ≠ 0 (the tile must not be empty).
 */
export function firstSlice(v: Uint32Array, a: number, dir: 1 | -1): number {
  const s = STRIDE[a], u = STRIDE[(a + 1) % 3], w = STRIDE[(a + 2) % 3];
  for (let n = 0; n < 16; n++) {
    const k = dir === 1 ? n : 15 - n;
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) if (v[k * s + i * u + j * w] >>> 24) return k;
    }
  }
  return dir === 1 ? 15 : 0;
}

/** Returns true when every alpha of a tile is 0. */
export function isTileEmpty(voxels: Uint32Array): boolean {
  for (let i = 0; i < TILE_VOXELS; i++) if (voxels[i] >>> 24) return false;
  return true;
}

/** True when the tile at (ox, oy, oz) overlaps the half-open box. */
export function tileMeetsAabb(ox: number, oy: number, oz: number, { min, max }: Aabb): boolean {
  return ox + 16 > min[0] && ox < max[0] && oy + 16 > min[1] && oy < max[1] && oz + 16 > min[2] &&
    oz < max[2];
}

/** True when voxel (x, y, z) lies in the half-open box. */
export function inAabb(x: number, y: number, z: number, { min, max }: Aabb): boolean {
  return x >= min[0] && x < max[0] && y >= min[1] && y < max[1] && z >= min[2] && z < max[2];
}
