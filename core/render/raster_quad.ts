/**
 * Scan conversion of convex quads into a band of a depth buffer: per row the span covered by
 * the four edge half-planes is found analytically, then the nearest-wins depth test runs over
 * it with the depth plane stepped per sample. Samples sit at pixel centres; spans are widened
 * by a hair so that samples on an edge shared by two quads are never missed by both.
 */

import { type Scratch, takeArray } from "../scratch.ts";

/** Widening of each span (in samples) so that shared edges never leave cracks. */
const EDGE_EPSILON = 1e-6;

/**
 * A quad ready to draw: per edge a bound on x for each row y (kind 1: x ≥ k1·y + k0, −1:
 * x ≤ k1·y + k0, 0: the row is inside when k1·y + k0 ≥ 0), the depth plane a·x + b·y + c
 * and the rows it spans.
 */
interface QuadShape {
  kind: Int8Array;
  k1: Float64Array;
  k0: Float64Array;
  a: number;
  b: number;
  c: number;
  minY: number;
  maxY: number;
}

/** Returns an empty shape to fill with setQuadShape. */
function newQuadShape(): QuadShape {
  const z = () => new Float64Array(4);
  return { kind: new Int8Array(4), k1: z(), k0: z(), a: 0, b: 0, c: 0, minY: 0, maxY: 0 };
}

/**
 * Sets up the shape of the convex quad with corners (xs[k], ys[k]) (either winding) and depth
 * plane (a, b, c); returns false when it has no area.
 */
function setQuadShape(
  shape: QuadShape,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  a: number,
  b: number,
  c: number,
): boolean {
  let area = 0;
  for (let k = 0; k < 4; k++) {
    const n = (k + 1) & 3;
    area += xs[k] * ys[n] - xs[n] * ys[k];
  }
  if (area === 0) return false;
  const s = area > 0 ? 1 : -1;
  for (let k = 0; k < 4; k++) {
    const n = (k + 1) & 3, ex = xs[n] - xs[k], ey = ys[n] - ys[k];
    // Inside when s·(ex·(py − y_k) − ey·(px − x_k)) ≥ 0, a bound on px unless ey = 0.
    const alpha = -s * ey;
    shape.kind[k] = alpha > 0 ? 1 : alpha < 0 ? -1 : 0;
    if (alpha !== 0) {
      shape.k1[k] = s * ex / -alpha;
      shape.k0[k] = s * (ey * xs[k] - ex * ys[k]) / -alpha;
    } else {
      shape.k1[k] = s * ex, shape.k0[k] = -s * ex * ys[k];
    }
  }
  shape.a = a, shape.b = b, shape.c = c;
  shape.minY = Math.min(ys[0], ys[1], ys[2], ys[3]);
  shape.maxY = Math.max(ys[0], ys[1], ys[2], ys[3]);
  return true;
}

/**
 * A band of rows [y0, y1) of a sample grid `width` wide, with depth and face ids; `moveTo`
 * reuses the buffers for another band of at most the same height.
 */
export class DepthBand {
  readonly width: number;
  y0: number;
  y1: number;
  /** Depth value per sample, larger is nearer; −Infinity where nothing was drawn. */
  readonly depth: Float32Array;
  /** Id of the nearest quad per sample, −1 where nothing was drawn (null: depth only). */
  readonly ids: Int32Array | null;
  #shape = newQuadShape();

  /** With `scratch`, the buffers are its arrays for `use` (see Scratch). */
  constructor(
    width: number,
    y0: number,
    y1: number,
    withIds: boolean,
    scratch: Scratch | null = null,
    use = "band",
  ) {
    this.width = width;
    this.y0 = y0;
    this.y1 = y1;
    const n = width * Math.max(0, y1 - y0);
    this.depth = takeArray(scratch, `${use} depth`, Float32Array, n).fill(-Infinity);
    this.ids = withIds ? takeArray(scratch, `${use} ids`, Int32Array, n).fill(-1) : null;
  }

  /** Clears the buffers and makes them hold rows [y0, y1) (no taller than at construction). */
  moveTo(y0: number, y1: number): void {
    if ((y1 - y0) * this.width > this.depth.length) {
      throw new RangeError(`Band ${y0}..${y1} is taller than the buffers`);
    }
    this.y0 = y0;
    this.y1 = y1;
    this.depth.fill(-Infinity);
    this.ids?.fill(-1);
  }

  /**
   * Draws the convex quad with corners (xs[k], ys[k]) in sample units (either winding) whose
   * depth at sample centre (x, y) is a·x + b·y + c; samples keep the nearest quad's id.
   */
  drawQuad(xs: Float64Array, ys: Float64Array, a: number, b: number, c: number, id: number): void {
    // Quads smaller than a sample often hold no sample centre: skip their set-up.
    const minY = Math.min(ys[0], ys[1], ys[2], ys[3]), maxY = Math.max(ys[0], ys[1], ys[2], ys[3]);
    const r0 = Math.max(this.y0, Math.ceil(minY - 0.5 - EDGE_EPSILON));
    if (r0 > Math.min(this.y1 - 1, Math.floor(maxY - 0.5 + EDGE_EPSILON))) return;
    const minX = Math.min(xs[0], xs[1], xs[2], xs[3]), maxX = Math.max(xs[0], xs[1], xs[2], xs[3]);
    if (Math.ceil(minX - 0.5 - EDGE_EPSILON) > Math.floor(maxX - 0.5 + EDGE_EPSILON)) return;
    if (setQuadShape(this.#shape, xs, ys, a, b, c)) this.#drawShape(this.#shape, id);
  }

  /** Draws a shape. */
  #drawShape(shape: QuadShape, id: number): void {
    const r0 = Math.max(this.y0, Math.ceil(shape.minY - 0.5 - EDGE_EPSILON));
    const r1 = Math.min(this.y1 - 1, Math.floor(shape.maxY - 0.5 + EDGE_EPSILON));
    if (r0 > r1) return;
    const { kind, k1, k0, a, b, c } = shape;
    const w = this.width, depth = this.depth, ids = this.ids;
    for (let row = r0; row <= r1; row++) {
      const py = row + 0.5;
      let lo = -Infinity, hi = Infinity;
      for (let k = 0; k < 4; k++) {
        const bound = k1[k] * py + k0[k];
        if (kind[k] > 0) lo = bound > lo ? bound : lo;
        else if (kind[k] < 0) hi = bound < hi ? bound : hi;
        else if (bound < 0) hi = -Infinity;
      }
      const i0 = Math.max(0, Math.ceil(lo - 0.5 - EDGE_EPSILON));
      const i1 = Math.min(w - 1, Math.floor(hi - 0.5 + EDGE_EPSILON));
      if (i0 > i1) continue;
      let q = a * (i0 + 0.5) + b * py + c, o = (row - this.y0) * w + i0;
      for (let i = i0; i <= i1; i++, o++, q += a) {
        if (q > depth[o]) {
          depth[o] = q;
          if (ids) ids[o] = id;
        }
      }
    }
  }
}

/**
 * Returns the plane [a, b, c] with a·x + b·y + c = q through three points (x, y, q), or null
 * when they are collinear on screen.
 */
export function depthPlane(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  qs: ArrayLike<number>,
): [number, number, number] | null {
  const x1 = xs[1] - xs[0], y1 = ys[1] - ys[0], q1 = qs[1] - qs[0];
  const x2 = xs[2] - xs[0], y2 = ys[2] - ys[0], q2 = qs[2] - qs[0];
  const det = x1 * y2 - x2 * y1;
  if (det === 0) return null;
  const a = (q1 * y2 - q2 * y1) / det, b = (x1 * q2 - x2 * q1) / det;
  return [a, b, qs[0] - a * xs[0] - b * ys[0]];
}
