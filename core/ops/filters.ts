/**
 * Goxel's filters (src/filters/*.c): Adjust Colors on the active layer, Mirror and Wrap inside
 * the selection box (else the layer box, else the image box).
 */
import { BlendMode, combine } from "../blend.ts";
import { type Aabb, aabbFromBox, isNullBox } from "../box.ts";
import { ConflictError, InvalidInputError } from "../errors.ts";
import type { Image } from "../image.ts";
import { canEditLayer, type Layer } from "../layer.ts";
import type { Volume } from "../volume.ts";
import { adjustColor, type ColorAdjustments } from "./hsl.ts";
import { selectionClip } from "./selection.ts";
import { boxVoxelTest } from "./clip.ts";

/** An axis: 0 = X, 1 = Y, 2 = Z. */
export type Axis = 0 | 1 | 2;

/** Options of `mirror` and `wrap`. */
export interface LayerFilterOptions {
  /** Apply to every layer (Goxel's default) rather than the active layer only. */
  allLayers?: boolean;
}

const RANGES: [keyof ColorAdjustments, number][] = [
  ["hue", 180],
  ["saturation", 100],
  ["lightness", 100],
  ["contrast", 100],
];

/**
 * Adjusts the colours of a layer's voxels (limited to the selection mask, else the selection
 * box) in HSL space plus contrast, merging the result back with OVER like Goxel; returns the
 * number of voxels changed. All-zero adjustments change nothing.
 */
export function adjustColors(image: Image, layer: Layer, adj: Partial<ColorAdjustments>): number {
  const full: ColorAdjustments = { hue: 0, saturation: 0, lightness: 0, contrast: 0, ...adj };
  for (const [name, limit] of RANGES) {
    const v = full[name];
    if (!Number.isFinite(v) || v < -limit || v > limit) {
      throw new InvalidInputError(
        `Cannot adjust colours: ${name} must be in -${limit}..${limit}, got ${v}`,
      );
    }
  }
  if (!canEditLayer(layer)) {
    throw new ConflictError(
      `Cannot adjust colours of "${layer.name}": it is a clone, shape or image layer`,
    );
  }
  if (RANGES.every(([name]) => full[name] === 0)) return 0;
  const { mask, box } = selectionClip(image);
  const inBox = box ? boxVoxelTest(box) : null;
  const writes: number[] = [];
  // Models have far fewer colours than voxels: each colour is adjusted once.
  const adjusted = new Map<number, number>();
  layer.volume.forEachVoxel((x, y, z, v) => {
    let alpha = v >>> 24;
    if (mask) alpha = Math.min(alpha, mask.get(x, y, z) >>> 24);
    else if (inBox && !inBox(x, y, z)) alpha = 0;
    if (alpha === 0) return;
    let rgb = adjusted.get(v);
    if (rgb === undefined) adjusted.set(v, rgb = adjustColor(v, full) & 0xffffff);
    const edited = (rgb | alpha << 24) >>> 0;
    const out = combine(v, edited, BlendMode.OVER);
    if (out !== v) writes.push(x, y, z, out);
  });
  for (let i = 0; i < writes.length; i += 4) {
    layer.volume.set(writes[i], writes[i + 1], writes[i + 2], writes[i + 3]);
  }
  return writes.length / 4;
}

/** Returns the AABB filters work in: the selection box, else the layer box, else the image box. */
export function filterAabb(image: Image): Aabb {
  const layerBox = image.activeLayer?.box;
  for (const box of [image.selectionBox, layerBox, image.box]) {
    if (box && !isNullBox(box)) return aabbFromBox(box);
  }
  throw new InvalidInputError("Cannot apply the filter: there is no selection, layer or image box");
}

/** Moves every non-zero voxel of `aabb` from offset i to `map(i, size)` along `axis`. */
function remapRegion(
  volume: Volume,
  aabb: Aabb,
  axis: Axis,
  map: (i: number, n: number) => number,
) {
  const { min, max } = aabb;
  const size = max[axis] - min[axis];
  if (size <= 1 || max[0] <= min[0] || max[1] <= min[1] || max[2] <= min[2]) return;
  const found: number[] = [];
  for (const [ox, oy, oz, voxels] of volume.tiles()) {
    if (ox >= max[0] || ox + 16 <= min[0] || oy >= max[1] || oy + 16 <= min[1]) continue;
    if (oz >= max[2] || oz + 16 <= min[2]) continue;
    for (let i = 0; i < 4096; i++) {
      const v = voxels[i];
      if (v === 0) continue;
      const p = [ox + (i & 15), oy + ((i >> 4) & 15), oz + (i >> 8)];
      if (p[0] < min[0] || p[0] >= max[0] || p[1] < min[1] || p[1] >= max[1]) continue;
      if (p[2] < min[2] || p[2] >= max[2]) continue;
      found.push(p[0], p[1], p[2], v);
    }
  }
  // Goxel copies the whole box through a buffer; moving only non-zero voxels is equivalent
  // except that no all-zero tiles get created.
  for (let i = 0; i < found.length; i += 4) volume.set(found[i], found[i + 1], found[i + 2], 0);
  for (let i = 0; i < found.length; i += 4) {
    const p = [found[i], found[i + 1], found[i + 2]];
    p[axis] = min[axis] + map(p[axis] - min[axis], size);
    volume.set(p[0], p[1], p[2], found[i + 3]);
  }
}

function filterLayers(image: Image, options: LayerFilterOptions): Layer[] {
  if (options.allLayers ?? true) return image.layers;
  const active = image.activeLayer;
  // Goxel does nothing for "current layer only" when that layer is hidden.
  return active && active.visible ? [active] : [];
}

function checkAxis(axis: number): void {
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    throw new InvalidInputError(`Cannot apply the filter: axis must be 0, 1 or 2, got ${axis}`);
  }
}

/**
 * Mirrors voxels along an axis inside the filter AABB (offset i takes the value at size−1−i);
 * returns the number of layers processed.
 */
export function mirror(image: Image, axis: Axis, options: LayerFilterOptions = {}): number {
  checkAxis(axis);
  const aabb = filterAabb(image);
  const layers = filterLayers(image, options);
  for (const layer of layers) remapRegion(layer.volume, aabb, axis, (i, n) => n - 1 - i);
  return layers.length;
}

/**
 * Shifts voxels by `sign` (±1) along an axis inside the filter AABB, wrapping around (offset i
 * moves to (i + sign) mod size); returns the number of layers processed.
 */
export function wrap(
  image: Image,
  axis: Axis,
  sign: 1 | -1,
  options: LayerFilterOptions = {},
): number {
  checkAxis(axis);
  if (sign !== 1 && sign !== -1) {
    throw new InvalidInputError(`Cannot wrap voxels: sign must be 1 or -1, got ${sign}`);
  }
  const aabb = filterAabb(image);
  const layers = filterLayers(image, options);
  for (const layer of layers) remapRegion(layer.volume, aabb, axis, (i, n) => (i + sign + n) % n);
  return layers.length;
}
