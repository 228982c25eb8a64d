/**
 * Wavefront `.obj` import, as Goxel does it (goxel_core.md §3.10, `src/formats/wavefront.c`):
 * polygons are cut into triangle fans, turned from Y up to Z up ((x, y, z) → (x, −z, y)) and
 * voxelised as surfaces at one voxel per unit (core/mesh/voxelize.ts), into one new layer.
 * Goxel makes every voxel white; where the file gives vertex colours (`v x y z r g b` in 0..1,
 * as Goxel and goxel write them) they are used. Materials are not read: a codec gets the bytes
 * of one file, not the `.mtl` beside it.
 */
import { WorkBudget } from "../budget.ts";
import { FormatError } from "../errors.ts";
import type { Image } from "../image.ts";
import type { Vec3 } from "../mat4.ts";
import { type ColoredTriangle, voxelizeTriangles } from "../mesh/voxelize.ts";
import { Volume } from "../volume.ts";
import type { DecodeOptions } from "./codec.ts";
import { sourceLines } from "./text_source.ts";
import { imageFromLayers } from "./voxel_image.ts";

const FORMAT = ".obj";
/** Mesh coordinates must leave room for the voxels around them inside ±1048576. */
const MAX_COORD = 1_048_000;
const WHITE: Vec3 = [255, 255, 255];

/** Decodes an OBJ mesh into one layer of surface voxels. */
export function decodeObj(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const budget = options.budget ?? new WorkBudget();
  const points: Vec3[] = [], colors: Vec3[] = [];
  const faces: number[][] = [];
  for (const source of sourceLines(bytes, FORMAT)) {
    const fail = (why: string): never => {
      // The line itself is not quoted: an error must never leak a file's contents.
      const message = `Cannot load ${FORMAT} file: line ${source.number} ${why}`;
      throw new FormatError(FORMAT, source.offset(), message);
    };
    const t = source.text.trim().split(/\s+/);
    if (t[0] === "v") {
      const [x, y, z, r, g, b] = t.slice(1, 7).map(Number);
      if (t.length < 4 || ![x, y, z].every(Number.isFinite)) fail("is not a vertex (v x y z)");
      const p: Vec3 = [x, -z, y];
      if (p.some((c) => Math.abs(c) > MAX_COORD)) fail(`has a vertex outside ±${MAX_COORD}`);
      points.push(p);
      const rgb = [r, g, b].every(Number.isFinite) && t.length >= 7 ? [r, g, b] : null;
      colors.push(
        rgb ? rgb.map((c) => Math.round(Math.max(0, Math.min(1, c)) * 255)) as Vec3 : WHITE,
      );
    } else if (t[0] === "f") {
      const face = t.slice(1).map((token) => vertexIndex(token, points.length));
      if (face.length < 3 || face.some((i) => i < 0)) {
        fail(`is not a face of at least three known vertices (of ${points.length})`);
      }
      faces.push(face);
    }
  }
  const volume = new Volume();
  voxelizeTriangles(triangles(faces, points, colors), volume, budget);
  return imageFromLayers([{ name: "Layer.1", volume }]);
}

/** The 0-based vertex of a face token (`i`, `i/t`, `i//n`, `i/t/n`; negative counts back). */
function vertexIndex(token: string, count: number): number {
  const field = token.split("/")[0];
  if (!/^-?\d+$/.test(field)) return -1;
  const n = Number(field);
  const index = n < 0 ? count + n : n - 1;
  return index >= 0 && index < count ? index : -1;
}

/** The faces as triangle fans. */
function* triangles(
  faces: number[][],
  points: Vec3[],
  colors: Vec3[],
): Generator<ColoredTriangle> {
  for (const f of faces) {
    for (let i = 1; i + 1 < f.length; i++) {
      const [a, b, c] = [f[0], f[i], f[i + 1]];
      yield {
        points: [points[a], points[b], points[c]],
        colors: [colors[a], colors[b], colors[c]],
      };
    }
  }
}
