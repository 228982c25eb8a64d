/** Layer methods: list, create (plain or shape), delete, merge, visibility, rename, order. */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { Box, Byte, Color, Int32, LayerId, RequiredLayerId, Shape } from "../wire.ts";
import { Ok } from "./common.ts";

const LayerInfo = z.object({
  id: Int32.describe("Stable layer id"),
  name: z.string(),
  visible: z.boolean(),
  active: z.boolean().describe("Whether this is the active layer"),
  kind: z.enum(["volume", "shape", "clone", "image"]).optional().describe("What the layer holds"),
  mode: z.string().optional().describe("Blend mode used when layers are merged"),
  voxel_count: z.int().min(0).optional(),
  crc: z.int().min(0).optional().describe(
    "Goxel's volume CRC (XXH32 over every voxel's position and colour), with `crc: true`",
  ),
});

/** `goxel.list_layers`. */
export const listLayers = defineMethod({
  name: "goxel.list_layers",
  tool: { readOnly: true },
  summary: "List the project's layers in order (bottom first) with ids, names and visibility.",
  params: z.strictObject({
    crc: z.boolean().optional().describe(
      "Also return each layer's volume CRC (costs a pass over its voxels)",
    ),
  }),
  positional: [],
  result: z.object({ count: z.int().min(0), layers: z.array(LayerInfo) }),
  examples: [{
    params: {},
    result: {
      count: 1,
      layers: [{ id: 1, name: "background", visible: true, active: true, kind: "volume" }],
    },
  }],
  flags: { project: true },
});

/** `goxel.create_layer`. */
export const createLayer = defineMethod({
  name: "goxel.create_layer",
  tool: { destructive: false },
  summary: "Add a new layer on top and make it active; with shape and box it is a shape layer.",
  description:
    "r, g, b (C daemon form) or color set the layer colour, used by shape layers and as a tint. " +
    "A shape layer is a cube, sphere or cylinder filling box, redrawn whenever its box or colour changes.",
  params: z.strictObject({
    name: z.string().min(1).max(255).optional().describe(
      'Layer name (default "New Layer"; made unique)',
    ),
    r: Byte.optional().describe("Layer colour red"),
    g: Byte.optional().describe("Layer colour green"),
    b: Byte.optional().describe("Layer colour blue"),
    visible: z.boolean().optional().describe("Visible (default true)"),
    color: Color.optional().describe("Layer colour (alternative to r, g, b)"),
    shape: Shape.optional().describe("Make a shape layer of this shape (needs box)"),
    box: Box.optional().describe("Inclusive box of the shape layer"),
  }).refine((p) => (p.shape === undefined) === (p.box === undefined), {
    path: ["shape"],
    message: "shape and box go together",
  }),
  positional: ["name", "r", "g", "b", "visible"],
  result: z.object({
    success: Ok,
    layer_id: Int32,
    name: z.string().describe("The name given (made unique)"),
    visible: z.boolean(),
    color: z.tuple([Byte, Byte, Byte]),
  }),
  examples: [
    {
      params: ["walls", 200, 200, 200],
      result: { success: true, layer_id: 2, name: "walls", visible: true, color: [200, 200, 200] },
    },
    {
      params: {
        name: "ball",
        shape: "sphere",
        box: { min: [0, 0, 0], max: [9, 9, 9] },
        color: "#ff0000",
      },
    },
  ],
  flags: { project: true, mutates: true },
});

/** `goxel.delete_layer`. */
export const deleteLayer = defineMethod({
  name: "goxel.delete_layer",
  tool: { destructive: true },
  summary: "Delete a layer by id or name (a project always keeps at least one layer).",
  params: z.strictObject({
    layer_id: Int32.min(0).optional().describe("Layer id (0 = use layer_name)"),
    layer_name: z.string().min(1).optional().describe("Layer name, when no id is given"),
  }).refine((p) => (p.layer_id ?? 0) > 0 || p.layer_name !== undefined, {
    path: ["layer_id"],
    message: "give layer_id or layer_name",
  }),
  positional: ["layer_id", "layer_name"],
  result: z.object({ success: Ok, layer_id: Int32.optional().describe("Id of the deleted layer") }),
  examples: [{ params: [2] }, { params: { layer_name: "walls" } }],
  flags: { project: true, mutates: true },
});

/** `goxel.merge_layers`. */
export const mergeLayers = defineMethod({
  name: "goxel.merge_layers",
  tool: { destructive: true },
  summary:
    "Merge the source layer into the target layer (using the source's blend mode) and delete the source.",
  params: z.strictObject({
    source_layer_id: RequiredLayerId.describe("Layer merged and then deleted"),
    target_layer_id: RequiredLayerId.describe("Layer that receives the voxels"),
  }),
  positional: ["source_layer_id", "target_layer_id"],
  result: z.object({ success: Ok, target_layer_id: Int32.optional() }),
  examples: [{ params: [3, 1] }],
  flags: { project: true, mutates: true },
});

/** `goxel.set_layer_visibility`. */
export const setLayerVisibility = defineMethod({
  name: "goxel.set_layer_visibility",
  tool: { destructive: false, idempotent: true },
  summary: "Show or hide a layer (hidden layers are left out of renders and exports).",
  params: z.strictObject({
    layer_id: RequiredLayerId,
    visible: z.boolean().optional().describe("true shows, false hides (default true)"),
  }),
  positional: ["layer_id", "visible"],
  result: z.object({ success: Ok, visible: z.boolean() }),
  examples: [{ params: [2, false], result: { success: true, visible: false } }],
  flags: { project: true, mutates: true },
});

/** `goxel.rename_layer`. */
export const renameLayer = defineMethod({
  name: "goxel.rename_layer",
  tool: { destructive: false, idempotent: true },
  summary: "Rename a layer.",
  params: z.strictObject({
    layer_id: RequiredLayerId,
    name: z.string().min(1).max(255).describe("New name (made unique)"),
  }),
  positional: ["layer_id", "name"],
  result: z.object({ success: Ok, layer_id: Int32, name: z.string() }),
  examples: [{ params: [2, "roof"], result: { success: true, layer_id: 2, name: "roof" } }],
  flags: { project: true, mutates: true },
});

/** `goxel.duplicate_layer`. */
export const duplicateLayer = defineMethod({
  name: "goxel.duplicate_layer",
  tool: { destructive: false },
  summary: "Copy a layer (voxels and settings) into a new layer on top and make it active.",
  params: z.strictObject({ layer_id: LayerId }),
  positional: ["layer_id"],
  result: z.object({ success: Ok, layer_id: Int32.describe("Id of the copy"), name: z.string() }),
  examples: [{ params: [1], result: { success: true, layer_id: 3, name: "background.1" } }],
  flags: { project: true, mutates: true },
});

/** `goxel.set_active_layer`. */
export const setActiveLayer = defineMethod({
  name: "goxel.set_active_layer",
  tool: { destructive: false, idempotent: true },
  summary: "Make a layer the active one (the default target of voxel edits).",
  params: z.strictObject({ layer_id: RequiredLayerId }),
  positional: ["layer_id"],
  result: z.object({ success: Ok, layer_id: Int32 }),
  examples: [{ params: [2], result: { success: true, layer_id: 2 } }],
  flags: { project: true, mutates: true },
});

/** `goxel.move_layer`. */
export const moveLayer = defineMethod({
  name: "goxel.move_layer",
  tool: { destructive: false },
  summary: "Change a layer's place in the stack: up, down, top, bottom or an index (0 = bottom).",
  params: z.strictObject({
    layer_id: RequiredLayerId,
    to: z.union([z.enum(["up", "down", "top", "bottom"]), z.int().min(0)]).describe(
      'Where to: "up", "down", "top", "bottom" or a 0-based index from the bottom',
    ),
  }),
  positional: ["layer_id", "to"],
  result: z.object({
    success: Ok,
    layer_id: Int32,
    index: z.int().min(0).describe("New 0-based index"),
  }),
  examples: [{ params: [2, "top"], result: { success: true, layer_id: 2, index: 2 } }],
  flags: { project: true, mutates: true },
});

/** The layer methods. */
export const LAYER_METHODS = [
  listLayers,
  createLayer,
  deleteLayer,
  mergeLayers,
  setLayerVisibility,
  renameLayer,
  duplicateLayer,
  setActiveLayer,
  moveLayer,
] as const;
