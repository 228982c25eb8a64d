/**
 * What a decoder keeps beside the image so that writing the same format again loses nothing
 * the file held: one plain-data record per format, shared (never mutated) by image copies.
 */
import type { GoxCarried } from "./formats/gox_carried.ts";
import type { QubicleCarried } from "./formats/qubicle.ts";
import type { VoxCarried } from "./formats/vox_carried.ts";

/** The carried record of a decoded file. */
export type Carried = VoxCarried | GoxCarried | QubicleCarried;
