/** Single-voxel and bulk voxel methods (C daemon names, params and results, bugs fixed). */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { PackedVoxels, PositionItem, VoxelItem } from "../voxel_list.ts";
import {
  Box,
  BoxResult,
  ColorFilter,
  Int32,
  LayerId,
  Rgba,
  Vec3Int,
  VoxelResult,
} from "../wire.ts";
import { checkColorParams, COLOR_PARAMS, colorAfter, Encoding, Ok, PAGING } from "./common.ts";

const XYZ = {
  x: Int32.describe("X coordinate of the voxel"),
  y: Int32.describe("Y coordinate of the voxel"),
  z: Int32.describe("Z coordinate of the voxel (Z is up)"),
};

/** `goxel.add_voxel`. */
export const addVoxel = defineMethod({
  name: "goxel.add_voxel",
  tool: { destructive: false, idempotent: true },
  summary: "Put one voxel of the given colour at x, y, z, replacing what was there.",
  description:
    'Positional forms: [x, y, z, r, g, b, a, layer_id] or [x, y, z, "#rrggbb", layer_id].',
  params: z.strictObject({ ...XYZ, ...COLOR_PARAMS, layer_id: LayerId }).superRefine(
    checkColorParams,
  ),
  positional: ["x", "y", "z", "r", "g", "b", "a", "layer_id"],
  arrayForm: colorAfter(["x", "y", "z"], ["layer_id"]),
  result: z.object({ success: Ok, x: Int32, y: Int32, z: Int32, layer_id: Int32, color: Rgba }),
  examples: [
    {
      params: [0, 0, 0, 255, 0, 0, 255],
      result: { success: true, x: 0, y: 0, z: 0, layer_id: 1, color: [255, 0, 0, 255] },
    },
    {
      params: { x: 1, y: 2, z: 3, color: "#00ff00" },
      description: "Named params with a hex colour",
    },
  ],
  flags: { project: true, mutates: true },
});

/** `goxel.remove_voxel`. */
export const removeVoxel = defineMethod({
  name: "goxel.remove_voxel",
  tool: { destructive: true, idempotent: true },
  summary: "Remove the voxel at x, y, z (no error if the cell is already empty).",
  params: z.strictObject({ ...XYZ, layer_id: LayerId }),
  positional: ["x", "y", "z", "layer_id"],
  result: z.object({
    success: Ok,
    x: Int32,
    y: Int32,
    z: Int32,
    layer_id: Int32,
    existed: z.boolean().optional().describe("Whether a voxel was there"),
  }),
  examples: [{ params: [0, 0, 0] }],
  flags: { project: true, mutates: true },
});

/** `goxel.get_voxel`. */
export const getVoxel = defineMethod({
  name: "goxel.get_voxel",
  tool: { readOnly: true },
  summary: "Read the voxel at x, y, z: whether it exists and its colour.",
  description: "An empty cell reports exists false and color [0, 0, 0, 0].",
  params: z.strictObject({ ...XYZ, layer_id: LayerId }),
  positional: ["x", "y", "z", "layer_id"],
  result: z.object({ x: Int32, y: Int32, z: Int32, exists: z.boolean(), color: Rgba }),
  examples: [{
    params: [0, 0, 0],
    result: { x: 0, y: 0, z: 0, exists: true, color: [255, 0, 0, 255] },
  }],
  flags: { project: true },
});

/** `goxel.paint_voxels`. */
export const paintVoxels = defineMethod({
  name: "goxel.paint_voxels",
  tool: { destructive: false, idempotent: true },
  summary: "Recolour the existing voxel at x, y, z (empty cells stay empty).",
  params: z.strictObject({ ...XYZ, ...COLOR_PARAMS, layer_id: LayerId }).superRefine(
    checkColorParams,
  ),
  positional: ["x", "y", "z", "r", "g", "b", "a", "layer_id"],
  arrayForm: colorAfter(["x", "y", "z"], ["layer_id"]),
  result: z.object({
    success: Ok,
    painted: z.int().min(0).describe("1 when a voxel was recoloured, else 0"),
  }),
  examples: [{ params: [0, 0, 0, "#0000ff"], result: { success: true, painted: 1 } }],
  flags: { project: true, mutates: true, aliases: ["goxel.paint_voxel"] },
});

const voxelListParams = {
  voxels: z.array(VoxelItem).optional().describe(
    "Voxels as {x, y, z, color}, {x, y, z, r, g, b, a?} or [x, y, z, r, g, b, a?]",
  ),
  packed: PackedVoxels.optional(),
  layer_id: LayerId,
};

function oneOfVoxelsOrPacked(
  p: { voxels?: unknown; packed?: unknown },
  ctx: z.RefinementCtx,
): void {
  if ((p.voxels === undefined) === (p.packed === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["voxels"],
      message: "give exactly one of voxels and packed",
    });
  }
}

/** `goxel.add_voxels`. */
export const addVoxels = defineMethod({
  name: "goxel.add_voxels",
  tool: { destructive: false, idempotent: true },
  summary: "Put many voxels in one request (one undo step): a JSON list or packed binary records.",
  description:
    "packed is base64 of 16 bytes per voxel: int32 x, y, z then uint8 r, g, b, a, all little-endian.",
  params: z.strictObject(voxelListParams).superRefine(oneOfVoxelsOrPacked),
  positional: ["voxels", "layer_id"],
  result: z.object({
    success: z.boolean().describe("True when every voxel was added"),
    added: z.int().min(0),
    failed: z.int().min(0),
  }),
  examples: [
    {
      params: { voxels: [[0, 0, 0, 255, 0, 0], { x: 1, y: 0, z: 0, color: "#00ff00" }] },
      result: { success: true, added: 2, failed: 0 },
    },
    {
      params: { packed: "AAAAAAAAAAAAAAAA/wAA/w==" },
      description: "One red voxel at 0, 0, 0, packed",
    },
  ],
  flags: { project: true, mutates: true },
});

/** `goxel.remove_voxels`. */
export const removeVoxels = defineMethod({
  name: "goxel.remove_voxels",
  tool: { destructive: true, idempotent: true },
  summary: "Remove many voxels in one request (one undo step): positions or packed records.",
  description:
    "packed uses the same 16-byte records as goxel.add_voxels; their colour bytes are ignored.",
  params: z.strictObject({
    voxels: z.array(PositionItem).optional().describe("Positions as {x, y, z} or [x, y, z]"),
    packed: PackedVoxels.optional(),
    layer_id: LayerId,
  }).superRefine(oneOfVoxelsOrPacked),
  positional: ["voxels", "layer_id"],
  result: z.object({
    success: Ok,
    removed: z.int().min(0).describe("Voxels that existed and were removed"),
  }),
  examples: [{ params: [[[0, 0, 0], [1, 0, 0]]] }],
  flags: { project: true, mutates: true },
});

/** Voxel operation types accepted by `goxel.batch_operations`. */
export const BATCH_OPERATION_TYPES = [
  "add_voxel",
  "remove_voxel",
  "paint_voxels",
  "paint_voxel",
  "flood_fill",
  "procedural_shape",
  "draw_shape",
  "draw_line",
  "replace_color",
  "add_voxels",
  "remove_voxels",
] as const;

/** `goxel.batch_operations`. */
export const batchOperations = defineMethod({
  name: "goxel.batch_operations",
  tool: { destructive: true },
  summary:
    "Apply a list of voxel operations in order as one undo step; all are checked before any runs.",
  description:
    "Each operation is {type, ...params} where type is a voxel method name without the " +
    '"goxel." prefix (add_voxel, remove_voxel, paint_voxels, flood_fill, procedural_shape, draw_shape, ' +
    "draw_line, replace_color, add_voxels, remove_voxels) and the other keys are that method's named params.",
  params: z.strictObject({
    operations: z.array(z.looseObject({ type: z.enum(BATCH_OPERATION_TYPES) })).min(1).describe(
      'Operations such as {"type": "add_voxel", "x": 0, "y": 0, "z": 0, "color": "#ff0000"}',
    ),
  }),
  positional: ["operations"],
  result: z.object({
    success: Ok,
    total_operations: z.int().min(0),
    successful_operations: z.int().min(0),
  }),
  examples: [{
    params: {
      operations: [
        { type: "add_voxel", x: 0, y: 0, z: 0, r: 255, g: 0, b: 0 },
        { type: "remove_voxel", x: 1, y: 0, z: 0 },
      ],
    },
    result: { success: true, total_operations: 2, successful_operations: 2 },
  }],
  flags: { project: true, mutates: true },
});

const voxelPage = z.object({
  voxels: z.array(VoxelResult).optional().describe('The voxels (encoding "objects")'),
  packed: z.string().optional().describe('Base64 16-byte records (encoding "packed")'),
  count: z.int().min(0).describe("Voxels returned"),
  truncated: z.boolean().describe("True when more voxels matched than limit allowed"),
  bbox: BoxResult.nullable().describe("Inclusive bounds of the returned voxels, null when none"),
});

/** `goxel.get_voxels_region`. */
export const getVoxelsRegion = defineMethod({
  name: "goxel.get_voxels_region",
  tool: { readOnly: true },
  summary: "List the voxels inside an inclusive box, optionally of one colour, page by page.",
  params: z.strictObject({
    min: Vec3Int.describe("Lowest corner, inclusive"),
    max: Vec3Int.describe("Highest corner, inclusive"),
    layer_id: LayerId,
    color_filter: ColorFilter,
    ...PAGING,
    encoding: Encoding,
  }).refine((p) => p.min.every((v, i) => v <= p.max[i]), {
    message: "min must not exceed max on any axis",
  }),
  positional: ["min", "max", "layer_id"],
  result: voxelPage,
  examples: [{
    params: { min: [0, 0, 0], max: [3, 3, 3] },
    result: {
      voxels: [{ x: 0, y: 0, z: 0, color: [255, 0, 0, 255] }],
      count: 1,
      truncated: false,
      bbox: { min: [0, 0, 0], max: [0, 0, 0] },
    },
  }],
  flags: { project: true },
});

/** `goxel.get_layer_voxels`. */
export const getLayerVoxels = defineMethod({
  name: "goxel.get_layer_voxels",
  tool: { readOnly: true },
  summary: "List all voxels of a layer, optionally of one colour, page by page.",
  params: z.strictObject({
    layer_id: LayerId,
    color_filter: ColorFilter,
    ...PAGING,
    encoding: Encoding,
  }),
  positional: ["layer_id"],
  result: voxelPage,
  examples: [{ params: { layer_id: 1, limit: 100 } }],
  flags: { project: true },
});

/** `goxel.get_bounding_box`. */
export const getBoundingBox = defineMethod({
  name: "goxel.get_bounding_box",
  tool: { readOnly: true },
  summary: "Report the inclusive bounds of a layer's voxels, or of all visible layers.",
  description:
    "max is inclusive here too (the C daemon's was exclusive); dimensions = max - min + 1.",
  params: z.strictObject({
    layer_id: Int32.min(-1).optional().describe(
      "Layer id; -1 or omitted = all visible layers, 0 = the active layer",
    ),
    exact: z.boolean().optional().describe("Accepted for compatibility; bounds are always exact"),
  }),
  positional: ["layer_id"],
  result: z.object({
    empty: z.boolean(),
    min: Vec3Int.nullable().describe("Lowest voxel, null when empty"),
    max: Vec3Int.nullable().describe("Highest voxel (inclusive), null when empty"),
    dimensions: Vec3Int.describe("Size in voxels [w, h, d]; [0, 0, 0] when empty"),
  }),
  examples: [{
    params: {},
    result: { empty: false, min: [0, 0, 0], max: [3, 1, 0], dimensions: [4, 2, 1] },
  }],
  flags: { project: true },
});

/** Box-or-corners selection shared by drawing methods. */
export const BOX_OR_CORNERS = {
  box: Box.optional().describe("Inclusive box to fill"),
  from: Vec3Int.optional().describe("One corner voxel (with to), inclusive"),
  to: Vec3Int.optional().describe("The opposite corner voxel (with from), inclusive"),
};

/** Object-level check: exactly one of `box` and the `from`/`to` pair. */
export function checkBoxOrCorners(
  p: { box?: unknown; from?: unknown; to?: unknown },
  ctx: z.RefinementCtx,
): void {
  const corners = (p.from !== undefined ? 1 : 0) + (p.to !== undefined ? 1 : 0);
  if (p.box !== undefined ? corners > 0 : corners !== 2) {
    ctx.addIssue({ code: "custom", path: ["box"], message: "give either box or both from and to" });
  }
}

/** The voxel methods. */
export const VOXEL_METHODS = [
  addVoxel,
  removeVoxel,
  getVoxel,
  paintVoxels,
  addVoxels,
  removeVoxels,
  batchOperations,
  getVoxelsRegion,
  getLayerVoxels,
  getBoundingBox,
] as const;
