/** Writes images as `.gox` files with Goxel's chunk order, key order and block sharing. */
import { isNullBox } from "../box.ts";
import type { Camera } from "../camera.ts";
import type { Image, Light } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { Material } from "../material.ts";
import { GOX_VERSION, GoxWriter } from "./gox_chunks.ts";
import { cameraKey, type GoxCarried, goxChunkValue, type GoxExtraEntry } from "./gox_carried.ts";
import { BlockEncoder } from "./gox_blocks.ts";

/** Goxel's name buffers: 255 bytes for layers, 127 for materials and cameras. */
const LAYER_NAME_MAX = 255;
const NAME_MAX = 127;

const utf8 = new TextEncoder();

/** UTF-8 bytes of `s`, cut at a character boundary to fit Goxel's name buffer. */
function str(s: string, max = Infinity): Uint8Array {
  const b = utf8.encode(s);
  if (b.length <= max) return b;
  let cut = max;
  while (cut > 0 && (b[cut] & 0xc0) === 0x80) cut--;
  return b.subarray(0, cut);
}

function f32(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function i32(v: number): Uint8Array {
  return new Uint8Array(Int32Array.of(v).buffer);
}

function u32(v: number): Uint8Array {
  return new Uint8Array(Uint32Array.of(v).buffer);
}

function bool(v: boolean): Uint8Array {
  return Uint8Array.of(v ? 1 : 0);
}

/** Distinct tile data over all layers in first-use order, and each data's BL16 index. */
function collectBlocks(image: Image): { blocks: Uint32Array[]; index: Map<number, number> } {
  const blocks: Uint32Array[] = [], index = new Map<number, number>();
  for (const layer of image.layers) {
    for (const [x, y, z, voxels] of layer.volume.tiles()) {
      const id = layer.volume.tileDataId(x, y, z)!;
      if (index.has(id)) continue;
      index.set(id, blocks.length);
      blocks.push(voxels);
    }
  }
  return { blocks, index };
}

/**
 * Writes a chunk of `type` for `state` as the file had it when that state is unchanged (each
 * read chunk once); returns false when there is none to write back.
 */
function writeRaw(
  w: GoxWriter,
  image: Image,
  used: Set<object>,
  type: "IMG " | "MATE" | "LIGH",
  state: Material | Light | ArrayLike<number> | null,
): boolean {
  const raw = extras(image)?.raw;
  if (!raw) return false;
  const value = goxChunkValue(type, state);
  const kept = raw.find((r) => r.type === type && r.value === value && !used.has(r));
  if (!kept) return false;
  used.add(kept);
  w.beginChunk(type);
  w.bytes(kept.data);
  w.endChunk();
  return true;
}

function writeMaterial(w: GoxWriter, m: Material): void {
  w.beginChunk("MATE");
  w.entry("name", str(m.name, NAME_MAX));
  w.entry("color", f32(m.baseColor));
  w.entry("metallic", f32([m.metallic]));
  w.entry("roughness", f32([m.roughness]));
  w.entry("emission", f32(m.emission));
  w.endChunk();
}

function writeLayer(w: GoxWriter, image: Image, layer: Layer, index: Map<number, number>): void {
  w.beginChunk("LAYR");
  const volume = layer.volume;
  if (layer.baseId === 0 && layer.shape === null) {
    w.int32(volume.tileCount);
    for (const [x, y, z] of volume.tiles()) {
      for (const v of [index.get(volume.tileDataId(x, y, z)!)!, x, y, z, 0]) w.int32(v);
    }
  } else {
    w.int32(0);
  }
  w.entry("name", str(layer.name, LAYER_NAME_MAX));
  w.entry("mat", f32(layer.mat));
  w.entry("id", i32(layer.id));
  w.entry("base_id", i32(layer.baseId));
  // Goxel writes index 0 for a layer without material (spec §7 quirk 3).
  w.entry("material", i32(Math.max(0, image.materials.indexOf(layer.material!))));
  w.entry("mode", i32(layer.mode));
  if (layer.imagePath !== null) w.entry("img-path", str(layer.imagePath));
  if (!isNullBox(layer.box)) w.entry("box", f32(layer.box!));
  if (layer.shape !== null) {
    w.entry("shape", str(layer.shape));
    w.entry("color", u32(layer.color));
  }
  w.entry("visible", bool(layer.visible));
  for (const e of extras(image)?.layerEntries[layer.carriedKey ?? -1] ?? []) {
    w.entry(e.key, e.value);
  }
  w.endChunk();
}

function extras(image: Image): GoxCarried | null {
  return image.carried?.format === "gox" ? image.carried : null;
}

/** Writes the carried unknown chunks that followed the last chunk of kind `after`. */
function writeCarried(w: GoxWriter, image: Image, after: string): void {
  for (const c of extras(image)?.chunks ?? []) {
    if (c.after !== after) continue;
    w.beginChunk(c.type);
    w.bytes(c.data);
    w.endChunk();
  }
}

function writeCamera(w: GoxWriter, cam: Camera, isActive: boolean, extra: GoxExtraEntry[]) {
  w.beginChunk("CAMR");
  w.entry("name", str(cam.name, NAME_MAX));
  w.entry("dist", f32([cam.dist]));
  w.entry("ortho", bool(cam.ortho));
  w.entry("mat", f32(cam.mat));
  if (isActive) w.entry("active", new Uint8Array(0));
  for (const e of extra) w.entry(e.key, e.value);
  w.endChunk();
}

function writeLight(w: GoxWriter, light: Light): void {
  w.beginChunk("LIGH");
  w.entry("pitch", f32([light.pitch]));
  w.entry("yaw", f32([light.yaw]));
  w.entry("intensity", f32([light.intensity]));
  w.entry("fixed", bool(light.fixed));
  w.entry("ambient", f32([light.ambient]));
  w.entry("shadow", f32([light.shadow]));
  w.endChunk();
}

/**
 * Encodes an image as a `.gox` file in Goxel's chunk order (IMG, BL16…, MATE…, LAYR…, CAMR…,
 * LIGH). No PREV preview is written. Blocks are shared when tiles share data.
 */
export function encodeGox(image: Image): Uint8Array {
  const w = new GoxWriter();
  w.tag("GOX ");
  w.int32(GOX_VERSION);
  writeCarried(w, image, "");
  const used = new Set<object>();
  if (!writeRaw(w, image, used, "IMG ", image.box)) {
    w.beginChunk("IMG ");
    if (!isNullBox(image.box)) w.entry("box", f32(image.box!));
    w.endChunk();
  }
  writeCarried(w, image, "IMG ");
  const { blocks, index } = collectBlocks(image);
  const coder = new BlockEncoder();
  for (const voxels of blocks) {
    w.beginChunk("BL16");
    w.bytes(coder.encode(voxels));
    w.endChunk();
  }
  writeCarried(w, image, "BL16");
  for (const m of image.materials) if (!writeRaw(w, image, used, "MATE", m)) writeMaterial(w, m);
  writeCarried(w, image, "MATE");
  for (const layer of image.layers) writeLayer(w, image, layer, index);
  writeCarried(w, image, "LAYR");
  const cameraEntries = extras(image)?.cameraEntries ?? {};
  const names = image.cameras.map((c) => c.name);
  image.cameras.forEach((cam, i) => {
    writeCamera(w, cam, cam === image.activeCamera, cameraEntries[cameraKey(names, i)] ?? []);
  });
  writeCarried(w, image, "CAMR");
  if (!writeRaw(w, image, used, "LIGH", image.light)) writeLight(w, image.light);
  writeCarried(w, image, "LIGH");
  return w.result();
}
