/**
 * The CPU renderer behind PNG export (spec §6): a ray caster over the merged visible volume
 * that reproduces Goxel's off-screen render — 2×2 super-sampling with truncating averages,
 * GGX light, shadows, ambient occlusion and the grey gradient or a flat/transparent background.
 */
import { boxFromAabb } from "../box.ts";
import { applyPreset, CAMERA_PRESETS, fitBox, newCamera } from "../camera.ts";
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { type Image, type Light, mergedVisibleVolume } from "../image.ts";
import { fromValues } from "../mat4.ts";
import type { Volume } from "../volume.ts";
import { buildRayScene, type PlainTile, type RayScene } from "./raycast.ts";
import { type PlainCamera, SampleTracer } from "./sample_tracer.ts";

export type { PlainCamera };

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
  if (camera && (camera.mat.length !== 16 || !Array.from(camera.mat).every(Number.isFinite))) {
    throw new InvalidInputError("Cannot render: the camera matrix is not 16 finite numbers");
  }
  if (camera?.ortho && !(camera.dist > 0 && Number.isFinite(camera.dist))) {
    throw new InvalidInputError(
      `Cannot render: the orthographic camera's size ${camera.dist} is not positive`,
    );
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
