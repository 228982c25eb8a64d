/**
 * "PNG slices" export: the z-slices of the image box side by side in one RGBA PNG. Only
 * reachable by name (no extension), since `.png` means the rendered image.
 */
import { aabbFromBox, boxFromAabb, boxUnion } from "../box.ts";
import { InvalidInputError } from "../errors.ts";
import { type Image, mergedVisibleVolume } from "../image.ts";
import type { Codec } from "./codec.ts";
import { encodePng } from "./png.ts";

/** Largest output accepted, in pixels (64 Mi, 256 MiB of RGBA). */
const MAX_PIXELS = 1 << 26;

/**
 * Encodes the merged visible volume in the image box grown to its bbox (Goxel drops voxels
 * outside the box) as a PNG of width `w·d` and height `h`: pixel (z·w + x, y) is voxel
 * min + (x, y, z) with its raw RGBA, row 0 holding the lowest y.
 */
export function encodePngSlices(image: Image): Uint8Array {
  const volume = mergedVisibleVolume(image);
  const bbox = volume.bbox();
  const box = boxUnion(image.box, bbox && boxFromAabb(bbox));
  if (!box) throw new InvalidInputError("Cannot export png_slices: the image is empty");
  const aabb = aabbFromBox(box);
  const [w, h, d] = aabb.max.map((v, a) => v - aabb.min[a]);
  const width = w * d;
  if (!(width > 0 && h > 0) || width * h > MAX_PIXELS) {
    throw new InvalidInputError(`Cannot export png_slices: extent ${w}×${h}×${d} is too large`);
  }
  const pixels = new Uint32Array(width * h);
  const [x0, y0, z0] = aabb.min;
  for (const [ox, oy, oz, voxels] of volume.tiles()) {
    for (let i = 0; i < 4096; i++) {
      const x = ox + (i & 15) - x0, y = oy + ((i >> 4) & 15) - y0, z = oz + (i >> 8) - z0;
      if (x < 0 || x >= w || y < 0 || y >= h || z < 0 || z >= d) continue;
      pixels[y * width + z * w + x] = voxels[i];
    }
  }
  // Packed RGBA is little-endian R, G, B, A bytes: convert explicitly to stay endian-safe.
  const rgba = new Uint8Array(pixels.length * 4);
  for (let i = 0; i < pixels.length; i++) {
    const c = pixels[i];
    rgba[i * 4] = c & 255;
    rgba[i * 4 + 1] = (c >>> 8) & 255;
    rgba[i * 4 + 2] = (c >>> 16) & 255;
    rgba[i * 4 + 3] = c >>> 24;
  }
  return encodePng(width, h, rgba);
}

/** The PNG slices codec (export only, selected by name). */
export const PNG_SLICES_CODEC: Codec = {
  name: "png_slices",
  aliases: ["png slices", "slices"],
  description: "PNG of the z-slices side by side (export only, select by name)",
  extensions: [],
  encode: (image) => [{ suffix: "", data: encodePngSlices(image) }],
};
