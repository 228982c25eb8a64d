/**
 * A shadow map: the faces turned to the light rasterised orthographically along the light
 * direction, keeping per texel the height (towards the light) of the nearest surface. A point
 * is in shadow when a surface in its texel lies higher than the point by more than a bias.
 * The faces are drawn merged into rectangles (see mergeFaceRects): the same surface, a
 * thirtieth of the quads to set up.
 */
import type { Vec3 } from "../mat4.ts";
import type { FaceRects } from "./face_rects.ts";
import { DepthBand, depthPlane } from "./raster_quad.ts";
import type { Scratch } from "../scratch.ts";

/** Texels per voxel along each map axis (before the size cap). */
const TEXELS_PER_VOXEL = 4;
/** Largest map side in texels (Goxel's is 2048). */
const MAX_SIZE = 2048;

/** Faces as plain arrays: voxel corner (world, 3 per face) and face number. */
export interface FaceList {
  count: number;
  voxels: Int32Array;
  faces: Uint8Array;
}

/** A shadow map over the faces of a scene for one light direction. */
export class ShadowMap {
  readonly size: number;
  /** World units per texel. */
  readonly texel: number;
  #band: DepthBand;
  #l: Vec3;
  #u: Vec3;
  #v: Vec3;
  #u0: number;
  #v0: number;

  /**
   * Builds the map of the face rectangles with N·L > 0 (`faceNdotL` per face number) towards
   * `l`, over the world box [min, max), at least `minSize` texels across (and at most 2048) so
   * that its texels stay near the size of the picture's samples.
   */
  constructor(
    rects: FaceRects,
    box: { min: Vec3; max: Vec3 },
    l: Vec3,
    faceNdotL: readonly number[],
    minSize = 0,
    scratch: Scratch | null = null,
  ) {
    this.#l = l;
    const helper: Vec3 = Math.abs(l[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
    this.#u = normalize(cross(helper, l));
    this.#v = cross(l, this.#u);
    const corners = bounds(box, this.#u, this.#v);
    this.#u0 = corners[0] - 1, this.#v0 = corners[2] - 1;
    const extent = Math.max(corners[1] - corners[0], corners[3] - corners[2]) + 2;
    this.size = Math.min(MAX_SIZE, Math.ceil(Math.max(extent * TEXELS_PER_VOXEL, minSize)));
    this.texel = extent / this.size;
    this.#band = new DepthBand(this.size, 0, this.size, false, scratch, "shadow");
    this.#draw(rects, faceNdotL);
  }

  /** Returns true when the world point has a surface above it towards the light. */
  isShadowed(x: number, y: number, z: number, bias: number): boolean {
    const u = this.#u, v = this.#v, l = this.#l;
    const i = Math.floor((x * u[0] + y * u[1] + z * u[2] - this.#u0) / this.texel);
    const j = Math.floor((x * v[0] + y * v[1] + z * v[2] - this.#v0) / this.texel);
    if (i < 0 || j < 0 || i >= this.size || j >= this.size) return false;
    return this.#band.depth[j * this.size + i] > x * l[0] + y * l[1] + z * l[2] + bias;
  }

  /** Draws the rectangles turned to the light. */
  #draw(rects: FaceRects, faceNdotL: readonly number[]): void {
    const u = this.#u, v = this.#v, l = this.#l, t = this.texel, c = rects.corners;
    const xs = new Float64Array(4), ys = new Float64Array(4), qs = new Float64Array(4);
    for (let r = 0; r < rects.count; r++) {
      if (faceNdotL[rects.faces[r]] <= 0) continue;
      for (let k = 0, o = r * 12; k < 4; k++, o += 3) {
        const x = c[o], y = c[o + 1], z = c[o + 2];
        xs[k] = (x * u[0] + y * u[1] + z * u[2] - this.#u0) / t;
        ys[k] = (x * v[0] + y * v[1] + z * v[2] - this.#v0) / t;
        qs[k] = x * l[0] + y * l[1] + z * l[2];
      }
      const plane = depthPlane(xs, ys, qs);
      if (plane) this.#band.drawQuad(xs, ys, plane[0], plane[1], plane[2], 0);
    }
  }
}

/** Returns [minU, maxU, minV, maxV] of the box corners projected on u and v. */
function bounds(box: { min: Vec3; max: Vec3 }, u: Vec3, v: Vec3): number[] {
  const out = [Infinity, -Infinity, Infinity, -Infinity];
  for (let k = 0; k < 8; k++) {
    const x = k & 1 ? box.max[0] : box.min[0], y = k & 2 ? box.max[1] : box.min[1];
    const z = k & 4 ? box.max[2] : box.min[2];
    const pu = x * u[0] + y * u[1] + z * u[2], pv = x * v[0] + y * v[1] + z * v[2];
    out[0] = Math.min(out[0], pu), out[1] = Math.max(out[1], pu);
    out[2] = Math.min(out[2], pv), out[3] = Math.max(out[3], pv);
  }
  return out;
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
}
