/**
 * The CPU renderer behind PNG export (spec §6): a ray caster over the merged visible volume
 * that reproduces Goxel's off-screen render — 2×2 super-sampling with truncating averages,
 * GGX light, shadows, ambient occlusion and the grey gradient or a flat/transparent background.
 */
import { boxFromAabb } from "../box.ts";
import { applyPreset, CAMERA_FOVY, CAMERA_PRESETS, fitBox, newCamera } from "../camera.ts";
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { type Image, type Light, mergedVisibleVolume } from "../image.ts";
import { fromValues, type Mat4 } from "../mat4.ts";
import type { Volume } from "../volume.ts";
import { buildRayScene, type PlainTile, RayCaster, type RayScene } from "./raycast.ts";
import {
  FACE_AXIS,
  FACE_SIGN,
  lightDirection,
  occlusionAt,
  occlusionMask,
  Shader,
} from "./shade.ts";

/** What to render and how big. */
export interface RenderOptions {
  /** Output width in pixels, an integer 1..4096. */
  width: number;
  /** Output height in pixels, an integer 1..4096. */
  height: number;
  /** Camera preset name (front, back, left, right, top, bottom, isometric) fitted to the model. */
  camera?: string;
  /** Flat background colour; null or alpha 0 means transparent; default Goxel's grey gradient. */
  background?: Rgba | null;
  /** Render 2×2 samples per pixel like Goxel (default true). */
  supersample?: boolean;
}

/** A rendered picture: top-down rows of straight RGBA bytes. */
export interface RenderResult {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A camera as plain data: camera→world matrix (column-major, 16 numbers), distance, ortho. */
export interface PlainCamera {
  mat: ArrayLike<number>;
  dist: number;
  ortho: boolean;
}

/** Largest width or height accepted. */
export const MAX_RENDER_SIZE = 4096;

/** Goxel's `back_color` grey and the ±0.2 spread of its background gradient. */
const BACK_GREY = 70 / 255;

/** Renders an image's merged visible layers with its light and active camera (or a preset). */
export function renderImage(image: Image, options: RenderOptions): RenderResult {
  validateRenderOptions(options);
  const camera = image.activeCamera ?? image.cameras[0] ?? null;
  return renderVolume(mergedVisibleVolume(image), camera, image.light, options);
}

/** Renders a volume with a camera (null: Goxel's default pose fitted to the model) and light. */
export function renderVolume(
  volume: Volume,
  camera: PlainCamera | null,
  light: Light,
  options: RenderOptions,
): RenderResult {
  const tiles: PlainTile[] = [];
  for (const [x, y, z, voxels] of volume.tiles()) tiles.push({ origin: [x, y, z], voxels });
  return renderFromTiles(tiles, camera, light, options);
}

/**
 * Renders plain tiles (what a worker receives after a transfer) with a camera (null: the
 * default pose fitted to the model) and light; only plain data goes in and out.
 */
export function renderFromTiles(
  tiles: Iterable<PlainTile>,
  camera: PlainCamera | null,
  light: Light,
  options: RenderOptions,
): RenderResult {
  validateRenderOptions(options);
  const scene = buildRayScene(tiles);
  const cam = resolveCamera(scene, camera, options.camera);
  const { width, height } = options;
  const sub = options.supersample === false ? 1 : 2;
  const tracer = new SampleTracer(scene, cam, light, width / height);
  const back = backgroundRows(height * sub, options.background);
  const rgba = new Uint8Array(width * height * 4);
  const px = new Uint8Array(4), sw = width * sub, sh = height * sub, n = sub * sub;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = j * sub; sy < j * sub + sub; sy++) {
        const ny = 1 - 2 * (sy + 0.5) / sh;
        for (let sx = i * sub; sx < i * sub + sub; sx++) {
          if (tracer.sample(2 * (sx + 0.5) / sw - 1, ny, px)) {
            r += px[0], g += px[1], b += px[2], a += 255;
          } else {
            r += back[sy * 4], g += back[sy * 4 + 1], b += back[sy * 4 + 2], a += back[sy * 4 + 3];
          }
        }
      }
      const o = (j * width + i) * 4;
      rgba[o] = r / n, rgba[o + 1] = g / n, rgba[o + 2] = b / n, rgba[o + 3] = a / n;
    }
  }
  return { width, height, rgba };
}

/** Throws InvalidInputError unless width/height are integers 1..4096 and the preset exists. */
export function validateRenderOptions(options: RenderOptions): void {
  for (const key of ["width", "height"] as const) {
    const v = options[key];
    if (!Number.isInteger(v) || v < 1 || v > MAX_RENDER_SIZE) {
      throw new InvalidInputError(
        `Cannot render: ${key} must be an integer from 1 to ${MAX_RENDER_SIZE}, got ${v}`,
      );
    }
  }
  if (options.camera !== undefined && !Object.hasOwn(CAMERA_PRESETS, options.camera)) {
    const names = Object.keys(CAMERA_PRESETS).join(", ");
    throw new InvalidInputError(
      `Cannot render: unknown camera preset "${options.camera}" (known: ${names})`,
    );
  }
}

/**
 * Picks the render camera: a preset applied to a copy of the camera (or a new one) and fitted
 * to the model, the given camera as-is, or the default pose fitted to the model.
 */
export function resolveCamera(
  scene: RayScene,
  camera: PlainCamera | null,
  preset: string | undefined,
): PlainCamera {
  if (camera && camera.mat.length !== 16) {
    throw new RangeError(`Camera matrix has ${camera.mat.length} numbers instead of 16`);
  }
  if (camera && preset === undefined) return camera;
  const box = scene.bbox ? boxFromAabb(scene.bbox) : null;
  const cam = newCamera("render");
  if (camera) {
    cam.mat = fromValues(camera.mat);
    cam.dist = camera.dist;
    cam.ortho = camera.ortho;
  }
  if (preset !== undefined) applyPreset(cam, preset, box);
  else fitBox(cam, box);
  return cam;
}

/** Returns one RGBA background value per sample row (top-down). */
function backgroundRows(rows: number, background: Rgba | null | undefined): Uint8Array {
  const out = new Uint8Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    if (background === undefined) {
      // Goxel's gradient: back + 0.2 at the bottom edge, back − 0.2 at the top, no gamma.
      const f = (rows - r - 0.5) / rows;
      const v = Math.round(((BACK_GREY + 0.2) * (1 - f) + (BACK_GREY - 0.2) * f) * 255);
      out.set([v, v, v, 255], r * 4);
    } else if (background !== null && background >>> 24 !== 0) {
      const c = background >>> 0;
      out.set([c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24], r * 4);
    }
  }
  return out;
}

/** Turns screen positions into rays, casts them and shades what they hit. */
class SampleTracer {
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
  #last = [NaN, 0, 0, 0];
  #faceMask = 0;
  #lit = new Float64Array(3);

  constructor(scene: RayScene, cam: PlainCamera, light: Light, aspect: number) {
    const m: Mat4 = fromValues(cam.mat);
    this.#scene = scene;
    this.#caster = new RayCaster(scene);
    this.#shadow = new RayCaster(scene);
    this.#l = lightDirection(light, m);
    this.#shader = new Shader(light, this.#l as [number, number, number]);
    this.#hasShadow = light.shadow > 0;
    this.#ortho = cam.ortho;
    this.#eye = [0, 1, 2].map((a) => m[12 + a] - scene.origin[a]);
    this.#fwd = [0, 1, 2].map((a) => -m[8 + a]);
    const half = cam.ortho ? cam.dist : Math.tan(CAMERA_FOVY / 2 * Math.PI / 180);
    this.#right = [0, 1, 2].map((a) => m[a] * half * (cam.ortho ? 1 : aspect));
    this.#up = [0, 1, 2].map((a) => m[4 + a] * half / (cam.ortho ? aspect : 1));
  }

  /** Shades the sample at normalised device position (nx, ny) into out; false on a miss. */
  sample(nx: number, ny: number, out: Uint8Array): boolean {
    const e = this.#eye, f = this.#fwd, r = this.#right, up = this.#up, c = this.#caster;
    let px = e[0], py = e[1], pz = e[2], dx = f[0], dy = f[1], dz = f[2];
    const ox = r[0] * nx + up[0] * ny, oy = r[1] * nx + up[1] * ny, oz = r[2] * nx + up[2] * ny;
    if (this.#ortho) px += ox, py += oy, pz += oz;
    else dx += ox, dy += oy, dz += oz;
    if (!c.cast(px, py, pz, dx, dy, dz)) return false;
    const t = c.t, face = c.face, hx = px + dx * t, hy = py + dy * t, hz = pz + dz * t;
    const lit = this.#faceLight(c.x, c.y, c.z, face, c.color, dx, dy, dz, hx, hy, hz);
    // Face-local (u, v) run along axes (a+1)%3 and (a+2)%3 of the normal axis a.
    const axis = FACE_AXIS[face];
    const u = axis === 0 ? hy - c.y : axis === 1 ? hz - c.z : hx - c.x;
    const v = axis === 0 ? hz - c.z : axis === 1 ? hx - c.x : hy - c.y;
    const ao = occlusionAt(this.#faceMask, u < 0 ? 0 : u > 1 ? 1 : u, v < 0 ? 0 : v > 1 ? 1 : v);
    const visibility = this.#visibility(face, hx, hy, hz);
    this.#shader.finish(lit, visibility, ao, out, 0);
    out[3] = 255;
    return true;
  }

  /** Returns 1 when lit, 0.2 when the light is blocked, 0.5 when the face turns away. */
  #visibility(face: number, hx: number, hy: number, hz: number): number {
    if (!this.#hasShadow) return 1;
    if (this.#shader.faceNdotL(face) <= 0) return 0.5;
    // Start just in front of the face, in the empty voxel the face looks into.
    const off = FACE_SIGN[face] * 1e-3, axis = FACE_AXIS[face], l = this.#l;
    if (axis === 0) hx += off;
    else if (axis === 1) hy += off;
    else hz += off;
    return this.#shadow.cast(hx, hy, hz, l[0], l[1], l[2]) ? 0.2 : 1;
  }

  /**
   * Returns the lit colour of the hit face and sets #faceMask to its occlusion mask; both are
   * computed once per face and reused while samples keep hitting it (Goxel lights per vertex,
   * so light barely changes across a face).
   */
  #faceLight(
    x: number,
    y: number,
    z: number,
    face: number,
    color: number,
    dx: number,
    dy: number,
    dz: number,
    hx: number,
    hy: number,
    hz: number,
  ): Float64Array {
    const last = this.#last;
    if (last[0] !== x || last[1] !== y || last[2] !== z || last[3] !== face) {
      last[0] = x, last[1] = y, last[2] = z, last[3] = face;
      this.#faceMask = occlusionMask(this.#scene, x, y, z, face);
      const e = this.#eye;
      if (this.#ortho) this.#shader.light(color, face, -dx, -dy, -dz, this.#lit);
      else this.#shader.light(color, face, e[0] - hx, e[1] - hy, e[2] - hz, this.#lit);
    }
    return this.#lit;
  }
}
