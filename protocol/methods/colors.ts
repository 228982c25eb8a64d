/** Colour analysis methods (the C daemon's three crashed) and palettes. */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { Box, Byte, Color, Int32, Rgba, VoxelResult } from "../wire.ts";
import { Ok } from "./common.ts";

const Scope = {
  layer_id: Int32.min(-1).optional().describe(
    "Layer id; -1 or omitted = all visible layers, 0 = the active layer",
  ),
  region: Box.optional().describe("Only voxels inside this inclusive box"),
};

const ColorCount = z.object({
  color: Rgba,
  count: z.int().min(1),
  percentage: z.number().min(0).max(100).describe("Share of the counted voxels, 0..100"),
});

/** `goxel.get_color_histogram`. */
export const getColorHistogram = defineMethod({
  name: "goxel.get_color_histogram",
  tool: { readOnly: true },
  summary: "Count voxels per colour, optionally grouping similar colours into bins.",
  description:
    "With bin_size n each channel is rounded down to a multiple of n before counting; a bin's color " +
    "is that rounded value.",
  params: z.strictObject({
    ...Scope,
    bin_size: z.int().min(1).max(256).optional().describe(
      "Channel step per bin (default 1 = exact colours)",
    ),
    sort_by_count: z.boolean().optional().describe(
      "Most frequent first (default true); else by colour",
    ),
    top_n: z.int().min(1).optional().describe("Return only the first n bins"),
  }),
  positional: ["layer_id"],
  result: z.object({
    success: Ok,
    total_voxels: z.int().min(0),
    bin_count: z.int().min(0).describe("Bins before top_n was applied"),
    bins: z.array(ColorCount),
  }),
  examples: [{
    params: { top_n: 2 },
    result: {
      success: true,
      total_voxels: 10,
      bin_count: 3,
      bins: [{ color: [255, 0, 0, 255], count: 6, percentage: 60 }, {
        color: [0, 0, 255, 255],
        count: 3,
        percentage: 30,
      }],
    },
  }],
  flags: { project: true },
});

/** `goxel.find_voxels_by_color`. */
export const findVoxelsByColor = defineMethod({
  name: "goxel.find_voxels_by_color",
  tool: { readOnly: true },
  summary: "Find voxels whose colour is within tolerance of a colour.",
  params: z.strictObject({
    color: Color.describe("Colour to look for"),
    tolerance: z.union([Byte, z.tuple([Byte, Byte, Byte]), z.tuple([Byte, Byte, Byte, Byte])])
      .optional().describe(
        "Largest difference per channel: one number for all, or [r, g, b(, a)] (default 0 = exact)",
      ),
    ...Scope,
    max_results: z.int().min(1).max(1_000_000).optional().describe(
      "Stop after this many (default 1000)",
    ),
    include_locations: z.boolean().optional().describe(
      "Return the voxels, not just the count (default true)",
    ),
  }),
  positional: ["color", "tolerance"],
  result: z.object({
    success: Ok,
    count: z.int().min(0).describe("Matches found (up to max_results)"),
    truncated: z.boolean().describe("True when max_results stopped the search"),
    voxels: z.array(VoxelResult).optional(),
  }),
  examples: [{
    params: ["#ff0000", 10],
    result: {
      success: true,
      count: 1,
      truncated: false,
      voxels: [{ x: 0, y: 0, z: 0, color: [250, 2, 0, 255] }],
    },
  }],
  flags: { project: true },
});

/** `goxel.get_unique_colors`. */
export const getUniqueColors = defineMethod({
  name: "goxel.get_unique_colors",
  tool: { readOnly: true },
  summary: "List the distinct colours used, optionally merging near-identical ones.",
  params: z.strictObject({
    ...Scope,
    merge_similar: z.boolean().optional().describe(
      "Merge colours closer than merge_threshold (default false)",
    ),
    merge_threshold: Byte.optional().describe("Largest per-channel difference merged (default 10)"),
    sort_by_count: z.boolean().optional().describe(
      "Most frequent first (default false: by colour)",
    ),
  }),
  positional: ["layer_id"],
  result: z.object({ success: Ok, count: z.int().min(0), colors: z.array(ColorCount) }),
  examples: [{
    params: {},
    result: {
      success: true,
      count: 1,
      colors: [{ color: [255, 0, 0, 255], count: 4, percentage: 100 }],
    },
  }],
  flags: { project: true },
});

/** `goxel.list_palettes`. */
export const listPalettes = defineMethod({
  name: "goxel.list_palettes",
  tool: { readOnly: true },
  summary: "List the available colour palettes; with a name, include that palette's colours.",
  params: z.strictObject({
    name: z.string().min(1).optional().describe('Palette to show in full, e.g. "DB32"'),
  }),
  positional: ["name"],
  result: z.object({
    count: z.int().min(0),
    palettes: z.array(z.object({
      name: z.string(),
      color_count: z.int().min(0),
      colors: z.array(z.object({ color: Rgba, name: z.string().optional() })).optional(),
    })),
  }),
  examples: [
    { params: {}, result: { count: 1, palettes: [{ name: "DB32", color_count: 32 }] } },
    { params: ["DB32"] },
  ],
});

/** The colour methods. */
export const COLOR_METHODS = [
  getColorHistogram,
  findVoxelsByColor,
  getUniqueColors,
  listPalettes,
] as const;
