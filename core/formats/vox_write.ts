/**
 * MagicaVoxel `.vox` writer: one model per layer (voxels with alpha ≥ 127), layers
 * wider than 256 on an axis split into 256³ parts, a scene graph placing every model, one LAYR
 * per layer with its name, and an RGBA palette (median cut to 255 colours when there are more).
 *
 * Scene: root nTRN → nGRP → per layer nTRN (`_name`, `_t`) → nSHP; a split layer is a named
 * nTRN → nGRP → per part unnamed nTRN (`_t`) → nSHP, which the reader turns back into one
 * layer. Each translation is `origin + floor(size / 2)`, MagicaVoxel's model pivot.
 */
import type { Rgba } from "../color.ts";
import type { Image } from "../image.ts";
import { nearestColorIndex, quantizeColors } from "../quantize.ts";
import type { Volume } from "../volume.ts";
import { magicaDefaultPalette } from "./magica_palette.ts";
import { latin1Of, type VoxPair, VoxWriter } from "./vox_records.ts";

const SOLID_ALPHA = 127;
const PART_SIDE = 256;

/** One ≤ 256³ model: origin (world min corner), size and its XYZI records. */
export interface Part {
  origin: number[];
  size: number[];
  records: Uint8Array;
}

/** Inclusive bounds and colour counts of the voxels of a volume with alpha ≥ `minAlpha`. */
export function scanVolume(
  volume: Volume,
  counts: Map<Rgba, number>,
  minAlpha = SOLID_ALPHA,
): number[] | null {
  const b = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  let run = 0, last = 0;
  for (const [ox, oy, oz, v] of volume.tiles()) {
    for (let i = 0; i < 4096; i++) {
      const c = v[i];
      if (c >>> 24 < minAlpha) continue;
      const x = ox + (i & 15), y = oy + ((i >> 4) & 15), z = oz + (i >> 8);
      if (x < b[0]) b[0] = x;
      if (x > b[3]) b[3] = x;
      if (y < b[1]) b[1] = y;
      if (y > b[4]) b[4] = y;
      if (z < b[2]) b[2] = z;
      if (z > b[5]) b[5] = z;
      if (c !== last && run) counts.set(last, (counts.get(last) ?? 0) + run), run = 0;
      last = c;
      run++;
    }
  }
  if (run) counts.set(last, (counts.get(last) ?? 0) + run);
  return b[0] <= b[3] ? b : null;
}

/** A growable XYZI record list. */
interface Records {
  data: Uint8Array;
  n: number;
}

/** Splits a volume's voxels (alpha ≥ `minAlpha`) into parts of at most 256 on every axis. */
export function splitVolume(
  volume: Volume,
  b: number[],
  index: Map<Rgba, number>,
  minAlpha = SOLID_ALPHA,
): Part[] {
  const nx = Math.ceil((b[3] - b[0] + 1) / PART_SIDE),
    ny = Math.ceil((b[4] - b[1] + 1) / PART_SIDE);
  const parts = new Map<number, Records>();
  let lastKey = -1, rec: Records = { data: new Uint8Array(0), n: 0 };
  let lastColor = 0, lastIndex = 0;
  for (const [ox, oy, oz, v] of volume.tiles()) {
    for (let i = 0; i < 4096; i++) {
      const c = v[i];
      if (c >>> 24 < minAlpha) continue;
      const lx = ox + (i & 15) - b[0], ly = oy + ((i >> 4) & 15) - b[1], lz = oz + (i >> 8) - b[2];
      const key = (lx >> 8) + nx * ((ly >> 8) + ny * (lz >> 8));
      if (key !== lastKey) {
        lastKey = key;
        rec = parts.get(key) ?? { data: new Uint8Array(4096), n: 0 };
        parts.set(key, rec);
      }
      if (rec.n * 4 === rec.data.length) {
        const grown = new Uint8Array(rec.data.length * 2);
        grown.set(rec.data);
        rec.data = grown;
      }
      if (c !== lastColor) lastColor = c, lastIndex = index.get(c)!;
      const o = rec.n++ * 4;
      rec.data[o] = lx & 255, rec.data[o + 1] = ly & 255, rec.data[o + 2] = lz & 255;
      rec.data[o + 3] = lastIndex;
    }
  }
  return [...parts].sort((p, q) => p[0] - q[0]).map(([key, r]) => {
    const c = [key % nx, Math.floor(key / nx) % ny, Math.floor(key / (nx * ny))];
    const origin = c.map((ci, a) => b[a] + ci * PART_SIDE);
    const size = origin.map((o, a) => Math.min(PART_SIDE, b[a + 3] - o + 1));
    return { origin, size, records: r.data.subarray(0, r.n * 4) };
  });
}

/** Returns the palette (≤ 255 colours, file order) and each colour's index (1..255). */
function buildPalette(counts: Map<Rgba, number>): { palette: Rgba[]; index: Map<Rgba, number> } {
  const palette = quantizeColors(counts, 255);
  const index = new Map<Rgba, number>();
  const exact = counts.size <= 255;
  let i = 0;
  for (const c of counts.keys()) index.set(c, exact ? ++i : nearestColorIndex(palette, c) + 1);
  return { palette, index };
}

function writeModel(w: VoxWriter, part: Part): void {
  w.chunk("SIZE", () => part.size.forEach((s) => w.i32(s)));
  w.chunk("XYZI", () => {
    w.i32(part.records.length / 4);
    w.bytes(part.records);
  });
}

/** Writes nTRN(node) → nSHP(node + 1) for a model; returns the next free node id. */
function writeShape(
  w: VoxWriter,
  node: number,
  attrs: VoxPair[],
  layer: number,
  part: Part,
  model: number,
): number {
  const t = part.origin.map((o, a) => o + Math.floor(part.size[a] / 2)).join(" ");
  writeTransform(w, node, attrs, node + 1, layer, [["_t", t]]);
  w.chunk("nSHP", () => {
    w.i32(node + 1), w.dict([]), w.i32(1), w.i32(model), w.dict([]);
  });
  return node + 2;
}

function writeTransform(
  w: VoxWriter,
  node: number,
  attrs: VoxPair[],
  child: number,
  layer: number,
  frame: VoxPair[],
): void {
  w.chunk("nTRN", () => {
    w.i32(node), w.dict(attrs);
    w.i32(child), w.i32(-1), w.i32(layer), w.i32(1), w.dict(frame);
  });
}

function writeGroup(w: VoxWriter, node: number, children: number[]): void {
  w.chunk("nGRP", () => {
    w.i32(node), w.dict([]), w.i32(children.length);
    for (const c of children) w.i32(c);
  });
}

/** A layer to write: its name (as VoxWriter writes strings), hidden flag and ≤ 256³ parts. */
interface LayerParts {
  name: string;
  hidden: boolean;
  parts: Part[];
}

/** Writes the scene graph for `layers`, models numbered in order. */
function writeScene(w: VoxWriter, layers: LayerParts[]): void {
  const tops: number[] = [];
  let node = 2;
  for (const l of layers) {
    tops.push(node), node += l.parts.length === 1 ? 2 : 2 + 2 * l.parts.length;
  }
  writeTransform(w, 0, [], 1, -1, []);
  writeGroup(w, 1, tops);
  let model = 0;
  layers.forEach((l, li) => {
    const top = tops[li];
    const attrs: VoxPair[] = [["_name", l.name]];
    if (l.hidden) attrs.push(["_hidden", "1"]);
    if (l.parts.length === 1) return void writeShape(w, top, attrs, li, l.parts[0], model++);
    writeTransform(w, top, attrs, top + 1, li, []);
    writeGroup(w, top + 1, l.parts.map((_, k) => top + 2 + 2 * k));
    l.parts.forEach((p, k) => writeShape(w, top + 2 + 2 * k, [], li, p, model++));
  });
  layers.forEach((l, li) => {
    w.chunk("LAYR", () => {
      w.i32(li), w.dict([["_name", l.name]]), w.i32(-1);
    });
  });
}

/**
 * Encodes the layers of an image as a MagicaVoxel `.vox` file (version 150); hidden layers get
 * `_hidden`, empty ones an empty 1×1×1 model, so every layer reads back.
 */
export function encodeVox(image: Image): Uint8Array {
  const counts = new Map<Rgba, number>();
  const scanned = image.layers.map((l, i) => ({
    layer: l,
    name: l.name || `Layer.${i + 1}`,
    bounds: scanVolume(l.volume, counts),
  }));
  const { palette, index } = buildPalette(counts);
  const empty: Part = { origin: [0, 0, 0], size: [1, 1, 1], records: new Uint8Array(0) };
  const layers = scanned.map((s): LayerParts => ({
    name: latin1Of(s.name), // VoxWriter writes strings as Latin-1: the name's UTF-8 bytes
    hidden: !s.layer.visible,
    parts: s.bounds ? splitVolume(s.layer.volume, s.bounds, index) : [empty],
  }));
  const w = new VoxWriter();
  w.tag("VOX ");
  w.i32(150);
  w.tag("MAIN");
  w.i32(0);
  const childrenAt = w.len;
  w.i32(0);
  const parts = layers.flatMap((l) => l.parts);
  // MagicaVoxel expects at least one model: an empty image gets an empty 1×1×1 one.
  if (parts.length === 0) {
    writeModel(w, { origin: [0, 0, 0], size: [1, 1, 1], records: new Uint8Array(0) });
  }
  for (const p of parts) writeModel(w, p);
  if (parts.length) writeScene(w, layers);
  const fill = magicaDefaultPalette();
  w.chunk("RGBA", () => {
    const rgba = new Uint8Array(1024);
    const view = new DataView(rgba.buffer);
    for (let k = 0; k < 255; k++) view.setUint32(4 * k, palette[k] ?? fill[k + 1], true);
    w.bytes(rgba);
  });
  w.patch(childrenAt, w.len - childrenAt - 4);
  return w.result();
}
