/** Handler of the material methods. */
import type { HandlerGroup } from "./types.ts";

/** Handlers for the material methods. */
export const materialHandlers: HandlerGroup<"goxel.list_materials"> = {
  "goxel.list_materials"(_p, { project }) {
    const image = project.image;
    const materials = image.materials.map((m, index) => ({
      index,
      name: m.name,
      metallic: shortFloat(m.metallic),
      roughness: shortFloat(m.roughness),
      base_color: m.baseColor.map(shortFloat),
      emission: m.emission.map(shortFloat),
      active: m === image.activeMaterial,
      layer_ids: image.layers.filter((l) => l.material === m).map((l) => l.id),
    }));
    return { count: materials.length, materials };
  },
};

/**
 * The shortest number that is the same float32: files store these as float32, so 0.2 read
 * back is 0.20000000298023224 as a double; 0.2 names the same stored value.
 */
export function shortFloat(x: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === Math.fround(x)) return y;
  }
  return x;
}
