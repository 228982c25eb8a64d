/** MagicaVoxel's default palette, generated from its rule instead of a 256-entry table. */
import { packRgba, type Rgba } from "../color.ts";

const CUBE_LEVELS = [0xff, 0xcc, 0x99, 0x66, 0x33, 0x00];
const RAMP_LEVELS = [0xee, 0xdd, 0xbb, 0xaa, 0x88, 0x77, 0x55, 0x44, 0x22, 0x11];

/**
 * Returns the 256 colours MagicaVoxel uses when a file has no RGBA chunk, indexed by colour
 * index: 0 is transparent, 1–215 the 6×6×6 cube (R outer, G, B inner, descending, black
 * skipped), then ten-step red, green, blue and grey ramps.
 */
export function magicaDefaultPalette(): Uint32Array {
  const out = new Uint32Array(256);
  let i = 1;
  for (const r of CUBE_LEVELS) {
    for (const g of CUBE_LEVELS) {
      for (const b of CUBE_LEVELS) {
        if (r || g || b) out[i++] = packRgba(r, g, b);
      }
    }
  }
  const ramps: ((v: number) => Rgba)[] = [
    (v) => packRgba(v, 0, 0),
    (v) => packRgba(0, v, 0),
    (v) => packRgba(0, 0, v),
    (v) => packRgba(v, v, v),
  ];
  for (const ramp of ramps) for (const v of RAMP_LEVELS) out[i++] = ramp(v);
  return out;
}
