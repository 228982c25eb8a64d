/**
 * A changed single-model `.vox` layer in its model's own coordinates, for the lossless writer:
 * its voxels with the palette indices they keep, their bounds, and the XYZI content they make
 * (one model, or parts of at most 256 a side for a layer that grew past one model).
 */
import type { Layer } from "../layer.ts";
import type { VoxCarried, VoxLink } from "./vox_carried.ts";
import type { VoxPalette } from "./vox_palette.ts";
import { axesOf, xyziCount } from "./vox_place.ts";
import type { VoxModelRecord } from "./vox_records.ts";

/** Largest model side MagicaVoxel reads. */
export const MAX_MODEL_SIDE = 256;

/** A changed single-model layer in its model's local coordinates. */
export interface Local {
  link: VoxLink;
  layer: Layer;
  model: number;
  /** x, y, z, palette index (0 = not resolved yet) per voxel. */
  records: Int32Array;
  colors: Uint32Array;
  lo: number[];
  hi: number[];
  /** True when the voxels replace the model's own content (same size, same transform). */
  inPlace: boolean;
}

export function toLocal(link: VoxLink, layer: Layer, c: VoxCarried, pal: VoxPalette): Local {
  const inst = link.instances[0], m = c.models[inst.model];
  const { col, s, a } = axesOf(inst.xf, m.size);
  const original = new Map<number, number>();
  for (let o = 4, end = 4 + 4 * xyziCount(m); o < end; o += 4) {
    original.set(m.content[o] | m.content[o + 1] << 8 | m.content[o + 2] << 16, m.content[o + 3]);
  }
  const n = layer.volume.count();
  const records = new Int32Array(4 * n), colors = new Uint32Array(n);
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  let k = 0;
  const p = [0, 0, 0];
  layer.volume.forEachVoxel((x, y, z, color) => {
    p[col[0]] = s[0] * (x - a[0]), p[col[1]] = s[1] * (y - a[1]), p[col[2]] = s[2] * (z - a[2]);
    for (let i = 0; i < 3; i++) lo[i] = Math.min(lo[i], p[i]), hi[i] = Math.max(hi[i], p[i]);
    const inBox = p.every((v, i) => v >= 0 && v < m.size[i]);
    const ci = inBox ? original.get(p[0] | p[1] << 8 | p[2] << 16) ?? 0 : 0;
    records.set([p[0], p[1], p[2], ci && pal.colors[ci] === color ? ci : 0], 4 * k);
    colors[k++] = color;
  });
  return { link, layer, model: inst.model, records, colors, lo, hi, inPlace: false };
}

/** True when the voxels lie inside [0, size) of the model. */
export function fitsBox(l: Local, size: number[]): boolean {
  return l.lo.every((v) => v >= 0 || !isFinite(v)) && l.hi.every((v, i) => v < size[i]);
}

/** Builds XYZI content from local records whose indices are resolved; `lo` is subtracted. */
export function xyziContent(l: Local, lo: number[]): Uint8Array {
  const n = l.colors.length, out = new Uint8Array(4 + 4 * n);
  new DataView(out.buffer).setInt32(0, n, true);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < 3; i++) out[4 + 4 * k + i] = l.records[4 * k + i] - lo[i];
    out[4 + 4 * k + 3] = l.records[4 * k + 3];
  }
  return out;
}

/**
 * Splits the voxels into parts of at most 256 a side, each with the `_t` (in the owning node's
 * axes, from the pivot of a model of `size`) that puts its voxels where that model put them.
 */
export function splitLocal(
  l: Local,
  size: readonly number[],
): { size: VoxModelRecord["size"]; content: Uint8Array; t: string }[] {
  const chunks = new Map<string, number[]>();
  for (let k = 0; k < l.colors.length; k++) {
    const key = [0, 1, 2].map((i) => Math.floor((l.records[4 * k + i] - l.lo[i]) / MAX_MODEL_SIDE));
    const list = chunks.get(key.join());
    if (list) list.push(k);
    else chunks.set(key.join(), [k]);
  }
  const pivot = size.map((s) => Math.floor(s / 2));
  return [...chunks.values()].map((ks) => {
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (const k of ks) {
      for (let i = 0; i < 3; i++) {
        const v = l.records[4 * k + i];
        lo[i] = Math.min(lo[i], v), hi[i] = Math.max(hi[i], v);
      }
    }
    const side = hi.map((h, i) => h - lo[i] + 1) as VoxModelRecord["size"];
    const content = new Uint8Array(4 + 4 * ks.length);
    new DataView(content.buffer).setInt32(0, ks.length, true);
    ks.forEach((k, n) => {
      for (let i = 0; i < 3; i++) content[4 + 4 * n + i] = l.records[4 * k + i] - lo[i];
      content[4 + 4 * n + 3] = l.records[4 * k + 3];
    });
    const t = lo.map((v, i) => v + Math.floor(side[i] / 2) - pivot[i]).join(" ");
    return { size: side, content, t };
  });
}

/**
 * For a model placed centred on its node (no transform of its own): the smallest size around
 * `l`'s voxels (old local coordinates, maybe outside `size`) that keeps every voxel where it
 * was, and the offset to subtract from the old coordinates; null past MAX_MODEL_SIDE.
 */
export function centredGrowth(
  l: Local,
  size: readonly number[],
): { size: [number, number, number]; lo: number[] } | null {
  const out: [number, number, number] = [0, 0, 0], lo = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    // Places relative to the centre: a model of size s covers [-floor(s/2), s - floor(s/2)).
    const p = Math.floor(size[i] / 2);
    const from = Math.min(l.lo[i], 0) - p, to = Math.max(l.hi[i], size[i] - 1) - p;
    let s = to - from + 1;
    while (Math.floor(s / 2) < -from || s - Math.floor(s / 2) <= to) s++;
    if (s > MAX_MODEL_SIDE) return null;
    out[i] = s;
    lo[i] = p - Math.floor(s / 2);
  }
  return { size: out, lo };
}
