/** Goxel images: ordered layers, materials and cameras, the image box and the selection. */
import { BlendMode, combine, mergeVolumes } from "./blend.ts";
import type { Rgba } from "./color.ts";
import { boxFromAabb } from "./box.ts";
import { type Camera, copyCamera, newCamera } from "./camera.ts";
import { copyLayer, type Layer, newLayer } from "./layer.ts";
import type { Mat4 } from "./mat4.ts";
import type { Carried } from "./carried.ts";
import { copyMaterial, type Material, newMaterial } from "./material.ts";
import { Volume } from "./volume.ts";

/** Light and render settings saved in `.gox` LIGH chunks (angles in radians). */
export interface Light {
  pitch: number;
  yaw: number;
  intensity: number;
  fixed: boolean;
  ambient: number;
  shadow: number;
}

/** A voxel image (a Goxel document). */
export interface Image {
  box: Mat4 | null;
  layers: Layer[];
  activeLayer: Layer | null;
  materials: Material[];
  activeMaterial: Material | null;
  cameras: Camera[];
  activeCamera: Camera | null;
  selectionBox: Mat4 | null;
  selectionMask: Volume | null;
  light: Light;
  /**
   * What the file this image was read from held beyond the image model (its chunks, scene
   * graph, unknown blocks), re-emitted when the same format is written. Never mutated: copies
   * and snapshots share it.
   */
  carried?: Carried | null;
}

/** Returns Goxel's default light settings. */
export function defaultLight(): Light {
  const deg = Math.PI / 180;
  return { pitch: 20 * deg, yaw: 120 * deg, intensity: 2, fixed: false, ambient: 0.3, shadow: 0.3 };
}

/** Returns a new image the way Goxel makes one: box (−16,−16,0)–(16,16,32), one of each. */
export function newImage(): Image {
  const material = newMaterial("Material.1");
  const camera = newCamera("Camera.1");
  const layer = newLayer(2, "Layer.1", material);
  return {
    box: boxFromAabb({ min: [-16, -16, 0], max: [16, 16, 32] }),
    layers: [layer],
    activeLayer: layer,
    materials: [material],
    activeMaterial: material,
    cameras: [camera],
    activeCamera: camera,
    selectionBox: null,
    selectionMask: null,
    light: defaultLight(),
  };
}

/** Returns an image with no layers, materials or cameras (what file loaders start from). */
export function emptyImage(): Image {
  return {
    box: null,
    layers: [],
    activeLayer: null,
    materials: [],
    activeMaterial: null,
    cameras: [],
    activeCamera: null,
    selectionBox: null,
    selectionMask: null,
    light: defaultLight(),
  };
}

/**
 * Returns `base` made unique among `names` like Goxel's make_uniq_name: `.N` is appended
 * starting at 1, or at the existing suffix + 1; comparison ignores case.
 */
export function makeUniqueName(base: string, names: Iterable<string>): string {
  const taken = new Set([...names].map((n) => n.toLowerCase()));
  const m = /^(.*)\.(\d+)$/.exec(base);
  const stem = m ? m[1] : base;
  let i = m ? Number(m[2]) : 1;
  if (m && !taken.has(base.toLowerCase())) return base;
  for (;; i++) {
    const name = `${stem}.${i}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** Returns the smallest positive layer id not used in the image. */
export function nextLayerId(image: Image): number {
  const used = new Set(image.layers.map((l) => l.id));
  let id = 1;
  while (used.has(id)) id++;
  return id;
}

/** Returns a copy of the image sharing voxel data (an O(tiles) snapshot). */
export function copyImage(image: Image): Image {
  const materials = image.materials.map(copyMaterial);
  const matMap = new Map(image.materials.map((m, i) => [m, materials[i]]));
  const layers = image.layers.map((l) =>
    copyLayer(l, l.material ? matMap.get(l.material) ?? null : null)
  );
  const cameras = image.cameras.map(copyCamera);
  const pick = <T>(list: T[], copies: T[], item: T | null) =>
    item === null ? null : copies[list.indexOf(item)] ?? null;
  return {
    box: image.box ? image.box.slice() : null,
    layers,
    activeLayer: pick(image.layers, layers, image.activeLayer),
    materials,
    activeMaterial: pick(image.materials, materials, image.activeMaterial),
    cameras,
    activeCamera: pick(image.cameras, cameras, image.activeCamera),
    selectionBox: image.selectionBox ? image.selectionBox.slice() : null,
    selectionMask: image.selectionMask ? image.selectionMask.copy() : null,
    light: { ...image.light },
    ...(image.carried ? { carried: image.carried } : {}),
  };
}

/**
 * Returns a list of primitives and volume keys that is equal for two images exactly when
 * Goxel's image key would be (used to skip undo pushes when nothing changed).
 */
export function imageFingerprint(image: Image): unknown[] {
  // Plain numbers and keys only (no string building): this runs on every undo push.
  const out: unknown[] = [];
  pushBox(out, image.box);
  for (const l of image.layers) {
    out.push(l.volume.key, l.id, l.visible, l.name, l.shape, l.color, l.mode, l.baseId);
    out.push(l.material ? image.materials.indexOf(l.material) : -1);
    pushBox(out, l.box);
    for (let i = 0; i < 16; i++) out.push(l.mat[i]);
  }
  for (const c of image.cameras) {
    out.push(c.name, c.ortho, c.dist);
    for (let i = 0; i < 16; i++) out.push(c.mat[i]);
  }
  for (const m of image.materials) {
    out.push(m.name, m.metallic, m.roughness, ...m.baseColor, ...m.emission);
  }
  pushBox(out, image.selectionBox);
  out.push(image.selectionMask ? image.selectionMask.key : null);
  out.push(image.layers.length, image.cameras.length, image.materials.length);
  out.push(image.layers.indexOf(image.activeLayer!));
  return out;
}

function pushBox(out: unknown[], box: Mat4 | null): void {
  if (!box) out.push(null);
  else for (let i = 0; i < 16; i++) out.push(box[i]);
}

/** Returns true when two fingerprints are equal element by element. */
export function sameFingerprint(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Each image's last merge, with the keys of the layer volumes it was made from. */
const lastMerge = new WeakMap<Image, { keys: symbol[]; volume: Volume }>();

/**
 * Returns the visible layers merged in order with plain OVER (what exporters write). The merge
 * is remembered per image and reused while the visible layers' volumes keep their keys (a key
 * changes on every write): reads of a many-layer project (info, bbox, queries) merged every
 * layer again each time. Callers get their own copy-on-write copy.
 */
export function mergedVisibleVolume(image: Image): Volume {
  const keys: symbol[] = [];
  for (const l of image.layers) if (l.visible) keys.push(l.volume.key);
  const last = lastMerge.get(image);
  if (last && last.keys.length === keys.length && last.keys.every((k, i) => k === keys[i])) {
    return last.volume.copy();
  }
  let out = new Volume();
  for (const l of image.layers) {
    if (l.visible) out = mergeVolumes(out, l.volume, BlendMode.OVER);
  }
  lastMerge.set(image, { keys, volume: out.copy() });
  return out;
}

/** Numbers of the volume keys named so far (see mergedVisibleName). */
const keyNumbers = new WeakMap<symbol, number>();
let nextKeyNumber = 1;

/**
 * Returns a name of the merged visible voxels: equal names mean equal merged voxels (copies of
 * an image, snapshots included, share it until a visible layer is written or shown or hidden).
 */
export function mergedVisibleName(image: Image): string {
  const parts: number[] = [];
  for (const l of image.layers) {
    if (!l.visible) continue;
    const key = l.volume.key;
    let n = keyNumbers.get(key);
    if (n === undefined) keyNumbers.set(key, n = nextKeyNumber++);
    parts.push(n);
  }
  return parts.join(",");
}

/**
 * Returns one voxel of the merged visible volume without building it: the same value
 * `mergedVisibleVolume(image).get(x, y, z)` gives (the first layer holding the tile gives the
 * value as stored, later ones combine with OVER).
 */
export function visibleVoxel(image: Image, x: number, y: number, z: number): Rgba {
  let value: Rgba | undefined;
  for (const l of image.layers) {
    if (!l.visible || !l.volume.readTile(x & ~15, y & ~15, z & ~15)) continue;
    const v = l.volume.get(x, y, z);
    value = value === undefined ? v : combine(value, v, BlendMode.OVER);
  }
  return value ?? 0;
}

/** Returns the layer with this id, or undefined. */
export function findLayer(image: Image, id: number): Layer | undefined {
  return image.layers.find((l) => l.id === id);
}
