/**
 * What a decoder keeps beside the image so that writing the same format again loses nothing
 * the file held: one plain-data record per format, shared (never mutated) by image copies.
 */
import { type GoxCarried, goxCarriedSummary } from "./formats/gox_carried.ts";
import type { KvxCarried } from "./formats/kvx.ts";
import type { QubicleCarried } from "./formats/qubicle.ts";
import { type VoxCarried, voxCarriedSummary } from "./formats/vox_carried.ts";

/** The carried record of a decoded file. */
export type Carried = VoxCarried | GoxCarried | QubicleCarried | KvxCarried;

/** Lists what a file held beyond the image model, e.g. `["MATL×256", "rOBJ×15"]` (empty: none). */
export function carriedSummary(carried: Carried | null | undefined): string[] {
  if (carried?.format === "vox") return voxCarriedSummary(carried);
  if (carried?.format === "gox") return goxCarriedSummary(carried);
  // A .qb file's layout (names, positions, order, header flags) lives in the layers.
  return [];
}
