/** Handlers of the colour analysis methods (the C daemon's three crashed) and palettes. */
import { NotFoundError } from "../../core/errors.ts";
import { mergedVisibleVolume } from "../../core/image.ts";
import { BUILTIN_PALETTES, findBuiltinPalette } from "../../core/palette.ts";
import type { Volume } from "../../core/volume.ts";
import type { Project } from "../projects.ts";
import type { HandlerEnv, HandlerGroup } from "./types.ts";
import type { Aabb } from "../../core/box.ts";
import { type ColorTable, colorTable, type ColorTableOptions } from "../../core/ops/color_stats.ts";
import { volumeBuffers, volumeToPlain } from "../../core/plain_image.ts";
import { findLayerById, inclusiveToAabb, wireColor } from "./util.ts";

type ColorMethods =
  | "goxel.get_color_histogram"
  | "goxel.find_voxels_by_color"
  | "goxel.get_unique_colors"
  | "goxel.list_palettes";

interface Scope {
  layer_id?: number;
  region?: { min: number[]; max: number[] };
}

/** The volume a request's scope reads: one layer, or the merge of the visible layers. */
function scopeVolume(project: Project, scope: Scope): Volume {
  return scope.layer_id === undefined || scope.layer_id === -1
    ? mergedVisibleVolume(project.image)
    : findLayerById(project, scope.layer_id).volume;
}

/** Calls fn for each voxel with alpha ≠ 0 in the scope (layer or visible layers, region). */
function forEachInScope(
  project: Project,
  scope: Scope,
  fn: (x: number, y: number, z: number, c: number) => boolean | void,
): void {
  scopeVolume(project, scope).forEachVoxel(fn, regionOf(scope));
}

function regionOf(scope: Scope): Aabb | null {
  return scope.region ? inclusiveToAabb(scope.region) : null;
}

/**
 * Tiles of a scope counted on the event loop; bigger ones go to a worker, so that a model of a
 * million colours does not hold every other client (its histogram took 0.5 s, merged unique
 * colours up to 2.6 s).
 */
export const INLINE_COLOR_TILES = 64;

/** The colour table of a request's scope, on a worker for big volumes. */
async function scopeTable(
  { ctx, project, call }: HandlerEnv,
  scope: Scope,
  options: Omit<ColorTableOptions, "region">,
): Promise<ColorTable> {
  const volume = scopeVolume(project, scope), region = regionOf(scope);
  if (volume.tilesMeeting(region) <= INLINE_COLOR_TILES) {
    return colorTable(volume, { ...options, region });
  }
  // Only the tiles in the region travel (a small region of a big model stays small).
  const plain = volumeToPlain(volume, false, region);
  const job = { kind: "color_table" as const, volume: plain, options: { ...options, region } };
  const transfer = volumeBuffers(plain);
  return await ctx.workers.run(job, { transfer, signal: call.signal }) as ColorTable;
}

/** The rows of a colour table as the methods report them. */
export function toRows({ colors, counts, total }: ColorTable) {
  const rows = [];
  for (let i = 0; i < colors.length; i++) {
    rows.push({
      color: wireColor(colors[i]),
      count: counts[i],
      percentage: total ? Math.round((counts[i] / total) * 10000) / 100 : 0,
    });
  }
  return rows;
}

/** Handlers for the colour methods. */
export const colorHandlers: HandlerGroup<ColorMethods> = {
  async "goxel.get_color_histogram"(p, env) {
    const table = await scopeTable(env, p, {
      bin: p.bin_size ?? 1,
      byCount: p.sort_by_count ?? true,
      limit: p.top_n || Infinity,
    });
    return {
      success: true,
      total_voxels: table.total,
      bin_count: table.distinct,
      bins: toRows(table),
    };
  },

  "goxel.find_voxels_by_color"(p, { project }) {
    const tol = typeof p.tolerance === "number"
      ? [p.tolerance, p.tolerance, p.tolerance, p.tolerance]
      : [...(p.tolerance ?? [0, 0, 0]), p.tolerance?.[3] ?? 0];
    const target = p.color;
    const max = p.max_results ?? 1000;
    const voxels: { x: number; y: number; z: number; color: [number, number, number, number] }[] =
      [];
    let count = 0, truncated = false;
    // Scalar channel tests: this runs for every voxel in scope, a match allocates.
    const [r0, g0, b0, a0] = target, [rt, gt, bt, at] = tol;
    forEachInScope(project, p, (x, y, z, c) => {
      if (
        Math.abs((c & 255) - r0) > rt || Math.abs(((c >>> 8) & 255) - g0) > gt ||
        Math.abs(((c >>> 16) & 255) - b0) > bt || Math.abs((c >>> 24) - a0) > at
      ) return true;
      if (count >= max) {
        truncated = true;
        return false;
      }
      count++;
      if (p.include_locations !== false) voxels.push({ x, y, z, color: wireColor(c) });
      return true;
    });
    return {
      success: true,
      count,
      truncated,
      ...(p.include_locations !== false ? { voxels } : {}),
    };
  },

  async "goxel.get_unique_colors"(p, env) {
    const table = await scopeTable(env, p, {
      merge: p.merge_similar ? p.merge_threshold ?? 10 : null,
      byCount: p.sort_by_count ?? false,
    });
    const rows = toRows(table);
    return { success: true, count: rows.length, colors: rows };
  },

  "goxel.list_palettes"(p) {
    if (p.name) {
      const palette = findBuiltinPalette(p.name);
      if (!palette) {
        throw new NotFoundError(
          `No palette named "${p.name}" (palettes: ${
            BUILTIN_PALETTES.map((x) => x.name).join(", ")
          })`,
        );
      }
      return {
        count: 1,
        palettes: [{
          name: palette.name,
          color_count: palette.entries.length,
          colors: palette.entries.map((e) => ({
            color: wireColor(e.color),
            name: e.name || undefined,
          })),
        }],
      };
    }
    return {
      count: BUILTIN_PALETTES.length,
      palettes: BUILTIN_PALETTES.map((x) => ({ name: x.name, color_count: x.entries.length })),
    };
  },
};
