/** Handler of the material methods. */
import type { HandlerGroup } from "./types.ts";

/** Handlers for the material methods. */
export const materialHandlers: HandlerGroup<"goxel.list_materials"> = {
  "goxel.list_materials"(_p, { project }) {
    const image = project.image;
    const materials = image.materials.map((m, index) => ({
      index,
      name: m.name,
      metallic: m.metallic,
      roughness: m.roughness,
      base_color: [...m.baseColor],
      emission: [...m.emission],
      active: m === image.activeMaterial,
      layer_ids: image.layers.filter((l) => l.material === m).map((l) => l.id),
    }));
    return { count: materials.length, materials };
  },
};
