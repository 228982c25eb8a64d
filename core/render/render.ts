/**
 * The CPU renderer behind PNG export (spec §6). By default a rasteriser draws the culled-cube
 * mesh with a depth buffer, Goxel's per-face ambient occlusion and a shadow map; quality
 * "path" casts a ray per sample instead. Both reproduce Goxel's off-screen render — 2×2
 * super-sampling with truncating averages, GGX light of the default material, the grey
 * gradient or a flat/transparent background — and frame the model the same way.
 */
import { boxFromAabb } from "../box.ts";
import { applyPreset, CAMERA_PRESETS, frameBox, newCamera } from "../camera.ts";
import type { Rgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { type Image, type Light, mergedVisibleVolume } from "../image.ts";
import { fromValues } from "../mat4.ts";
import type { Volume } from "../volume.ts";
import { rasterRanges } from "./raster.ts";
import { type RangeClaims, rangesInOrder } from "./range_claims.ts";
import { buildRasterScene } from "./raster_scene.ts";
import { type PlainTile, type RayScene } from "./raycast.ts";
import { SceneCache } from "./scene_cache.ts";
import { renderLight } from "./render_light.ts";
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
  /** "raster" (default): depth-buffered faces and a shadow map; "path": one ray per sample. */
  quality?: RenderQuality;
}

/** The two renderers. */
export type RenderQuality = "raster" | "path";

/** Names of the renderers, the default first. */
export const RENDER_QUALITIES: readonly RenderQuality[] = ["raster", "path"];

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

/** Renders a volume with a camera (null: the isometric view) and light, framing the model. */
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
 * isometric view) and light; only plain data goes in and out.
 */
export function renderFromTiles(
  tiles: Iterable<PlainTile>,
  camera: PlainCamera | null,
  light: Light,
  options: RenderOptions,
): RenderResult {
  const rgba = renderRows(tiles, camera, light, options, 0, options.height);
  return { width: options.width, height: options.height, rgba };
}

/**
 * Renders pixel rows [y0, y1) of the picture renderFromTiles would make (so bands can be
 * rendered in parallel and stacked); returns their RGBA bytes.
 */
export function renderRows(
  tiles: Iterable<PlainTile>,
  camera: PlainCamera | null,
  light: Light,
  options: RenderOptions,
  y0: number,
  y1: number,
): Uint8Array {
  return renderRanges(tiles, camera, light, options, [[y0, y1]])[0];
}

/**
 * Renders the pixel rows of each range [y0, y1) of the picture renderFromTiles would make,
 * building the scene once; returns their RGBA bytes, one array per range. With `kept`, what
 * depends on the voxels alone comes from (and stays in) the cache when the tiles are the content
 * named `content`, and with the tiles' numbers (Volume.tileDataId, same order) a changed content
 * meshes only changed tiles again (see SceneCache).
 */
export function renderRanges(
  tiles: Iterable<PlainTile>,
  camera: PlainCamera | null,
  light: Light,
  options: RenderOptions,
  ranges: readonly (readonly [number, number])[],
  kept: KeptScene | null = null,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const claims = rangesInOrder(ranges);
  renderEachRange(tiles, camera, light, options, claims, kept, false, (rgba) => out.push(rgba));
  return out;
}

/** What a render keeps for the next (see renderRanges). */
export interface KeptScene {
  cache: SceneCache;
  content: string;
  numbers?: ArrayLike<number>;
}

/**
 * Renders like renderRanges the ranges it takes from `claims` (which other threads may share),
 * handing each range's RGBA bytes and index to `visit` as it is done. With `passing` (and
 * `kept`) the bytes sit in one array of the cache's that the next range overwrites: read them
 * in `visit` (a worker PNG-encodes them there, allocating nothing).
 */
export function renderEachRange(
  tiles: Iterable<PlainTile>,
  camera: PlainCamera | null,
  light: Light,
  options: RenderOptions,
  claims: RangeClaims,
  kept: KeptScene | null,
  passing: boolean,
  visit: (rgba: Uint8Array, index: number) => void,
): void {
  validateRenderOptions(options);
  for (const [y0, y1] of claims.ranges) {
    if (
      !(Number.isInteger(y0) && Number.isInteger(y1) && 0 <= y0 && y0 <= y1 &&
        y1 <= options.height)
    ) {
      throw new RangeError(`Rows ${y0}..${y1} are outside the picture's ${options.height} rows`);
    }
  }
  const list = [...tiles];
  const cache = kept?.cache ?? new SceneCache(), content = kept?.content ?? null;
  // The rasteriser only looks voxels up: it needs no empty-space distances.
  const scene = cache.rayScene(content, list, options.quality === "path", kept?.numbers);
  const { width, height } = options;
  const cam = resolveCamera(scene, camera, options.camera, width / height);
  const sub = options.supersample === false ? 1 : 2;
  const back = backgroundRows(height * sub, options.background);
  const lit = renderLight(light);
  if (options.quality === "path") {
    const grid = { width, height, sub, back };
    for (let k = claims.take(); k >= 0; k = claims.take()) {
      const [y0, y1] = claims.ranges[k];
      visit(traceRows(scene, cam, lit, grid, y0, y1), k);
    }
    return;
  }
  const grid = { width: width * sub, height: height * sub };
  // Working arrays come from the cache too when it is kept (a worker's).
  const scratch = kept ? cache.scratch : null;
  const mesh = cache.mesh(content, list, kept?.numbers);
  const raster = buildRasterScene(scene, mesh, cam, lit, grid, scratch);
  const rows = passing ? scratch : null;
  rasterRanges(raster, { width, height, sub, background: back }, claims, visit, scratch, rows);
}

/** Traces rows [y0, y1) with one ray per sample. */
function traceRows(
  scene: RayScene,
  cam: PlainCamera,
  light: Light,
  grid: { width: number; height: number; sub: number; back: Uint8Array },
  y0: number,
  y1: number,
): Uint8Array {
  const { width, height, sub, back } = grid;
  const tracer = new SampleTracer(scene, cam, light, width / height);
  const rgba = new Uint8Array(width * (y1 - y0) * 4);
  const px = new Uint8Array(4), sw = width * sub, sh = height * sub, n = sub * sub;
  for (let j = y0; j < y1; j++) {
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
      const o = ((j - y0) * width + i) * 4;
      rgba[o] = r / n, rgba[o + 1] = g / n, rgba[o + 2] = b / n, rgba[o + 3] = a / n;
    }
  }
  return rgba;
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
  if (options.quality !== undefined && !RENDER_QUALITIES.includes(options.quality)) {
    throw new InvalidInputError(
      `Cannot render: unknown quality "${options.quality}" (known: ${RENDER_QUALITIES.join(", ")})`,
    );
  }
  if (options.camera !== undefined && !Object.hasOwn(CAMERA_PRESETS, options.camera)) {
    const names = Object.keys(CAMERA_PRESETS).join(", ");
    throw new InvalidInputError(
      `Cannot render: unknown camera preset "${options.camera}" (known: ${names})`,
    );
  }
}

/**
 * Picks the render camera and frames the model in it: a preset's orientation, else the given
 * camera's when it is usable (finite, orthonormal axes), else the isometric view; the
 * projection (perspective or orthographic) comes from the given camera.
 */
export function resolveCamera(
  scene: RayScene,
  camera: PlainCamera | null,
  preset: string | undefined,
  aspect: number,
): PlainCamera {
  const box = scene.bbox ? boxFromAabb(scene.bbox) : null;
  const cam = newCamera("render");
  const usable = camera !== null && isUsableCamera(camera);
  if (usable) cam.ortho = camera.ortho;
  if (preset !== undefined) applyPreset(cam, preset, box);
  else if (usable) cam.mat = fromValues(camera.mat);
  else applyPreset(cam, "isometric", box);
  frameBox(cam, box, aspect);
  return cam;
}

/** Returns true when the camera matrix is 16 finite numbers with orthonormal axes. */
export function isUsableCamera(camera: PlainCamera): boolean {
  const m = camera.mat;
  if (m.length !== 16 || !Array.from(m).every(Number.isFinite)) return false;
  const dot = (a: number, b: number) => m[a] * m[b] + m[a + 1] * m[b + 1] + m[a + 2] * m[b + 2];
  const near = (v: number, want: number) => Math.abs(v - want) < 1e-3;
  return near(dot(0, 0), 1) && near(dot(4, 4), 1) && near(dot(8, 8), 1) && near(dot(0, 4), 0) &&
    near(dot(0, 8), 0) && near(dot(4, 8), 0);
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
