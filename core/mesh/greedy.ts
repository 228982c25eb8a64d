/**
 * Greedy meshing: the exposed faces of each plane are merged into the largest same-coloured
 * rectangles, scanning rows then columns. The surface is exactly the culled-cube surface with
 * far fewer quads; corners keep Goxel's per-face order, so winding stays counter-clockwise.
 */
import type { Volume } from "../volume.ts";
import { FACE_CORNERS, forEachFace, type Mesh, MeshBuilder } from "./faces.ts";

const OFFSET = 1 << 20;
const SPAN = 1 << 21;
/** Axis of each face's normal (0 = x, 1 = y, 2 = z). */
const NORMAL_AXIS = [1, 1, 2, 2, 0, 0];

/** Returns the greedy-merged quads of the solid voxels of a volume. */
export function meshVolumeGreedy(volume: Volume): Mesh {
  const planes = new Map<number, Map<number, number>>();
  const coord = [0, 0, 0];
  forEachFace(volume, (f, x, y, z, color) => {
    coord[0] = x;
    coord[1] = y;
    coord[2] = z;
    const a = NORMAL_AXIS[f];
    const planeKey = f * SPAN + coord[a] + OFFSET;
    let cells = planes.get(planeKey);
    if (!cells) planes.set(planeKey, cells = new Map());
    cells.set(cellKey(coord[(a + 1) % 3], coord[(a + 2) % 3]), color);
  });
  const builder = new MeshBuilder();
  for (const planeKey of [...planes.keys()].sort((p, q) => p - q)) {
    const f = Math.floor(planeKey / SPAN);
    mergePlane(planes.get(planeKey)!, f, planeKey - f * SPAN - OFFSET, builder);
  }
  return builder.finish();
}

/** Packs in-plane coordinates (u, v) so that numeric order is row (v) then column (u). */
function cellKey(u: number, v: number): number {
  return (v + OFFSET) * SPAN + u + OFFSET;
}

/** Emits the rectangles covering one plane's cells (cell key → colour); empties `cells`. */
function mergePlane(cells: Map<number, number>, f: number, w: number, out: MeshBuilder): void {
  const keys = Float64Array.from(cells.keys()).sort();
  const corners = new Int32Array(12);
  for (const key of keys) {
    const color = cells.get(key);
    if (color === undefined) continue;
    const v = Math.floor(key / SPAN) - OFFSET, u = key - (v + OFFSET) * SPAN - OFFSET;
    let width = 1;
    while (u + width < OFFSET && cells.get(key + width) === color) width++;
    let height = 1;
    while (rowMatches(cells, key + height * SPAN, width, color)) height++;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) cells.delete(key + r * SPAN + c);
    }
    rectCorners(f, [w, u, v, width, height], corners);
    out.add(f, color, corners);
  }
}

/** Returns true when the `width` cells starting at `key` all exist with `color`. */
function rowMatches(
  cells: Map<number, number>,
  key: number,
  width: number,
  color: number,
): boolean {
  for (let c = 0; c < width; c++) if (cells.get(key + c) !== color) return false;
  return true;
}

/** Writes the corners of face `f` covering cells [u, u+width) × [v, v+height) of plane w. */
export function rectCorners(f: number, rect: number[], corners: Int32Array): void {
  const [w, u, v, width, height] = rect;
  const a = NORMAL_AXIS[f], ua = (a + 1) % 3, va = (a + 2) % 3, unit = FACE_CORNERS[f];
  for (let i = 0; i < 12; i += 3) {
    corners[i + a] = w + unit[i + a];
    corners[i + ua] = u + unit[i + ua] * width;
    corners[i + va] = v + unit[i + va] * height;
  }
}
