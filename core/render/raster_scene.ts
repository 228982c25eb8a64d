/**
 * What the rasteriser draws: the culled-cube mesh of the volume (one quad per exposed voxel
 * face, as Goxel's renderer draws it) with, per face, Goxel's occlusion mask, its lit colour
 * (GGX light and ambient of the default material, lit once per face), its shadow state, and
 * its corners projected into the sample grid of one camera.
 */
import { CAMERA_FOVY } from "../camera.ts";
import type { Light } from "../image.ts";
import { fromValues, type Vec3 } from "../mat4.ts";
import { FACE_CORNERS } from "../mesh/cube_mesher.ts";
import { forEachFace, type TileSource } from "../mesh/faces.ts";
import { tileKey } from "../volume.ts";
import { type PlainTile, type RayScene } from "./raycast.ts";
import type { PlainCamera } from "./sample_tracer.ts";
import {
  FACE_AXIS,
  FACE_SIGN,
  faceCentreToEye,
  lightDirection,
  occlusionMask,
  Shader,
} from "./shade.ts";
import type { FaceMesh } from "./scene_cache.ts";
import { type FaceList, ShadowMap } from "./shadow_map.ts";
import { mergeFaceRects } from "./face_rects.ts";
import { type Scratch, takeArray } from "../scratch.ts";

/** Marks a face whose samples need per-sample occlusion or shadow. */
export const SLOW = 0xffffffff;
/** Marks a face not shaded yet (faces are shaded when a sample first shows them). */
export const UNSHADED = 0xfffffffe;
/** Corners of the sun test are moved this far inside the face. */
const CORNER_INSET = 0.05;

/** The camera rays of a sample grid (as in the ray tracer): eye, forward and scaled axes. */
export interface SampleRays {
  ortho: boolean;
  eye: Vec3;
  fwd: Vec3;
  right: Vec3;
  up: Vec3;
}

/** Every face of the scene, shaded and projected for one camera. */
export interface RasterScene extends FaceList {
  /** Occlusion mask per face (see occlusionMask), valid where `known` is 1. */
  masks: Uint8Array;
  known: Uint8Array;
  /** Packed sRGB (r | g << 8 | b << 16) of a flat face, else SLOW, or UNSHADED. */
  flat: Uint32Array;
  /** Lit linear colour per face (3 each), before shadow and occlusion. */
  lit: Float64Array;
  /** Shadow visibility per face (1 lit, 0.5 turned away), or −1: look up per sample. */
  visibility: Float32Array;
  /** Indices of the faces turned to the camera, with their projected corners. */
  front: Int32Array;
  /** Projected corners (4 × x, 4 × y in samples) and depth plane (a, b, c) per front face. */
  screen: Float64Array;
  shader: Shader;
  shadow: ShadowMap | null;
  /** Depth bias per face direction: the face's slope across ¾ of a shadow texel. */
  shadowBias: Float64Array;
  rays: SampleRays;
  /** What shading a face needs: the occupancy (for occlusion), colours and light. */
  source: { scene: RayScene; colors: Uint32Array; light: Light; px: Uint8Array };
}

/** Returns plain tiles as the mesher reads a volume (the voxel arrays are shared). */
export function volumeFromTiles(tiles: Iterable<PlainTile>): TileSource {
  const map = new Map<number, PlainTile>();
  for (const t of tiles) map.set(tileKey(t.origin[0], t.origin[1], t.origin[2]), t);
  return {
    *tiles() {
      for (const t of map.values()) yield [t.origin[0], t.origin[1], t.origin[2], t.voxels];
    },
    readTile: (x, y, z) => map.get(tileKey(x, y, z))?.voxels,
  };
}

/** Meshes the volume into a face list with colours. */
export function meshFaces(volume: TileSource): FaceList & { colors: Uint32Array } {
  // A first guess of 512 faces a tile (monu9 has 340) saves most regrowing.
  let tiles = 0;
  for (const _ of volume.tiles()) tiles++;
  const guess = Math.max(4096, Math.min(1 << 20, tiles * 512));
  let n = 0, voxels = new Int32Array(3 * guess), faces = new Uint8Array(guess);
  let colors = new Uint32Array(guess);
  forEachFace(volume, (f, x, y, z, color) => {
    if (n === faces.length) {
      const v = new Int32Array(voxels.length * 2), fa = new Uint8Array(n * 2);
      const c = new Uint32Array(n * 2);
      v.set(voxels), fa.set(faces), c.set(colors);
      voxels = v, faces = fa, colors = c;
    }
    voxels[n * 3] = x, voxels[n * 3 + 1] = y, voxels[n * 3 + 2] = z;
    faces[n] = f, colors[n++] = color;
  });
  return {
    count: n,
    voxels: voxels.subarray(0, n * 3),
    faces: faces.subarray(0, n),
    colors: colors.subarray(0, n),
  };
}

/** Returns the camera rays of a sw × sh sample grid (as the ray tracer builds them). */
export function sampleRays(cam: PlainCamera, aspect: number): SampleRays {
  const m = fromValues(cam.mat);
  const half = cam.ortho ? cam.dist : Math.tan(CAMERA_FOVY / 2 * Math.PI / 180);
  const axis = (o: number, k: number) => [m[o] * k, m[o + 1] * k, m[o + 2] * k] as Vec3;
  return {
    ortho: cam.ortho,
    eye: [m[12], m[13], m[14]],
    fwd: axis(8, -1),
    right: axis(0, half * (cam.ortho ? 1 : aspect)),
    up: axis(4, half / (cam.ortho ? aspect : 1)),
  };
}

/**
 * Builds the shaded, projected faces of a scene (its voxels and their mesh) for a camera, light
 * and sample grid.
 */
export function buildRasterScene(
  scene: RayScene,
  list: FaceMesh,
  cam: PlainCamera,
  light: Light,
  grid: { width: number; height: number },
  scratch: Scratch | null = null,
): RasterScene {
  const l = lightDirection(light, fromValues(cam.mat));
  const shader = new Shader(light, l);
  const ndl = [0, 1, 2, 3, 4, 5].map((f) => shader.faceNdotL(f));
  // About one shadow texel per two samples across the picture.
  const mapSize = Math.max(grid.width, grid.height) / 2;
  const shadow = light.shadow > 0 && scene.bbox
    ? new ShadowMap(list.rects ??= mergeFaceRects(list), scene.bbox, l, ndl, mapSize, scratch)
    : null;
  const rays = sampleRays(cam, grid.width / grid.height);
  const out: RasterScene = {
    ...list,
    // Written before they are read, but for `flat`.
    flat: takeArray(scratch, "flat", Uint32Array, list.count).fill(UNSHADED),
    lit: takeArray(scratch, "lit", Float64Array, list.count * 3),
    visibility: takeArray(scratch, "visibility", Float32Array, list.count),
    front: new Int32Array(0),
    screen: new Float64Array(0),
    shader,
    shadow,
    shadowBias: shadowBiases(ndl, shadow?.texel ?? 0),
    rays,
    source: { scene, colors: list.colors, light, px: new Uint8Array(3) },
  };
  projectFaces(out, grid, scratch);
  return out;
}

/**
 * Shades face f (its mask, lit colour and visibility) and returns its flat colour, or SLOW
 * when its samples need per-sample occlusion or shadow.
 */
export function shadeFace(s: RasterScene, f: number): number {
  const { scene, colors, light } = s.source, o = scene.origin, r = s.rays;
  const x = s.voxels[f * 3], y = s.voxels[f * 3 + 1], z = s.voxels[f * 3 + 2];
  const face = s.faces[f];
  // The mask depends on the voxels alone: a mesh kept for another render may have it already.
  if (!s.known[f]) {
    s.masks[f] = occlusionMask(scene, x - o[0], y - o[1], z - o[2], face);
    s.known[f] = 1;
  }
  if (r.ortho) s.shader.light(colors[f], face, -r.fwd[0], -r.fwd[1], -r.fwd[2], s.lit, f * 3);
  else {
    const [vx, vy, vz] = faceCentreToEye(r.eye, x, y, z, face);
    s.shader.light(colors[f], face, vx, vy, vz, s.lit, f * 3);
  }
  s.visibility[f] = faceVisibility(s, f, light);
  if (s.masks[f] === 0 && s.visibility[f] >= 0) {
    const px = s.source.px;
    s.shader.finish(s.lit, f * 3, s.visibility[f], 1, px);
    s.flat[f] = px[0] | px[1] << 8 | px[2] << 16;
  } else s.flat[f] = SLOW;
  return s.flat[f];
}

/** Returns 1 (lit), 0.5 (turned away) or −1 (partly shadowed: test each sample). */
function faceVisibility(s: RasterScene, f: number, light: Light): number {
  if (light.shadow <= 0 || !s.shadow) return 1;
  const face = s.faces[f];
  if (s.shader.faceNdotL(face) <= 0) return 0.5;
  const a = FACE_AXIS[face], up = FACE_SIGN[face] > 0 ? 1 : 0;
  const x = s.voxels[f * 3] + (a === 0 ? up : 0), y = s.voxels[f * 3 + 1] + (a === 1 ? up : 0);
  const z = s.voxels[f * 3 + 2] + (a === 2 ? up : 0);
  for (let k = 0; k < 4; k++) {
    const du = k & 1 ? 1 - CORNER_INSET : CORNER_INSET,
      dv = k & 2 ? 1 - CORNER_INSET : CORNER_INSET;
    // u runs along axis (a+1)%3 and v along (a+2)%3.
    const qx = x + (a === 2 ? du : a === 1 ? dv : 0), qy = y + (a === 0 ? du : a === 2 ? dv : 0);
    const qz = z + (a === 1 ? du : a === 0 ? dv : 0);
    if (isPointShadowed(s, face, qx, qy, qz)) return -1;
  }
  return 1;
}

/** Returns true when the point on a face (turned to the light) is in the shadow map's shadow. */
export function isPointShadowed(
  s: RasterScene,
  face: number,
  x: number,
  y: number,
  z: number,
): boolean {
  const map = s.shadow!, a = FACE_AXIS[face], off = FACE_SIGN[face] * NORMAL_OFFSET * map.texel;
  // A small normal offset (a large one would shift contact shadows), plus the depth bias.
  if (a === 0) x += off;
  else if (a === 1) y += off;
  else z += off;
  return map.isShadowed(x, y, z, s.shadowBias[face]);
}

/** Lookups move off their face by this many shadow texels. */
const NORMAL_OFFSET = 0.1;

/**
 * Returns the shadow depth bias per face direction: within the half-texel diagonal around a
 * lookup its own surface rises by at most that distance times its slope (tan of its angle to
 * the light, capped so grazing faces leak a little light rather than shadow themselves). At a
 * convex edge the neighbour face lies below this face's plane, so it never shadows it.
 */
function shadowBiases(ndl: readonly number[], texel: number): Float64Array {
  return Float64Array.from(
    ndl,
    (n) => n > 0 ? 0.75 * texel * Math.min(4, Math.sqrt(1 - n * n) / n) + 0.01 : 0,
  );
}

/**
 * Culls faces turned away from the camera and projects the others into the sample grid. A
 * corner's offsets from the eye along the camera axes are its voxel's plus the corner's own,
 * worked out once per face direction.
 */
function projectFaces(
  s: RasterScene,
  grid: { width: number; height: number },
  scratch: Scratch | null,
): void {
  const r = s.rays, candidates = takeArray(scratch, "candidates", Int32Array, s.count);
  let m = 0;
  for (let i = 0; i < s.count; i++) if (isTurnedToCamera(s, i)) candidates[m++] = i;
  const front = takeArray(scratch, "front", Int32Array, m);
  const screen = takeArray(scratch, "screen", Float64Array, m * 11);
  const e = r.eye, f = r.fwd, rt = r.right, up = r.up, ortho = r.ortho;
  // Sample units per camera-axis unit (at depth 1 for a perspective camera).
  const kx = grid.width / 2 / dot(rt, rt), ky = -grid.height / 2 / dot(up, up);
  // Per face direction and corner: the corner's offsets along forward, right and up.
  const deltas = new Float64Array(6 * 12);
  FACE_CORNERS.forEach((c, face) => {
    for (let k = 0; k < 4; k++) {
      const o = face * 12 + k * 3, cx = c[k * 3], cy = c[k * 3 + 1], cz = c[k * 3 + 2];
      deltas[o] = cx * f[0] + cy * f[1] + cz * f[2];
      deltas[o + 1] = (cx * rt[0] + cy * rt[1] + cz * rt[2]) * kx;
      deltas[o + 2] = (cx * up[0] + cy * up[1] + cz * up[2]) * ky;
    }
  });
  const qs = new Float64Array(4);
  let n = 0;
  for (let c = 0; c < m; c++) {
    const i = candidates[c], o = n * 11, d = s.faces[i] * 12;
    const dx = s.voxels[i * 3] - e[0], dy = s.voxels[i * 3 + 1] - e[1];
    const dz = s.voxels[i * 3 + 2] - e[2];
    const depth0 = dx * f[0] + dy * f[1] + dz * f[2];
    const x0 = (dx * rt[0] + dy * rt[1] + dz * rt[2]) * kx;
    const y0 = (dx * up[0] + dy * up[1] + dz * up[2]) * ky;
    let ok = true;
    for (let k = 0; k < 4; k++) {
      const depth = depth0 + deltas[d + k * 3];
      if (!ortho && depth < 1e-3) ok = false;
      const w = ortho ? 1 : 1 / depth;
      screen[o + k] = grid.width / 2 + (x0 + deltas[d + k * 3 + 1]) * w;
      screen[o + 4 + k] = grid.height / 2 + (y0 + deltas[d + k * 3 + 2]) * w;
      qs[k] = ortho ? -depth : w;
    }
    if (!ok || !setDepthPlane(screen, o, qs)) continue;
    front[n++] = i;
  }
  s.front = front.subarray(0, n);
  s.screen = screen.subarray(0, n * 11);
}

/** Returns true when face i is turned to the camera (back faces are culled). */
function isTurnedToCamera(s: RasterScene, i: number): boolean {
  const face = s.faces[i], a = FACE_AXIS[face], sign = FACE_SIGN[face], r = s.rays;
  if (r.ortho) return sign * -r.fwd[a] > 0;
  const plane = s.voxels[i * 3 + a] + (sign > 0 ? 1 : 0);
  return sign * (r.eye[a] - plane) > 0;
}

/**
 * Writes at screen[o + 8..10] the depth plane (a, b, c) through corners 0–2 of the quad at
 * screen[o..o+7] with depths qs; returns false when they are collinear on screen.
 */
function setDepthPlane(screen: Float64Array, o: number, qs: Float64Array): boolean {
  const x0 = screen[o], y0 = screen[o + 4];
  const x1 = screen[o + 1] - x0, y1 = screen[o + 5] - y0, q1 = qs[1] - qs[0];
  const x2 = screen[o + 2] - x0, y2 = screen[o + 6] - y0, q2 = qs[2] - qs[0];
  const det = x1 * y2 - x2 * y1;
  if (det === 0) return false;
  const a = (q1 * y2 - q2 * y1) / det, b = (x1 * q2 - x2 * q1) / det;
  screen[o + 8] = a, screen[o + 9] = b, screen[o + 10] = qs[0] - a * x0 - b * y0;
  return true;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
