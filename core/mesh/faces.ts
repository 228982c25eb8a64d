/**
 * The exposed faces of a voxel volume in Goxel's order, and the quad mesh type meshers fill.
 *
 * Goxel's face numbering and corner order (`src/block_def.h`): each face's four corners run
 * counter-clockwise seen from outside the voxel, so quads triangulated as (0,1,2),(2,3,0)
 * keep an outward-facing winding.
 */
import type { Rgba } from "../color.ts";
import { TILE_SIZE, type Volume } from "../volume.ts";

/** Exporters and the mesher treat a voxel as solid when its alpha is at least this. */
export const SOLID_ALPHA = 127;

/** Outward normal of each face, indexed by Goxel's face number 0..5. */
export const FACE_NORMALS: readonly (readonly [number, number, number])[] = [
  [0, -1, 0],
  [0, 1, 0],
  [0, 0, -1],
  [0, 0, 1],
  [1, 0, 0],
  [-1, 0, 0],
];

/** Unit-cube corners of each face (4 × xyz), counter-clockwise seen from outside. */
export const FACE_CORNERS: readonly (readonly number[])[] = [
  [0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1],
  [1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1],
  [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
  [1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1],
  [1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1],
  [0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0],
];

/** Face-local UV of a quad's four corners, in corner order. */
export const QUAD_UVS: readonly (readonly [number, number])[] = [[0, 0], [1, 0], [1, 1], [0, 1]];

/** Corner order of the two triangles of a quad. */
export const QUAD_TRIANGLES: readonly number[] = [0, 1, 2, 2, 3, 0];

/** A list of quads: 4 corners each, one face direction and one colour per quad. */
export interface Mesh {
  /** Number of quads. */
  count: number;
  /** Corner positions in voxel units, Z up: 4 corners × xyz per quad. */
  positions: Int32Array;
  /** Outward unit normal per quad (xyz). */
  normals: Int8Array;
  /** Goxel face number (0..5, see FACE_NORMALS) per quad. */
  faces: Uint8Array;
  /** Colour per quad: the voxel's RGB with alpha forced to 255. */
  colors: Uint32Array;
}

/** Collects quads into growing typed arrays. */
export class MeshBuilder {
  count = 0;
  #positions = new Int32Array(12 * 64);
  #faces = new Uint8Array(64);
  #colors = new Uint32Array(64);

  /** Appends a quad; `corners` holds 12 integers (4 corners × xyz). */
  add(face: number, color: Rgba, corners: ArrayLike<number>): void {
    if (this.count === this.#faces.length) this.#grow();
    const p = this.#positions, o = this.count * 12;
    for (let i = 0; i < 12; i++) p[o + i] = corners[i];
    this.#faces[this.count] = face;
    this.#colors[this.count] = color;
    this.count++;
  }

  /** Appends the unit face `face` of voxel (x, y, z). */
  addUnit(face: number, color: Rgba, x: number, y: number, z: number): void {
    if (this.count === this.#faces.length) this.#grow();
    const p = this.#positions, o = this.count * 12, c = FACE_CORNERS[face];
    for (let i = 0; i < 12; i += 3) {
      p[o + i] = x + c[i];
      p[o + i + 1] = y + c[i + 1];
      p[o + i + 2] = z + c[i + 2];
    }
    this.#faces[this.count] = face;
    this.#colors[this.count] = color;
    this.count++;
  }

  /** Returns the finished mesh (arrays trimmed to size). */
  finish(): Mesh {
    const n = this.count;
    const faces = this.#faces.slice(0, n);
    const normals = new Int8Array(n * 3);
    for (let i = 0; i < n; i++) normals.set(FACE_NORMALS[faces[i]], i * 3);
    return {
      count: n,
      positions: this.#positions.slice(0, n * 12),
      normals,
      faces,
      colors: this.#colors.slice(0, n),
    };
  }

  #grow(): void {
    const size = this.#faces.length * 2;
    const positions = new Int32Array(size * 12);
    positions.set(this.#positions);
    this.#positions = positions;
    const faces = new Uint8Array(size);
    faces.set(this.#faces);
    this.#faces = faces;
    const colors = new Uint32Array(size);
    colors.set(this.#colors);
    this.#colors = colors;
  }
}

/** What the face walk reads of a volume: its tiles in order and a tile by origin. */
export type TileSource = Pick<Volume, "tiles" | "readTile">;

/** Called for each exposed face with the voxel position and its colour (alpha forced to 255). */
export type FaceVisitor = (face: number, x: number, y: number, z: number, color: Rgba) => void;

const ROWS = TILE_SIZE + 2;
const FULL = 0xffff;

/**
 * Visits every exposed face in Goxel's order: tiles in insertion order, voxels z-outer then
 * y then x, faces 0..5; a face is exposed when the neighbour across it is not solid.
 */
export function forEachFace(volume: TileSource, visit: FaceVisitor): void {
  // One 18-bit solid mask per row of x (bit x + 1), rows padded by one in y and z.
  const rows = new Int32Array(ROWS * ROWS);
  const exposed = new Int32Array(6);
  for (const [ox, oy, oz, voxels] of volume.tiles()) {
    if (!fillRows(volume, [ox, oy, oz], voxels, rows)) continue;
    for (let z = 0; z < TILE_SIZE; z++) {
      for (let y = 0; y < TILE_SIZE; y++) {
        const r = (z + 1) * ROWS + y + 1, row = rows[r], solid = (row >> 1) & FULL;
        if (!solid) continue;
        exposed[0] = solid & ~(rows[r - 1] >> 1);
        exposed[1] = solid & ~(rows[r + 1] >> 1);
        exposed[2] = solid & ~(rows[r - ROWS] >> 1);
        exposed[3] = solid & ~(rows[r + ROWS] >> 1);
        exposed[4] = solid & ~(row >> 2);
        exposed[5] = solid & ~row;
        let any = exposed[0] | exposed[1] | exposed[2] | exposed[3] | exposed[4] | exposed[5];
        while (any) {
          const x = 31 - Math.clz32(any & -any), bit = 1 << x;
          any &= ~bit;
          const color = (voxels[x + y * TILE_SIZE + z * TILE_SIZE * TILE_SIZE] | 0xff000000) >>> 0;
          for (let f = 0; f < 6; f++) {
            if (exposed[f] & bit) visit(f, ox + x, oy + y, oz + z, color);
          }
        }
      }
    }
  }
}

/** Returns the solid mask (bit x) of row (y, z) of a tile, or 0 when the tile is missing. */
function rowBits(tile: Uint32Array | undefined, y: number, z: number): number {
  if (!tile) return 0;
  let bits = 0;
  const o = y * TILE_SIZE + z * TILE_SIZE * TILE_SIZE;
  for (let x = 0; x < TILE_SIZE; x++) if (tile[o + x] >>> 24 >= SOLID_ALPHA) bits |= 1 << x;
  return bits;
}

/** Returns the bit of voxel (x, y, z) of a tile (x is 0 or 15 here). */
function voxelBit(tile: Uint32Array | undefined, x: number, y: number, z: number): number {
  return tile && tile[x + y * TILE_SIZE + z * TILE_SIZE * TILE_SIZE] >>> 24 >= SOLID_ALPHA ? 1 : 0;
}

/**
 * Fills the padded row masks of one tile with the face-adjacent voxels of its six neighbours;
 * returns false (rows left stale) when the tile has no solid voxel.
 */
function fillRows(
  volume: TileSource,
  origin: number[],
  voxels: Uint32Array,
  rows: Int32Array,
): boolean {
  const [ox, oy, oz] = origin, S = TILE_SIZE;
  let any = 0;
  for (let z = 0; z < S; z++) {
    for (let y = 0; y < S; y++) {
      const bits = rowBits(voxels, y, z);
      rows[(z + 1) * ROWS + y + 1] = bits << 1;
      any |= bits;
    }
  }
  if (!any) return false;
  const xm = volume.readTile(ox - S, oy, oz), xp = volume.readTile(ox + S, oy, oz);
  const ym = volume.readTile(ox, oy - S, oz), yp = volume.readTile(ox, oy + S, oz);
  const zm = volume.readTile(ox, oy, oz - S), zp = volume.readTile(ox, oy, oz + S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      rows[(i + 1) * ROWS + j + 1] |= voxelBit(xm, 15, j, i) | voxelBit(xp, 0, j, i) << 17;
    }
    rows[(i + 1) * ROWS] = rowBits(ym, 15, i) << 1;
    rows[(i + 1) * ROWS + ROWS - 1] = rowBits(yp, 0, i) << 1;
    rows[i + 1] = rowBits(zm, i, 15) << 1;
    rows[(ROWS - 1) * ROWS + i + 1] = rowBits(zp, i, 0) << 1;
  }
  return true;
}
