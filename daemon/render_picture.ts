/**
 * Renders pictures on the worker pool: the rows are split in bands (one per worker, for
 * pictures big enough that rows outweigh the per-band set-up), each band rendered by a worker
 * from the same plain snapshot, stacked, PNG-encoded on a worker and written atomically.
 */
import { InvalidInputError } from "../core/errors.ts";
import { type Image, mergedVisibleVolume } from "../core/image.ts";
import { volumeBuffers, volumeToPlain } from "../core/plain_image.ts";
import {
  type PlainCamera,
  type RenderOptions,
  rowBands,
  validateRenderOptions,
} from "../core/render/render.ts";
import type { DaemonContext } from "./context.ts";
import { resolvePath, writeEncodedFiles } from "./files.ts";

/**
 * Pixels per band at least: every band meshes the model and builds its shadow map again, which
 * at 512² costs about as much as drawing the rows, so smaller pictures stay in one piece.
 */
export const MIN_BAND_PIXELS = 512 * 512;

/** Throws InvalidInputError unless the path names a .png file (renders are PNG only). */
export function checkPngPath(path: string): void {
  if (!/\.png$/i.test(path)) {
    throw new InvalidInputError(
      `Cannot render to "${path}": renders are written as PNG only; give a path ending in .png`,
    );
  }
}

/**
 * The plain data a render job needs: the merged visible tiles packed in one array, the camera
 * and the light. One band's copy is moved to its worker (a structured clone of a few hundred
 * tile arrays took 2–8 ms in Bun, moving one packed copy 0.1–0.5 ms); several bands share one
 * copy in a SharedArrayBuffer.
 */
function renderInput(image: Image, bands: number) {
  const volume = volumeToPlain(mergedVisibleVolume(image), bands > 1);
  const cam = image.activeCamera ?? image.cameras[0] ?? null;
  const camera: PlainCamera | null = cam
    ? { mat: Array.from(cam.mat), dist: cam.dist, ortho: cam.ortho }
    : null;
  const transfer = bands > 1 ? [] : volumeBuffers(volume);
  return { input: { volume, camera, light: { ...image.light } }, transfer };
}

/** Renders the image's visible layers into RGBA bytes, row bands spread over the pool. */
export async function renderPicture(
  ctx: Pick<DaemonContext, "workers">,
  image: Image,
  options: RenderOptions,
): Promise<Uint8Array> {
  validateRenderOptions(options);
  const bands = rowBands(options.height, bandCount(options, ctx.workers.size));
  const { input, transfer } = renderInput(image, bands.length);
  const parts = await Promise.all(
    bands.map((rows) =>
      ctx.workers.run({ kind: "render_rows", ...input, options, rows }, { transfer })
    ),
  );
  const rgba = new Uint8Array(options.width * options.height * 4);
  let offset = 0;
  for (const part of parts as Uint8Array[]) {
    rgba.set(part, offset);
    offset += part.length;
  }
  return rgba;
}

/**
 * The same for the rasteriser (the default quality): its per-band set-up (look-up grid, mesh,
 * shadow map) is a larger share of its much shorter drawing, and two bands on a two-core machine
 * measured slower than one up to 1024² (monu9: 54 vs 39 ms).
 */
export const MIN_RASTER_BAND_PIXELS = 2048 * 2048;

/** Returns how many bands to render a picture in with `workers` workers. */
export function bandCount(
  size: { width: number; height: number; quality?: RenderOptions["quality"] },
  workers: number,
): number {
  const min = size.quality === "path" ? MIN_BAND_PIXELS : MIN_RASTER_BAND_PIXELS;
  return Math.max(1, Math.min(workers, Math.floor(size.width * size.height / min)));
}

/** Renders the image to a PNG file at `path` (resolved against the workspace). */
export async function renderPngFile(
  ctx: Pick<DaemonContext, "workers" | "workspace">,
  image: Image,
  path: string,
  options: RenderOptions,
): Promise<{ path: string; data: Uint8Array }> {
  const full = resolvePath(ctx.workspace, path);
  checkPngPath(full);
  validateRenderOptions(options);
  const { width, height } = options;
  let data: Uint8Array;
  if (bandCount(options, ctx.workers.size) === 1) {
    // One band: the worker that renders it encodes it too (one job, only the PNG comes back).
    const { input, transfer } = renderInput(image, 1);
    data = await ctx.workers.run({ kind: "render_png", ...input, options }, {
      transfer,
    }) as Uint8Array;
  } else {
    const rgba = await renderPicture(ctx, image, options);
    data = await ctx.workers.run({ kind: "encode_png", width, height, rgba }) as Uint8Array;
  }
  await writeEncodedFiles(full, [{ suffix: "", data }]);
  return { path: full, data };
}
