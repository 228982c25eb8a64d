/**
 * Qubicle binary `.qb`: one matrix per layer. Unlike Goxel this reader honours the colour
 * format (BGRA files keep their colours) and the visibility-mask flag (with it, any non-zero
 * alpha is a face mask meaning "solid"; without it the alpha byte is kept as stored).
 */
import { type Aabb, aabbFromBox, boxFromAabb, boxUnion } from "../box.ts";
import { tilesInRange, WorkBudget } from "../budget.ts";
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import type { Image } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { Vec3 } from "../mat4.ts";
import { COORD_LIMIT, Volume } from "../volume.ts";
import { ByteReader, ByteWriter } from "./bytes.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import { type DecodedLayer, imageFromLayers } from "./voxel_image.ts";

const FORMAT = ".qb";
const CODE_FLAG = 2;
const NEXT_SLICE_FLAG = 6;
/** Largest matrix side accepted; Qubicle itself stays far below. */
const MAX_SIDE = 4096;
/** Largest matrix written, in cells (256 MiB of colours uncompressed). */
const MAX_CELLS = 1 << 26;

/** How a `.qb` file is laid out; `encodeQubicle` defaults to Goxel's choices. */
export interface QubicleOptions {
  /** Write with zAxisOrientation 0 (left-handed) instead of 1. */
  leftHanded?: boolean;
  /** Write RLE-compressed matrices. */
  compressed?: boolean;
  /** Write colours as BGRA (colorFormat 1). */
  bgra?: boolean;
  /** Set the visibility-mask flag (alpha then means "solid"; we write 255 either way). */
  visibilityMask?: boolean;
}

interface Header {
  bgra: boolean;
  rightHanded: boolean;
  compressed: boolean;
  visibilityMask: boolean;
  budget: WorkBudget;
}

const swapRb = (c: number) => ((c & 0xff00ff00) | (c & 0xff) << 16 | (c >>> 16) & 0xff) >>> 0;

/** Decodes a `.qb` file into one layer per matrix; declared sizes are charged to the budget. */
export function decodeQubicle(bytes: Uint8Array, decode: DecodeOptions = {}): Image {
  const r = new ByteReader(bytes, FORMAT);
  const version = r.u32("header");
  const colorFormat = r.u32("header");
  const orientation = r.u32("header");
  const compressed = r.u32("header");
  const visibility = r.u32("header");
  const count = r.u32("header");
  if (colorFormat > 1) throw r.error(`unknown colour format ${colorFormat}`, 4);
  if (orientation > 1) throw r.error(`unknown z-axis orientation ${orientation}`, 8);
  const header: Header = {
    bgra: colorFormat === 1,
    rightHanded: orientation === 1,
    compressed: compressed !== 0,
    visibilityMask: visibility !== 0,
    budget: decode.budget ?? new WorkBudget(),
  };
  // Every matrix takes at least 25 header bytes, so a huge count fails before the loop.
  if (count > r.remaining / 25) throw r.error(`matrix count ${count} exceeds the file size`, 20);
  const layers: DecodedLayer[] = [];
  for (let i = 0; i < count; i++) layers.push(readMatrix(r, header, i));
  const image = imageFromLayers(layers);
  const options = {
    leftHanded: !header.rightHanded,
    compressed: header.compressed,
    bgra: header.bgra,
    visibilityMask: header.visibilityMask,
  };
  image.carried = { format: "qb", version, options };
  return image;
}

function readMatrix(r: ByteReader, h: Header, index: number): DecodedLayer {
  const what = `matrix ${index}`;
  const name = new TextDecoder().decode(r.take(r.u8(what), what));
  const size = [r.u32(what), r.u32(what), r.u32(what)];
  const pos = [r.i32(what), r.i32(what), r.i32(what)];
  for (let a = 0; a < 3; a++) {
    if (size[a] > MAX_SIDE || Math.abs(pos[a]) + size[a] >= COORD_LIMIT) {
      throw r.error(
        `${what} is larger than ${MAX_SIDE} or lies outside ±${COORD_LIMIT}`,
        r.pos - 24,
      );
    }
  }
  const [sx, sy, sz] = size;
  h.budget.charge(`decode .qb ${what}`, {
    voxels: sx * sy * sz,
    tiles: tilesInRange([0, 0, 0], size),
  });
  const volume = new Volume();
  const put = (x: number, y: number, z: number, raw: number) => {
    let c = h.bgra ? swapRb(raw) : raw >>> 0;
    if (!(c >>> 24)) return;
    if (h.visibilityMask) c = (c | 0xff000000) >>> 0;
    const qx = pos[0] + x, qy = pos[1] + y, qz = pos[2] + z;
    if (h.rightHanded) volume.set(qx, qz, qy, c);
    else volume.set(qx, -qz, qy, c);
  };
  if (h.compressed) readRle(r, size, put, what);
  else {
    const cells = sx * sy * sz;
    r.need(cells * 4, what);
    let i = 0;
    for (let z = 0; z < sz; z++) {
      for (let y = 0; y < sy; y++) {
        for (let x = 0; x < sx; x++, i++) put(x, y, z, r.u32(what));
      }
    }
  }
  const min: Vec3 = h.rightHanded ? [pos[0], pos[2], pos[1]] : [pos[0], -(pos[2] + sz) + 1, pos[1]];
  const max: Vec3 = [min[0] + sx, min[1] + sz, min[2] + sy];
  const box = sx && sy && sz ? boxFromAabb({ min, max }) : null;
  return { name, volume, box };
}

type Put = (x: number, y: number, z: number, raw: number) => void;

function readRle(r: ByteReader, size: number[], put: Put, what: string): void {
  const [sx, sy, sz] = size;
  const cells = sx * sy;
  // Each slice ends with a 4-byte flag, so more slices than words means a corrupt size.
  if (sz > r.remaining / 4) {
    throw r.error(`${what} declares ${sz} slices, more than the file holds`);
  }
  for (let z = 0; z < sz; z++) {
    let index = 0;
    for (;;) {
      const v = r.u32(what);
      if (v === NEXT_SLICE_FLAG) break;
      let n = 1, c = v;
      if (v === CODE_FLAG) {
        n = r.u32(what);
        c = r.u32(what);
      }
      if (index + n > cells) throw r.error(`${what} slice ${z} overflows its ${sx}×${sy} cells`);
      if (!(c >>> 24)) index += n; // transparent runs write nothing
      else for (let k = 0; k < n; k++, index++) put(index % sx, Math.floor(index / sx), z, c);
    }
  }
}

/** Encodes every layer with voxels or a box as one matrix (Goxel's layout by default). */
export function encodeQubicle(
  image: Image,
  options: QubicleOptions = {},
  version = 0x101,
): Uint8Array {
  const w = new ByteWriter();
  w.u32(version);
  w.u32(options.bgra ? 1 : 0);
  w.u32(options.leftHanded ? 0 : 1);
  w.u32(options.compressed ? 1 : 0);
  w.u32(options.visibilityMask ? 1 : 0);
  const countAt = w.length;
  w.u32(0);
  let count = 0;
  for (const layer of image.layers) {
    if (writeMatrix(w, layer, options)) count++;
  }
  w.setU32(countAt, count);
  return w.finish();
}

/**
 * Returns a layer's matrix extent: its box grown to hold every voxel (Goxel's writer uses the
 * box alone, so voxels drawn outside an imported matrix were silently dropped).
 */
function layerBounds(layer: Layer): Aabb | null {
  const bbox = layer.volume.bbox();
  const box = boxUnion(layer.box, bbox && boxFromAabb(bbox));
  return box && aabbFromBox(box);
}

/** Returns at most 255 bytes of UTF-8 for a matrix name, never splitting a character. */
function matrixName(name: string): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  let n = Math.min(bytes.length, 255);
  while (n < bytes.length && n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
  return bytes.subarray(0, n);
}

function writeMatrix(w: ByteWriter, layer: Layer, o: QubicleOptions): boolean {
  const b = layerBounds(layer);
  if (!b) return false;
  const [dx, dy, dz] = [0, 1, 2].map((a) => b.max[a] - b.min[a]);
  if (Math.max(dx, dy, dz) > MAX_SIDE || dx * dy * dz > MAX_CELLS) {
    throw new InvalidInputError(
      `Cannot export qb: layer ${JSON.stringify(layer.name)} spans ${dx}×${dy}×${dz} voxels, ` +
        `more than ${MAX_SIDE} on a side or ${MAX_CELLS} cells in one matrix`,
    );
  }
  const name = matrixName(layer.name);
  w.u8(name.length);
  w.bytes(name);
  for (const v of [dx, dz, dy]) w.u32(v);
  // Left-handed files store Goxel y negated: qb z = −y, so the matrix starts at −(max y − 1).
  const posZ = o.leftHanded ? -(b.max[1] - 1) : b.min[1];
  for (const v of [b.min[0], b.min[2], posZ]) w.i32(v);
  const cell = (x: number, y: number, z: number): Rgba => {
    const gy = o.leftHanded ? -(posZ + z) : b.min[1] + z;
    const c = layer.volume.get(b.min[0] + x, gy, b.min[2] + y);
    return o.bgra ? swapRb(c) : c;
  };
  for (let z = 0; z < dy; z++) {
    if (o.compressed) writeRleSlice(w, dx, dz, (x, y) => cell(x, y, z));
    else for (let y = 0; y < dz; y++) for (let x = 0; x < dx; x++) w.u32(cell(x, y, z));
  }
  return true;
}

function writeRleSlice(w: ByteWriter, sx: number, sy: number, at: (x: number, y: number) => Rgba) {
  const n = sx * sy;
  let i = 0;
  while (i < n) {
    const c = at(i % sx, Math.floor(i / sx));
    let run = 1;
    while (i + run < n && at((i + run) % sx, Math.floor((i + run) / sx)) === c) run++;
    // Colours equal to a flag value must go through a run so the reader cannot mistake them.
    if (run > 2 || c === CODE_FLAG || c === NEXT_SLICE_FLAG) {
      w.u32(CODE_FLAG);
      w.u32(run);
      w.u32(c);
    } else for (let k = 0; k < run; k++) w.u32(c);
    i += run;
  }
  w.u32(NEXT_SLICE_FLAG);
}

/** The `.qb` codec. */
export const QUBICLE_CODEC: Codec = {
  name: "qubicle",
  description: "Qubicle binary (.qb), one matrix per layer",
  extensions: [".qb"],
  decode: decodeQubicle,
  encode: (image) => {
    const c = image.carried?.format === "qb" ? image.carried : null;
    return [{
      suffix: "",
      data: c ? encodeQubicle(image, c.options, c.version) : encodeQubicle(image),
    }];
  },
};

/**
 * The layout of a decoded `.qb` file, so writing `.qb` again keeps it (matrix names, positions
 * and order survive through the layers and their boxes).
 */
export interface QubicleCarried {
  format: "qb";
  version: number;
  options: QubicleOptions;
}
