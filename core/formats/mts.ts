/**
 * Luanti (Minetest) schematic `.mts` import (big-endian header, zlib node data). Node names
 * are coloured like Goxel (the built-in Minetest palette, case-insensitive), with three
 * additions: stairs/slabs take their material's colour (`stairs:slab_wood` → `default:wood`),
 * `ignore` nodes stay empty like `air`, and nodes missing from the palette get a stable colour
 * hashed from their name instead of white, so different unknown nodes stay distinguishable.
 * Slice probabilities are read only for version ≥ 3 (Goxel always skips them).
 */
import { chargeModel, WorkBudget } from "../budget.ts";
import { inflateSync } from "node:zlib";
import { packRgba, type Rgba } from "../color.ts";
import type { Image } from "../image.ts";
import { Volume } from "../volume.ts";
import { xxh32 } from "../xxh32.ts";
import { ByteReader } from "./bytes.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import { MINETEST_COLORS } from "./minetest_palette.ts";
import { imageFromLayers } from "./voxel_image.ts";

const FORMAT = ".mts";
/** Largest schematic accepted, in nodes (Luanti itself caps sides far lower). */
const MAX_NODES = 1 << 24;
const EMPTY_NODES = new Set(["air", "ignore"]);
const STAIRS = /^stairs:(?:slab|stair(?:_inner|_outer)?)_(.+)$/;

/** Returns the colour Goxel-style import gives a node name, or 0 for empty nodes. */
export function nodeColor(name: string): Rgba {
  const key = name.toLowerCase();
  if (EMPTY_NODES.has(key)) return 0;
  const known = MINETEST_COLORS.get(key);
  if (known !== undefined) return known;
  const stairs = STAIRS.exec(key);
  const material = stairs && MINETEST_COLORS.get(`default:${stairs[1]}`);
  if (material) return material;
  const h = xxh32(new TextEncoder().encode(key), 0);
  return packRgba(h & 255, (h >>> 8) & 255, (h >>> 16) & 255, 255);
}

function inflate(r: ByteReader, limit: number): Uint8Array {
  try {
    return inflateSync(r.bytes.subarray(r.pos), { maxOutputLength: limit });
  } catch (cause) {
    const e = r.error(`node data does not inflate: ${(cause as Error).message}`, r.pos);
    throw Object.assign(e, { cause });
  }
}

/** Decodes a schematic into one layer: node (x, y, z) becomes voxel (x, z, y). */
export function decodeMts(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const r = new ByteReader(bytes, FORMAT, false);
  const magic = new TextDecoder().decode(r.take(4, "header"));
  if (magic !== "MTSM") throw r.error(`bad magic "${magic}"`, 0);
  const version = r.u16("header");
  const [sx, sy, sz] = [r.u16("header"), r.u16("header"), r.u16("header")];
  const count = sx * sy * sz;
  if (count > MAX_NODES) throw r.error(`size ${sx}×${sy}×${sz} is too large`, 6);
  chargeModel(options.budget ?? new WorkBudget(), "decode .mts", [sx, sy, sz], count);
  if (version >= 3) r.skip(sy, "slice probabilities");
  const colors: Rgba[] = [];
  const nameCount = r.u16("name table");
  for (let i = 0; i < nameCount; i++) {
    const name = new TextDecoder().decode(r.take(r.u16("name table"), "name table"));
    colors.push(nodeColor(name));
  }
  // Node ids, then param1 and param2 (one byte each): 4 bytes per node at most.
  const data = inflate(r, count * 4 + 64);
  if (data.length < count * 2) {
    throw r.error(`node data holds ${data.length} bytes, ${count * 2} needed`, r.pos);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const volume = new Volume();
  let i = 0;
  for (let z = 0; z < sz; z++) {
    for (let y = 0; y < sy; y++) {
      for (let x = 0; x < sx; x++, i++) {
        const c = colors[view.getUint16(i * 2, false)];
        if (c) volume.set(x, z, y, c);
      }
    }
  }
  return imageFromLayers([{ name: "Layer.1", volume }]);
}

/** The Luanti schematic codec (import only). */
export const MTS_CODEC: Codec = {
  name: "mts",
  aliases: ["luanti", "minetest", "luanti (minetest)"],
  description: "Luanti (Minetest) schematic (import only)",
  extensions: [".mts"],
  decode: decodeMts,
};
