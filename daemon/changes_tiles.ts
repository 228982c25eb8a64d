/**
 * What the change stream compares and sends: a cheap mark of an image (copy-on-write volume
 * copies plus small property fingerprints), the diff of a live image against a mark, and the
 * compact tile encoding of protocol/tiles_wire.ts.
 */
import { Buffer } from "node:buffer";
import { aabbFromBox, isNullBox } from "../core/box.ts";
import type { Image } from "../core/image.ts";
import { TILE_VOXELS, type Volume } from "../core/volume.ts";
import { type ChangeEvent, TileMode, type TileRef, TILES_MAGIC } from "../protocol/mod.ts";

/** More changed tiles than this are reported as `full` instead of listed. */
export const MAX_LISTED_TILES = 4096;

/** An image as it was at one sequence number, cheap to keep (volumes share their tiles). */
export interface ImageMark {
  layers: Map<number, { volume: Volume; meta: string }>;
  order: string;
  materials: string;
  cameras: string;
  box: string;
}

/** Marks an image: O(layers) copies; the live volumes copy a tile again on their next write. */
export function markImage(image: Image): ImageMark {
  const layers = new Map<number, { volume: Volume; meta: string }>();
  for (const l of image.layers) {
    const meta = JSON.stringify([l.name, l.visible, l.mode, l.baseId, l.shape, l.color, [
      ...l.mat,
    ]]);
    layers.set(l.id, { volume: l.volume.copy(), meta });
  }
  return {
    layers,
    order: image.layers.map((l) => l.id).join(","),
    materials: JSON.stringify(
      image.materials.map((m) => [m.name, m.metallic, m.roughness, m.baseColor, m.emission]),
    ),
    cameras: JSON.stringify(image.cameras.map((c) => [c.name, c.ortho, c.dist, [...c.mat]])),
    box: JSON.stringify(image.box ? [...image.box] : null),
  };
}

/** The parts of a change event that describe what differs between `mark` and `now`. */
export type ImageDiff = Pick<
  ChangeEvent,
  "tiles" | "full" | "layers" | "materials" | "cameras" | "box"
>;

/** Compares the live image with a mark taken earlier (and returns the new mark too). */
export function diffImage(before: ImageMark, image: Image): { diff: ImageDiff; mark: ImageMark } {
  const mark = markImage(image);
  const tiles: TileRef[] = [];
  let layers = before.order !== mark.order;
  for (const [id, now] of mark.layers) {
    const old = before.layers.get(id);
    if (!old || old.meta !== now.meta) layers = true;
    const changed = old ? now.volume.changedTiles(old.volume) : [...now.volume.tiles()];
    for (const [x, y, z] of changed) tiles.push([id, x, y, z]);
  }
  const diff: ImageDiff = {};
  if (tiles.length > MAX_LISTED_TILES) diff.full = true;
  else if (tiles.length) diff.tiles = tiles;
  if (layers) diff.layers = true;
  if (before.materials !== mark.materials) diff.materials = true;
  if (before.cameras !== mark.cameras) diff.cameras = true;
  if (before.box !== mark.box) diff.box = true;
  return { diff, mark };
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
