/**
 * Goxel's native `.gox` format (src/formats/gox.c), read and written byte-compatibly.
 *
 * Choices: the PREV preview chunk is ignored on load and not written (core/formats has no
 * renderer); a file without cameras gets one "Camera.1" fitted to the image box and a file
 * without an image box gets its content's bbox, like Goxel; a file without layers yields an
 * image without layers (Goxel adds none either). BL16 PNGs of any colour type are accepted
 * (Goxel asserts RGBA). Shape and clone layers load with empty volumes: recomputing them is the
 * image model's job, not the codec's.
 */
import { BlendMode, parseBlendMode } from "../blend.ts";
import { boxFromAabb, isNullBox } from "../box.ts";
import { WorkBudget } from "../budget.ts";
import { fitBox, newCamera } from "../camera.ts";
import {
  emptyImage,
  type Image,
  makeUniqueName,
  mergedVisibleVolume,
  nextLayerId,
} from "../image.ts";
import { type Layer, newLayer, SHAPE_NAMES, type ShapeName } from "../layer.ts";
import type { Mat4 } from "../mat4.ts";
import { type Material, newMaterial } from "../material.ts";
import { COORD_LIMIT, isTileEmpty, TILE_VOXELS, type Volume } from "../volume.ts";
import { FormatError } from "../errors.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import {
  chunkInt32,
  type DictEntry,
  type GoxChunk,
  goxError,
  readDict,
  readGoxChunks,
} from "./gox_chunks.ts";
import { encodeGox } from "./gox_encode.ts";
import { decodePng } from "./png.ts";

export { encodeGox };

/** Name buffers in Goxel: layer names hold 255 bytes, material and camera names 127. */
const LAYER_NAME_MAX = 255;
const NAME_MAX = 127;

const utf8 = new TextDecoder();

function view(v: Uint8Array): DataView {
  return new DataView(v.buffer, v.byteOffset, v.byteLength);
}

function readString(v: Uint8Array, max = Infinity): string {
  const nul = v.indexOf(0);
  const end = Math.min(nul < 0 ? v.length : nul, max);
  return utf8.decode(v.subarray(0, end));
}

function readFloats(v: Uint8Array): number[] {
  return Array.from({ length: v.length >> 2 }, (_, i) => view(v).getFloat32(4 * i, true));
}

function readMat(v: Uint8Array): Mat4 {
  return Float64Array.from(readFloats(v));
}

/** Goxel's DICT_CPY: the value is used only when its size matches the field. */
function sized(e: DictEntry, key: string, size: number): boolean {
  return e.key === key && e.value.length === size;
}

/** Decodes a BL16 chunk into the 4096 packed voxels of a tile. */
function readBlock(chunk: GoxChunk): Uint32Array {
  let png;
  try {
    png = decodePng(chunk.data);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const at = chunk.offset + 8 + e.offset;
    goxError(at, `chunk BL16 at byte ${chunk.offset} holds a bad PNG: ${e.message}`, e);
  }
  if (png.width !== 64 || png.height !== 64) {
    goxError(
      chunk.offset,
      `chunk BL16 at byte ${chunk.offset} holds a ${png.width}×${png.height} image, not 64×64`,
    );
  }
  const out = new Uint32Array(TILE_VOXELS);
  new Uint8Array(out.buffer).set(png.rgba);
  return out;
}

/** Goxel's volume_blit of one 16³ block at any position, then removal of emptied tiles. */
function blitBlock(volume: Volume, block: Uint32Array, x: number, y: number, z: number): void {
  if (((x | y | z) & 15) === 0) {
    volume.writeTile(x, y, z).set(block);
    if (isTileEmpty(block)) volume.deleteTile(x, y, z);
    return;
  }
  for (let i = 0; i < TILE_VOXELS; i++) {
    volume.set(x + (i & 15), y + ((i >> 4) & 15), z + (i >> 8), block[i]);
  }
  for (const ox of [x & ~15, (x + 15) & ~15]) {
    for (const oy of [y & ~15, (y + 15) & ~15]) {
      for (const oz of [z & ~15, (z + 15) & ~15]) {
        const tile = volume.readTile(ox, oy, oz);
        if (tile && isTileEmpty(tile)) volume.deleteTile(ox, oy, oz);
      }
    }
  }
}

/**
 * Most block placements one file may make: each makes a 16 KiB tile from a 20-byte record, so
 * without a cap a 1 MB file could ask for gigabytes. 65 536 blocks are 268 M voxels.
 */
export const MAX_BLOCK_PLACEMENTS = 1 << 16;

function readLayerBlocks(
  chunk: GoxChunk,
  layer: Layer,
  blocks: Uint32Array[],
  version: number,
  budget: { placed: number; work: WorkBudget },
) {
  const count = chunkInt32(chunk, 0);
  if (count < 0 || count > (chunk.data.length - 4) / 20) {
    goxError(chunk.offset + 8, `chunk LAYR at byte ${chunk.offset} declares ${count} blocks`);
  }
  budget.work.charge("decode .gox blocks", { voxels: count * TILE_VOXELS, tiles: count });
  budget.placed += count;
  if (budget.placed > MAX_BLOCK_PLACEMENTS) {
    goxError(
      chunk.offset + 8,
      `chunk LAYR at byte ${chunk.offset} places more than ${MAX_BLOCK_PLACEMENTS} blocks in all`,
    );
  }
  for (let i = 0; i < count; i++) {
    const at = 4 + 20 * i;
    const index = chunkInt32(chunk, at);
    const shift = version === 1 ? 8 : 0; // version 1 stored block centres
    const [x, y, z] = [1, 2, 3].map((k) => chunkInt32(chunk, at + 4 * k) - shift);
    if (index < 0 || index >= blocks.length) {
      goxError(
        chunk.offset + 8 + at,
        `chunk LAYR at byte ${chunk.offset} uses missing block ${index}`,
      );
    }
    if ([x, y, z].some((c) => c < -COORD_LIMIT || c > COORD_LIMIT - 16)) {
      goxError(
        chunk.offset + 8 + at,
        `chunk LAYR at byte ${chunk.offset} puts a block at (${x}, ${y}, ${z})`,
      );
    }
    blitBlock(layer.volume, blocks[index], x, y, z);
  }
  return 4 + 20 * count;
}

function applyLayerEntry(image: Image, layer: Layer, e: DictEntry): void {
  const v = view(e.value);
  if (e.key === "name") layer.name = readString(e.value, LAYER_NAME_MAX);
  else if (e.key === "img-path") layer.imagePath = readString(e.value);
  else if (e.key === "shape") {
    const name = readString(e.value);
    if ((SHAPE_NAMES as readonly string[]).includes(name)) layer.shape = name as ShapeName;
  } else if (sized(e, "mat", 64)) layer.mat = readMat(e.value);
  else if (sized(e, "id", 4)) layer.id = v.getInt32(0, true) || layer.id;
  else if (sized(e, "base_id", 4)) layer.baseId = v.getInt32(0, true);
  else if (sized(e, "box", 64)) {
    const box = readMat(e.value);
    layer.box = isNullBox(box) ? null : box;
  } else if (sized(e, "color", 4)) layer.color = v.getUint32(0, true);
  else if (sized(e, "visible", 1)) layer.visible = e.value[0] !== 0;
  else if (sized(e, "mode", 4)) layer.mode = parseBlendMode(v.getInt32(0, true)) ?? BlendMode.OVER;
  else if (sized(e, "material", 4)) layer.material = image.materials[v.getInt32(0, true)] ?? null;
}

function readLayer(
  image: Image,
  chunk: GoxChunk,
  blocks: Uint32Array[],
  version: number,
  budget: { placed: number; work: WorkBudget },
): void {
  const name = makeUniqueName("Layer", image.layers.map((l) => l.name));
  const layer = newLayer(nextLayerId(image), name, image.activeMaterial);
  image.layers.push(layer);
  image.activeLayer = layer;
  const dictStart = readLayerBlocks(chunk, layer, blocks, version, budget);
  for (const e of readDict(chunk, dictStart)) applyLayerEntry(image, layer, e);
}

function readMaterial(image: Image, chunk: GoxChunk): void {
  const m = newMaterial(makeUniqueName("Material", image.materials.map((x) => x.name)));
  image.materials.push(m);
  image.activeMaterial = m;
  for (const e of readDict(chunk, 0)) {
    if (e.key === "name") m.name = readString(e.value, NAME_MAX);
    else if (sized(e, "color", 16)) m.baseColor = readFloats(e.value) as Material["baseColor"];
    else if (sized(e, "metallic", 4)) m.metallic = readFloats(e.value)[0];
    else if (sized(e, "roughness", 4)) m.roughness = readFloats(e.value)[0];
    else if (sized(e, "emission", 12)) m.emission = readFloats(e.value) as Material["emission"];
  }
}

function readCamera(image: Image, chunk: GoxChunk): void {
  const cam = newCamera("unnamed");
  image.cameras.push(cam);
  for (const e of readDict(chunk, 0)) {
    if (e.key === "name") cam.name = readString(e.value, NAME_MAX);
    else if (e.key === "active") image.activeCamera = cam;
    else if (sized(e, "dist", 4)) cam.dist = readFloats(e.value)[0];
    else if (sized(e, "ortho", 1)) cam.ortho = e.value[0] !== 0;
    else if (sized(e, "mat", 64)) cam.mat = readMat(e.value);
  }
}

function readLight(image: Image, chunk: GoxChunk): void {
  const light = image.light;
  for (const e of readDict(chunk, 0)) {
    if (sized(e, "fixed", 1)) light.fixed = e.value[0] !== 0;
    else if (e.value.length === 4) {
      const f = readFloats(e.value)[0];
      if (e.key === "pitch") light.pitch = f;
      else if (e.key === "yaw") light.yaw = f;
      else if (e.key === "intensity") light.intensity = f;
      else if (e.key === "ambient") light.ambient = f;
      else if (e.key === "shadow") light.shadow = f;
    }
  }
}

/** Applies Goxel's after-load defaults: a fitted camera if none, the content bbox if no box. */
function finishImage(image: Image): void {
  if (image.cameras.length === 0) {
    const cam = newCamera(makeUniqueName("Camera", []));
    image.cameras.push(cam);
    image.activeCamera = cam;
    fitBox(cam, image.box);
  }
  if (isNullBox(image.box)) {
    const aabb = mergedVisibleVolume(image).bbox() ?? { min: [-16, -16, 0], max: [16, 16, 32] };
    image.box = boxFromAabb(aabb);
  }
}

/** Decodes a `.gox` file (like Goxel's File→Open); throws FormatError on malformed input. */
export function decodeGox(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const { version, chunks } = readGoxChunks(bytes);
  const image = emptyImage();
  const blocks: Uint32Array[] = [];
  const budget = { placed: 0, work: options.budget ?? new WorkBudget() };
  for (const chunk of chunks) {
    switch (chunk.type) {
      case "BL16":
        blocks.push(readBlock(chunk));
        break;
      case "LAYR":
        readLayer(image, chunk, blocks, version, budget);
        break;
      case "MATE":
        readMaterial(image, chunk);
        break;
      case "CAMR":
        readCamera(image, chunk);
        break;
      case "LIGH":
        readLight(image, chunk);
        break;
      case "IMG ":
        for (const e of readDict(chunk, 0)) if (sized(e, "box", 64)) image.box = readMat(e.value);
        break;
    }
  }
  finishImage(image);
  return image;
}

/** The `.gox` codec. */
export const GOX_CODEC: Codec = {
  name: "gox",
  description: "Goxel native project (layers, materials, cameras, light)",
  extensions: [".gox"],
  decode: decodeGox,
  encode: (image) => [{ suffix: "", data: encodeGox(image) }],
};
