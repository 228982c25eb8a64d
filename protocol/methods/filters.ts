/**
 * Goxel's selection tools and filters: select voxels by box or by colour (the magic wand), and
 * the filters that work inside the selection — Adjust Colors, Mirror and Wrap.
 */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { Axis, Box, Byte, Int32, LayerId } from "../wire.ts";
import { Ok } from "./common.ts";

const Mode = z.enum(["replace", "add", "sub"]).optional().describe(
  'How this selection combines with the current one: "replace" (default), "add" or "sub"',
);
const Selected = z.int().min(0).describe("Voxels the selection holds now");
const AllLayers = z.boolean().optional().describe(
  "Apply to every layer (default true, like Goxel); false = the active layer only",
);
const Layers = z.int().min(0).describe("Layers processed");

/** `goxel.select_box`. */
export const selectBox = defineMethod({
  name: "goxel.select_box",
  summary: "Select the active layer's voxels inside a box; filters then work inside it.",
  description:
    "The box also becomes the selection box that mirror and wrap work in. A selection stays with " +
    "the project until goxel.clear_selection.",
  params: z.strictObject({
    box: Box.describe("Inclusive box"),
    mode: Mode,
  }),
  positional: ["box", "mode"],
  result: z.object({ success: Ok, selected: Selected }),
  examples: [{
    params: [{ min: [0, 0, 0], max: [7, 7, 7] }],
    result: { success: true, selected: 42 },
  }],
  flags: { project: true, mutates: true },
});

/** `goxel.select_color`. */
export const selectColor = defineMethod({
  name: "goxel.select_color",
  summary: "Select the voxels whose colour is within threshold of the voxel at x, y, z.",
  description:
    "With connected true only the voxels joined to x, y, z through such voxels are selected (Goxel's " +
    "magic wand); otherwise every matching voxel of the layer.",
  params: z.strictObject({
    x: Int32.describe("X of the reference voxel"),
    y: Int32.describe("Y of the reference voxel"),
    z: Int32.describe("Z of the reference voxel"),
    threshold: Byte.optional().describe(
      "Largest per-channel difference still selected (default 0)",
    ),
    connected: z.boolean().optional().describe("Only voxels connected to x, y, z (default false)"),
    mode: Mode,
    layer_id: LayerId,
  }),
  positional: ["x", "y", "z", "threshold"],
  result: z.object({ success: Ok, selected: Selected }),
  examples: [{ params: { x: 0, y: 0, z: 0, threshold: 10, connected: true } }],
  flags: { project: true, mutates: true },
});

/** `goxel.clear_selection`. */
export const clearSelection = defineMethod({
  name: "goxel.clear_selection",
  summary: "Forget the selection: filters then work on the whole layer again.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({ success: Ok }),
  examples: [{ params: [], result: { success: true } }],
  flags: { project: true, mutates: true },
});

/** `goxel.adjust_colors`. */
export const adjustColors = defineMethod({
  name: "goxel.adjust_colors",
  summary: "Shift the hue, saturation, lightness and contrast of a layer's (selected) voxels.",
  description:
    "Goxel's Adjust Colors filter: only selected voxels change when there is a selection. " +
    "All-zero adjustments change nothing.",
  params: z.strictObject({
    hue: z.number().min(-180).max(180).optional().describe("Hue shift in degrees (default 0)"),
    saturation: z.number().min(-100).max(100).optional().describe(
      "Saturation change in % (default 0)",
    ),
    lightness: z.number().min(-100).max(100).optional().describe(
      "Lightness change in % (default 0)",
    ),
    contrast: z.number().min(-100).max(100).optional().describe("Contrast change in % (default 0)"),
    layer_id: LayerId,
  }),
  positional: ["hue", "saturation", "lightness", "contrast"],
  result: z.object({ success: Ok, voxels_changed: z.int().min(0) }),
  examples: [{
    params: { hue: 120, lightness: 10 },
    result: { success: true, voxels_changed: 64 },
  }],
  flags: { project: true, mutates: true },
});

/** `goxel.mirror`. */
export const mirror = defineMethod({
  name: "goxel.mirror",
  summary:
    "Mirror the voxels along an axis inside the selection box (else the layer or project box).",
  params: z.strictObject({ axis: Axis.describe("x, y or z"), all_layers: AllLayers }),
  positional: ["axis"],
  result: z.object({ success: Ok, layers: Layers }),
  examples: [{ params: ["x"], result: { success: true, layers: 1 } }],
  flags: { project: true, mutates: true },
});

/** `goxel.wrap`. */
export const wrap = defineMethod({
  name: "goxel.wrap",
  summary: "Shift the voxels by one along an axis inside the selection box, wrapping around.",
  params: z.strictObject({
    axis: Axis.describe("x, y or z"),
    direction: z.union([z.literal(1), z.literal(-1)]).optional().describe("1 (default) or -1"),
    all_layers: AllLayers,
  }),
  positional: ["axis", "direction"],
  result: z.object({ success: Ok, layers: Layers }),
  examples: [{ params: ["z", -1], result: { success: true, layers: 1 } }],
  flags: { project: true, mutates: true },
});

/** The selection and filter methods. */
export const FILTER_METHODS = [
  selectBox,
  selectColor,
  clearSelection,
  adjustColors,
  mirror,
  wrap,
] as const;
