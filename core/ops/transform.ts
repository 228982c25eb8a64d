/**
 * Goxel's `volume_move` (nearest-neighbour resampling of a volume by a matrix) and the move
 * tool's layer transforms: integer translation, quarter-turn rotations, flips and ×2 / ×0.5.
 * A move that would put a voxel outside ±COORD_LIMIT is refused before anything changes.
 */
import { type Aabb, boxCorners, boxFromAabb, roundHalfAway } from "../box.ts";
import { WorkBudget } from "../budget.ts";
import { InvalidInputError } from "../errors.ts";
import { canEditLayer, type Layer } from "../layer.ts";
import { identity, invert, type Mat4, multiply, translation, type Vec3 } from "../mat4.ts";
import { COORD_LIMIT, isInRange, isTileEmpty, Volume } from "../volume.ts";

/** A move-tool transform of a layer. */
export type LayerTransform =
  | { kind: "translate"; offset: Vec3 }
  | { kind: "rotate"; axis: "x" | "y" | "z"; quarterTurns: number }
  | { kind: "flip"; axis: "x" | "y" | "z" }
  | { kind: "scale"; factor: 2 | 0.5 };

const AXIS_INDEX = { x: 0, y: 1, z: 2 } as const;

/** Returns the exact (integer-valued) matrix of a transform, about the world origin. */
export function transformMatrix(t: LayerTransform): Mat4 {
  const m = identity();
  switch (t.kind) {
    case "translate":
      return translation(t.offset[0], t.offset[1], t.offset[2]);
    case "flip":
      m[AXIS_INDEX[t.axis] * 5] = -1;
      return m;
    case "scale":
      m[0] = m[5] = m[10] = t.factor;
      return m;
    case "rotate": {
      // Exact cos/sin of quarter turns so that four turns give back the identity bit for bit.
      const q = ((Math.trunc(t.quarterTurns) % 4) + 4) % 4;
      const c = [1, 0, -1, 0][q], s = [0, 1, 0, -1][q];
      const a = AXIS_INDEX[t.axis], u = (a + 1) % 3, v = (a + 2) % 3;
      // Right-handed rotation in the (u, v) plane: u → c·u + s·v, v → −s·u + c·v.
      m[u * 4 + u] = c;
      m[u * 4 + v] = s;
      m[v * 4 + u] = -s;
      m[v * 4 + v] = c;
      return m;
    }
  }
}

/** Returns the integer offset when `mat` is a pure integer translation, else null. */
function integerTranslation(mat: Mat4): Vec3 | null {
  const id = identity();
  for (let i = 0; i < 12; i++) if (mat[i] !== id[i]) return null;
  if (mat[15] !== 1) return null;
  const t: Vec3 = [mat[12], mat[13], mat[14]];
  return t.every(Number.isInteger) ? t : null;
}

/**
 * Resamples `volume` in place by `mat` (Goxel's volume_move): every voxel `q` of the tiles
 * covering the moved bounding box takes the old value at `round(inverse(mat)·q)` (the integer
 * corner, rounded half away from zero); empty tiles are removed. A move that would put a voxel
 * outside ±COORD_LIMIT is refused (InvalidInputError) and the moved box is charged to `budget`,
 * both before the volume is touched.
 */
export function moveVolume(
  volume: Volume,
  mat: Mat4,
  budget: WorkBudget = new WorkBudget(),
): void {
  const aabb = volume.bbox();
  if (!aabb) return;
  const inv = invert(mat);
  if (!inv) throw new RangeError("Cannot move a volume by a singular matrix");
  checkMoveInRange(aabb, mat, "the volume");
  const { lo, hi } = chargeMove(budget, aabb, mat);
  const src = volume.copy();
  volume.clear();
  const shift = integerTranslation(mat);
  const buf = new Uint32Array(4096);
  const reader = new TileReader(src);
  for (let oz = lo[2]; oz <= hi[2]; oz += 16) {
    for (let oy = lo[1]; oy <= hi[1]; oy += 16) {
      for (let ox = lo[0]; ox <= hi[0]; ox += 16) {
        if (shift) sampleShifted(reader, buf, ox, oy, oz, shift);
        else sampleMatrix(reader, buf, ox, oy, oz, inv);
        // Goxel writes every tile then drops the empty ones; skipping them is equivalent.
        if (!isTileEmpty(buf)) volume.writeTile(ox, oy, oz).set(buf);
      }
    }
  }
}

/**
 * Charges moving the voxels in `aabb` by `mat`: the moved box's voxels and the tiles the
 * sampling loop will visit and may write. Returns the tile range and the moved box.
 */
function chargeMove(budget: WorkBudget, aabb: Aabb, mat: Mat4) {
  const corners = boxCorners(multiply(mat, boxFromAabb(aabb)));
  const lo: Vec3 = [0, 0, 0], hi: Vec3 = [0, 0, 0];
  const moved: Aabb = { min: [0, 0, 0], max: [0, 0, 0] };
  let voxels = 1;
  for (let i = 0; i < 3; i++) {
    const vals = corners.map((c) => c[i]);
    lo[i] = Math.floor(Math.min(...vals)) & ~15;
    hi[i] = Math.ceil(Math.max(...vals));
    moved.min[i] = Math.round(Math.min(...vals));
    moved.max[i] = Math.round(Math.max(...vals));
    voxels *= moved.max[i] - moved.min[i];
  }
  const tiles = lo.reduce((n, l, i) => n * (Math.max(0, Math.floor((hi[i] - l) / 16) + 1) || 0), 1);
  budget.charge("move the layer", { voxels, tiles, visits: tiles });
  return { lo, hi, moved };
}

/**
 * Charges what `moveVolume` by each of `matrices` in turn would touch, without moving (the box
 * is carried through the chain), so a caller can check the budget and then move elsewhere.
 * First refuses the chain when a step would put a voxel outside ±COORD_LIMIT; `layerName`
 * names the layer in that message.
 */
export function chargeMoves(
  volume: Volume,
  matrices: Mat4[],
  budget: WorkBudget,
  layerName?: string,
): void {
  let aabb = volume.bbox();
  const subject = layerName === undefined ? "the layer" : `layer "${layerName}"`;
  // Every step is checked before any is charged: a move that can never succeed says why.
  let reach = aabb;
  for (const m of matrices) if (reach) reach = checkMoveInRange(reach, m, subject);
  for (const m of matrices) {
    if (!aabb) return;
    aabb = chargeMove(budget, aabb, m).moved;
  }
}

/**
 * Returns the voxels (as `[min, max)`) that moving the voxels of `aabb` by `mat` can write: a
 * voxel q takes the value at round(inverse(mat)·q), so q lies in mat·[min − ½, max − ½]. Exact
 * for translations, quarter turns, flips and ×2 about a voxel centre; at most one voxel wider
 * on a side where another matrix rounds a tie.
 */
function movedReach(aabb: Aabb, mat: Mat4): Aabb {
  const src: Aabb = {
    min: aabb.min.map((v) => v - 0.5) as Vec3,
    max: aabb.max.map((v) => v - 0.5) as Vec3,
  };
  const corners = boxCorners(multiply(mat, boxFromAabb(src)));
  const reach: Aabb = { min: [0, 0, 0], max: [0, 0, 0] };
  for (let i = 0; i < 3; i++) {
    const vals = corners.map((c) => c[i]);
    // Widened by a hair so that float noise in the corners can only make the check stricter.
    reach.min[i] = Math.ceil(Math.min(...vals) - 1e-6);
    reach.max[i] = Math.floor(Math.max(...vals) + 1e-6) + 1;
  }
  return reach;
}

/**
 * Refuses (InvalidInputError) moving the voxels of `aabb` by `mat` when one could land outside
 * ±COORD_LIMIT, naming `subject` and the farthest coordinate; returns the voxels' reach.
 */
function checkMoveInRange(aabb: Aabb, mat: Mat4, subject: string): Aabb {
  const reach = movedReach(aabb, mat);
  for (let i = 0; i < 3; i++) {
    const lo = reach.min[i], hi = reach.max[i] - 1;
    // Written so that NaN (a matrix gone wrong) is refused too.
    if (lo >= -COORD_LIMIT && hi < COORD_LIMIT) continue;
    const at = hi < COORD_LIMIT ? lo : hi;
    throw new InvalidInputError(
      `Cannot ${moveVerb(mat)} ${subject}: its voxels would reach ${"xyz"[i]} = ${at}, ` +
        `outside ±${COORD_LIMIT}`,
    );
  }
  return reach;
}

/** Names what `mat` does for messages: translate, scale, rotate, flip, or else move. */
function moveVerb(mat: Mat4): string {
  // The 3×3 linear part, row-major (Mat4 is column-major).
  const a = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => mat[c * 4 + r]));
  const isDiagonal = [1, 2, 3, 5, 6, 7].every((i) => a[i] === 0);
  if (isDiagonal && a[0] === a[4] && a[4] === a[8]) return a[0] === 1 ? "translate" : "scale";
  // A signed permutation: a quarter-turn rotation (det +1) or a mirror (det −1).
  const isSignedPermutation = a.every((v) => v === 0 || Math.abs(v) === 1) &&
    [0, 1, 2].every((r) => a.slice(r * 3, r * 3 + 3).filter((v) => v !== 0).length === 1) &&
    [0, 1, 2].every((c) => [a[c], a[c + 3], a[c + 6]].filter((v) => v !== 0).length === 1);
  if (!isSignedPermutation) return "move";
  const det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6]);
  return det < 0 ? "flip" : "rotate";
}

/** Reads voxels of a volume, remembering the last tile looked up. */
class TileReader {
  #volume: Volume;
  #x = NaN;
  #y = NaN;
  #z = NaN;
  #tile: Uint32Array | undefined;

  constructor(volume: Volume) {
    this.#volume = volume;
  }

  /** Returns the tile containing voxel (x, y, z), if any (none outside ±COORD_LIMIT). */
  tileAt(x: number, y: number, z: number): Uint32Array | undefined {
    const ox = x & ~15, oy = y & ~15, oz = z & ~15;
    if (ox !== this.#x || oy !== this.#y || oz !== this.#z) {
      this.#x = ox;
      this.#y = oy;
      this.#z = oz;
      // Tile keys wrap outside the range: a sample there would read a tile at the far edge.
      this.#tile = isInRange(ox, oy, oz) ? this.#volume.readTile(ox, oy, oz) : undefined;
    }
    return this.#tile;
  }
}

function sampleMatrix(
  r: TileReader,
  buf: Uint32Array,
  ox: number,
  oy: number,
  oz: number,
  m: Mat4,
) {
  for (let i = 0; i < 4096; i++) {
    const x = ox + (i & 15), y = oy + ((i >> 4) & 15), z = oz + (i >> 8);
    const sx = roundHalfAway(m[0] * x + m[4] * y + m[8] * z + m[12]);
    const sy = roundHalfAway(m[1] * x + m[5] * y + m[9] * z + m[13]);
    const sz = roundHalfAway(m[2] * x + m[6] * y + m[10] * z + m[14]);
    const tile = r.tileAt(sx, sy, sz);
    buf[i] = tile ? tile[(sx & 15) | (sy & 15) << 4 | (sz & 15) << 8] : 0;
  }
}

/** Pure integer translation: copies rows of 16 voxels from at most two source tiles. */
function sampleShifted(
  r: TileReader,
  buf: Uint32Array,
  ox: number,
  oy: number,
  oz: number,
  t: Vec3,
) {
  const sx0 = ox - t[0], split = 16 - (sx0 & 15);
  for (let row = 0; row < 256; row++) {
    const sy = oy + (row & 15) - t[1], sz = oz + (row >> 4) - t[2];
    const base = (sy & 15) << 4 | (sz & 15) << 8, out = row << 4;
    const a = r.tileAt(sx0, sy, sz);
    if (a) buf.set(a.subarray(base + (sx0 & 15), base + 16), out);
    else buf.fill(0, out, out + split);
    if (split === 16) continue;
    const b = r.tileAt(sx0 + 16, sy, sz);
    if (b) buf.set(b.subarray(base, base + 16 - split), out + split);
    else buf.fill(0, out + split, out + 16);
  }
}

/** Returns the transform `T(o)·T_user·T(−o)` about the voxel centre `o` nearest the origin marker. */
export function pivotedMatrix(layer: Layer, t: LayerTransform): Mat4 {
  const o = [12, 13, 14].map((i) => Math.floor(layer.mat[i]) + 0.5);
  return multiply(
    multiply(translation(o[0], o[1], o[2]), transformMatrix(t)),
    translation(-o[0], -o[1], -o[2]),
  );
}

/**
 * Applies a move-tool transform to a layer: volume layers are resampled about their pivot
 * and their origin marker follows the translation; clone, shape and image layers get the
 * pivoted matrix pre-multiplied into `mat`. A bounded layer's box becomes the moved box's AABB.
 * Refused (InvalidInputError, layer unchanged) when the layer's voxels would leave ±COORD_LIMIT.
 */
export function transformLayer(
  layer: Layer,
  t: LayerTransform,
  budget: WorkBudget = new WorkBudget(),
): void {
  const m = pivotedMatrix(layer, t);
  // Checked on every kind of layer: a clone's or shape's voxels are recomputed at the new place.
  const aabb = layer.volume.bbox();
  if (aabb) checkMoveInRange(aabb, m, `layer "${layer.name}"`);
  if (canEditLayer(layer)) moveVolume(layer.volume, m, budget);
  transformLayerFrame(layer, t, m);
}

/**
 * The part of transformLayer that is not the volume: the origin marker follows a translation,
 * clone/shape/image layers get `m` (the pivoted matrix) pre-multiplied, a bounded box moves.
 */
export function transformLayerFrame(layer: Layer, t: LayerTransform, m: Mat4): void {
  if (canEditLayer(layer)) {
    if (t.kind === "translate") {
      const mat = layer.mat.slice();
      for (let i = 0; i < 3; i++) mat[12 + i] += t.offset[i];
      layer.mat = mat;
    }
  } else {
    layer.mat = multiply(m, layer.mat);
  }
  if (layer.box) layer.box = aabbBox(multiply(m, layer.box));
}

function aabbBox(box: Mat4): Mat4 {
  const corners = boxCorners(box);
  const min = [0, 1, 2].map((i) => Math.min(...corners.map((c) => c[i]))) as Vec3;
  const max = [0, 1, 2].map((i) => Math.max(...corners.map((c) => c[i]))) as Vec3;
  return boxFromAabb({ min, max });
}
