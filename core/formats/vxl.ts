/**
 * Ace of Spades `.vxl` maps: 512×512×64 cells, one span list per column. Map cell (x, y, z)
 * is Goxel voxel (255 − x, y − 256, 31 − z) in both directions (Goxel's writer is off by one
 * in x, so its round trips shift the map; this one does not). Colours import opaque; the
 * fourth colour byte is written as 128 like real maps, so re-encoding a map reproduces it.
 */
import { boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { type Image, mergedVisibleVolume } from "../image.ts";
import { Volume } from "../volume.ts";
import { ByteReader, ByteWriter } from "./bytes.ts";
import type { Codec } from "./codec.ts";
import { imageFromLayers } from "./voxel_image.ts";

const FORMAT = ".vxl";
const SIDE = 512;
const DEPTH = 64;
/** Colour of solid cells the file leaves uncoloured (hidden interior). */
const INTERIOR = packRgba(91, 64, 64);
/** Fourth byte of every colour: a shading value in AoS maps (real maps hold 128), not alpha. */
const SHADE = 0x80;

const toGoxel = (x: number, y: number, z: number): [number, number, number] => [
  255 - x,
  y - 256,
  31 - z,
];

/** Reads one column's spans into `cells` (0 = air); returns the position after the column. */
function readColumn(r: ByteReader, cells: Uint32Array): void {
  cells.fill(0);
  for (;;) {
    const at = r.pos;
    r.need(4, "span header");
    const [n, s, e] = [r.bytes[at], r.bytes[at + 1], r.bytes[at + 2]];
    const k = e - s + 1;
    if (s > DEPTH || e >= DEPTH || k < 0) {
      throw r.error(`span at byte ${at} has top run ${s}..${e}`, at);
    }
    r.pos += 4;
    for (let z = s; z <= e; z++) cells[z] = readColor(r);
    if (n === 0) {
      for (let z = e + 1; z < DEPTH; z++) cells[z] = INTERIOR;
      return;
    }
    const zBottom = n - 1 - k;
    r.need(4 * zBottom + 4, "span");
    const m = r.bytes[at + 4 * n + 3];
    if (zBottom < 0 || m > DEPTH || m - zBottom < e + 1) {
      throw r.error(`span at byte ${at} has an inconsistent bottom run`, at);
    }
    for (let z = e + 1; z < m - zBottom; z++) cells[z] = INTERIOR;
    for (let z = m - zBottom; z < m; z++) cells[z] = readColor(r);
  }
}

function readColor(r: ByteReader): number {
  const b = r.u8("colour"), g = r.u8("colour"), red = r.u8("colour");
  r.skip(1, "colour");
  return packRgba(red, g, b, 255);
}

/** Decodes an Ace of Spades map into one layer; the image box is the whole map. */
export function decodeVxl(bytes: Uint8Array): Image {
  const r = new ByteReader(bytes, FORMAT);
  const volume = new Volume();
  const cells = new Uint32Array(DEPTH);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      readColumn(r, cells);
      for (let z = 0; z < DEPTH; z++) if (cells[z]) volume.set(...toGoxel(x, y, z), cells[z]);
    }
  }
  if (r.remaining) throw r.error(`${r.remaining} bytes follow the last column`);
  const box = boxFromAabb({ min: [-256, -256, -32], max: [256, 256, 32] });
  return imageFromLayers([{ name: "Layer.1", volume }], box);
}

/** Copies the map region of a volume into a dense array indexed `(y·512 + x)·64 + z`. */
function denseMap(volume: Volume): Uint32Array {
  const out = new Uint32Array(SIDE * SIDE * DEPTH);
  for (const [ox, oy, oz, v] of volume.tiles()) {
    for (let i = 0; i < 4096; i++) {
      const c = v[i];
      if (c >>> 24 <= 127) continue;
      const x = 255 - (ox + (i & 15)), y = oy + ((i >> 4) & 15) + 256, z = 31 - (oz + (i >> 8));
      if (x < 0 || x >= SIDE || y < 0 || y >= SIDE || z < 0 || z >= DEPTH) continue;
      out[(y * SIDE + x) * DEPTH + z] = c;
    }
  }
  return out;
}

/** Writes one column's spans; `solid` and `surface` answer for cells 0..63 of the column. */
function writeColumn(
  w: ByteWriter,
  color: (z: number) => number,
  solid: (z: number) => boolean,
  surface: (z: number) => boolean,
): void {
  let k = 0;
  for (;;) {
    const a = k;
    while (k < DEPTH && !solid(k)) k++;
    const s = k;
    while (k < DEPTH && surface(k)) k++;
    const e = k - 1;
    while (k < DEPTH && solid(k) && !surface(k)) k++;
    if (k === DEPTH) return writeSpan(w, 0, s, e, a, [], color);
    // Surface cells running to the bottom go to the next (last) span's top run instead.
    let z = k;
    while (z < DEPTH && surface(z)) z++;
    const bottom: number[] = [];
    if (z < DEPTH) { for (; k < z; k++) bottom.push(k); }
    writeSpan(w, 1 + (e - s + 1) + bottom.length, s, e, a, bottom, color);
  }
}

function writeSpan(
  w: ByteWriter,
  n: number,
  s: number,
  e: number,
  a: number,
  bottom: number[],
  color: (z: number) => number,
): void {
  for (const v of [n, s, e, a]) w.u8(v);
  const put = (c: number) => {
    for (const v of [(c >>> 16) & 255, (c >>> 8) & 255, c & 255, SHADE]) w.u8(v);
  };
  for (let z = s; z <= e; z++) put(color(z));
  for (const z of bottom) put(color(z));
}

/** Encodes the merged visible volume as an Ace of Spades map (cells with alpha > 127). */
export function encodeVxl(image: Image): Uint8Array {
  const map = denseMap(mergedVisibleVolume(image));
  const w = new ByteWriter();
  const at = (x: number, y: number, z: number) => map[(y * SIDE + x) * DEPTH + z];
  // Outside the map counts as solid except above the top, like the usual AoS writers do
  // (so cell 0 of a column is never a hidden interior cell and the sides stay uncoloured).
  const solidAt = (x: number, y: number, z: number) =>
    z >= 0 && (x < 0 || x >= SIDE || y < 0 || y >= SIDE || z >= DEPTH || at(x, y, z) !== 0);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const solid = (z: number) => at(x, y, z) !== 0;
      const surface = (z: number) =>
        solid(z) && !(solidAt(x - 1, y, z) && solidAt(x + 1, y, z) && solidAt(x, y - 1, z) &&
          solidAt(x, y + 1, z) && solidAt(x, y, z - 1) && solidAt(x, y, z + 1));
      writeColumn(w, (z) => at(x, y, z), solid, surface);
    }
  }
  return w.finish();
}

/** The Ace of Spades `.vxl` codec. */
export const VXL_CODEC: Codec = {
  name: "vxl",
  description: "Ace of Spades map (512×512×64)",
  extensions: [".vxl"],
  decode: decodeVxl,
  encode: (image) => [{ suffix: "", data: encodeVxl(image) }],
};
