/** Counting how two volumes' voxels differ (values with alpha 0 count as empty). */
import type { Aabb } from "./box.ts";
import type { Volume } from "./volume.ts";

/** How `after` differs from `before`. */
export interface VoxelDifferences {
  /** Voxels whose value differs. */
  changed: number;
  /** Empty in `before`, filled in `after`. */
  added: number;
  /** Filled in `before`, empty in `after`. */
  removed: number;
}

/**
 * Counts the voxels `after` holds differently from `before`, over the tiles meeting `region`
 * (null: every tile of either); tiles sharing their data are skipped without a look.
 */
export function countDifferences(
  before: Volume,
  after: Volume,
  region: Aabb | null = null,
): VoxelDifferences {
  const out = { changed: 0, added: 0, removed: 0 };
  const seen = new Set<string>();
  const compare = (x: number, y: number, z: number) => {
    const key = `${x},${y},${z}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (before.tileDataId(x, y, z) === after.tileDataId(x, y, z)) return;
    const a = before.readTile(x, y, z), b = after.readTile(x, y, z);
    for (let i = 0; i < 4096; i++) {
      const p = a ? a[i] : 0, q = b ? b[i] : 0;
      if (p === q || (!(p >>> 24) && !(q >>> 24))) continue;
      out.changed++;
      if (!(p >>> 24)) out.added++;
      else if (!(q >>> 24)) out.removed++;
    }
  };
  if (!region) {
    for (const v of [before, after]) for (const [x, y, z] of v.tiles()) compare(x, y, z);
    return out;
  }
  const lo = region.min.map((v) => Math.floor(v) & ~15), hi = region.max.map((v) => Math.ceil(v));
  for (let z = lo[2]; z < hi[2]; z += 16) {
    for (let y = lo[1]; y < hi[1]; y += 16) {
      for (let x = lo[0]; x < hi[0]; x += 16) compare(x, y, z);
    }
  }
  return out;
}
