/**
 * A shadow map: the faces turned to the light rasterised orthographically along the light
 * direction, keeping per texel the height (towards the light) of the nearest surface. A point
 * is in shadow when a surface in its texel lies higher than the point by more than a bias.
 */
import type { Vec3 } from "../mat4.ts";
import { FACE_CORNERS } from "../mesh/cube_mesher.ts";
import { DepthBand, depthPlane, newQuadShape, setQuadShape } from "./raster_quad.ts";

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
   * Builds the map of the faces with N·L > 0 (`faceNdotL` per face number) towards `l`, over
   * the world box [min, max), at least `minSize` texels across (and at most 2048) so that its
   * texels stay near the size of the picture's samples.
   */
  constructor(
    list: FaceList,
    box: { min: Vec3; max: Vec3 },
    l: Vec3,
    faceNdotL: readonly number[],
    minSize = 0,
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
    this.#band = new DepthBand(this.size, 0, this.size, false);
    this.#draw(list, faceNdotL);
  }

  /** Returns true when the world point has a surface above it towards the light. */
  isShadowed(x: number, y: number, z: number, bias: number): boolean {
    const u = this.#u, v = this.#v, l = this.#l;
    const i = Math.floor((x * u[0] + y * u[1] + z * u[2] - this.#u0) / this.texel);
    const j = Math.floor((x * v[0] + y * v[1] + z * v[2] - this.#v0) / this.texel);
    if (i < 0 || j < 0 || i >= this.size || j >= this.size) return false;
    return this.#band.depth[j * this.size + i] > x * l[0] + y * l[1] + z * l[2] + bias;
  }

  /** Draws the faces: one shape per face direction, moved to each voxel. */
  #draw(list: FaceList, faceNdotL: readonly number[]): void {
    const u = this.#u, v = this.#v, l = this.#l, t = this.texel;
    const shapes = FACE_CORNERS.map((c, face) => {
      if (faceNdotL[face] <= 0) return null;
      const xs = [0, 1, 2, 3].map((k) => dot3(c, k, u) / t);
      const ys = [0, 1, 2, 3].map((k) => dot3(c, k, v) / t);
      const plane = depthPlane(xs, ys, [0, 1, 2, 3].map((k) => dot3(c, k, l)));
      const shape = newQuadShape();
      return plane && setQuadShape(shape, xs, ys, ...plane) ? shape : null;
    });
    for (let f = 0; f < list.count; f++) {
      const shape = shapes[list.faces[f]];
      if (!shape) continue;
      const x = list.voxels[f * 3], y = list.voxels[f * 3 + 1], z = list.voxels[f * 3 + 2];
      const du = (x * u[0] + y * u[1] + z * u[2] - this.#u0) / t;
      const dv = (x * v[0] + y * v[1] + z * v[2] - this.#v0) / t;
      this.#band.drawShape(shape, du, dv, x * l[0] + y * l[1] + z * l[2], 0);
    }
  }
}

/** Returns corner k of a face's unit corners dotted with a. */
function dot3(corners: readonly number[], k: number, a: Vec3): number {
  return corners[k * 3] * a[0] + corners[k * 3 + 1] * a[1] + corners[k * 3 + 2] * a[2];
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
