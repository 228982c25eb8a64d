/**
 * Goxel's line tool (src/tools/line.c): a rod-shaped box from a start to an end point, drawn
 * as a white MAX mask then merged into the volume with the painter's mode and colour.
 */
import { BlendMode, combine, mergeVolumes, tint } from "../blend.ts";
import { WorkBudget } from "../budget.ts";
import type { Mat4, Vec3 } from "../mat4.ts";
import { Volume } from "../volume.ts";
import { chargePaint, paint, type Painter } from "./paint.ts";

const AXES: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function withLength(v: Vec3, len: number): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n * len, v[1] / n * len, v[2] / n * len];
}

/**
 * Returns the line tool's box from `a` to `b` (world points) with radius `r`: centre at the
 * midpoint, column 2 = b − centre, columns 0 and 1 of length r perpendicular to it. Segments
 * shorter than 0.5 give a single dab at `a` whose columns are permuted (z, x, y).
 */
export function lineBox(a: Vec3, b: Vec3, radius: number): Mat4 {
  const m = new Float64Array(16);
  m[15] = 1;
  const d = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  if (d < 0.5) {
    m[2] = m[4] = m[9] = radius;
    m.set(a, 12);
    return m;
  }
  const centre: Vec3 = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
  const axis: Vec3 = [b[0] - centre[0], b[1] - centre[1], b[2] - centre[2]];
  let c0: Vec3 = [0, 0, 0];
  for (const e of AXES) {
    c0 = cross(axis, e);
    if (c0[0] * c0[0] + c0[1] * c0[1] + c0[2] * c0[2] > 0) break;
  }
  c0 = withLength(c0, radius);
  const c1 = withLength(cross(axis, c0), radius);
  m.set(c0, 0);
  m.set(c1, 4);
  m.set(axis, 8);
  m.set(centre, 12);
  return m;
}

/**
 * Draws a line between the centres of voxels `a` and `b` like Goxel's line tool: the rod is
 * painted as a white MAX mask (with the painter's shape, smoothness, symmetry and clip box),
 * then merged into `volume` with the painter's mode and colour. With the cube shape the
 * half-open box test leaves out the end voxel on the `b` side of a straight line, as in Goxel.
 * The rod is charged to `budget` before anything is allocated.
 */
export function drawLine(
  volume: Volume,
  painter: Painter,
  a: Vec3,
  b: Vec3,
  radius: number,
  budget: WorkBudget = new WorkBudget(),
): void {
  const mask = new Volume();
  paint(mask, maskPainter(painter), centredLineBox(a, b, radius), budget);
  if (painter.mode !== BlendMode.MAX && painter.mode !== BlendMode.REPLACE) {
    mergeVolumes(volume, mask, painter.mode, painter.color);
    return;
  }
  // MAX and REPLACE change only the rod's voxels, as `paint` does with them: merged, the mask's
  // empty voxels recoloured the rest of its tiles (black), and REPLACE replaced nothing at all.
  mask.forEachVoxel((x, y, z, m) => {
    volume.set(x, y, z, combine(volume.get(x, y, z), tint(m, painter.color), painter.mode));
  });
}

/** Charges what drawLine would touch, without drawing. */
export function chargeLine(painter: Painter, a: Vec3, b: Vec3, radius: number, budget: WorkBudget) {
  chargePaint(new Volume(), maskPainter(painter), centredLineBox(a, b, radius), budget);
}

function maskPainter(painter: Painter): Painter {
  return { ...painter, mode: BlendMode.MAX, color: 0xffffffff };
}

function centredLineBox(a: Vec3, b: Vec3, radius: number): Mat4 {
  return lineBox(
    [a[0] + 0.5, a[1] + 0.5, a[2] + 0.5],
    [b[0] + 0.5, b[1] + 0.5, b[2] + 0.5],
    radius,
  );
}
