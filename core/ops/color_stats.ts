/**
 * Colour statistics of a volume (the colour analysis methods): counts per colour or per bin,
 * near colours merged, ordered and cut. Plain functions of a volume, so they run on a worker
 * for big models (a million distinct colours kept the event loop busy for 0.5–2.6 s).
 */
import type { Aabb } from "../box.ts";
import type { Volume } from "../volume.ts";

/** Colours in output order with their counts, the voxels counted and the colours found. */
export interface ColorTable {
  colors: Uint32Array;
  counts: Float64Array;
  total: number;
  /** Distinct colours (or bins, or merged groups) before the limit. */
  distinct: number;
}

/** What to count and how to order it. */
export interface ColorTableOptions {
  /** Only voxels in this box. */
  region?: Aabb | null;
  /** Channel bin width (1: exact colours). */
  bin?: number;
  /** Merge colours within this per-channel difference (see mergeSimilar). */
  merge?: number | null;
  /** By count (then colour) or by colour (r, g, b, a). */
  byCount: boolean;
  /** Most rows kept. */
  limit?: number;
}

/** Counts the voxels (alpha ≠ 0), cuts and orders them as `options` say. */
export function colorTable(volume: Volume, options: ColorTableOptions): ColorTable {
  const { counts, total } = countColors(volume, options.region ?? null, options.bin ?? 1);
  const merged = options.merge == null ? counts : mergeSimilar(counts, options.merge);
  return tableFromCounts(merged, total, options.byCount, options.limit);
}

/** Counts the voxels with alpha ≠ 0 per colour (or per `bin`-wide channel bin). */
export function countColors(
  volume: Volume,
  region: Aabb | null,
  bin = 1,
): { counts: Map<number, number>; total: number } {
  const counts = new Map<number, number>();
  let total = 0;
  volume.forEachVoxel((_x, _y, _z, c) => {
    if (bin !== 1) {
      let key = 0;
      for (let s = 0; s < 32; s += 8) key |= (Math.floor(((c >>> s) & 255) / bin) * bin) << s;
      c = key >>> 0;
    }
    counts.set(c, (counts.get(c) ?? 0) + 1);
    total++;
  }, region);
  return { counts, total };
}

/**
 * Orders the counts by count (then colour) or by colour (r, g, b, a) and keeps the first
 * `limit`. Packed numbers are sorted, never row objects: a histogram's top 10 of a million
 * colours built and sorted a million objects (1.4 s).
 */
export function tableFromCounts(
  counts: Map<number, number>,
  total: number,
  byCount: boolean,
  limit = Infinity,
): ColorTable {
  let order: Uint32Array;
  if (byCount) {
    const colors = Uint32Array.from(counts.keys()), n = Float64Array.from(counts.values());
    const index = Uint32Array.from(colors, (_, i) => i);
    index.sort((a, b) => n[b] - n[a] || colors[a] - colors[b]);
    order = index.map((i) => colors[i]);
  } else {
    // r in the high byte: numeric order is (r, g, b, a) order.
    const keys = Uint32Array.from(counts.keys(), (c) =>
      (c << 24 | (c >>> 8 & 255) << 16 |
        (c >>> 16 & 255) << 8 | c >>> 24) >>> 0);
    keys.sort();
    order = keys.map((k) =>
      (k >>> 24 | (k >>> 16 & 255) << 8 | (k >>> 8 & 255) << 16 |
        (k & 255) << 24) >>> 0
    );
  }
  const colors = order.slice(0, Math.min(limit, order.length));
  const n = Float64Array.from(colors, (c) => counts.get(c)!);
  return { colors, counts: n, total, distinct: counts.size };
}

/**
 * Greedily merges colours, most frequent first, into the first earlier representative within
 * `threshold` on every channel. Representatives are found through a grid of cells threshold + 1
 * wide per channel (the colours within `threshold` of a value lie in at most two cells per
 * channel), not by scanning them all: 100 k distinct colours took 3.2 s that way, blocking every
 * other client.
 */
export function mergeSimilar(counts: Map<number, number>, threshold: number): Map<number, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  // Distinct colours never merge at threshold 0.
  if (threshold <= 0) return new Map(sorted);
  const reps: [number, number][] = [];
  // Cells are at least 2 wide, so a cell index fits 7 bits and a key stays a small integer.
  const size = threshold + 1, cells = new Map<number, number[]>();
  const cellKey = (r: number, g: number, b: number, a: number) =>
    ((r * 128 + g) * 128 + b) * 128 + a;
  const cellOf = (c: number, shift: number) => Math.floor(((c >>> shift) & 255) / size);
  const lo = [0, 0, 0, 0], hi = [0, 0, 0, 0];
  for (const [c, n] of sorted) {
    for (let ch = 0; ch < 4; ch++) {
      const v = (c >>> (ch * 8)) & 255;
      lo[ch] = Math.floor(Math.max(0, v - threshold) / size);
      hi[ch] = Math.floor(Math.min(255, v + threshold) / size);
    }
    let best = -1;
    for (let r = lo[0]; r <= hi[0]; r++) {
      for (let g = lo[1]; g <= hi[1]; g++) {
        for (let b = lo[2]; b <= hi[2]; b++) {
          for (let a = lo[3]; a <= hi[3]; a++) {
            const list = cells.get(cellKey(r, g, b, a));
            if (list) best = firstWithin(reps, list, c, threshold, best);
          }
        }
      }
    }
    if (best >= 0) reps[best][1] += n;
    else {
      const key = cellKey(cellOf(c, 0), cellOf(c, 8), cellOf(c, 16), cellOf(c, 24));
      const list = cells.get(key);
      if (list) list.push(reps.length);
      else cells.set(key, [reps.length]);
      reps.push([c, n]);
    }
  }
  return new Map(reps);
}

/**
 * Returns the lowest representative index in `list` (ascending) within `t` of colour c on every
 * channel if it is below `best`, else `best`.
 */
function firstWithin(
  reps: [number, number][],
  list: number[],
  c: number,
  t: number,
  best: number,
): number {
  for (const i of list) {
    if (best >= 0 && i >= best) return best;
    const r = reps[i][0];
    if (
      Math.abs((r & 255) - (c & 255)) <= t &&
      Math.abs(((r >>> 8) & 255) - ((c >>> 8) & 255)) <= t &&
      Math.abs(((r >>> 16) & 255) - ((c >>> 16) & 255)) <= t &&
      Math.abs((r >>> 24) - (c >>> 24)) <= t
    ) return i;
  }
  return best;
}
