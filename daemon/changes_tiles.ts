/**
 * What the change stream compares and sends: fingerprints of an image's non-voxel state (to
 * flag layer, material, camera and box changes) and the compact tile encoding of
 * protocol/tiles_wire.ts. Changed tiles come from the commits' deltas (daemon/commits.ts).
 */
import { Buffer } from "node:buffer";
import { aabbFromBox, isNullBox } from "../core/box.ts";
import type { Image } from "../core/image.ts";
import { TILE_VOXELS } from "../core/volume.ts";
import { type ChangeEvent, TileMode, TILES_MAGIC } from "../protocol/mod.ts";

/** More changed tiles than this are reported as `full` instead of listed. */
export const MAX_LISTED_TILES = 4096;

/** Fingerprints of an image's non-voxel state, to tell which kind of it a change touched. */
export interface MetaMark {
  layers: string;
  materials: string;
  cameras: string;
  box: string;
}

/** Marks an image's layers (list and properties), materials, cameras and box. */
export function markMeta(image: Image): MetaMark {
  return {
    layers: JSON.stringify(
      image.layers.map((l) => [l.id, l.name, l.visible, l.mode, l.baseId, l.shape, l.color, [
        ...l.mat,
      ]]),
    ),
    materials: JSON.stringify(
      image.materials.map((m) => [m.name, m.metallic, m.roughness, m.baseColor, m.emission]),
    ),
    cameras: JSON.stringify(image.cameras.map((c) => [c.name, c.ortho, c.dist, [...c.mat]])),
    box: JSON.stringify(image.box ? [...image.box] : null),
  };
}

/** The change flags between two marks. */
export function metaFlags(
  before: MetaMark,
  now: MetaMark,
): Pick<ChangeEvent, "layers" | "materials" | "cameras" | "box"> {
  const out: Pick<ChangeEvent, "layers" | "materials" | "cameras" | "box"> = {};
  if (before.layers !== now.layers) out.layers = true;
  if (before.materials !== now.materials) out.materials = true;
  if (before.cameras !== now.cameras) out.cameras = true;
  if (before.box !== now.box) out.box = true;
  return out;
}

/** One tile to encode: `voxels` null (or all transparent) means the tile is gone. */
export interface TileOut {
  layer: number;
  x: number;
  y: number;
  z: number;
  voxels: Uint32Array | null;
}

/** Encodes tiles in the GXT1 form and returns base64. */
export function encodeTiles(tiles: TileOut[]): string {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(8);
  head.set(new TextEncoder().encode(TILES_MAGIC));
  new DataView(head.buffer).setUint32(4, tiles.length, true);
  parts.push(head);
  for (const t of tiles) parts.push(encodeTile(t));
  return Buffer.concat(parts).toString("base64");
}

function encodeTile(t: TileOut): Uint8Array {
  const v = t.voxels && !isEmpty(t.voxels) ? t.voxels : null;
  let runs = 0;
  if (v) { for (let i = 0; i < TILE_VOXELS; i++) if (i === 0 || v[i] !== v[i - 1]) runs++; }
  const raw = runs * 6 + 2 > TILE_VOXELS * 4;
  const size = 17 + (!v ? 0 : raw ? TILE_VOXELS * 4 : 2 + runs * 6);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, t.layer, true);
  dv.setInt32(4, t.x, true);
  dv.setInt32(8, t.y, true);
  dv.setInt32(12, t.z, true);
  dv.setUint8(16, !v ? TileMode.GONE : raw ? TileMode.RAW : TileMode.RUNS);
  if (!v) return out;
  if (raw) {
    for (let i = 0; i < TILE_VOXELS; i++) dv.setUint32(17 + i * 4, v[i], true);
    return out;
  }
  dv.setUint16(17, runs, true);
  let at = 19, start = 0;
  for (let i = 1; i <= TILE_VOXELS; i++) {
    if (i < TILE_VOXELS && v[i] === v[start]) continue;
    dv.setUint16(at, i - start, true);
    dv.setUint32(at + 2, v[start], true);
    at += 6;
    start = i;
  }
  return out;
}

function isEmpty(v: Uint32Array): boolean {
  for (let i = 0; i < TILE_VOXELS; i++) if (v[i] >>> 24) return false;
  return true;
}

/** The project box as an inclusive wire box, or null when unbounded. */
export function wireBox(image: Image): { min: number[]; max: number[] } | null {
  if (!image.box || isNullBox(image.box)) return null;
  const a = aabbFromBox(image.box);
  return { min: [...a.min], max: a.max.map((v) => v - 1) };
}
