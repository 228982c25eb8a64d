/**
 * Surface voxelisation of triangles, as Goxel's OBJ import does it (goxel_core.md §3.10, after
 * the voxelizer Goxel embeds): voxel k covers [k − ½, k + ½] of mesh space, and it is set where
 * its cube, widened by a tenth of a voxel on each side, overlaps a triangle. A voxel takes the
 * colour of the first triangle that reaches it, interpolated from the triangle's corners at the
 * voxel's centre. Big triangles are cut in four until each spans a small box, so the cubes
 * tested stay proportional to the surface; each test is charged to the budget as a voxel sampled.
 */
import type { WorkBudget } from "../budget.ts";
import { packRgba } from "../color.ts";
import type { Vec3 } from "../mat4.ts";
import { isInRange, type Volume } from "../volume.ts";

/** A triangle with a colour (r, g, b in 0..255) at each corner. */
export interface ColoredTriangle {
  points: [Vec3, Vec3, Vec3];
  colors: [Vec3, Vec3, Vec3];
}

/** Half the side of the cube tested around each voxel centre: ½ plus Goxel's precision 0.1. */
const HALF = 0.6;
/** Triangles whose bounding box holds more voxel centres than this are cut in four first. */
const MAX_CANDIDATES = 4096;
/** Triangles with a smaller area are skipped (Goxel's voxelizer does the same). */
const MIN_AREA = 1e-7;

/** Sets the voxels the triangles' surfaces pass through (see the module comment). */
export function voxelizeTriangles(
  triangles: Iterable<ColoredTriangle>,
  volume: Volume,
  budget: WorkBudget,
): void {
  for (const t of triangles) {
    if (area(t.points[0], t.points[1], t.points[2]) < MIN_AREA) continue;
    for (const part of pieces(t)) fill(part, volume, budget);
  }
}

/** The triangle, cut in four (recursively) until each piece's box is small. */
function* pieces(t: ColoredTriangle): Generator<ColoredTriangle> {
  const stack = [t];
  while (stack.length) {
    const p = stack.pop()!;
    if (candidates(p) <= MAX_CANDIDATES) {
      yield p;
      continue;
    }
    const [a, b, c] = p.points, [ca, cb, cc] = p.colors;
    const ab = mid(a, b), bc = mid(b, c), caMid = mid(c, a);
    const cab = mid(ca, cb), cbc = mid(cb, cc), cca = mid(cc, ca);
    stack.push(
      { points: [a, ab, caMid], colors: [ca, cab, cca] },
      { points: [ab, b, bc], colors: [cab, cb, cbc] },
      { points: [caMid, bc, c], colors: [cca, cbc, cc] },
      { points: [ab, bc, caMid], colors: [cab, cbc, cca] },
    );
  }
}

/** The voxel range [lo, hi] per axis whose centres may reach the triangle. */
function range(t: ColoredTriangle): { lo: Vec3; hi: Vec3 } {
  const lo: Vec3 = [0, 0, 0], hi: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const vs = t.points.map((p) => p[i]);
    lo[i] = Math.ceil(Math.min(...vs) - HALF);
    hi[i] = Math.floor(Math.max(...vs) + HALF);
  }
  return { lo, hi };
}

function candidates(t: ColoredTriangle): number {
  const { lo, hi } = range(t);
  return (hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
}

function fill(t: ColoredTriangle, volume: Volume, budget: WorkBudget): void {
  const { lo, hi } = range(t);
  budget.charge("voxelize .obj", { voxels: candidates(t) });
  const test = separatingAxes(t.points);
  for (let x = lo[0]; x <= hi[0]; x++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let z = lo[2]; z <= hi[2]; z++) {
        if (!test(x, y, z)) continue;
        if (!isInRange(x, y, z)) throw new RangeError(`voxel (${x}, ${y}, ${z}) is out of range`);
        if (volume.get(x, y, z) !== 0) continue;
        const isNewTile = !volume.readTile(x & ~15, y & ~15, z & ~15);
        budget.charge("voxelize .obj", { tiles: isNewTile ? 1 : 0 });
        volume.set(x, y, z, colorAt([x, y, z], t));
      }
    }
  }
}

/** True when the cube of half side HALF around `c` overlaps the triangle. */
export function overlaps(c: Vec3, points: [Vec3, Vec3, Vec3]): boolean {
  return separatingAxes(points)(c[0], c[1], c[2]);
}

/**
 * The separating-axis test of one triangle against cubes of half side HALF: the three box
 * axes, the triangle's normal and the nine edge × box-axis products. Each axis's projections
 * of the corners are computed once; a cube centred at (x, y, z) overlaps unless one axis
 * separates them.
 */
function separatingAxes(points: [Vec3, Vec3, Vec3]): (x: number, y: number, z: number) => boolean {
  const [p0, p1, p2] = points;
  const edges = [sub(p1, p0), sub(p2, p1), sub(p0, p2)];
  const axes: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], cross(edges[0], edges[1])];
  for (const e of edges) axes.push([0, -e[2], e[1]], [e[2], 0, -e[0]], [-e[1], e[0], 0]);
  const used = axes.filter((a) => a[0] !== 0 || a[1] !== 0 || a[2] !== 0);
  const n = used.length;
  const ax = new Float64Array(n), ay = new Float64Array(n), az = new Float64Array(n);
  const lo = new Float64Array(n), hi = new Float64Array(n);
  used.forEach((a, i) => {
    const d = points.map((p) => p[0] * a[0] + p[1] * a[1] + p[2] * a[2]);
    const r = HALF * (Math.abs(a[0]) + Math.abs(a[1]) + Math.abs(a[2]));
    [ax[i], ay[i], az[i]] = a;
    lo[i] = Math.min(d[0], d[1], d[2]) - r;
    hi[i] = Math.max(d[0], d[1], d[2]) + r;
  });
  return (x, y, z) => {
    for (let i = 0; i < n; i++) {
      const c = x * ax[i] + y * ay[i] + z * az[i];
      if (c < lo[i] || c > hi[i]) return false;
    }
    return true;
  };
}

/** The triangle's colour at `p`, weighting each corner by the area opposite it. */
function colorAt(p: Vec3, t: ColoredTriangle): number {
  const [a, b, c] = t.points;
  const w = [area(b, c, p), area(c, a, p), area(a, b, p)];
  const sum = w[0] + w[1] + w[2];
  const channel = (i: number) => {
    const value = sum > 0
      ? (t.colors[0][i] * w[0] + t.colors[1][i] * w[1] + t.colors[2][i] * w[2]) / sum
      : t.colors[0][i];
    return Math.max(0, Math.min(255, Math.round(value)));
  };
  return packRgba(channel(0), channel(1), channel(2), 255);
}

function area(a: Vec3, b: Vec3, c: Vec3): number {
  const n = cross(sub(b, a), sub(c, a));
  return Math.hypot(n[0], n[1], n[2]) / 2;
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function mid(a: Vec3, b: Vec3): Vec3 {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
}
