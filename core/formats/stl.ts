/**
 * Binary STL export (neither Goxel nor the C daemon has one): the merged visible volume as
 * triangles, two per quad, each with its outward facet normal. Coordinates stay in voxel
 * units with Z up, the usual STL convention (slicers treat units as millimetres); `yUp`
 * converts like the OBJ exporter. STL has no standard colour, so none is written.
 */
import { mergedVisibleVolume } from "../image.ts";
import type { Image } from "../image.ts";
import { meshVolume, QUAD_TRIANGLES } from "../mesh/cube_mesher.ts";
import type { Codec, EncodedFile, EncodeOptions } from "./codec.ts";

/** Options of the STL encoder. */
export interface StlOptions extends EncodeOptions {
  /** Convert to Y up, (x, y, z) → (x, z, −y) (default false: STL is Z up). */
  yUp?: boolean;
}

const HEADER = "Binary STL exported by goxel (voxel units, Z up)";

/** Returns the size of a binary STL holding `triangles` triangles: 84 + 50·n bytes. */
export function stlSize(triangles: number): number {
  return 84 + 50 * triangles;
}

/** Encodes the merged visible volume as a binary STL file. */
export function encodeStl(image: Image, options: StlOptions = {}): EncodedFile[] {
  const mesh = meshVolume(mergedVisibleVolume(image), { greedy: options.greedy });
  const triangles = mesh.count * 2;
  const out = new Uint8Array(stlSize(triangles)), view = new DataView(out.buffer);
  const header = options.yUp ? HEADER.replace("Z up", "Y up") : HEADER;
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  view.setUint32(80, triangles, true);
  const yUp = options.yUp ?? false;
  // (x, y, z) → (x, z, −y) when converting; `+ 0` avoids writing −0.
  const put = (o: number, x: number, y: number, z: number) => {
    view.setFloat32(o, x, true);
    view.setFloat32(o + 4, yUp ? z : y, true);
    view.setFloat32(o + 8, yUp ? -y + 0 : z, true);
  };
  let o = 84;
  for (let q = 0; q < mesh.count; q++) {
    const n = mesh.normals, p = mesh.positions;
    for (let t = 0; t < 6; t += 3) {
      put(o, n[q * 3], n[q * 3 + 1], n[q * 3 + 2]);
      for (let k = 0; k < 3; k++) {
        const c = q * 12 + QUAD_TRIANGLES[t + k] * 3;
        put(o + 12 + k * 12, p[c], p[c + 1], p[c + 2]);
      }
      o += 50;
    }
  }
  return [{ suffix: "", data: out }];
}

/** The binary STL codec (export). */
export const STL_CODEC: Codec = {
  name: "stl",
  description: "Binary STL mesh (triangles with facet normals, voxel units, Z up, no colour)",
  extensions: [".stl"],
  encode: (image, options) => encodeStl(image, options),
};
