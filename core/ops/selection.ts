/**
 * The image selection (Goxel §1.7, §2.5, §2.6): a selection box and a selection mask volume
 * (selected where alpha ≠ 0, white), plus the clip edit operations limit themselves to.
 */
import { BlendMode, mergeVolumes } from "../blend.ts";
import { isNullBox } from "../box.ts";
import { InvalidInputError } from "../errors.ts";
import type { Image } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { Mat4, Vec3 } from "../mat4.ts";
import { Volume } from "../volume.ts";
import type { SelectionClip } from "./clip.ts";
import { fuzzySelectMask, maxRgbDiff } from "./fill.ts";
import { defaultPainter, paint } from "./paint.ts";

/** How a new selection combines with the mask: Goxel's "Set", "Add" and "Sub". */
export type SelectionMode = "replace" | "add" | "sub";

const MODE_BLEND = { replace: BlendMode.REPLACE, add: BlendMode.OVER, sub: BlendMode.SUB };

/** Sets the selection box (a copy), or clears it when `box` is null or the null box. */
export function setSelectionBox(image: Image, box: Mat4 | null): void {
  image.selectionBox = box && !isNullBox(box) ? box.slice() : null;
}

/**
 * Adds the active layer's voxels inside `box` (default: the selection box) to the mask, white
 * with their own alpha (Goxel's add_selection); returns false when there is no box or layer.
 */
export function addSelection(image: Image, box: Mat4 | null = image.selectionBox): boolean {
  const layer = image.activeLayer;
  if (!box || isNullBox(box) || !layer) return false;
  const white = 0xffffffff;
  const tmp = layer.volume.copy();
  paint(
    tmp,
    { ...defaultPainter(), shape: "cube", mode: BlendMode.INTERSECT_FILL, color: white },
    box,
  );
  image.selectionMask = mergeVolumes(
    image.selectionMask ?? new Volume(),
    tmp,
    BlendMode.OVER,
    white,
  );
  return true;
}

/**
 * Removes the voxels inside `box` (default: the selection box) from the mask (Goxel's
 * sub_selection); returns false when there is no mask or no box.
 */
export function subSelection(image: Image, box: Mat4 | null = image.selectionBox): boolean {
  if (!image.selectionMask || !box || isNullBox(box)) return false;
  const painter = { ...defaultPainter(), shape: "cube" as const, mode: BlendMode.SUB };
  paint(image.selectionMask, painter, box);
  return true;
}

/** Deletes the selection mask and the selection box. */
export function resetSelection(image: Image): void {
  image.selectionMask = null;
  image.selectionBox = null;
}

function mergeIntoMask(image: Image, selected: Volume, mode: SelectionMode): number {
  const blend = MODE_BLEND[mode];
  image.selectionMask = mergeVolumes(image.selectionMask ?? new Volume(), selected, blend);
  return image.selectionMask.count();
}

/**
 * Magic wand (Goxel's fuzzy select): selects the solid voxels of `layer` connected to `start`
 * through neighbours whose RGB differs by at most `threshold` (255 = ignore colour), merged
 * into the mask with `mode`; returns the number of voxels the mask then selects.
 */
export function fuzzySelect(
  image: Image,
  layer: Layer,
  start: Vec3,
  threshold: number,
  mode: SelectionMode = "replace",
): number {
  return mergeIntoMask(image, fuzzySelectMask(layer.volume, start, threshold), mode);
}

/**
 * Selects every solid voxel of `layer`, connected or not, whose RGB is within `threshold` of
 * the voxel at `start`, merged into the mask with `mode`; returns the mask's voxel count.
 */
export function selectByColor(
  image: Image,
  layer: Layer,
  start: Vec3,
  threshold: number,
  mode: SelectionMode = "replace",
): number {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 255) {
    throw new InvalidInputError(
      `Cannot select by colour: threshold must be 0..255, got ${threshold}`,
    );
  }
  const selected = new Volume();
  const ref = layer.volume.get(start[0], start[1], start[2]);
  if (ref >>> 24 !== 0) {
    layer.volume.forEachVoxel((x, y, z, v) => {
      if (maxRgbDiff(v, ref) <= threshold) selected.set(x, y, z, 0xffffffff);
    });
  }
  return mergeIntoMask(image, selected, mode);
}

/** Returns what edits are limited to: the mask when it selects something, else the box. */
export function selectionClip(image: Image): SelectionClip {
  if (image.selectionMask && !image.selectionMask.isEmpty()) {
    return { mask: image.selectionMask, box: null };
  }
  const box = image.selectionBox && !isNullBox(image.selectionBox) ? image.selectionBox : null;
  return { mask: null, box };
}
