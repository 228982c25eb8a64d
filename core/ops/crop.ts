/** Goxel's volume_crop: keeps only the voxels whose centre lies inside a box. */
import { BlendMode } from "../blend.ts";
import type { Mat4 } from "../mat4.ts";
import type { Volume } from "../volume.ts";
import { defaultPainter, paint } from "./paint.ts";

/**
 * Crops `volume` to `box` in place (a white cube INTERSECT): tiles outside the box are
 * deleted, voxels outside it inside kept tiles get alpha 0 (their RGB is kept, like Goxel).
 */
export function cropVolume(volume: Volume, box: Mat4): void {
  paint(volume, { ...defaultPainter(), mode: BlendMode.INTERSECT, color: 0xffffffff }, box);
}
