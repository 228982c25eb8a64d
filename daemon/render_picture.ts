/**
 * Renders pictures on the worker pool: the rows are shared among the workers (for pictures big
 * enough that rows outweigh each worker's set-up), each rendering and PNG-encoding its slices
 * from the same plain snapshot; the parts are joined and the file written atomically.
 */
import { InvalidInputError } from "../core/errors.ts";
import { type Image, mergedVisibleName, mergedVisibleVolume } from "../core/image.ts";
import { volumeBuffers, volumeToPlain } from "../core/plain_image.ts";
import { assemblePngParts, type PngPart } from "../core/formats/png.ts";
import {
  type PlainCamera,
  type RenderOptions,
  validateRenderOptions,
} from "../core/render/render.ts";
import { renderPathError } from "../protocol/render_path.ts";
import type { DaemonContext } from "./context.ts";
import type { RenderedRange } from "./worker_jobs.ts";
import { resolvePath, writeEncodedFiles } from "./files.ts";

/** Throws InvalidInputError unless the path names a .png file (renders are PNG only). */
export function checkPngPath(path: string): void {
  const why = renderPathError(path);
  if (why) throw new InvalidInputError(why);
}

/**
 * The plain data a render job needs: the merged visible tiles packed in one array, the camera
 * and the light. One band's copy is moved to its worker (a structured clone of a few hundred
 * tile arrays took 2–8 ms in Bun, moving one packed copy 0.1–0.5 ms); several bands share one
 * copy in a SharedArrayBuffer, which the next render of the same voxels shares again.
 */
function renderInput(image: Image, bands: number) {
  const content = mergedVisibleName(image);
  const { volume, numbers } = bands > 1
    ? sharedVoxels.get(content, () => plainVoxels(image, true))
    : plainVoxels(image, false);
  const cam = image.activeCamera ?? image.cameras[0] ?? null;
  const camera: PlainCamera | null = cam
    ? { mat: Array.from(cam.mat), dist: cam.dist, ortho: cam.ortho }
    : null;
  const transfer = bands > 1 ? [] : volumeBuffers(volume);
  // Workers keep what they built from these voxels for the next render of them (SceneCache),
  // and their mesh tile by tile for the next render of other voxels (TileMeshes).
  return { input: { volume, camera, light: { ...image.light }, content, numbers }, transfer };
}

/** Packed voxels and each tile's number, in the same order. */
type PackedVoxels = ReturnType<typeof plainVoxels>;

/** The merged visible tiles of an image, packed, with each tile's number (see TileMeshes). */
function plainVoxels(image: Image, shared: boolean) {
  const merged = mergedVisibleVolume(image);
  const volume = volumeToPlain(merged, shared);
  const numbers = new Float64Array(volume.origins.length / 3);
  for (let i = 0; i < numbers.length; i++) {
    const o = volume.origins;
    numbers[i] = merged.tileDataId(o[i * 3], o[i * 3 + 1], o[i * 3 + 2]) ?? 0;
  }
  return { volume, numbers };
}

/**
 * The shared copy of the voxels rendered last, kept for the next render of the same voxels
 * (workers only read it). Packing monu9 anew each time allocated 4 MB a render, and the main
 * thread's collector then paused it for 1–8 ms every few renders. Kept while at most 16 MB and
 * for at most 10 s without a render, so an idle daemon holds none of it.
 */
class KeptVoxels {
  #content: string | null = null;
  #value: PackedVoxels | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** Returns the copy of `content`: the kept one, else a new one from `make`. */
  get(content: string, make: () => PackedVoxels): PackedVoxels {
    let value = this.#content === content ? this.#value : null;
    if (!value) {
      value = make();
      const keep = value.volume.voxels.byteLength <= KEPT_VOXEL_BYTES;
      this.#content = keep ? content : null;
      this.#value = keep ? value : null;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.#value = this.#content = null), KEPT_VOXELS_MS);
    (this.#timer as { unref?: () => void }).unref?.();
    return value;
  }
}

const KEPT_VOXEL_BYTES = 16 << 20;
const KEPT_VOXELS_MS = 10_000;
const sharedVoxels = new KeptVoxels();

/**
 * Rows per slice when a picture is shared between workers. Each worker takes the next slice
 * left when it finishes one (a counter in shared memory), so a worker that starts late (the
 * other was already running, or the thread woke up late: 0.5–5 ms of a 10 ms render seen at
 * 512²) or meets the busier part of the model takes fewer slices instead of holding up the
 * picture; dealing every n-th slice out in advance left one worker 1–3 ms behind the other.
 */
export const SLICE_ROWS = 64;

/** Returns a picture's row ranges: the whole picture for one band, else slices. */
export function sliceRanges(height: number, bands: number): [number, number][] {
  if (bands <= 1) return [[0, height]];
  const out: [number, number][] = [];
  for (let y = 0; y < height; y += SLICE_ROWS) out.push([y, Math.min(height, y + SLICE_ROWS)]);
  return out;
}

/** Runs one job per band, sharing the slices; returns each slice's result, top to bottom. */
async function renderBands<T>(
  ctx: Pick<DaemonContext, "workers">,
  image: Image,
  options: RenderOptions,
  kind: "render_rows" | "render_png_parts",
  signal?: AbortSignal,
): Promise<{ range: [number, number]; result: T }[]> {
  validateRenderOptions(options);
  const wanted = bandCount(options, ctx.workers.size);
  const ranges = sliceRanges(options.height, wanted);
  // One job per band, never more than there are slices.
  const bands = Math.min(wanted, ranges.length);
  const claims = bands > 1 ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  const { input, transfer } = renderInput(image, bands);
  const job = { kind, ...input, options, ranges, claims };
  // A job that starts after the others took every slice returns at once, empty.
  const results = await Promise.all(
    Array.from({ length: bands }, () => ctx.workers.run(job, { transfer, signal })),
  ) as unknown as RenderedRange<T>[][];
  const done: (T | undefined)[] = new Array(ranges.length);
  for (const list of results) for (const r of list) done[r.index] = r;
  return ranges.map((range, i) => {
    const result = done[i];
    if (result === undefined) throw new Error(`Rows ${range[0]}..${range[1]} were not rendered`);
    return { range, result };
  });
}

/** Renders the image's visible layers into RGBA bytes, the rows shared among the pool. */
export async function renderPicture(
  ctx: Pick<DaemonContext, "workers">,
  image: Image,
  options: RenderOptions,
): Promise<Uint8Array> {
  const rgba = new Uint8Array(options.width * options.height * 4);
  const rows = await renderBands<{ data: Uint8Array }>(ctx, image, options, "render_rows");
  for (const { range, result } of rows) rgba.set(result.data, range[0] * options.width * 4);
  return rgba;
}

/**
 * Pixels per band at least: a band builds its own scene, so smaller pictures stay in one
 * piece. Measured through the daemon on two cores (monu9, interleaved medians): the ray
 * tracer's set-up is small beside its tracing, and 512² on two bands took 64–69 vs 106 ms; the
 * rasteriser's (mesh, look-up grid, shadow map) was 4.5 of a 512² picture's 17 ms, and 512² on
 * two bands was no faster (24–28 vs 23–25 ms) while 1024² was (35 vs 50 ms, 2048²: 88 vs 131).
 * Since workers keep what depends on the voxels alone (SceneCache), 512² on two bands takes
 * 17.6–19.6 vs 20.2–21.4 ms (four interleaved runs of medians of 25).
 */
export const MIN_BAND_PIXELS = 256 * 256;
export const MIN_RASTER_BAND_PIXELS = 256 * 512;

/** Returns how many bands to render a picture in with `workers` workers. */
export function bandCount(
  size: { width: number; height: number; quality?: RenderOptions["quality"] },
  workers: number,
): number {
  const min = size.quality === "path" ? MIN_BAND_PIXELS : MIN_RASTER_BAND_PIXELS;
  return Math.max(1, Math.min(workers, Math.floor(size.width * size.height / min)));
}

/**
 * Renders the image to a PNG file at `path` (resolved against the workspace). Each worker
 * filters and deflates its own rows; the parts are joined into one zlib stream here. `signal`
 * (the client's connection) cancels the render when the client leaves.
 */
export async function renderPngFile(
  ctx: Pick<DaemonContext, "workers" | "workspace">,
  image: Image,
  path: string,
  options: RenderOptions,
  signal?: AbortSignal,
): Promise<{ path: string; data: Uint8Array }> {
  const full = resolvePath(ctx.workspace, path);
  checkPngPath(full);
  const parts = await renderBands<PngPart>(ctx, image, options, "render_png_parts", signal);
  const data = assemblePngParts(options.width, options.height, parts.map((p) => p.result));
  // A render can be made again: atomic, but not worth an fsync (which a busy disk makes slow).
  await writeEncodedFiles(full, [{ suffix: "", data }], { durable: false });
  return { path: full, data };
}
