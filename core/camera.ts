/** Goxel cameras: a camera→world matrix looking down local −Z at a target `dist` away. */
import { boxCorners, boxHalfSize, isNullBox } from "./box.ts";
import {
  identity,
  type Mat4,
  multiply,
  rotation,
  transformDirection,
  transformPoint,
  translate,
  translation,
  type Vec3,
} from "./mat4.ts";

/** A camera as saved in `.gox` CAMR chunks. */
export interface Camera {
  name: string;
  ortho: boolean;
  dist: number;
  mat: Mat4;
}

/** Vertical field of view of every Goxel camera, in degrees. */
export const CAMERA_FOVY = 20;

/** Names of the standard views and their (rz, rx) turntable angles in degrees. */
export const CAMERA_PRESETS: Record<string, [number, number]> = {
  front: [0, 90],
  back: [180, 90],
  left: [90, 90],
  right: [-90, 90],
  top: [0, 0],
  bottom: [180, 180],
  isometric: [45, 45],
};

/** Returns a new camera in Goxel's default pose (eye ≈ (64, −64, 90.5) looking at the origin). */
export function newCamera(name: string): Camera {
  const cam: Camera = { name, ortho: false, dist: 128, mat: translate(identity(), 0, 0, 128) };
  turntable(cam, Math.PI / 4, Math.PI / 4);
  return cam;
}

/** Returns a deep copy of a camera. */
export function copyCamera(c: Camera): Camera {
  return { ...c, mat: c.mat.slice() };
}

/** Returns the point the camera rotates around: `mat·(0, 0, −dist)`. */
export function cameraTarget(cam: Camera): Vec3 {
  return transformPoint(cam.mat, [0, 0, -cam.dist]);
}

/** Returns the camera position in world coordinates. */
export function cameraPosition(cam: Camera): Vec3 {
  return [cam.mat[12], cam.mat[13], cam.mat[14]];
}

/** Rotates by `rz` about world Z, then `rx` about the camera's local X, both around the target. */
export function turntable(cam: Camera, rz: number, rx: number): void {
  const t = cameraTarget(cam);
  const toT = translation(t[0], t[1], t[2]), fromT = translation(-t[0], -t[1], -t[2]);
  cam.mat = multiply(toT, multiply(rotation(rz, 0, 0, 1), multiply(fromT, cam.mat)));
  const axis = transformDirection(cam.mat, [1, 0, 0]);
  const len = Math.hypot(...axis);
  const rot = rotation(rx, axis[0] / len, axis[1] / len, axis[2] / len);
  cam.mat = multiply(toT, multiply(rot, multiply(fromT, cam.mat)));
}

/** Places the camera so the box fills the view: `dist = 8 × max half extent`, same orientation. */
export function fitBox(cam: Camera, box: Mat4 | null): void {
  if (isNullBox(box)) {
    cam.dist = 128;
    return;
  }
  const half = boxHalfSize(box!);
  cam.dist = 8 * Math.max(...half);
  const back = transformDirection(cam.mat, [0, 0, 1]);
  for (let i = 0; i < 3; i++) cam.mat[12 + i] = box![12 + i] + back[i] * cam.dist;
}

/** Resets the camera to a standard view and fits the box; throws RangeError on unknown names. */
export function applyPreset(cam: Camera, preset: string, box: Mat4 | null): void {
  if (!Object.hasOwn(CAMERA_PRESETS, preset)) {
    throw new RangeError(`Unknown camera preset: ${preset}`);
  }
  const angles = CAMERA_PRESETS[preset];
  cam.mat = translation(0, 0, cam.dist);
  turntable(cam, angles[0] * Math.PI / 180, angles[1] * Math.PI / 180);
  fitBox(cam, box);
}

/** Returns the camera→world matrix at `eye` looking at `target` with Z up (cameras look down −Z). */
export function lookAt(eye: Vec3, target: Vec3): Mat4 {
  const f = normalize([target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
  const back: Vec3 = [-f[0], -f[1], -f[2]];
  const up: Vec3 = Math.abs(f[2]) > 0.999 ? [0, 1, 0] : [0, 0, 1];
  const right = normalize(cross(up, back));
  const camUp = cross(back, right);
  const m = identity();
  m.set([...right, 0, ...camUp, 0, ...back, 0, ...eye, 1]);
  return m;
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(v: Vec3): Vec3 {
  const l = Math.hypot(...v) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
}

/** How much of the frame's limiting axis a framed model spans (the rest is margin). */
export const FRAME_FILL = 0.9;

/**
 * Moves the camera, keeping its orientation and projection, so the eight corners of `box`
 * project centred in a frame of the given aspect (width / height) and span `fill` of its
 * limiting axis. Perspective cameras take the closest distance that fits; orthographic
 * cameras get `dist` = the half-width that fits. A null box leaves the camera as it is.
 */
export function frameBox(cam: Camera, box: Mat4 | null, aspect: number, fill = FRAME_FILL): void {
  if (isNullBox(box)) return;
  const axes = [0, 4, 8].map((o) => normalize([cam.mat[o], cam.mat[o + 1], cam.mat[o + 2]]));
  const c: Vec3 = [box![12], box![13], box![14]];
  const pts = boxCorners(box!).map((p) =>
    axes.map((a) => dot(a, [p[0] - c[0], p[1] - c[1], p[2] - c[2]]))
  );
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]), zs = pts.map((p) => p[2]);
  let dx: number, dy: number, d: number;
  if (cam.ortho) {
    dx = (Math.max(...xs) + Math.min(...xs)) / 2;
    dy = (Math.max(...ys) + Math.min(...ys)) / 2;
    const halfW = (Math.max(...xs) - Math.min(...xs)) / 2;
    const halfH = (Math.max(...ys) - Math.min(...ys)) / 2;
    cam.dist = Math.max(halfW, halfH * aspect, 1e-6) / fill;
    d = Math.max(...zs) + cam.dist;
  } else {
    const ty = Math.tan(CAMERA_FOVY / 2 * Math.PI / 180) * fill, tx = ty * aspect;
    d = Math.max(fitDistance(xs, zs, tx), fitDistance(ys, zs, ty), Math.max(...zs) + 1e-3);
    dx = centreOffset(xs, zs, d), dy = centreOffset(ys, zs, d);
    cam.dist = d;
  }
  for (let i = 0; i < 3; i++) {
    cam.mat[12 + i] = c[i] + axes[0][i] * dx + axes[1][i] * dy + axes[2][i] * d;
  }
}

/** Smallest eye distance at which some lateral shift puts every corner within ±s·depth. */
function fitDistance(xs: number[], zs: number[], s: number): number {
  let d = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < xs.length; j++) {
      d = Math.max(d, (xs[i] - xs[j]) / (2 * s) + (zs[i] + zs[j]) / 2);
    }
  }
  return d;
}

/** Lateral shift at distance d that centres the perspective projections of the corners. */
function centreOffset(xs: number[], zs: number[], d: number): number {
  // max + min of (x − shift) / depth decreases with the shift: bisect for zero.
  const spread = (shift: number) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      const p = (xs[i] - shift) / (d - zs[i]);
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    return lo + hi;
  };
  let a = Math.min(...xs), b = Math.max(...xs);
  for (let k = 0; k < 60; k++) {
    const m = (a + b) / 2;
    if (spread(m) > 0) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
