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
import { type Aabb, boxFromAabb, isNullBox } from "../box.ts";
import { WorkBudget } from "../budget.ts";
import { fitBox, newCamera } from "../camera.ts";
import { emptyImage, type Image, makeUniqueName, nextLayerId } from "../image.ts";
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
import { BlockDecoder, type DecodedBlock, tileBounds } from "./gox_blocks.ts";
import { BlockScratch, decodeBlockPng } from "./gox_block_png.ts";
import { cameraKey, type GoxCarried, goxChunkValue } from "./gox_carried.ts";
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
  const dv = view(v), out: number[] = [];
  for (let i = 0; i + 4 <= v.length; i += 4) out.push(dv.getFloat32(i, true));
  return out;
}

function readMat(v: Uint8Array): Mat4 {
  const dv = view(v), out = new Float64Array(16);
  for (let i = 0; i < 16; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

/** The little-endian int32 at the start of a value (its size is checked by the caller). */
function int32At(v: Uint8Array): number {
  return v[0] | v[1] << 8 | v[2] << 16 | v[3] << 24;
}

/** Goxel's DICT_CPY: the value is used only when its size matches the field. */
function sized(e: DictEntry, key: string, size: number): boolean {
  return e.key === key && e.value.length === size;
}

/** Decodes a BL16 chunk into the 4096 packed voxels of a tile. */
function readBlock(chunk: GoxChunk, scratch?: BlockScratch): Uint32Array {
  const fast = decodeBlockPng(chunk.data, scratch);
  if (fast) return fast;
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
  const { rgba } = png;
  // decodePng returns a fresh buffer: view it as voxels instead of copying.
  if (rgba.byteOffset === 0 && rgba.buffer.byteLength === 4 * TILE_VOXELS) {
    return new Uint32Array(rgba.buffer as ArrayBuffer);
  }
  const out = new Uint32Array(TILE_VOXELS);
  new Uint8Array(out.buffer).set(rgba);
  return out;
}

/** Goxel's volume_blit of one 16³ block at any position, then removal of emptied tiles. */
function blitBlock(volume: Volume, block: DecodedBlock, x: number, y: number, z: number): void {
  if (((x | y | z) & 15) === 0) {
    // The decoded array is shared by every placement (copy-on-write), never copied here.
    if (block.empty) volume.deleteTile(x, y, z);
    else volume.adoptTile(x, y, z, block.voxels);
    return;
  }
  for (let i = 0; i < TILE_VOXELS; i++) {
    volume.set(x + (i & 15), y + ((i >> 4) & 15), z + (i >> 8), block.voxels[i]);
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

/** True when a block may start at this coordinate. */
function inBlockRange(c: number): boolean {
  return c >= -COORD_LIMIT && c <= COORD_LIMIT - 16;
}

function readLayerBlocks(
  chunk: GoxChunk,
  layer: Layer,
  blocks: DecodedBlock[],
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
    const x = chunkInt32(chunk, at + 4) - shift, y = chunkInt32(chunk, at + 8) - shift;
    const z = chunkInt32(chunk, at + 12) - shift;
    if (index < 0 || index >= blocks.length) {
      goxError(
        chunk.offset + 8 + at,
        `chunk LAYR at byte ${chunk.offset} uses missing block ${index}`,
      );
    }
    if (!inBlockRange(x) || !inBlockRange(y) || !inBlockRange(z)) {
      goxError(
        chunk.offset + 8 + at,
        `chunk LAYR at byte ${chunk.offset} puts a block at (${x}, ${y}, ${z})`,
      );
    }
    blitBlock(layer.volume, blocks[index], x, y, z);
  }
  return 4 + 20 * count;
}

/** Applies one LAYR entry; returns false for a key Goxel does not know. */
function applyLayerEntry(image: Image, layer: Layer, e: DictEntry): boolean {
  if (e.key === "name") layer.name = readString(e.value, LAYER_NAME_MAX);
  else if (e.key === "img-path") layer.imagePath = readString(e.value);
  else if (e.key === "shape") {
    const name = readString(e.value);
    if ((SHAPE_NAMES as readonly string[]).includes(name)) layer.shape = name as ShapeName;
  } else if (sized(e, "mat", 64)) layer.mat = readMat(e.value);
  else if (sized(e, "id", 4)) layer.id = int32At(e.value) || layer.id;
  else if (sized(e, "base_id", 4)) layer.baseId = int32At(e.value);
  else if (sized(e, "box", 64)) {
    const box = readMat(e.value);
    layer.box = isNullBox(box) ? null : box;
  } else if (sized(e, "color", 4)) layer.color = int32At(e.value) >>> 0;
  else if (sized(e, "visible", 1)) layer.visible = e.value[0] !== 0;
  else if (sized(e, "mode", 4)) layer.mode = parseBlendMode(int32At(e.value)) ?? BlendMode.OVER;
  else if (sized(e, "material", 4)) layer.material = image.materials[int32At(e.value)] ?? null;
  else if (!LAYER_KEYS.has(e.key)) return false;
  return true;
}

/** LAYR keys Goxel writes (kept out of the carried unknown entries even when mis-sized). */
const LAYER_KEYS = new Set([
  "name",
  "img-path",
  "shape",
  "mat",
  "id",
  "base_id",
  "box",
  "color",
  "visible",
  "mode",
  "material",
]);

function readLayer(
  carried: GoxCarried,
  image: Image,
  chunk: GoxChunk,
  blocks: DecodedBlock[],
  version: number,
  budget: { placed: number; work: WorkBudget },
): void {
  // Goxel names and numbers a new layer before reading it; the file's name and id (when not
  // 0) replace those, so they are only worked out (among the earlier layers) when missing.
  const layer = newLayer(0, "", image.activeMaterial);
  const dictStart = readLayerBlocks(chunk, layer, blocks, version, budget);
  let named = false;
  const extra = [];
  for (const e of readDict(chunk, dictStart)) {
    if (!applyLayerEntry(image, layer, e)) extra.push({ key: e.key, value: e.value.slice() });
    else if (e.key === "name") named = true;
  }
  if (!named) layer.name = makeUniqueName("Layer", image.layers.map((l) => l.name));
  if (layer.id === 0) layer.id = nextLayerId(image);
  image.layers.push(layer);
  image.activeLayer = layer;
  layer.carriedKey = image.layers.length;
  if (extra.length) carried.layerEntries[layer.carriedKey] = extra;
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

const CAMERA_KEYS = new Set(["name", "active", "dist", "ortho", "mat"]);

function readCamera(carried: GoxCarried, image: Image, chunk: GoxChunk): void {
  const cam = newCamera("unnamed");
  image.cameras.push(cam);
  const extra = [];
  for (const e of readDict(chunk, 0)) {
    if (!CAMERA_KEYS.has(e.key)) extra.push({ key: e.key, value: e.value.slice() });
    if (e.key === "name") cam.name = readString(e.value, NAME_MAX);
    else if (e.key === "active") image.activeCamera = cam;
    else if (sized(e, "dist", 4)) cam.dist = readFloats(e.value)[0];
    else if (sized(e, "ortho", 1)) cam.ortho = e.value[0] !== 0;
    else if (sized(e, "mat", 64)) cam.mat = readMat(e.value);
  }
  const key = cameraKey(image.cameras.map((c) => c.name), image.cameras.length - 1);
  if (extra.length) carried.cameraEntries[key] = extra;
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

/**
 * The bbox of the merged visible volume: the union of the visible layers' voxels (OVER keeps
 * every voxel with alpha > 0), from the decoded blocks' bounds where a tile is one of them.
 */
function visibleBounds(image: Image, known: Map<Uint32Array, DecodedBlock>): Aabb | null {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (const l of image.layers) {
    if (!l.visible) continue;
    for (const [ox, oy, oz, v] of l.volume.tiles()) {
      const block = known.get(v);
      const b = block ? (block.bounds ??= tileBounds(v)) : tileBounds(v);
      if (!b.length) continue;
      const o = [ox, oy, oz];
      for (let i = 0; i < 3; i++) {
        lo[i] = Math.min(lo[i], o[i] + b[i]);
        hi[i] = Math.max(hi[i], o[i] + b[i + 3]);
      }
    }
  }
  return lo[0] === Infinity ? null : { min: lo as Aabb["min"], max: hi as Aabb["max"] };
}

/** Applies Goxel's after-load defaults: a fitted camera if none, the content bbox if no box. */
function finishImage(image: Image, blocks: DecodedBlock[]): void {
  if (image.cameras.length === 0) {
    const cam = newCamera(makeUniqueName("Camera", []));
    image.cameras.push(cam);
    image.activeCamera = cam;
    fitBox(cam, image.box);
  }
  if (isNullBox(image.box)) {
    // The merged visible volume's bbox is the union of the visible layers' bboxes (OVER keeps
    // every voxel with alpha > 0), without merging the layers.
    const known = new Map(blocks.map((b) => [b.voxels, b]));
    const aabb = visibleBounds(image, known) ?? { min: [-16, -16, 0], max: [16, 16, 32] };
    image.box = boxFromAabb(aabb);
  }
}

/** Decodes a `.gox` file (like Goxel's File→Open); throws FormatError on malformed input. */
export function decodeGox(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const { version, chunks } = readGoxChunks(bytes);
  const image = emptyImage();
  const blocks: DecodedBlock[] = [];
  const budget = { placed: 0, work: options.budget ?? new WorkBudget() };
  const scratch = new BlockScratch();
  const blockDecoder = new BlockDecoder((data) =>
    readBlock({ type: "BL16", offset: at, data }, scratch)
  );
  let at = 0;
  const carried: GoxCarried = { format: "gox", chunks: [], layerEntries: {}, cameraEntries: {} };
  let after = "";
  for (const chunk of chunks) {
    switch (chunk.type) {
      case "BL16":
        at = chunk.offset;
        blocks.push(blockDecoder.get(chunk.data));
        break;
      case "LAYR":
        readLayer(carried, image, chunk, blocks, version, budget);
        break;
      case "MATE":
        readMaterial(image, chunk);
        keepRaw(carried, chunk, goxChunkValue("MATE", image.materials.at(-1)!));
        break;
      case "CAMR":
        readCamera(carried, image, chunk);
        break;
      case "LIGH":
        readLight(image, chunk);
        keepRaw(carried, chunk, goxChunkValue("LIGH", image.light));
        break;
      case "IMG ":
        for (const e of readDict(chunk, 0)) if (sized(e, "box", 64)) image.box = readMat(e.value);
        keepRaw(carried, chunk, goxChunkValue("IMG ", image.box));
        break;
      case "PREV":
        continue; // a preview of the old content: Goxel writes a new one on save
      default:
        carried.chunks.push({ after, type: chunk.type, data: chunk.data.slice() });
        continue;
    }
    after = chunk.type;
  }
  image.carried = carried;
  finishImage(image, blocks);
  return image;
}

/** Keeps a chunk as read with the state it gave (see GoxCarried.raw). */
function keepRaw(carried: GoxCarried, chunk: GoxChunk, value: string): void {
  (carried.raw ??= []).push({ type: chunk.type, value, data: chunk.data.slice() });
}

/** The `.gox` codec. */
export const GOX_CODEC: Codec = {
  name: "gox",
  description: "Goxel native project (layers, materials, cameras, light)",
  extensions: [".gox"],
  decode: decodeGox,
  encode: (image) => [{ suffix: "", data: encodeGox(image) }],
};
