/**
 * One render sample: build the camera ray, cast it, and shade the hit with Goxel's light,
 * shadow and occlusion. Per-face work (occlusion mask, lit colour, whether the whole face is
 * in the sun) is kept in a small direct-mapped cache, since many samples land on each face.
 */
import { CAMERA_FOVY } from "../camera.ts";
import type { Light } from "../image.ts";
import { fromValues } from "../mat4.ts";
import { RayCaster, type RayScene } from "./raycast.ts";
import {
  FACE_AXIS,
  FACE_SIGN,
  faceCentreToEye,
  lightDirection,
  occlusionAt,
  occlusionMask,
  Shader,
} from "./shade.ts";

/**
 * A camera as plain data: camera→world matrix (column-major, 16 numbers; looks down local −Z),
 * distance to its target (the half-width of orthographic views) and projection.
 */
export interface PlainCamera {
  mat: ArrayLike<number>;
  dist: number;
  ortho: boolean;
}

/** Shadow rays start this far in front of the face they leave. */
const SHADOW_OFFSET = 1e-3;
/** The sun test of a face uses corners moved this far inside it. */
const CORNER_INSET = 1e-3;
const CACHE_SIZE = 4096;

/** Turns screen positions into rays, casts them and shades what they hit. */
export class SampleTracer {
  #caster: RayCaster;
  #shadow: RayCaster;
  #shader: Shader;
  #scene: RayScene;
  #ortho: boolean;
  #eye: number[];
  #fwd: number[];
  #right: number[];
  #up: number[];
  #l: number[];
  #hasShadow: boolean;
  #keys = new Float64Array(CACHE_SIZE).fill(NaN);
  #masks = new Int32Array(CACHE_SIZE);
  #lit = new Float64Array(CACHE_SIZE * 3);
  #sunlit = new Uint8Array(CACHE_SIZE);
  #useSunTest: boolean;

  /**
   * Prepares rays for a camera and an image aspect ratio (width / height). `sunTest` false
   * casts a shadow ray for every sample instead of trusting a face whose corners are all lit.
   */
  constructor(scene: RayScene, cam: PlainCamera, light: Light, aspect: number, sunTest = true) {
    const m = fromValues(cam.mat);
    this.#scene = scene;
    this.#caster = new RayCaster(scene);
    this.#shadow = new RayCaster(scene);
    this.#l = lightDirection(light, m);
    this.#shader = new Shader(light, this.#l as [number, number, number]);
    this.#hasShadow = light.shadow > 0;
    this.#useSunTest = sunTest;
    this.#ortho = cam.ortho;
    this.#eye = [0, 1, 2].map((a) => m[12 + a] - scene.origin[a]);
    this.#fwd = [0, 1, 2].map((a) => -m[8 + a]);
    const half = cam.ortho ? cam.dist : Math.tan(CAMERA_FOVY / 2 * Math.PI / 180);
    this.#right = [0, 1, 2].map((a) => m[a] * half * (cam.ortho ? 1 : aspect));
    this.#up = [0, 1, 2].map((a) => m[4 + a] * half / (cam.ortho ? aspect : 1));
  }

  /** Shades the sample at normalised device position (nx, ny) into out[0..2]; false on a miss. */
  sample(nx: number, ny: number, out: Uint8Array): boolean {
    const e = this.#eye, f = this.#fwd, r = this.#right, up = this.#up, c = this.#caster;
    let px = e[0], py = e[1], pz = e[2], dx = f[0], dy = f[1], dz = f[2];
    const ox = r[0] * nx + up[0] * ny, oy = r[1] * nx + up[1] * ny, oz = r[2] * nx + up[2] * ny;
    if (this.#ortho) px += ox, py += oy, pz += oz;
    else dx += ox, dy += oy, dz += oz;
    if (!c.cast(px, py, pz, dx, dy, dz)) return false;
    const t = c.t, face = c.face, hx = px + dx * t, hy = py + dy * t, hz = pz + dz * t;
    const slot = this.#faceSlot(c.x, c.y, c.z, face, c.color, dx, dy, dz);
    // Face-local (u, v) run along axes (a+1)%3 and (a+2)%3 of the normal axis a.
    const axis = FACE_AXIS[face];
    const u = axis === 0 ? hy - c.y : axis === 1 ? hz - c.z : hx - c.x;
    const v = axis === 0 ? hz - c.z : axis === 1 ? hx - c.x : hy - c.y;
    const ao = occlusionAt(this.#masks[slot], u < 0 ? 0 : u > 1 ? 1 : u, v < 0 ? 0 : v > 1 ? 1 : v);
    const visibility = this.#sunlit[slot] ? 1 : this.#visibility(face, hx, hy, hz);
    this.#shader.finish(this.#lit, slot * 3, visibility, ao, out);
    return true;
  }

  /** Returns 1 when lit, 0.2 when the light is blocked, 0.5 when the face turns away. */
  #visibility(face: number, hx: number, hy: number, hz: number): number {
    if (!this.#hasShadow) return 1;
    if (this.#shader.faceNdotL(face) <= 0) return 0.5;
    // Start just in front of the face, in the empty voxel the face looks into.
    const off = FACE_SIGN[face] * SHADOW_OFFSET, axis = FACE_AXIS[face], l = this.#l;
    if (axis === 0) hx += off;
    else if (axis === 1) hy += off;
    else hz += off;
    return this.#shadow.cast(hx, hy, hz, l[0], l[1], l[2]) ? 0.2 : 1;
  }

  /**
   * Returns the cache slot of a face, filling it on a miss: occlusion mask, lit colour (at the
   * view vector of the face's centre; Goxel lights per vertex, so light barely changes across
   * a face) and the sun flag.
   */
  #faceSlot(
    x: number,
    y: number,
    z: number,
    face: number,
    color: number,
    dx: number,
    dy: number,
    dz: number,
  ): number {
    const key = ((x * this.#scene.size[1] + y) * this.#scene.size[2] + z) * 6 + face;
    const slot = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663) ^ Math.imul(z, 83492791) ^
      Math.imul(face, 2654435761)) & (CACHE_SIZE - 1);
    if (this.#keys[slot] === key) return slot;
    this.#keys[slot] = key;
    this.#masks[slot] = occlusionMask(this.#scene, x, y, z, face);
    if (this.#ortho) this.#shader.light(color, face, -dx, -dy, -dz, this.#lit, slot * 3);
    else {
      const [vx, vy, vz] = faceCentreToEye(this.#eye, x, y, z, face);
      this.#shader.light(color, face, vx, vy, vz, this.#lit, slot * 3);
    }
    this.#sunlit[slot] = this.#useSunTest && this.#isFaceSunlit(x, y, z, face) ? 1 : 0;
    return slot;
  }

  /**
   * Returns true when shadow rays from the four corners of the face (moved slightly inside)
   * all reach the light. Then every point of the face does: a voxel's shadow on the face plane
   * is swept from unit squares, so if it covered any inner point it would cover a corner.
   */
  #isFaceSunlit(x: number, y: number, z: number, face: number): boolean {
    if (!this.#hasShadow || this.#shader.faceNdotL(face) <= 0) return false;
    const a = FACE_AXIS[face], b = (a + 1) % 3, c = (a + 2) % 3, l = this.#l;
    const p = [x, y, z];
    p[a] += FACE_SIGN[face] > 0 ? 1 + SHADOW_OFFSET : -SHADOW_OFFSET;
    for (const du of [CORNER_INSET, 1 - CORNER_INSET]) {
      for (const dv of [CORNER_INSET, 1 - CORNER_INSET]) {
        const q = [p[0], p[1], p[2]];
        q[b] += du;
        q[c] += dv;
        if (this.#shadow.cast(q[0], q[1], q[2], l[0], l[1], l[2])) return false;
      }
    }
    return true;
  }
}
