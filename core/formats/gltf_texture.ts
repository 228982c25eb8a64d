/**
 * Goxel's glTF palette texture (`src/formats/gltf.c`): every distinct RGBA value of every
 * layer, each painted as a 4×4 block of an RGB PNG encoded byte-for-byte like stb_image_write.
 */
import type { Image } from "../image.ts";
import { TILE_VOXELS } from "../volume.ts";
import { encodePngStb } from "./png.ts";

/** Distinct colours in first-occurrence order. */
export class ColorPalette {
  readonly colors: number[] = [];
  #index = new Map<number, number>();

  /** Returns the index of a colour, appending it when new. */
  add(color: number): number {
    let i = this.#index.get(color);
    if (i === undefined) {
      i = this.colors.length;
      this.colors.push(color);
      this.#index.set(color, i);
    }
    return i;
  }
}

/**
 * Collects every voxel value of every layer (hidden ones and fully transparent voxels
 * included) in iteration order, as Goxel does before meshing.
 */
export function collectPalette(image: Image): ColorPalette {
  const palette = new ColorPalette();
  for (const layer of image.layers) {
    for (const [, , , voxels] of layer.volume.tiles()) {
      let last = -1;
      for (let i = 0; i < TILE_VOXELS; i++) {
        if (voxels[i] !== last) palette.add(last = voxels[i]);
      }
    }
  }
  return palette;
}

/** Returns the number of 4×4 colour blocks per texture row: max(nextPow2(⌈√n⌉), 16). */
export function paletteGrid(colorCount: number): number {
  let g = 1;
  while (g < Math.ceil(Math.sqrt(colorCount))) g *= 2;
  return Math.max(g, 16);
}

/** Renders the palette texture (RGB, 4·grid pixels square) and encodes it as stb would. */
export function encodePaletteTexture(palette: ColorPalette): Uint8Array {
  const grid = paletteGrid(palette.colors.length), side = grid * 4;
  const rgb = new Uint8Array(side * side * 3);
  palette.colors.forEach((c, k) => {
    const x0 = (k % grid) * 4, y0 = Math.floor(k / grid) * 4;
    for (let y = y0; y < y0 + 4; y++) {
      for (let x = x0; x < x0 + 4; x++) {
        const o = (y * side + x) * 3;
        rgb[o] = c & 255;
        rgb[o + 1] = (c >>> 8) & 255;
        rgb[o + 2] = (c >>> 16) & 255;
      }
    }
  });
  return encodePngStb(side, side, rgb, 3);
}
