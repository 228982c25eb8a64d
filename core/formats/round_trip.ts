/**
 * What writing a file would lose: compares an image with the image decoded from its encoded
 * bytes and names every difference a user would notice (layers, their voxels, names,
 * visibility, kind, blend mode and material; materials; cameras; light). The image box is
 * not compared: decoders without one fit it to the content.
 */
import type { Camera } from "../camera.ts";
import type { Image } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { Material } from "../material.ts";
import type { Volume } from "../volume.ts";
import { countDifferences } from "../volume_compare.ts";
import { madeUpNames } from "./vox_carried.ts";

const EPSILON = 1e-4;

function sameTile(x: Uint32Array | undefined, y: Uint32Array | undefined): boolean {
  for (let i = 0; i < 4096; i++) {
    const p = x ? x[i] : 0, q = y ? y[i] : 0;
    if (p !== q && (p >>> 24 || q >>> 24)) return false;
  }
  return true;
}

/** True when two volumes hold the same voxels (values with alpha 0 count as empty). */
export function sameVoxels(a: Volume, b: Volume): boolean {
  for (const [x, y, z, t] of a.tiles()) if (!sameTile(t, b.readTile(x, y, z))) return false;
  for (const [x, y, z, t] of b.tiles()) {
    if (!a.readTile(x, y, z) && !sameTile(undefined, t)) return false;
  }
  return true;
}

function near(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= EPSILON)) return false;
  return true;
}

function sameMaterial(a: Material | null, b: Material | null): boolean {
  if (!a || !b) return a === b;
  return a.name === b.name && near([a.metallic, a.roughness], [b.metallic, b.roughness]) &&
    near(a.baseColor, b.baseColor) && near(a.emission, b.emission);
}

function sameCamera(a: Camera, b: Camera): boolean {
  return a.name === b.name && a.ortho === b.ortho && near([a.dist], [b.dist]) && near(a.mat, b.mat);
}

function kind(l: Layer): string {
  return l.baseId ? "clone layer" : l.shape ? `${l.shape} shape layer` : "volume layer";
}

function layerLosses(a: Layer, b: Layer, madeUp: Set<Layer>): string[] {
  const what: string[] = [];
  if (a.name !== b.name && !madeUp.has(a)) what.push(`its name (becomes "${b.name}")`);
  if (a.visible !== b.visible) what.push(a.visible ? "its visibility" : "its hidden flag");
  if (kind(a) !== kind(b)) what.push(`its kind (${kind(a)})`);
  if (a.mode !== b.mode) what.push("its blend mode");
  if (!sameMaterial(a.material, b.material)) what.push("its material");
  if (!sameVoxels(a.volume, b.volume)) {
    const n = countDifferences(a.volume, b.volume).changed, all = a.volume.count();
    what.push(`${n} of its ${all} voxels (missing or changed)`);
  }
  return what.length ? [`layer "${a.name}": ${what.join(", ")}`] : [];
}

/** Lists what `after` (decoded from the written file) lacks compared to `before`. */
export function describeLosses(before: Image, after: Image): string[] {
  const out: string[] = [];
  const n = Math.min(before.layers.length, after.layers.length);
  // A name the decoder made up (a duplicate told apart, an unnamed node) is not the file's:
  // the file keeps what it had, and reading it again may make up another.
  const madeUp = madeUpNames(before);
  for (let i = 0; i < n; i++) out.push(...layerLosses(before.layers[i], after.layers[i], madeUp));
  for (const l of before.layers.slice(n)) out.push(`layer "${l.name}"`);
  if (after.layers.length > n) {
    out.push(`the layer list (${after.layers.length - n} extra layers come back)`);
  }
  const mats = before.materials.filter((m, i) => !sameMaterial(m, after.materials[i] ?? null));
  if (mats.length || after.materials.length !== before.materials.length) {
    out.push(`materials (${before.materials.map((m) => `"${m.name}"`).join(", ") || "none"})`);
  }
  const cams = before.cameras.filter((c, i) =>
    !after.cameras[i] || !sameCamera(c, after.cameras[i])
  );
  for (const c of cams) out.push(`camera "${c.name}"`);
  if (after.cameras.length > before.cameras.length) out.push("the camera list");
  const la = before.light, lb = after.light;
  if (
    la.fixed !== lb.fixed ||
    !near([la.pitch, la.yaw, la.intensity, la.ambient, la.shadow], [
      lb.pitch,
      lb.yaw,
      lb.intensity,
      lb.ambient,
      lb.shadow,
    ])
  ) out.push("light settings");
  return out;
}
