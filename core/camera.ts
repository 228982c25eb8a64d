/** Goxel cameras: a camera→world matrix looking down local −Z at a target `dist` away. */
import { boxHalfSize, isNullBox } from "./box.ts";
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
