/**
 * Voxel membership tests for the regions edit operations limit themselves to: a selection
 * mask (a voxel is selected when its mask alpha is non-zero) or a box (voxel centre inside).
 */
import { isNullBox } from "../box.ts";
import { invert, type Mat4 } from "../mat4.ts";
import type { Volume } from "../volume.ts";

/** The region an edit is limited to: the mask when set, else the box, else everything. */
export interface SelectionClip {
  mask: Volume | null;
  box: Mat4 | null;
}

/** A predicate on integer voxel positions. */
export type VoxelTest = (x: number, y: number, z: number) => boolean;

/** Returns true when the box has no rotation (only its diagonal and translation are set). */
function isAxisAligned(box: Mat4): boolean {
  return box[1] === 0 && box[2] === 0 && box[4] === 0 && box[6] === 0 && box[8] === 0 &&
    box[9] === 0;
}

/** Returns a test for "the voxel centre lies in the box" (half-open, like Goxel's cube). */
export function boxVoxelTest(box: Mat4): VoxelTest {
  if (isNullBox(box)) return () => false;
  if (isAxisAligned(box)) {
    // Exact comparison in world units avoids rounding from the matrix inverse.
    const lo: number[] = [], hi: number[] = [];
    for (let i = 0; i < 3; i++) {
      const h = Math.abs(box[i * 5]);
      lo.push(box[12 + i] - h);
      hi.push(box[12 + i] + h);
    }
    return (x, y, z) =>
      x + 0.5 >= lo[0] && x + 0.5 < hi[0] && y + 0.5 >= lo[1] && y + 0.5 < hi[1] &&
      z + 0.5 >= lo[2] && z + 0.5 < hi[2];
  }
  const inv = invert(box);
  if (!inv) return () => false;
  return (x, y, z) => {
    const cx = x + 0.5, cy = y + 0.5, cz = z + 0.5;
    for (let r = 0; r < 3; r++) {
      const p = inv[r] * cx + inv[4 + r] * cy + inv[8 + r] * cz + inv[12 + r];
      if (p < -1 || p >= 1) return false;
    }
    return true;
  };
}

/** Returns a test for "the mask selects the voxel" (mask alpha ≠ 0). */
export function maskVoxelTest(mask: Volume): VoxelTest {
  return (x, y, z) => mask.get(x, y, z) >>> 24 !== 0;
}

/** Returns the membership test of a clip (mask preferred when non-empty), or null for "all". */
export function clipVoxelTest(clip: SelectionClip | null | undefined): VoxelTest | null {
  if (!clip) return null;
  if (clip.mask && !clip.mask.isEmpty()) return maskVoxelTest(clip.mask);
  if (clip.box && !isNullBox(clip.box)) return boxVoxelTest(clip.box);
  return null;
}
