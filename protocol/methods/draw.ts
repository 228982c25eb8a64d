/** Drawing and editing methods: flood fill, shapes, lines, colour replacement, transforms, crop. */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import {
  Axis,
  BlendModeName,
  Box,
  BoxResult,
  Byte,
  Color,
  Int32,
  LayerId,
  PositiveSize,
  Shape,
  Symmetry,
  Vec3,
  Vec3Int,
} from "../wire.ts";
import { checkColorParams, COLOR_PARAMS, colorAfter, Ok } from "./common.ts";
import { BOX_OR_CORNERS, checkBoxOrCorners } from "./voxels.ts";

const Changed = z.int().min(0).optional().describe("Voxels whose value changed");
/** What a drawing did: voxels changed, of which added (empty before) and removed. */
const EDIT_COUNTS = {
  changed: Changed,
  added: z.int().min(0).optional().describe("Voxels that were empty and are now filled"),
  removed: z.int().min(0).optional().describe("Voxels that were filled and are now empty"),
};

/** What each drawing mode does (shared by every drawing method). */
const MODE_TEXT = 'How the drawn voxels combine with existing ones: "add" (default) puts them, ' +
  '"sub" removes them, "paint" recolours existing voxels only, "max" and "replace" set them ' +
  '(replace exactly, alpha included), "intersect" keeps only the voxels inside the shape (the ' +
  'rest of the layer is removed); "sub_clamp", "intersect_fill" and "mult_alpha" as in Goxel';

/** `goxel.flood_fill`. */
export const floodFill = defineMethod({
  name: "goxel.flood_fill",
  tool: { destructive: false, idempotent: true },
  summary: "Recolour the 6-connected region of same-coloured voxels that contains x, y, z.",
  description:
    "A neighbour joins the region when it is not empty and each of its r, g, b differs from the start " +
    "voxel's by at most tolerance. Starting on an empty cell fills the connected empty cells inside the project box.",
  params: z.strictObject({
    x: Int32.describe("X of the start voxel"),
    y: Int32.describe("Y of the start voxel"),
    z: Int32.describe("Z of the start voxel"),
    ...COLOR_PARAMS,
    layer_id: LayerId,
    tolerance: Byte.optional().describe(
      "Largest per-channel colour difference still joined (default 0 = exact)",
    ),
  }).superRefine(checkColorParams),
  positional: ["x", "y", "z", "r", "g", "b", "a", "layer_id", "tolerance"],
  arrayForm: colorAfter(["x", "y", "z"], ["layer_id", "tolerance"]),
  result: z.object({ success: Ok, voxels_filled: z.int().min(0) }),
  examples: [{ params: [0, 0, 0, "#ffff00"], result: { success: true, voxels_filled: 12 } }],
  flags: { project: true, mutates: true },
});

/** `goxel.procedural_shape`. */
export const proceduralShape = defineMethod({
  name: "goxel.procedural_shape",
  tool: { destructive: true, idempotent: true },
  summary: "Draw a cube, sphere or cylinder of size_x × size_y × size_z voxels centred on a voxel.",
  description:
    "The shape fills the voxels from center - floor(size / 2) to center - floor(size / 2) + size - 1 on " +
    'each axis; sphere is the ellipsoid and cylinder the Z-axis cylinder inscribed in that box. Aliases: "box" = ' +
    'cube, "ellipsoid" = sphere.',
  params: z.strictObject({
    shape_type: Shape.optional().describe("cube (default), sphere or cylinder"),
    size_x: PositiveSize.optional().describe("Width in voxels (default 10)"),
    size_y: PositiveSize.optional().describe("Depth in voxels (default 10)"),
    size_z: PositiveSize.optional().describe("Height in voxels (default 10)"),
    center_x: Int32.optional().describe("Centre voxel X (default 0)"),
    center_y: Int32.optional().describe("Centre voxel Y (default 0)"),
    center_z: Int32.optional().describe("Centre voxel Z (default 0)"),
    ...COLOR_PARAMS,
    layer_id: LayerId,
    mode: BlendModeName.optional().describe(MODE_TEXT),
  }).superRefine(checkColorParams),
  positional: [
    "shape_type",
    "size_x",
    "size_y",
    "size_z",
    "center_x",
    "center_y",
    "center_z",
    "r",
    "g",
    "b",
    "a",
    "layer_id",
  ],
  arrayForm: colorAfter(
    ["shape_type", "size_x", "size_y", "size_z", "center_x", "center_y", "center_z"],
    ["layer_id"],
  ),
  result: z.object({
    success: Ok,
    shape_type: z.enum(["cube", "sphere", "cylinder"]),
    voxels_created: z.int().min(0).describe("Voxels that were empty and are now filled"),
    ...EDIT_COUNTS,
  }),
  examples: [
    {
      params: ["sphere", 9, 9, 9, 0, 0, 4, 255, 128, 0, 255],
      result: { success: true, shape_type: "sphere", voxels_created: 389 },
    },
    { params: { shape_type: "cylinder", size_x: 6, size_y: 6, size_z: 12, color: "#8080ff" } },
  ],
  flags: { project: true, mutates: true },
});

const DRAW_COMMON = {
  color: Color.optional().describe("Colour (default white)"),
  mode: BlendModeName.optional().describe(MODE_TEXT),
  layer_id: LayerId,
};

/** `goxel.draw_shape`. */
export const drawShape = defineMethod({
  name: "goxel.draw_shape",
  tool: { destructive: true, idempotent: true },
  summary: "Fill a box given as {min, max} or two corners with a cube, sphere or cylinder.",
  description:
    "Goxel's shape tool: the shape is inscribed in the inclusive box. smoothness > 0 anti-aliases the " +
    "edge through alpha; symmetry mirrors the drawing through symmetry_origin (default: the project box centre).",
  params: z.strictObject({
    shape: Shape.describe("cube, sphere or cylinder (aliases box, ellipsoid)"),
    ...BOX_OR_CORNERS,
    ...DRAW_COMMON,
    smoothness: z.number().min(0).max(16).optional().describe(
      "Edge softness in voxels (default 0 = hard)",
    ),
    symmetry: Symmetry.optional(),
    symmetry_origin: Vec3.optional().describe("Point the symmetry mirrors through"),
  }).superRefine(checkBoxOrCorners),
  positional: ["shape", "from", "to", "color", "mode"],
  result: z.object({ success: Ok, box: BoxResult, ...EDIT_COUNTS }),
  examples: [
    { params: ["sphere", [0, 0, 0], [7, 7, 7], "#ff8800"] },
    {
      params: { shape: "cube", box: { min: [0, 0, 0], max: [3, 3, 0] }, mode: "sub" },
      description: "Carve a slab",
    },
  ],
  flags: { project: true, mutates: true },
});

/** `goxel.draw_line`. */
export const drawLine = defineMethod({
  name: "goxel.draw_line",
  tool: { destructive: true, idempotent: true },
  summary: "Draw a straight rod of voxels between two points.",
  description:
    "Goxel's line tool: a cylinder (or the chosen shape) of the given radius from the centre of " +
    "voxel from to the centre of voxel to.",
  params: z.strictObject({
    from: Vec3Int.describe("Start voxel"),
    to: Vec3Int.describe("End voxel"),
    ...DRAW_COMMON,
    radius: z.number().min(0.5).max(64).optional().describe(
      "Rod radius in voxels (default 0.5 = one voxel thick)",
    ),
    shape: Shape.optional().describe("Cross-section: cylinder (default), cube or sphere"),
  }),
  positional: ["from", "to", "color", "radius"],
  result: z.object({ success: Ok, ...EDIT_COUNTS }),
  examples: [{ params: [[0, 0, 0], [10, 0, 5], "#ffffff"] }],
  flags: { project: true, mutates: true },
});

/** `goxel.replace_color`. */
export const replaceColor = defineMethod({
  name: "goxel.replace_color",
  tool: { destructive: true, idempotent: true },
  summary: "Give every voxel of one colour another colour, in a layer or a region.",
  params: z.strictObject({
    from_color: Color.describe("Colour to replace"),
    to_color: Color.describe("New colour"),
    tolerance: Byte.optional().describe(
      "Largest per-channel difference still replaced (default 0 = exact)",
    ),
    layer_id: LayerId,
    region: Box.optional().describe("Only voxels inside this inclusive box"),
  }),
  positional: ["from_color", "to_color", "tolerance"],
  result: z.object({ success: Ok, replaced: z.int().min(0) }),
  examples: [{ params: ["#ff0000", "#0000ff"], result: { success: true, replaced: 42 } }],
  flags: { project: true, mutates: true },
});

/** `goxel.transform_layer`. */
export const transformLayer = defineMethod({
  name: "goxel.transform_layer",
  tool: { destructive: true },
  summary: "Move, rotate by quarter turns, flip or scale a layer's voxels.",
  description:
    "Applied in the order flip, rotate, scale, translate, about the centre of the layer's origin voxel " +
    "(Goxel's move tool); scaling resamples nearest-neighbour.",
  params: z.strictObject({
    layer_id: LayerId,
    translate: Vec3Int.optional().describe("Offset in voxels [dx, dy, dz]"),
    rotate: z.strictObject({
      axis: Axis.describe("Rotation axis"),
      degrees: z.int().multipleOf(90).describe(
        "Angle, a multiple of 90 (positive = counter-clockwise)",
      ),
    }).optional(),
    flip: z.array(Axis).max(3).optional().describe('Mirror along these axes, e.g. ["x"]'),
    scale: z.number().min(0.125).max(8).optional().describe("Uniform scale factor, e.g. 2 or 0.5"),
  }),
  positional: ["layer_id"],
  result: z.object({
    success: Ok,
    bbox: BoxResult.nullable().describe("New inclusive bounds, null when empty"),
  }),
  examples: [{ params: { translate: [4, 0, 0], rotate: { axis: "z", degrees: 90 } } }],
  flags: { project: true, mutates: true },
});

/** `goxel.crop`. */
export const crop = defineMethod({
  name: "goxel.crop",
  tool: { destructive: true, idempotent: true },
  summary: "Delete every voxel outside a box (default: the project box) in one or all layers.",
  params: z.strictObject({
    box: Box.optional().describe("Inclusive box to keep (default: the project box)"),
    layer_id: LayerId,
    all_layers: z.boolean().optional().describe("Crop every layer instead of one (default false)"),
  }),
  positional: ["box"],
  result: z.object({ success: Ok, box: BoxResult, removed: z.int().min(0).optional() }),
  examples: [{ params: { box: { min: [-8, -8, 0], max: [7, 7, 15] }, all_layers: true } }],
  flags: { project: true, mutates: true },
});

/** The drawing methods. */
export const DRAW_METHODS = [
  floodFill,
  proceduralShape,
  drawShape,
  drawLine,
  replaceColor,
  transformLayer,
  crop,
] as const;
