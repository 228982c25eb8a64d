/** Replace one colour by another in a volume, optionally within a tolerance and a selection. */
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
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
  });
  // Writes happen after the scan: forEachVoxel walks the live tile arrays.
  for (let i = 0; i < hits.length; i += 3) volume.set(hits[i], hits[i + 1], hits[i + 2], target);
  return hits.length / 3;
}
