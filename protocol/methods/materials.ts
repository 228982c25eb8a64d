/** Material methods: what the project's layers are made of. */
import { z } from "zod";
import { defineMethod } from "../method.ts";

const Unit = z.number().min(0).max(1);

const MaterialInfo = z.object({
  index: z.int().min(0).describe("Position in the project's material list"),
  name: z.string(),
  metallic: Unit,
  roughness: Unit,
  base_color: z.array(Unit).length(4).describe("Linear RGBA, 0..1"),
  emission: z.array(Unit).length(3).describe("Linear RGB, 0..1"),
  active: z.boolean().describe("Whether new layers use this material"),
  layer_ids: z.array(z.int()).describe("Layers made of this material"),
});

/** `goxel.list_materials`. */
export const listMaterials = defineMethod({
  name: "goxel.list_materials",
  tool: { readOnly: true },
  summary: "List the project's materials (Goxel's PBR settings) and the layers that use each.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({ count: z.int().min(0), materials: z.array(MaterialInfo) }),
  examples: [{
    params: {},
    result: {
      count: 1,
      materials: [{
        index: 0,
        name: "Material.1",
        metallic: 0.2,
        roughness: 0.5,
        base_color: [1, 1, 1, 1],
        emission: [0, 0, 0],
        active: true,
        layer_ids: [1],
      }],
    },
  }],
  flags: { project: true },
});

/** The material methods. */
export const MATERIAL_METHODS = [listMaterials] as const;
