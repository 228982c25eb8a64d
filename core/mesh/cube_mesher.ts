/**
 * Turns a volume into quads: by default one quad per exposed voxel face in Goxel's order
 * (what Goxel's OBJ/PLY/glTF exporters write), or merged coplanar quads with `greedy`.
 */
import type { Volume } from "../volume.ts";
import { forEachFace, type Mesh, MeshBuilder } from "./faces.ts";
import { meshVolumeGreedy } from "./greedy.ts";

export type { Mesh } from "./faces.ts";
export { FACE_CORNERS, FACE_NORMALS, QUAD_TRIANGLES, QUAD_UVS, SOLID_ALPHA } from "./faces.ts";

/** Options of meshVolume. */
export interface MeshOptions {
  /** Merge same-coloured coplanar faces into larger rectangles (default false). */
  greedy?: boolean;
}

/** Returns the quads covering the surface of the solid voxels (alpha ≥ 127) of a volume. */
export function meshVolume(volume: Volume, options: MeshOptions = {}): Mesh {
  if (options.greedy) return meshVolumeGreedy(volume);
  const builder = new MeshBuilder();
  forEachFace(volume, (f, x, y, z, color) => builder.addUnit(f, color, x, y, z));
  return builder.finish();
}
