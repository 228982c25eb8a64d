/** Replace one colour by another in a volume, optionally within a tolerance and a selection. */
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { type Aabb, aabbFromBox, isNullBox } from "../box.ts";
import type { Volume } from "../volume.ts";
import { clipVoxelTest, type SelectionClip } from "./clip.ts";

/** Options of `replaceColor`. */
export interface ReplaceColorOptions {
  /** Largest per-channel difference (R, G, B and A) from `from` still replaced; default 0. */
  tolerance?: number;
  /** Limits the replacement to a selection mask or box (see `selectionClip`). */
  clip?: SelectionClip | null;
}

function maxRgbaDiff(a: Rgba, b: Rgba): number {
  let d = 0;
  for (let s = 0; s < 32; s += 8) d = Math.max(d, Math.abs(((a >>> s) & 255) - ((b >>> s) & 255)));
  return d;
}

/**
 * Sets every non-empty voxel (alpha ≠ 0) whose RGBA is within `tolerance` of `from` to `to`;
 * returns how many voxels changed.
 */
export function replaceColor(
  volume: Volume,
  from: Rgba,
  to: Rgba,
  options: ReplaceColorOptions = {},
): number {
  const tolerance = options.tolerance ?? 0;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 255) {
    throw new InvalidInputError(
      `Cannot replace a colour: tolerance must be an integer 0..255, got ${tolerance}`,
    );
  }
  const inClip = clipVoxelTest(options.clip);
  const target = to >>> 0;
  const hits: number[] = [];
  volume.forEachVoxel((x, y, z, v) => {
    if (v === target || maxRgbaDiff(v, from) > tolerance) return;
    if (!inClip || inClip(x, y, z)) hits.push(x, y, z);
  }, scanRegion(options.clip));
  // Writes happen after the scan: forEachVoxel walks the live tile arrays.
  for (let i = 0; i < hits.length; i += 3) volume.set(hits[i], hits[i + 1], hits[i + 2], target);
  return hits.length / 3;
}

/**
 * The AABB a clip box limits the scan to (tiles outside it are not read), grown by a voxel each
 * way so that rounding never leaves out a voxel the clip test keeps; null: the whole volume.
 */
function scanRegion(clip: SelectionClip | null | undefined): Aabb | null {
  if (!clip?.box || isNullBox(clip.box) || (clip.mask && !clip.mask.isEmpty())) return null;
  const { min, max } = aabbFromBox(clip.box);
  return {
    min: [min[0] - 1, min[1] - 1, min[2] - 1],
    max: [max[0] + 1, max[1] + 1, max[2] + 1],
  };
}

/**
 * Number of tiles `replaceColor` reads for this clip: every tile of the volume, or those
 * meeting the clip box (what a request's budget is charged for the scan).
 */
export function replaceColorTiles(volume: Volume, clip?: SelectionClip | null): number {
  return volume.tilesMeeting(scanRegion(clip));
}
