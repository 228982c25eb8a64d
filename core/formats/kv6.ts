/**
 * Voxlap `.kv6` import. Unlike Goxel, surface voxels are opaque (the file's fourth colour byte
 * is a lighting value, usually 128, not an alpha) and interior gaps are filled per gap with
 * the colour of the voxel just above it.
 */
import { chargeModel, WorkBudget } from "../budget.ts";
import { packRgba } from "../color.ts";
import type { Image } from "../image.ts";
import { COORD_LIMIT, Volume } from "../volume.ts";
import { ByteReader } from "./bytes.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import { imageFromLayers } from "./voxel_image.ts";

const FORMAT = ".kv6";
/** Face bits of a voxel record: top (+z in Goxel) and bottom (−z) faces visible. */
const TOP = 0x10, BOTTOM = 0x20;

/** One surface voxel of a column, in file coordinates (z grows downwards). */
export interface ColumnVoxel {
  z: number;
  color: number;
  faces: number;
}

/** A decoded `.kv6` model before placement: sizes, pivot and per-column surface voxels. */
export interface Kv6Model {
  size: [number, number, number];
  pivot: [number, number, number];
  /** Column `x * ysiz + y`, voxels in file order (top to bottom). */
  columns: ColumnVoxel[][];
}

/** Parses the records and column tables of a `.kv6` file. */
export function readKv6(bytes: Uint8Array): Kv6Model {
  const r = new ByteReader(bytes, FORMAT);
  const magic = new TextDecoder().decode(r.take(4, "header"));
  if (magic !== "Kvxl") throw r.error(`bad magic "${magic}"`, 0);
  const size: [number, number, number] = [r.u32("header"), r.u32("header"), r.u32("header")];
  const pivot: [number, number, number] = [r.f32("header"), r.f32("header"), r.f32("header")];
  const count = r.u32("header");
  if (size.some((s) => s >= COORD_LIMIT)) throw r.error(`size ${size.join("×")} is too large`, 4);
  const recordsAt = r.pos;
  r.skip(count * 8, "voxel records");
  r.skip(size[0] * 4, "xlen table");
  const ncols = size[0] * size[1];
  r.need(ncols * 2, "ylen table");
  const columns: ColumnVoxel[][] = [];
  const rec = new ByteReader(bytes.subarray(recordsAt), FORMAT);
  let used = 0;
  for (let c = 0; c < ncols; c++) {
    const n = r.u16("ylen table");
    if (used + n > count) throw r.error(`ylen table lists more than ${count} voxels`, r.pos - 2);
    used += n;
    const col: ColumnVoxel[] = [];
    for (let k = 0; k < n; k++) {
      const [b, g, red] = [rec.u8(), rec.u8(), rec.u8()];
      rec.skip(1);
      const z = rec.u16();
      const faces = rec.u8();
      rec.skip(1);
      if (z >= size[2]) throw r.error(`voxel z ${z} is outside the model`, recordsAt + rec.pos - 4);
      col.push({ z, color: packRgba(red, g, b, 255), faces });
    }
    columns.push(col);
  }
  if (used !== count) throw r.error(`ylen table lists ${used} of ${count} voxels`, r.pos);
  return { size, pivot, columns };
}

/** Number of voxels placeColumn writes for a column (its surface voxels and filled gaps). */
export function columnVoxelCount(col: readonly ColumnVoxel[]): number {
  let n = col.length, top = -1;
  for (const v of col) {
    if (v.faces & BOTTOM && top >= 0) n += Math.max(0, v.z - top - 1);
    if (v.faces & TOP) top = v.z;
    if (v.faces & BOTTOM) top = -1;
  }
  return n;
}

/**
 * Writes one column into `volume`: surface voxels, then cells between a top-faced and a later
 * bottom-faced voxel, each filled with the colour right above it.
 */
export function placeColumn(
  volume: Volume,
  col: readonly ColumnVoxel[],
  at: (z: number) => [number, number, number],
): void {
  let top = -1;
  for (const v of col) {
    if (v.faces & BOTTOM && top >= 0) {
      for (let z = top + 1; z < v.z; z++) {
        const p = at(z);
        if (!(volume.get(...p) >>> 24)) volume.set(...p, volume.get(...at(z - 1)));
      }
    }
    volume.set(...at(v.z), v.color);
    if (v.faces & TOP) top = v.z;
    if (v.faces & BOTTOM) top = -1;
  }
}

/** Decodes a `.kv6` file into one layer placed like Goxel does (centred, y and z flipped). */
export function decodeKv6(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const model = readKv6(bytes);
  const [w, h, d] = model.size;
  const count = model.columns.reduce((n, col) => n + columnVoxelCount(col), 0);
  chargeModel(options.budget ?? new WorkBudget(), "decode .kv6", model.size, count);
  // Goxel blits at (−w/2, −h/2, −d/2) with C integer division.
  const o = [-Math.trunc(w / 2), -Math.trunc(h / 2), -Math.trunc(d / 2)];
  const volume = new Volume();
  model.columns.forEach((col, c) => {
    const x = Math.floor(c / h), y = c % h;
    placeColumn(volume, col, (z) => [o[0] + x, o[1] + h - 1 - y, o[2] + d - 1 - z]);
  });
  return imageFromLayers([{ name: "Layer.1", volume }]);
}

/** The `.kv6` codec (import only). */
export const KV6_CODEC: Codec = {
  name: "kv6",
  description: "Voxlap KV6 model (import only)",
  extensions: [".kv6"],
  decode: decodeKv6,
};
