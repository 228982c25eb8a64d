/**
 * Build-engine `.kvx` (first mip level). Unlike Goxel the writer uses palette indices 0..254
 * (255 stays free), rounds colours to 6 bits instead of truncating, places the pivot so that a
 * written file decodes to the same positions, and grows the export box to every voxel (Goxel
 * drops voxels outside the image box).
 */
import { chargeModel, WorkBudget } from "../budget.ts";
import { aabbFromBox, boxFromAabb, boxUnion } from "../box.ts";
import { packRgba, type Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { type Image, mergedVisibleVolume } from "../image.ts";
import type { Vec3 } from "../mat4.ts";
import { nearestColorIndex, quantizeColors } from "../quantize.ts";
import { Volume } from "../volume.ts";
import { ByteReader, ByteWriter } from "./bytes.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import { type ColumnVoxel, columnVoxelCount, placeColumn } from "./kv6.ts";
import { imageFromLayers } from "./voxel_image.ts";
import { sameVoxels } from "./round_trip.ts";

const FORMAT = ".kvx";
const HEADER = 28;
const MAX_SIDE = 1024;

/** A decoded `.kvx` model: sizes, 8.8 fixed-point pivot, palette and per-column voxels. */
export interface KvxModel {
  size: Vec3;
  pivot: Vec3;
  palette: Rgba[];
  /** Column `x * ysiz + y`, voxels top to bottom; the slab's face bits sit on its first voxel. */
  columns: ColumnVoxel[][];
  /** Number of voxels stored in slabs. */
  slabVoxels: number;
}

const scale6 = (v: number) => Math.round((v & 63) * 255 / 63);

/** Parses the first mip level and the trailing palette of a `.kvx` file. */
export function readKvx(bytes: Uint8Array): KvxModel {
  const r = new ByteReader(bytes, FORMAT);
  const numBytes = r.u32("header");
  const size: Vec3 = [r.u32("header"), r.u32("header"), r.u32("header")];
  const pivot: Vec3 = [r.i32("header"), r.i32("header"), r.i32("header")];
  if (size.some((s) => s > MAX_SIDE)) throw r.error(`size ${size.join("×")} is too large`, 4);
  if (numBytes < 24 || numBytes + 4 + 768 > bytes.length) {
    throw r.error(`mip size ${numBytes} does not fit in ${bytes.length} bytes`, 0);
  }
  const end = numBytes + 4;
  const [xs, ys, zs] = size;
  const xoff: number[] = [];
  for (let x = 0; x <= xs; x++) xoff.push(r.u32("xoffset table"));
  r.need(xs * (ys + 1) * 2, "xyoffset table");
  const pal = bytes.subarray(bytes.length - 768);
  const palette: Rgba[] = [];
  for (let i = 0; i < 256; i++) {
    palette.push(packRgba(scale6(pal[i * 3]), scale6(pal[i * 3 + 1]), scale6(pal[i * 3 + 2])));
  }
  const columns: ColumnVoxel[][] = [];
  let slabVoxels = 0;
  for (let x = 0; x < xs; x++) {
    const xy: number[] = [];
    for (let y = 0; y <= ys; y++) xy.push(r.u16("xyoffset table"));
    for (let y = 0; y < ys; y++) {
      const start = HEADER + xoff[x] + xy[y], stop = HEADER + xoff[x] + xy[y + 1];
      if (!(start <= stop && stop <= end)) throw r.error(`column ${x},${y} lies outside the mip`);
      const col = readColumn(new ByteReader(bytes.subarray(0, stop), FORMAT), start, zs);
      slabVoxels += col.length;
      columns.push(col);
    }
  }
  return { size, pivot, palette, columns, slabVoxels };
}

function readColumn(r: ByteReader, start: number, zsiz: number): ColumnVoxel[] {
  r.pos = start;
  const col: ColumnVoxel[] = [];
  while (r.remaining > 0) {
    const ztop = r.u8("slab"), zlen = r.u8("slab"), faces = r.u8("slab");
    if (ztop + zlen > zsiz) throw r.error(`slab at z ${ztop} overflows the model`, r.pos - 3);
    const colors = r.take(zlen, "slab");
    for (let k = 0; k < zlen; k++) {
      col.push({ z: ztop + k, color: colors[k], faces: k ? 0 : faces });
    }
  }
  return col;
}

/** Decodes a `.kvx` file into one layer; layer box and image box are the model's extent. */
export function decodeKvx(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const m = readKvx(bytes);
  const [w, h, d] = m.size;
  const count = m.columns.reduce((n, col) => n + columnVoxelCount(col), 0);
  chargeModel(options.budget ?? new WorkBudget(), "decode .kvx", m.size, count);
  const min: Vec3 = [-(m.pivot[0] >> 8), -(m.pivot[1] >> 8), (m.pivot[2] >> 8) - d];
  const volume = new Volume();
  m.columns.forEach((col, c) => {
    const x = Math.floor(c / h), y = c % h;
    const colored = col.map((v) => ({ ...v, color: m.palette[v.color] }));
    placeColumn(volume, colored, (z) => [min[0] + x, min[1] + h - 1 - y, min[2] + d - 1 - z]);
  });
  const box = w && h && d ? boxFromAabb({ min, max: [min[0] + w, min[1] + h, min[2] + d] }) : null;
  const image = imageFromLayers([{ name: "Layer.1", volume, box }], box);
  image.carried = { format: "kvx", bytes: bytes.slice() };
  return image;
}

/**
 * A decoded `.kvx` file's own bytes: written back as they were while the voxels are the same
 * (the pivot's fraction, palette order and slab face bits are not in the image), and its pivot
 * kept when the model keeps its place and size.
 */
export interface KvxCarried {
  format: "kvx";
  bytes: Uint8Array;
}

/**
 * What of a carried file still applies: its pivot when the model keeps its place and size, and
 * its bytes when the voxels are also the same.
 */
function keptFile(image: Image, volume: Volume, min: Vec3, size: Vec3) {
  if (image.carried?.format !== "kvx") return null;
  let file: KvxModel;
  try {
    file = readKvx(image.carried.bytes);
  } catch {
    return null;
  }
  const d = file.size[2];
  const fmin = [-(file.pivot[0] >> 8), -(file.pivot[1] >> 8), (file.pivot[2] >> 8) - d];
  const placed = fmin.every((v, i) => v === min[i]) && file.size.every((v, i) => v === size[i]);
  if (!placed) return null;
  const same = sameVoxels(decodeKvx(image.carried.bytes).layers[0].volume, volume);
  return { pivot: file.pivot, bytes: same ? image.carried.bytes.slice() : null };
}

interface Surface {
  local: Vec3;
  color: Rgba;
  faces: number;
}

/** Face bits in Goxel axes: −x, +x, +y, −y, +z, −z. */
const FACES: [number, Vec3][] = [
  [1, [-1, 0, 0]],
  [2, [1, 0, 0]],
  [4, [0, 1, 0]],
  [8, [0, -1, 0]],
  [16, [0, 0, 1]],
  [32, [0, 0, -1]],
];

function surfaceVoxels(volume: Volume, min: Vec3, size: Vec3): Surface[] {
  const inside = (p: Vec3) => p.every((v, a) => v >= min[a] && v < min[a] + size[a]);
  const solid = (p: Vec3) => inside(p) && volume.get(...p) >>> 24 >= 127;
  const out: Surface[] = [];
  volume.forEachVoxel((x, y, z, c) => {
    if (!solid([x, y, z])) return;
    let faces = 0;
    for (const [bit, n] of FACES) if (!solid([x + n[0], y + n[1], z + n[2]])) faces |= bit;
    if (!faces) return;
    const local: Vec3 = [x - min[0], size[1] - 1 - (y - min[1]), size[2] - 1 - (z - min[2])];
    out.push({ local, color: (c | 0xff000000) >>> 0, faces });
  });
  return out.sort((a, b) =>
    a.local[0] - b.local[0] || a.local[1] - b.local[1] || a.local[2] - b.local[2]
  );
}

function buildPalette(voxels: Surface[]): Rgba[] {
  const counts = new Map<Rgba, number>();
  for (const v of voxels) counts.set(v.color, (counts.get(v.color) ?? 0) + 1);
  const palette = quantizeColors(counts, 255);
  while (palette.length < 256) palette.push(packRgba(0, 0, 0));
  return palette;
}

/** Groups sorted surface voxels into slab byte strings per column. */
function buildSlabs(voxels: Surface[], palette: Rgba[], size: Vec3): Uint8Array[][] {
  const cols: number[][][] = Array.from({ length: size[0] * size[1] }, () => []);
  const index = new Map<Rgba, number>();
  let slab: number[] | null = null, last: Surface | null = null;
  for (const v of voxels) {
    const col = cols[v.local[0] * size[1] + v.local[1]];
    const joins = slab && last && col.at(-1) === slab && v.local[2] === last.local[2] + 1 &&
      (v.faces & 15) === (last.faces & 15) && slab[1] < 255 && !(slab[2] & 32);
    if (!joins) {
      slab = [v.local[2], 0, v.faces];
      col.push(slab);
    }
    slab![1]++;
    slab![2] |= v.faces & 32;
    if (!index.has(v.color)) index.set(v.color, nearestColorIndex(palette, v.color, 0, 255));
    slab!.push(index.get(v.color)!);
    last = v;
  }
  return cols.map((c) => c.map((s) => Uint8Array.from(s)));
}

/** Encodes the merged visible volume in the image box grown to its bbox as a `.kvx` file. */
export function encodeKvx(image: Image): Uint8Array {
  const volume = mergedVisibleVolume(image);
  const bbox = volume.bbox();
  const box = boxUnion(image.box, bbox && boxFromAabb(bbox));
  const aabb = box ? aabbFromBox(box) : { min: [0, 0, 0] as Vec3, max: [0, 0, 0] as Vec3 };
  const min = aabb.min, size = aabb.max.map((v, a) => v - min[a]) as Vec3;
  if (size[2] > 256 || size[0] > MAX_SIDE || size[1] > MAX_SIDE) {
    throw new InvalidInputError(`Cannot export kvx: extent ${size.join("×")} is too large`);
  }
  const kept = keptFile(image, volume, min, size);
  if (kept?.bytes) return kept.bytes;
  const voxels = surfaceVoxels(volume, min, size);
  const palette = buildPalette(voxels);
  const slabs = buildSlabs(voxels, palette, size);
  const [xs, ys] = size;
  const w = new ByteWriter();
  const tables = (xs + 1) * 4 + xs * (ys + 1) * 2;
  const xoff = [tables];
  const xyoff: number[][] = [];
  for (let x = 0; x < xs; x++) {
    const row = [0];
    for (let y = 0; y < ys; y++) {
      row.push(row[y] + slabs[x * ys + y].reduce((n, s) => n + s.length, 0));
    }
    if (row[ys] > 0xffff) {
      throw new InvalidInputError(`Cannot export kvx: column x ${x} is too big`);
    }
    xyoff.push(row);
    xoff.push(xoff[x] + row[ys]);
  }
  w.u32(xoff[xs] + 24);
  for (const v of size) w.u32(v);
  // The file's own pivot while the model keeps its place: its fraction is not in the image.
  const pivot = kept?.pivot ?? [
    -min[0] * 256 + (size[0] % 2) * 128,
    -min[1] * 256 + (size[1] % 2) * 128,
    (min[2] + size[2]) * 256,
  ];
  for (const v of pivot) w.i32(v);
  for (const v of xoff) w.u32(v);
  for (const row of xyoff) for (const v of row) w.u16(v);
  for (const col of slabs) for (const s of col) w.bytes(s);
  for (const c of palette) {
    for (const ch of [c & 255, (c >>> 8) & 255, (c >>> 16) & 255]) {
      w.u8(Math.round(ch * 63 / 255));
    }
  }
  return w.finish();
}

/** The `.kvx` codec. */
export const KVX_CODEC: Codec = {
  name: "kvx",
  description: "Build engine KVX voxel model",
  extensions: [".kvx"],
  decode: decodeKvx,
  encode: (image) => [{ suffix: "", data: encodeKvx(image) }],
};
