/** PBR materials as Goxel stores them (linear base colour and emission). */

/** A Goxel material. */
export interface Material {
  name: string;
  metallic: number;
  roughness: number;
  /** Linear RGBA, 0..1. */
  baseColor: [number, number, number, number];
  /** Linear RGB, 0..1. */
  emission: [number, number, number];
}

/** Returns Goxel's default material (metallic 0.2, roughness 0.5, white, no emission). */
export function newMaterial(name: string): Material {
  return { name, metallic: 0.2, roughness: 0.5, baseColor: [1, 1, 1, 1], emission: [0, 0, 0] };
}

/** Returns a deep copy of a material. */
export function copyMaterial(m: Material): Material {
  return { ...m, baseColor: [...m.baseColor], emission: [...m.emission] };
}
