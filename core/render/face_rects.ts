/**
 * Coplanar faces of one direction merged into rectangles, regardless of colour: the surface the
 * shadow map draws, which needs depth alone (monu9: 34 576 faces make about 2 000 rectangles).
 * Faces merge within a 16³ tile, in one pass over the face list with dense per-tile grids: runs
 * along u first, then runs of equal span stacked along v.
 */
import { rectCorners } from "../mesh/greedy.ts";
import { FACE_AXIS } from "./shade.ts";
import type { FaceList } from "./shadow_map.ts";

/** Rectangles of faces: direction and corners (world, in the face's corner order) of each. */
export interface FaceRects {
  count: number;
  faces: Uint8Array;
  /** 4 corners × (x, y, z) per rectangle. */
  corners: Int32Array;
}

const S = 16;
/** Cells of a tile's grid: direction, normal coordinate, v, u (each 0..15 but direction). */
const CELLS = 6 * S * S * S;
/** A tile's faces and runs by cell, cleared after each tile (so shared by every call). */
const present = new Uint8Array(CELLS), runs = new Uint8Array(CELLS);

/** Joins rectangle lists into one, in order. */
export function joinFaceRects(parts: readonly FaceRects[]): FaceRects {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const out = { count, faces: new Uint8Array(count), corners: new Int32Array(count * 12) };
  let o = 0;
  for (const p of parts) {
    out.faces.set(p.faces, o), out.corners.set(p.corners, o * 12);
    o += p.count;
  }
  return out;
}

/**
 * Returns the faces of `list` merged into rectangles. Faces merge only with faces of the same
 * tile that are next to them in the list's run of that tile (the mesher lists faces tile by
 * tile), so any list gives a correct cover; a list grouped by tile gives the fewest.
 */
export function mergeFaceRects(list: FaceList): FaceRects {
  const cells = new Int32Array(Math.min(list.count, CELLS));
  const rects = { count: 0, faces: new Uint8Array(64), corners: new Int32Array(64 * 12) };
  const v = list.voxels;
  for (let start = 0; start < list.count;) {
    // The run of faces in the tile of face `start`.
    const tx = v[start * 3] >> 4, ty = v[start * 3 + 1] >> 4, tz = v[start * 3 + 2] >> 4;
    let end = start, n = 0;
    while (
      end < list.count && n < CELLS && v[end * 3] >> 4 === tx && v[end * 3 + 1] >> 4 === ty &&
      v[end * 3 + 2] >> 4 === tz
    ) {
      const c = cellOf(list.faces[end], v[end * 3] & 15, v[end * 3 + 1] & 15, v[end * 3 + 2] & 15);
      if (!present[c]) present[c] = 1, cells[n++] = c;
      end++;
    }
    mergeTile(cells.subarray(0, n), [tx * S, ty * S, tz * S], rects);
    for (let k = 0; k < n; k++) present[cells[k]] = 0, runs[cells[k]] = 0;
    start = end;
  }
  return {
    count: rects.count,
    faces: rects.faces.subarray(0, rects.count),
    corners: rects.corners.subarray(0, rects.count * 12),
  };
}

/** Index of face `f` of the voxel at tile-local (x, y, z): direction, normal, v, u. */
function cellOf(f: number, x: number, y: number, z: number): number {
  const a = FACE_AXIS[f];
  const n = a === 0 ? x : a === 1 ? y : z, u = a === 0 ? y : a === 1 ? z : x;
  const w = a === 0 ? z : a === 1 ? x : y;
  return ((f * S + n) * S + w) * S + u;
}

/** Adds the rectangles covering one tile's face cells (`present` marks them). */
function mergeTile(
  cells: Int32Array,
  origin: number[],
  out: { count: number; faces: Uint8Array; corners: Int32Array },
): void {
  // Runs along u, recorded at their first cell.
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k];
    if ((c & 15) > 0 && present[c - 1]) continue;
    let len = 1;
    while ((c & 15) + len < S && present[c + len]) len++;
    runs[c] = len;
  }
  // Runs of one span stacked along v make a rectangle, from the lowest.
  const rect = [0, 0, 0, 0, 0];
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k], len = runs[c];
    if (!len || ((c >> 4 & 15) > 0 && runs[c - S] === len)) continue;
    let height = 1;
    while ((c >> 4 & 15) + height < S && runs[c + height * S] === len) height++;
    const f = c >> 12, a = FACE_AXIS[f];
    rect[0] = origin[a] + (c >> 8 & 15);
    rect[1] = origin[(a + 1) % 3] + (c & 15);
    rect[2] = origin[(a + 2) % 3] + (c >> 4 & 15);
    rect[3] = len, rect[4] = height;
    if (out.count === out.faces.length) {
      const faces = new Uint8Array(out.count * 2), corners = new Int32Array(out.count * 24);
      faces.set(out.faces), corners.set(out.corners);
      out.faces = faces, out.corners = corners;
    }
    out.faces[out.count] = f;
    rectCorners(f, rect, out.corners.subarray(out.count * 12, out.count * 12 + 12));
    out.count++;
  }
}
