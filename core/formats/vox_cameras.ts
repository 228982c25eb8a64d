/**
 * MagicaVoxel `rCAM` cameras as Goxel cameras named `rCAM.<id>` (added beside the image's own
 * camera, which stays active), and changed Goxel cameras written back into their `rCAM` dicts.
 *
 * Mapping (ours; MagicaVoxel documents none): `_focus` is the target, `_radius` the distance,
 * `_angle` "pitch yaw roll" in degrees with pitch measured from straight down the Z axis and
 * yaw turning about Z (pitch 45, yaw 45 is Goxel's default view); `_mode` "orth" or "iso" is
 * orthographic. Other keys (`_frustum`, `_fov`, …) are kept as they are.
 */
import type { Camera } from "../camera.ts";
import { identity } from "../mat4.ts";
import { latin1Of, pairGet, pairSet, type VoxPair, VoxWriter } from "./vox_records.ts";

const DEG = Math.PI / 180;
const EPSILON = 1e-4;

/** Reads an rCAM chunk's id and dict (null when it does not parse). */
function readRcam(content: Uint8Array): { id: number; dict: VoxPair[] } | null {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  let pos = 0;
  const i32 = () => {
    if (pos + 4 > content.length) throw new RangeError("truncated");
    return view.getInt32((pos += 4) - 4, true);
  };
  const str = () => {
    const n = i32();
    if (n < 0 || pos + n > content.length) throw new RangeError("truncated");
    return String.fromCharCode(...content.subarray(pos, pos += n));
  };
  try {
    const id = i32(), n = i32(), dict: VoxPair[] = [];
    for (let i = 0; i < n; i++) dict.push([str(), str()]);
    return pos === content.length ? { id, dict } : null;
  } catch {
    return null;
  }
}

function numbers(text: string | undefined, n: number): number[] | null {
  const v = (text ?? "").trim().split(/\s+/).map(Number);
  return v.length === n && v.every(Number.isFinite) ? v : null;
}

/** Returns the Goxel camera an rCAM chunk describes, or null when it does not parse. */
export function cameraFromRcam(content: Uint8Array): Camera | null {
  const rcam = readRcam(content);
  if (!rcam) return null;
  const focus = numbers(pairGet(rcam.dict, "_focus"), 3) ?? [0, 0, 0];
  const [p, y, r] = (numbers(pairGet(rcam.dict, "_angle"), 3) ?? [0, 0, 0]).map((a) => a * DEG);
  const dist = Number(pairGet(rcam.dict, "_radius") ?? 1) || 1;
  const mode = pairGet(rcam.dict, "_mode") ?? "pers";
  const back = [Math.sin(p) * Math.sin(y), -Math.sin(p) * Math.cos(y), Math.cos(p)];
  const x0 = [Math.cos(y), Math.sin(y), 0];
  const y0 = cross(back, x0);
  const right = x0.map((v, i) => Math.cos(r) * v + Math.sin(r) * y0[i]);
  const up = cross(back, right);
  const mat = identity();
  mat.set([...right, 0, ...up, 0, ...back, 0, ...focus.map((f, i) => f + back[i] * dist), 1]);
  return { name: `rCAM.${rcam.id}`, ortho: mode === "orth" || mode === "iso", dist, mat };
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function sameCamera(a: Camera, b: Camera): boolean {
  return a.ortho === b.ortho && Math.abs(a.dist - b.dist) <= EPSILON &&
    a.mat.every((v, i) => Math.abs(v - b.mat[i]) <= EPSILON);
}

/** Shortest text for a number, rounded to 6 decimals so float noise does not show. */
function num(v: number): string {
  return String(Math.round(v * 1e6) / 1e6 || 0);
}

/** The `_angle` of a camera (inverse of cameraFromRcam). */
function anglesOf(cam: Camera): number[] {
  const m = cam.mat, back = [m[8], m[9], m[10]], right = [m[0], m[1], m[2]];
  const p = Math.acos(Math.max(-1, Math.min(1, back[2])));
  const y = Math.abs(Math.sin(p)) > 1e-9 ? Math.atan2(back[0], -back[1]) : Math.atan2(m[1], m[0]);
  const x0 = [Math.cos(y), Math.sin(y), 0], y0 = cross(back, x0);
  const r = Math.atan2(
    right.reduce((s, v, i) => s + v * y0[i], 0),
    right.reduce((s, v, i) => s + v * x0[i], 0),
  );
  return [p, y, r].map((a) => a / DEG);
}

/**
 * Returns rCAM content for `cam` when it differs from what `content` describes (else
 * `content` itself): `_focus`, `_angle`, `_radius` and `_mode` updated, other keys kept.
 */
export function updateRcam(content: Uint8Array, cam: Camera): Uint8Array {
  const rcam = readRcam(content), before = cameraFromRcam(content);
  if (!rcam || !before || sameCamera(before, cam)) return content;
  const target = [0, 1, 2].map((i) => cam.mat[12 + i] - cam.mat[8 + i] * cam.dist);
  let dict = pairSet(rcam.dict, "_focus", target.map(num).join(" "));
  dict = pairSet(dict, "_angle", anglesOf(cam).map(num).join(" "));
  dict = pairSet(dict, "_radius", num(cam.dist));
  if (cam.ortho !== before.ortho) {
    dict = pairSet(dict, "_mode", latin1Of(cam.ortho ? "orth" : "pers"));
  }
  const w = new VoxWriter();
  w.i32(rcam.id);
  w.dict(dict);
  return w.result();
}
