/**
 * Goxel's layer actions on an image (src/image.c): add, delete, duplicate, clone, merge,
 * reorder, rename, shape layers, and `updateImage` which recomputes clone and shape layers.
 * Every function mutates the image in place.
 */
import { BlendMode, mergeVolumes } from "../blend.ts";
import { aabbFromBox, boxFromAabb, boxUnion, isNullBox } from "../box.ts";
import { WorkBudget } from "../budget.ts";
import type { Rgba } from "../color.ts";
import { InvalidInputError, NotFoundError } from "../errors.ts";
import { findLayer, type Image, makeUniqueName, nextLayerId } from "../image.ts";
import { copyLayer, type Layer, newLayer, SHAPE_NAMES, type ShapeName } from "../layer.ts";
import { type Mat4, scale, translation } from "../mat4.ts";
import { defaultPainter, paint } from "./paint.ts";
import { moveVolume } from "./transform.ts";
import { COORD_LIMIT, Volume } from "../volume.ts";

/** Longest layer name in UTF-8 bytes (Goxel keeps names in a 256-byte buffer). */
export const MAX_LAYER_NAME_BYTES = 255;

function indexOfLayer(image: Image, layer: Layer): number {
  const i = image.layers.indexOf(layer);
  if (i < 0) throw new NotFoundError(`Cannot find layer "${layer.name}" in the image`);
  return i;
}

function checkName(name: string): void {
  if (name.length === 0) throw new InvalidInputError("Cannot name a layer: the name is empty");
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_LAYER_NAME_BYTES) {
    throw new InvalidInputError(
      `Cannot name a layer: the name is ${bytes} bytes long, the limit is ${MAX_LAYER_NAME_BYTES}`,
    );
  }
}

/** Returns `name` when no other layer uses it (ignoring case), else a `.N`-suffixed variant. */
function freeName(image: Image, name: string, except?: Layer): string {
  checkName(name);
  const names = image.layers.filter((l) => l !== except).map((l) => l.name);
  const lower = name.toLowerCase();
  return names.some((n) => n.toLowerCase() === lower) ? makeUniqueName(name, names) : name;
}

function appendActive(image: Image, layer: Layer): Layer {
  image.layers.push(layer);
  image.activeLayer = layer;
  return layer;
}

function unlinkClonesOf(image: Image, base: Layer): void {
  for (const other of image.layers) if (other.baseId === base.id) other.baseId = 0;
}

/**
 * Appends a new empty visible layer using the active material and makes it active; without a
 * name it is called "Layer.N" like Goxel's, a taken name gets a `.N` suffix.
 */
export function addLayer(image: Image, name?: string): Layer {
  const layerName = name === undefined
    ? makeUniqueName("Layer", image.layers.map((l) => l.name))
    : freeName(image, name);
  return appendActive(image, newLayer(nextLayerId(image), layerName, image.activeMaterial));
}

/**
 * Deletes a layer; its clones become plain layers keeping their voxels. Deleting the last
 * layer leaves a new empty layer "unnamed"; when the active layer goes, the last one is active.
 */
export function deleteLayer(image: Image, layer: Layer): void {
  image.layers.splice(indexOfLayer(image, layer), 1);
  if (image.activeLayer === layer) image.activeLayer = null;
  unlinkClonesOf(image, layer);
  if (image.layers.length === 0) image.layers.push(newLayer(nextLayerId(image), "unnamed"));
  image.activeLayer ??= image.layers[image.layers.length - 1];
}

/** Appends a visible copy of a layer (voxel tiles shared copy-on-write) with a unique name. */
export function duplicateLayer(image: Image, layer: Layer): Layer {
  indexOfLayer(image, layer);
  const copy = copyLayer(layer);
  copy.name = makeUniqueName(layer.name, image.layers.map((l) => l.name));
  copy.visible = true;
  copy.id = nextLayerId(image);
  return appendActive(image, copy);
}

/** Appends a clone layer "<name> clone" that follows `layer`'s voxels (see `updateImage`). */
export function cloneLayer(image: Image, layer: Layer): Layer {
  indexOfLayer(image, layer);
  const name = `${layer.name.slice(0, MAX_LAYER_NAME_BYTES - 6)} clone`;
  const clone = newLayer(nextLayerId(image), name, layer.material);
  clone.volume = layer.volume.copy();
  clone.baseId = layer.id;
  clone.sourceKey = cloneSourceKey(layer, clone);
  return appendActive(image, clone);
}

/** Turns a clone or shape layer into a plain volume layer keeping its current voxels. */
export function uncloneLayer(image: Image, layer: Layer): void {
  indexOfLayer(image, layer);
  layer.baseId = 0;
  layer.shape = null;
  layer.sourceKey = undefined;
}

/** Makes the base layer of a clone layer active and returns it. */
export function selectParentLayer(image: Image, layer: Layer): Layer {
  indexOfLayer(image, layer);
  const base = layer.baseId ? findLayer(image, layer.baseId) : undefined;
  if (!base) {
    throw new NotFoundError(`Cannot select the parent of "${layer.name}": it is not a clone`);
  }
  image.activeLayer = base;
  return base;
}

/**
 * Merges a layer into the one before it with the upper layer's blend mode, deletes it and
 * activates the result; returns null (and does nothing) for the first layer.
 */
export function mergeLayerDown(image: Image, layer: Layer): Layer | null {
  const i = indexOfLayer(image, layer);
  if (i === 0) return null;
  const target = image.layers[i - 1];
  uncloneLayer(image, layer);
  uncloneLayer(image, target);
  unlinkClonesOf(image, layer);
  target.volume = mergeVolumes(target.volume, layer.volume, layer.mode);
  image.layers.splice(i, 1);
  image.activeLayer = target;
  return target;
}

/**
 * Merges all visible layers in order, each later layer with its own mode; the survivor is the
 * last visible layer (its name, material and matrix), made active. Returns it, or null.
 */
export function mergeVisibleLayers(image: Image): Layer | null {
  let last: Layer | null = null;
  for (const layer of [...image.layers]) {
    if (!layer.visible) continue;
    uncloneLayer(image, layer);
    if (last) {
      unlinkClonesOf(image, last);
      layer.volume = mergeVolumes(last.volume, layer.volume, layer.mode);
      image.layers.splice(image.layers.indexOf(last), 1);
    }
    last = layer;
  }
  if (last) image.activeLayer = last;
  return last;
}

/** Moves a layer `delta` places (negative = towards the list head), clamped; returns its index. */
export function moveLayer(image: Image, layer: Layer, delta: number): number {
  if (!Number.isInteger(delta)) throw new InvalidInputError(`Cannot move a layer by ${delta}`);
  const i = indexOfLayer(image, layer);
  const j = Math.min(image.layers.length - 1, Math.max(0, i + delta));
  image.layers.splice(i, 1);
  image.layers.splice(j, 0, layer);
  return j;
}

/** Shows or hides a layer. */
export function setLayerVisible(image: Image, layer: Layer, visible: boolean): void {
  indexOfLayer(image, layer);
  layer.visible = visible;
}

/** Renames a layer, adding a `.N` suffix when another layer has the name; returns the name. */
export function renameLayer(image: Image, layer: Layer, name: string): string {
  indexOfLayer(image, layer);
  layer.name = freeName(image, name, layer);
  return layer.name;
}

/** Makes a layer the active one. */
export function setActiveLayer(image: Image, layer: Layer): void {
  indexOfLayer(image, layer);
  image.activeLayer = layer;
}

/**
 * Appends a shape layer "shape" (no material) and generates its voxels; its box is `box`,
 * else the selection box, else a box of half extent 4 at the image-box centre.
 */
export function addShapeLayer(
  image: Image,
  shape: ShapeName = "sphere",
  color: Rgba = 0xffffffff,
  box: Mat4 | null = null,
  budget: WorkBudget = new WorkBudget(),
): Layer {
  if (!SHAPE_NAMES.includes(shape)) {
    throw new InvalidInputError(`Cannot add a shape layer: unknown shape "${shape}"`);
  }
  checkBoxInRange(box, "add a shape layer");
  let mat: Mat4;
  if (box && !isNullBox(box)) mat = box.slice();
  else if (image.selectionBox && !isNullBox(image.selectionBox)) mat = image.selectionBox.slice();
  else {
    const c = image.box ? [image.box[12], image.box[13], image.box[14]] : [0, 0, 0];
    mat = scale(translation(c[0], c[1], c[2]), 4, 4, 4);
  }
  const layer = newLayer(nextLayerId(image), "shape");
  layer.shape = shape;
  layer.color = color >>> 0;
  layer.mat = mat;
  appendActive(image, layer);
  try {
    updateImage(image, budget);
  } catch (err) {
    deleteLayer(image, layer);
    throw err;
  }
  return layer;
}

/** Refuses a box reaching outside the supported coordinate range (±COORD_LIMIT). */
export function checkBoxInRange(box: Mat4 | null | undefined, what: string): void {
  if (!box || isNullBox(box)) return;
  const { min, max } = aabbFromBox(box);
  const ok = min.every((v) => v >= -COORD_LIMIT) && max.every((v) => v <= COORD_LIMIT);
  if (!ok) {
    // The aabb's max is exclusive; users give and read boxes with an inclusive max.
    const last = max.map((v) => v - 1);
    throw new InvalidInputError(
      `Cannot ${what}: the box [${min.join(", ")}]–[${last.join(", ")}] reaches outside ` +
        `±${COORD_LIMIT}`,
    );
  }
}

function cloneSourceKey(base: Layer, clone: Layer): unknown[] {
  return ["clone", base.volume.key, clone.mat.join()];
}

function shapeSourceKey(image: Image, layer: Layer): unknown[] {
  return ["shape", layer.mat.join(), layer.shape, layer.color, image.box ? image.box.join() : null];
}

function sameKey(cached: unknown, key: unknown[]): boolean {
  return Array.isArray(cached) && cached.length === key.length &&
    cached.every((v, i) => v === key[i]);
}

/**
 * Gives a new id to every layer whose id an earlier layer already has (files written by other
 * tools can hold such layers, and Goxel loads them as they are); the first keeps its id, so
 * clone layers find the base Goxel would. Layer ids address layers in requests and in the
 * journal, where a repeated id sent edits of one layer to the other. Returns how many changed.
 */
export function uniqueLayerIds(image: Image): number {
  const seen = new Set<number>();
  let renumbered = 0;
  for (const layer of image.layers) {
    if (seen.has(layer.id)) {
      layer.id = nextLayerId(image);
      renumbered++;
    }
    seen.add(layer.id);
  }
  return renumbered;
}

/**
 * Marks every clone and shape layer up to date with its source as the image holds it now,
 * without recomputing anything (journal replay: each journaled state was brought up to date
 * before it was written, and the caches themselves are not journaled).
 */
export function markDerivedCurrent(image: Image): Image {
  for (const layer of image.layers) {
    const base = layer.baseId ? findLayer(image, layer.baseId) : undefined;
    if (base && base !== layer) layer.sourceKey = cloneSourceKey(base, layer);
    if (layer.shape) layer.sourceKey = shapeSourceKey(image, layer);
  }
  return image;
}

/** Recomputes one clone or shape layer when its source changed; returns true when it did. */
function updateLayer(image: Image, layer: Layer, budget: WorkBudget): boolean {
  let changed = false;
  const base = layer.baseId ? findLayer(image, layer.baseId) : undefined;
  if (base && base !== layer) {
    const key = cloneSourceKey(base, layer);
    if (!sameKey(layer.sourceKey, key)) {
      const volume = base.volume.copy();
      moveVolume(volume, layer.mat, budget);
      layer.volume = volume;
      layer.sourceKey = key;
      changed = true;
    }
  }
  if (layer.shape) {
    const key = shapeSourceKey(image, layer);
    if (!sameKey(layer.sourceKey, key)) {
      const painter = { ...defaultPainter(), shape: layer.shape, mode: BlendMode.OVER };
      const volume = new Volume();
      paint(volume, { ...painter, color: layer.color, clipBox: image.box }, layer.mat, budget);
      layer.volume = volume;
      layer.sourceKey = key;
      changed = true;
    }
  }
  return changed;
}

/**
 * Goxel's image_update: recomputes clone layers whose base voxels (or own matrix) changed and
 * shape layers whose matrix, shape, colour or the image box changed; returns true if any did.
 * Every recomputed layer is charged to `budget` before it is written.
 */
export function updateImage(image: Image, budget: WorkBudget = new WorkBudget()): boolean {
  let any = false;
  // Clones of clones settle in as many passes as the chain is long.
  for (let pass = 0; pass <= image.layers.length; pass++) {
    let changed = false;
    for (const layer of image.layers) changed = updateLayer(image, layer, budget) || changed;
    if (!changed) break;
    any = true;
  }
  return any;
}

/** Returns a layer's box if it is bounded, else the box of its voxels (zero-size at 0 if none). */
export function layerBoundingBox(layer: Layer): Mat4 {
  if (layer.box && !isNullBox(layer.box)) return layer.box.slice();
  return boxFromAabb(layer.volume.bbox() ?? { min: [0, 0, 0], max: [0, 0, 0] });
}

/**
 * Goxel's img_auto_resize: the image box becomes the union of every layer's bounding box
 * (like Goxel, an empty unbounded layer contributes the point at the origin).
 */
export function autoResizeImage(image: Image): void {
  let box: Mat4 | null = null;
  for (const layer of image.layers) box = boxUnion(box, layerBoundingBox(layer));
  image.box = box ? box.slice() : null;
}
