/**
 * Median-cut colour quantisation (Goxel's `src/quantization.c` algorithm) and nearest-colour
 * lookup, used by exporters whose palettes hold at most 255 or 256 colours.
 */
import type { Rgba } from "./color.ts";

/** One distinct colour and its (possibly fractional, after a split) voxel count. */
interface Entry {
  color: Rgba;
  count: number;
}

/**
 * Reduces `counts` (colour → voxel count) to at most `n` colours by median cut: the bucket
 * with the most distinct colours is split at the count-weighted median of its widest channel
 * (R, G, B, A; the first wins ties); each result is the count-weighted integer average of its
 * bucket. When there are `n` colours or fewer they are returned unchanged, in input order.
 */
export function quantizeColors(counts: ReadonlyMap<Rgba, number>, n: number): Rgba[] {
  if (counts.size <= n) return [...counts.keys()];
  const buckets: Entry[][] = [[...counts].map(([color, count]) => ({ color, count }))];
  for (let i = 1; i < n; i++) {
    const [low, high] = splitBucket(buckets[0]);
    buckets[0] = low;
    buckets.push(high);
    // Like Goxel: always split the bucket with the most distinct entries (stable sort here).
    buckets.sort((a, b) => b.length - a.length);
  }
  return buckets.map(averageColor);
}

/** Returns the channel (0..3) with the largest value range among the entries. */
function widestChannel(entries: Entry[]): number {
  let best = 0, bestRange = -1;
  for (let ch = 0; ch < 4; ch++) {
    let lo = 255, hi = 0;
    for (const e of entries) {
      const v = (e.color >>> (ch * 8)) & 255;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > bestRange) {
      bestRange = hi - lo;
      best = ch;
    }
  }
  return best;
}

/** Splits a bucket at the count-weighted median; an entry straddling it goes to both halves. */
function splitBucket(entries: Entry[]): [Entry[], Entry[]] {
  const shift = widestChannel(entries) * 8;
  const sorted = entries.slice().sort((a, b) =>
    ((a.color >>> shift) & 255) - ((b.color >>> shift) & 255)
  );
  const half = sorted.reduce((s, e) => s + e.count, 0) / 2;
  const low: Entry[] = [], high: Entry[] = [];
  let acc = 0;
  for (const e of sorted) {
    if (acc >= half) high.push(e);
    else if (acc + e.count <= half) low.push(e);
    else {
      low.push({ color: e.color, count: half - acc });
      high.push({ color: e.color, count: acc + e.count - half });
    }
    acc += e.count;
  }
  return [low, high];
}

/** Returns the count-weighted integer average of a bucket (0 for an empty bucket). */
function averageColor(entries: Entry[]): Rgba {
  let total = 0;
  const sum = [0, 0, 0, 0];
  for (const e of entries) {
    total += e.count;
    for (let ch = 0; ch < 4; ch++) sum[ch] += ((e.color >>> (ch * 8)) & 255) * e.count;
  }
  if (total === 0) return 0;
  let out = 0;
  for (let ch = 0; ch < 4; ch++) out |= Math.min(255, Math.floor(sum[ch] / total)) << (ch * 8);
  return out >>> 0;
}

/**
 * Returns the index in `palette` of `color`: its exact match (first one), else the entry with
 * the smallest Manhattan RGB distance (first wins ties), searching `[from, to)` only.
 */
export function nearestColorIndex(
  palette: ArrayLike<Rgba>,
  color: Rgba,
  from = 0,
  to = palette.length,
): number {
  for (let i = from; i < to; i++) if (palette[i] === color) return i;
  const r = color & 255, g = (color >>> 8) & 255, b = (color >>> 16) & 255;
  let best = from, bestDist = Infinity;
  for (let i = from; i < to; i++) {
    const p = palette[i];
    const d = Math.abs((p & 255) - r) + Math.abs(((p >>> 8) & 255) - g) +
      Math.abs(((p >>> 16) & 255) - b);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  return best;
}
