/** Handlers of the single-voxel, bulk and query voxel methods. */
import { packRgba } from "../../core/color.ts";
import type { WorkBudget } from "../../core/budget.ts";
import { isInRange, tileKey, type Volume } from "../../core/volume.ts";
import { colorFromParams } from "../../protocol/methods/common.ts";
import { encodePackedFlat, forEachPackedVoxel } from "../../protocol/voxel_list.ts";
import { mergedVisibleVolume, visibleVoxel } from "../../core/image.ts";
import type { HandlerGroup } from "./types.ts";
import {
  budgetOf,
  editableLayer,
  findLayerById,
  inclusiveToAabb,
  isDryRun,
  packColor,
  wireColor,
} from "./util.ts";

type VoxelMethods =
  | "goxel.add_voxel"
  | "goxel.remove_voxel"
  | "goxel.get_voxel"
  | "goxel.paint_voxels"
  | "goxel.add_voxels"
  | "goxel.remove_voxels"
  | "goxel.get_voxels_region"
  | "goxel.get_layer_voxels"
  | "goxel.get_bounding_box";

/**
 * Charges a voxel list before any write: every voxel, and every tile it would newly create
 * (counted up to the budget, so a scattered list cannot allocate a tile per voxel unchecked).
 */
function chargeVoxelList(
  budget: WorkBudget,
  what: string,
  p: { packed?: Uint8Array; voxels?: number[][] },
  volume: Volume,
): void {
  const count = p.packed ? p.packed.length / 16 : p.voxels!.length;
  budget.charge(what, { voxels: count });
  const room = budget.maxTiles - budget.tiles;
  const fresh = new Set<number>();
  const see = (x: number, y: number, z: number) => {
    if (fresh.size > room || !isInRange(x, y, z)) return;
    if (!volume.readTile(x & ~15, y & ~15, z & ~15)) fresh.add(tileKey(x & ~15, y & ~15, z & ~15));
  };
  if (p.packed) forEachPackedVoxel(p.packed, see);
  else for (const t of p.voxels!) see(t[0], t[1], t[2]);
  budget.charge(what, { tiles: fresh.size });
}

/** Handlers for the voxel methods (batch_operations lives in batch.ts). */
export const voxelHandlers: HandlerGroup<VoxelMethods> = {
  "goxel.add_voxel"(p, { project }) {
    const layer = editableLayer(project, p.layer_id);
    const color = colorFromParams(p);
    layer.volume.set(p.x, p.y, p.z, packColor(color));
    return { success: true, x: p.x, y: p.y, z: p.z, layer_id: layer.id, color };
  },

  "goxel.remove_voxel"(p, { project }) {
    const layer = editableLayer(project, p.layer_id);
    const existed = layer.volume.get(p.x, p.y, p.z) >>> 24 !== 0;
    if (existed) {
      layer.volume.set(p.x, p.y, p.z, 0);
    }
    return { success: true, x: p.x, y: p.y, z: p.z, layer_id: layer.id, existed };
  },

  "goxel.get_voxel"(p, { project }) {
    // Without a layer: the voxel as the visible layers merge there, without merging whole layers.
    const c = p.layer_id
      ? findLayerById(project, p.layer_id).volume.get(p.x, p.y, p.z)
      : visibleVoxel(project.image, p.x, p.y, p.z);
    return { x: p.x, y: p.y, z: p.z, exists: c >>> 24 !== 0, color: wireColor(c) };
  },

  "goxel.paint_voxels"(p, { project }) {
    const layer = editableLayer(project, p.layer_id);
    const old = layer.volume.get(p.x, p.y, p.z);
    if (old >>> 24 === 0) return { success: true, painted: 0 };
    layer.volume.set(p.x, p.y, p.z, packColor(colorFromParams(p)));
    return { success: true, painted: 1 };
  },

  "goxel.add_voxels"(p, env) {
    const layer = editableLayer(env.project, p.layer_id);
    const v = layer.volume;
    chargeVoxelList(budgetOf(env), "add voxels", p, v);
    if (isDryRun(env)) return { success: true, added: 0, failed: 0 };
    let added = 0, failed = 0;
    const put = (x: number, y: number, z: number, c: number) => {
      try {
        v.set(x, y, z, c);
        added++;
      } catch {
        failed++;
      }
    };
    if (p.packed) forEachPackedVoxel(p.packed, put);
    else for (const t of p.voxels!) put(t[0], t[1], t[2], packRgba(t[3], t[4], t[5], t[6]));
    return { success: failed === 0, added, failed };
  },

  "goxel.remove_voxels"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const v = layer.volume;
    budgetOf(env).charge("remove voxels", {
      voxels: p.packed ? p.packed.length / 16 : p.voxels!.length,
    });
    let removed = 0;
    const del = (x: number, y: number, z: number) => {
      if (v.get(x, y, z) >>> 24) {
        v.set(x, y, z, 0);
        removed++;
      }
    };
    if (p.packed) forEachPackedVoxel(p.packed, del);
    else for (const t of p.voxels!) del(t[0], t[1], t[2]);
    return { success: true, removed };
  },

  "goxel.get_voxels_region"(p, { project }) {
    const volume = p.layer_id
      ? findLayerById(project, p.layer_id).volume
      : mergedVisibleVolume(project.image);
    return voxelPage(volume, { min: p.min, max: p.max }, p);
  },

  "goxel.get_layer_voxels"(p, { project }) {
    return voxelPage(findLayerById(project, p.layer_id).volume, null, p);
  },

  "goxel.get_bounding_box"(p, { project }) {
    const volume = p.layer_id === undefined || p.layer_id === -1
      ? mergedVisibleVolume(project.image)
      : findLayerById(project, p.layer_id).volume;
    const bbox = volume.bbox();
    if (!bbox) return { empty: true, min: null, max: null, dimensions: [0, 0, 0] };
    const max = bbox.max.map((v) => v - 1) as [number, number, number];
    return {
      empty: false,
      min: bbox.min,
      max,
      dimensions: bbox.max.map((v, i) => v - bbox.min[i]) as [number, number, number],
    };
  },
};

interface PageOptions {
  color_filter?: [number, number, number, number];
  offset?: number;
  limit?: number;
  encoding?: "objects" | "packed";
}

/** Lists voxels (alpha ≠ 0) in iteration order, filtered by box and colour, paged. */
function voxelPage(volume: Volume, box: { min: number[]; max: number[] } | null, o: PageOptions) {
  const offset = o.offset ?? 0, limit = o.limit ?? 10000;
  const filter = o.color_filter ? packColor(o.color_filter) : null;
  // Flat x, y, z, rgba per voxel: a page can hold a million voxels.
  const found: number[] = [];
  let matched = 0, count = 0;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  volume.forEachVoxel((x, y, z, c) => {
    if (filter !== null && c !== filter) return;
    matched++;
    if (matched <= offset || count >= limit) return;
    found.push(x, y, z, c);
    count++;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }, box ? inclusiveToAabb(box) : null);
  const bbox = count
    ? {
      min: [x0, y0, z0] as [number, number, number],
      max: [x1, y1, z1] as [number, number, number],
    }
    : null;
  const page = { count, truncated: matched > offset + count, bbox };
  if (o.encoding === "packed") return { ...page, packed: encodePackedFlat(found) };
  const voxels = [];
  for (let i = 0; i < found.length; i += 4) {
    voxels.push({ x: found[i], y: found[i + 1], z: found[i + 2], color: wireColor(found[i + 3]) });
  }
  return { ...page, voxels };
}
