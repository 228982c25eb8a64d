/**
 * MagicaVoxel `.vox` codec. Reading understands v150 and v200 files: SIZE/XYZI models, the
 * RGBA palette (else the default one), the nTRN/nGRP/nSHP scene graph with every instance
 * placed, LAYR names and visibility, PACK files, and old headerless Slab6 `.vox` files.
 *
 * Placement: a model's pivot is `p = floor(size / 2)` and its voxel `v` occupies the unit cube
 * `[v − p, v − p + 1)`, which the accumulated transforms rotate and translate; so voxel `v`
 * lands at `floor(R·(v + ½ − p) + t)`. On axes that R does not flip this is `R·(v − p) + t`
 * (Goxel's rule); on a flipped axis the voxel lands one lower, which keeps an even-sized model
 * inside the same box when mirrored. Animated nodes use the keyframe shown at time 0 (the
 * smallest `_f`). Models stored in other chunks than XYZI (Teardown's TDCZ) are skipped, so
 * such files load as an image without voxels.
 */
import { boxFromAabb } from "../box.ts";
import { WorkBudget } from "../budget.ts";
import { FormatError } from "../errors.ts";
import { type Image, makeUniqueName, newImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import type { Vec3 } from "../mat4.ts";
import { COORD_LIMIT, tileKey, tileOrigin, Volume } from "../volume.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import { magicaDefaultPalette } from "./magica_palette.ts";
import { decodeSlab6, emptyBounds } from "./slab6.ts";
import {
  collectObjects,
  parseSceneChunk,
  VoxCursor,
  type VoxInstance,
  type VoxLayer,
  type VoxNode,
  type VoxObject,
} from "./vox_scene.ts";
import { encodeVox } from "./vox_write.ts";
import { encodeVoxLossless } from "./vox_lossless.ts";
import { cameraFromRcam } from "./vox_cameras.ts";
import { assignLayerMaterials, VoxMaterials } from "./vox_materials.ts";
import { linkObjects, sceneLessObjects, syntheticScene } from "./vox_carried.ts";
import { parseRecord, type VoxModelRecord, type VoxRecord } from "./vox_records.ts";

/** At most this many voxels are placed (summed over instances) before decoding gives up. */
export const MAX_PLACED_VOXELS = 1 << 26;
/** At most this many 16³ tiles (16 KiB each) are allocated before decoding gives up. */
export const MAX_TILES = 1 << 16;
const MAX_MODEL_SIZE = 1 << 16;

/** A model: its size and where its XYZI records are (count −1 when it has no XYZI chunk). */
interface VoxModel {
  size: Vec3;
  offset: number;
  count: number;
}

/** Everything read from the chunk list. */
interface VoxFile {
  models: VoxModel[];
  palette: Uint32Array;
  hasPalette: boolean;
  nodes: Map<number, VoxNode>;
  layers: Map<number, VoxLayer>;
  /** The chunk list as plain data (what the writer re-emits). */
  records: VoxRecord[];
  modelRecords: VoxModelRecord[];
}

function chunkId(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** Handles the content of one child chunk of MAIN. */
function readChunk(file: VoxFile, id: string, cur: VoxCursor, previous: string): void {
  if (id === "SIZE") {
    const size: Vec3 = [cur.i32(), cur.i32(), cur.i32()];
    if (size.some((s) => s < 0 || s > MAX_MODEL_SIZE)) {
      throw cur.fail(cur.pos - 12, "has an invalid size");
    }
    file.models.push({ size, offset: 0, count: -1 });
  } else if (id === "XYZI" && previous === "SIZE") {
    const model = file.models[file.models.length - 1];
    model.count = cur.count(4);
    model.offset = cur.pos;
  } else if (id === "RGBA" && !file.hasPalette) {
    cur.need(255 * 4);
    const b = cur.bytes, o = cur.pos;
    for (let k = 0; k < 255; k++) {
      file.palette[k + 1] = (b[o + 4 * k] | b[o + 4 * k + 1] << 8 | b[o + 4 * k + 2] << 16 |
        b[o + 4 * k + 3] << 24) >>> 0;
    }
    file.hasPalette = true;
  } else parseSceneChunk(id, cur, file.nodes, file.layers);
}

/** Adds a chunk to the record list: SIZE starts a model, the chunk after it holds its voxels. */
function recordChunk(file: VoxFile, id: string, content: Uint8Array, children: Uint8Array): void {
  const last = file.modelRecords[file.modelRecords.length - 1];
  if (id === "SIZE") {
    const v = new DataView(content.buffer, content.byteOffset, 12);
    const size: Vec3 = [v.getInt32(0, true), v.getInt32(4, true), v.getInt32(8, true)];
    file.records.push({ id: "SIZE", model: file.modelRecords.length });
    file.modelRecords.push({ size, kind: "", content: new Uint8Array(0) });
  } else if (
    (id === "XYZI" || id === "TDCZ") && file.records.at(-1)?.id === "SIZE" && !last.kind &&
    !children.length
  ) {
    last.kind = id;
    last.content = content.slice();
  } else if (id === "RGBA" && !file.records.some((r) => r.id === "RGBA")) {
    file.records.push({ id: "RGBA", content: content.slice() });
  } else file.records.push(parseRecord(id, content, children));
}

/** Walks the RIFF-like chunk list of a file that starts with "VOX ". */
function readFile(bytes: Uint8Array): { file: VoxFile; version: number; main: Uint8Array } {
  const head = new VoxCursor(bytes, 4, bytes.length, "the header");
  const version = head.i32(); // 150 and 200 share the layout
  head.need(12);
  if (chunkId(bytes, head.pos) !== "MAIN") throw head.fail(head.pos, "has no MAIN chunk");
  head.pos += 4;
  const n = head.i32(), m = head.i32();
  const main = new VoxCursor(bytes, head.pos, bytes.length, "chunk MAIN");
  main.need(n);
  main.pos += n;
  main.need(m);
  const file: VoxFile = {
    models: [],
    palette: magicaDefaultPalette(),
    hasPalette: false,
    nodes: new Map(),
    layers: new Map(),
    records: [],
    modelRecords: [],
  };
  const end = main.pos + m;
  let pos = main.pos, previous = "";
  while (pos < end) {
    const hdr = new VoxCursor(bytes, pos, end, "a chunk header");
    hdr.need(12);
    const id = chunkId(bytes, pos);
    hdr.pos += 4;
    const cn = hdr.i32(), cm = hdr.i32();
    const cur = new VoxCursor(bytes, hdr.pos, end, `chunk ${id}`);
    cur.need(cn);
    new VoxCursor(bytes, hdr.pos + cn, end, `chunk ${id}`).need(cm);
    readChunk(file, id, new VoxCursor(bytes, hdr.pos, hdr.pos + cn, `chunk ${id}`), previous);
    const content = bytes.subarray(hdr.pos, hdr.pos + cn);
    recordChunk(file, id, content, bytes.subarray(hdr.pos + cn, hdr.pos + cn + cm));
    previous = id;
    pos = hdr.pos + cn + cm;
  }
  return { file, version, main: bytes.slice(main.pos - n, main.pos) };
}

/** Per-axis affine map of one instance: world[i] = s[i]·local[col[i]] + a[i]. */
interface Plan {
  offset: number;
  count: number;
  col: number[];
  s: number[];
  a: number[];
}

function planInstance(model: VoxModel, inst: VoxInstance): Plan {
  const col: number[] = [], s: number[] = [], a: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c = [0, 1, 2].find((j) => inst.xf.r[i * 3 + j] !== 0)!;
    const sign = inst.xf.r[i * 3 + c];
    const off = inst.xf.t[i] - sign * Math.floor(model.size[c] / 2) - (sign < 0 ? 1 : 0);
    // XYZI coordinates are bytes, so 0..255 bounds every placed voxel.
    if (
      Math.min(off, off + 255 * sign) < -COORD_LIMIT ||
      Math.max(off, off + 255 * sign) >= COORD_LIMIT
    ) {
      throw new FormatError(
        "vox",
        model.offset,
        `Cannot decode .vox: model ${inst.modelId} is placed outside ±${COORD_LIMIT}`,
      );
    }
    col.push(c), s.push(sign), a.push(off);
  }
  return { offset: model.offset, count: model.count, col, s, a };
}

/** Calls `fn(key)` once per run of voxels in the same tile, and grows `box` (min…max). */
function scanTiles(bytes: Uint8Array, p: Plan, box: number[], fn: (key: number) => void): void {
  const [c0, c1, c2] = p.col, [s0, s1, s2] = p.s, [a0, a1, a2] = p.a;
  let lastKey = -1;
  for (let o = p.offset, end = p.offset + 4 * p.count; o < end; o += 4) {
    if (bytes[o + 3] === 0) continue;
    const x = s0 * bytes[o + c0] + a0, y = s1 * bytes[o + c1] + a1, z = s2 * bytes[o + c2] + a2;
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (z < box[2]) box[2] = z;
    if (x > box[3]) box[3] = x;
    if (y > box[4]) box[4] = y;
    if (z > box[5]) box[5] = z;
    const key = tileKey(x & ~15, y & ~15, z & ~15);
    if (key !== lastKey) fn(lastKey = key);
  }
}

/** Writes an instance's voxels into tiles that already exist in `tiles`. */
function writeVoxels(
  bytes: Uint8Array,
  p: Plan,
  palette: Uint32Array,
  tiles: Map<number, Uint32Array>,
): void {
  const [c0, c1, c2] = p.col, [s0, s1, s2] = p.s, [a0, a1, a2] = p.a;
  let lastKey = -1;
  let data: Uint32Array = new Uint32Array(0);
  for (let o = p.offset, end = p.offset + 4 * p.count; o < end; o += 4) {
    const ci = bytes[o + 3];
    if (ci === 0) continue;
    const x = s0 * bytes[o + c0] + a0, y = s1 * bytes[o + c1] + a1, z = s2 * bytes[o + c2] + a2;
    const key = tileKey(x & ~15, y & ~15, z & ~15);
    if (key !== lastKey) data = tiles.get(lastKey = key)!;
    data[(x & 15) | (y & 15) << 4 | (z & 15) << 8] = palette[ci];
  }
}

/**
 * Places an object's instances into a new volume whose tiles are created in sorted order, so
 * the volume (and its CRC) does not depend on the order of the voxels in the file.
 */
function placeObject(
  bytes: Uint8Array,
  file: VoxFile,
  obj: VoxObject,
  box: number[],
  budget: { tiles: number; work: WorkBudget },
): Volume | null {
  const plans = obj.instances
    .filter((i) => (file.models[i.modelId]?.count ?? -1) >= 0)
    .map((i) => planInstance(file.models[i.modelId], i));
  if (plans.length === 0) return null;
  const keys = new Set<number>();
  const addKey = (key: number) => {
    if (keys.has(key)) return;
    keys.add(key);
    budget.work.charge("decode .vox", { tiles: 1 });
    if (++budget.tiles > MAX_TILES) {
      throw new FormatError(
        "vox",
        0,
        `Cannot decode .vox: the scene needs more than ${MAX_TILES} tiles`,
      );
    }
  };
  for (const p of plans) scanTiles(bytes, p, box, addKey);
  const volume = new Volume();
  const tiles = new Map<number, Uint32Array>();
  for (const key of [...keys].sort((a, b) => a - b)) {
    const [x, y, z] = tileOrigin(key);
    tiles.set(key, volume.writeTile(x, y, z));
  }
  for (const p of plans) writeVoxels(bytes, p, file.palette, tiles);
  return volume;
}

/** Returns a Goxel image with one layer per named volume; the box fits the content. */
function imageFromVolumes(
  parts: { name: string; hidden: boolean; volume: Volume }[],
  box: number[],
): Image {
  const image = newImage();
  const material = image.materials[0];
  const names: string[] = [];
  if (parts.length) image.layers = [];
  for (const part of parts) {
    const base = part.name || `Layer.${names.length + 1}`;
    const taken = names.some((n) => n.toLowerCase() === base.toLowerCase());
    const name = taken ? makeUniqueName(base, names) : base;
    names.push(name);
    const layer = newLayer(names.length, name, material);
    layer.visible = !part.hidden;
    layer.volume = part.volume;
    layer.carriedKey = names.length;
    image.layers.push(layer);
  }
  image.activeLayer = image.layers[0];
  if (box[0] <= box[3]) {
    image.box = boxFromAabb({
      min: [box[0], box[1], box[2]],
      max: [box[3] + 1, box[4] + 1, box[5] + 1],
    });
  }
  return image;
}

/** Decodes a `.vox` file (MagicaVoxel, or old Slab6 when there is no "VOX " magic). */
export function decodeVox(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  if (bytes.length < 4 || chunkId(bytes, 0) !== "VOX ") {
    const box = emptyBounds();
    const volume = decodeSlab6(bytes, box);
    return imageFromVolumes([{ name: "", hidden: false, volume }], box);
  }
  const { file, version, main } = readFile(bytes);
  const hasScene = file.records.some((r) => r.id === "nTRN" || r.id === "nGRP" || r.id === "nSHP");
  const objects = file.nodes.has(0)
    ? collectObjects(file.nodes, file.layers)
    : sceneLessObjects(file.models.length, !hasScene);
  let placed = 0;
  for (const obj of objects) {
    for (const i of obj.instances) placed += Math.max(0, file.models[i.modelId]?.count ?? 0);
  }
  if (placed > MAX_PLACED_VOXELS) {
    throw new FormatError(
      "vox",
      0,
      `Cannot decode .vox: the scene places ${placed} voxels, more than ${MAX_PLACED_VOXELS}`,
    );
  }
  const box = emptyBounds();
  const parts = [];
  const work = options.budget ?? new WorkBudget();
  work.charge("decode .vox", { voxels: placed });
  const budget = { tiles: 0, work };
  for (const obj of objects) {
    const volume = placeObject(bytes, file, obj, box, budget);
    if (volume) parts.push({ name: obj.name, hidden: obj.hidden, volume, obj });
  }
  const image = imageFromVolumes(parts, box);
  attachCarried(image, file, { version, main, hasScene }, parts, objects);
  return image;
}

/**
 * Keeps the file's structure on the image (image.carried) and adds what maps onto the image
 * model: Goxel materials from MATL, Goxel cameras from rCAM.
 */
function attachCarried(
  image: Image,
  file: VoxFile,
  head: { version: number; main: Uint8Array; hasScene: boolean },
  parts: { obj: VoxObject }[],
  objects: VoxObject[],
): void {
  // Without any placed model the image keeps newImage's empty layer: link it to nothing so
  // it is not written as a new node while it stays empty.
  const none = { name: "", hidden: false, instances: [], owner: -1, group: -1, path: [] };
  if (!parts.length) image.layers[0].carriedKey = 1;
  const linked = (parts.length ? parts : [{ obj: none }]).map((p, i) => ({
    obj: p.obj as VoxObject,
    name: image.layers[i].name,
    visible: image.layers[i].visible,
  }));
  const mats = new VoxMaterials(file.records);
  const materialKeys = assignLayerMaterials(
    image.layers,
    linked.map((l) => l.obj.instances.map((i) => file.modelRecords[i.modelId]).filter(Boolean)),
    image.materials,
    mats,
  );
  image.carried = {
    format: "vox",
    version: head.version,
    main: head.main,
    records: file.records,
    models: file.modelRecords,
    palette: file.hasPalette ? file.palette : null,
    links: linkObjects(linked, objects),
    synthetic: head.hasScene ? null : syntheticScene(file.models.length),
    materialKeys,
  };
  for (const r of file.records) {
    const cam = r.id === "raw" && r.kind === "rCAM" ? cameraFromRcam(r.content) : null;
    if (cam) image.cameras.push(cam);
  }
}

/** The MagicaVoxel codec. */
export const VOX_CODEC: Codec = {
  name: "vox",
  aliases: ["magica voxel", "magicavoxel", "magica"],
  description: "MagicaVoxel .vox (layers, scene graph; also reads old Slab6 .vox)",
  extensions: [".vox"],
  decode: decodeVox,
  encode: (image) => [{
    suffix: "",
    data: image.carried?.format === "vox"
      ? encodeVoxLossless(image, image.carried)
      : encodeVox(image),
  }],
};
