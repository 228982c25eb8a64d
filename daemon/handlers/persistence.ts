/**
 * Loading, saving and exporting files. Decoding and encoding run on the worker pool over a
 * copy-on-write snapshot, so edits (and everyone else) go on while a file is written.
 */
import type { Logger } from "@logtape/logtape";
import { throwIfCancelled } from "../cancels.ts";
import { LimitError } from "../../core/budget.ts";
import { INLINE_EDIT_VOXELS } from "../edit_jobs.ts";
import type { Image } from "../../core/image.ts";
import {
  imageFromPlain,
  imageToPlain,
  plainBuffers,
  type PlainImage,
} from "../../core/plain_image.ts";
import type { EncodedFile, EncodeOptions } from "../../core/formats/codec.ts";
import type { DaemonContext } from "../context.ts";
import {
  encodeBaseName,
  fileStamp,
  readFileBytes,
  resolvePath,
  withFileContext,
  writeEncodedFiles,
} from "../files.ts";
import { saveInPlace } from "../save_policy.ts";

/** The codec registry, loaded on first use so an idle daemon does not hold every codec. */
function codecs() {
  return import("../../core/formats/mod.ts");
}

/** Images up to this many tiles are encoded on the event loop (cheaper than a thread hop). */
const INLINE_TILES = 64;
/** Files up to this size are decoded on the event loop (a few ms at most). */
const INLINE_DECODE_BYTES = 32 << 10;
/** Tiles a small file may decode to on the event loop before its decode moves to a worker. */
const INLINE_DECODE_TILES = 256;

/** Reads and decodes a file (worker pool); returns the image and the format name. */
export async function loadFile(
  ctx: DaemonContext,
  path: string,
  format?: string,
  signal?: AbortSignal,
): Promise<{ image: Image; format: string; path: string }> {
  const full = resolvePath(ctx.workspace, path);
  const codec = (await codecs()).requireCodec(full, "decode", format);
  const { limits } = ctx.config;
  const budget = {
    maxVoxels: limits.max_voxels_per_request,
    maxTiles: limits.max_tiles_per_request,
  };
  const bytes = await readFileBytes(full, limits.max_file_bytes).catch((err) => {
    throw withFileContext(full, codec.name, err);
  });
  // Small files decode faster here than the thread hop and the copies to and from a worker, as
  // long as what they decode to is small too: past a small budget they go to a worker.
  if (bytes.length <= INLINE_DECODE_BYTES) {
    const { decodeImage } = await import("../worker_jobs.ts");
    const inline = {
      maxVoxels: Math.min(INLINE_EDIT_VOXELS, budget.maxVoxels),
      maxTiles: Math.min(INLINE_DECODE_TILES, budget.maxTiles),
    };
    try {
      return { image: decodeImage(codec, bytes, inline), format: codec.name, path: full };
    } catch (err) {
      // Over the small budget: the worker decides with the request's own.
      const retry = err instanceof LimitError &&
        (inline.maxVoxels < budget.maxVoxels || inline.maxTiles < budget.maxTiles);
      if (!retry) throw withFileContext(full, codec.name, err);
    }
  }
  const plain = await ctx.workers.run(
    { kind: "decode", codec: codec.name, bytes, limits: budget },
    { signal },
  ).catch((err) => Promise.reject(withFileContext(full, codec.name, err))) as PlainImage;
  return { image: imageFromPlain(plain, true), format: codec.name, path: full };
}

/** Encodes a snapshot and writes its files atomically; returns the written paths. */
export async function saveFile(
  ctx: DaemonContext,
  image: Image,
  path: string,
  options: EncodeOptions & {
    format?: string;
    overwriteSidecars?: boolean;
    /** Cancels the encode, and the write if it has not begun (goxel.cancel_request). */
    signal?: AbortSignal;
  } = {},
): Promise<{ format: string; files: string[]; path: string; bytes: number; data: Uint8Array }> {
  const full = resolvePath(ctx.workspace, path);
  const codec = (await codecs()).requireCodec(full, "encode", options.format);
  const { overwriteSidecars, signal, ...encode } = options;
  const opts = { ...encode, baseName: encodeBaseName(full) };
  const tiles = image.layers.reduce((n, l) => n + l.volume.tileCount, 0);
  let files: EncodedFile[];
  if (tiles <= INLINE_TILES && codec.name !== "png") files = codec.encode!(image, opts);
  else {
    const plain = imageToPlain(image);
    files = await ctx.workers.run({
      kind: "encode",
      codec: codec.name,
      image: plain,
      options: opts,
    }, { transfer: plainBuffers(plain), signal }) as EncodedFile[];
  }
  throwIfCancelled(signal);
  const written = await writeEncodedFiles(full, files, { overwriteSidecars }).catch((err) => {
    throw withFileContext(full, codec.name, err);
  });
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  return { format: codec.name, files: written, path: full, bytes, data: files[0].data };
}

/** Saves every dirty project that has a path (on shutdown); failures are logged, not thrown. */
export async function autosaveProjects(ctx: DaemonContext, log: Logger): Promise<void> {
  for (const project of ctx.projects.list()) {
    if (!project.path || !project.isDirty) continue;
    try {
      const snapshot = project.snapshot();
      await saveInPlace(ctx, snapshot, project.path, undefined, undefined, {
        stamp: project.fileStamp,
      });
      project.markSaved(project.path, snapshot, project.seq, await fileStamp(project.path));
      log.info("Autosaved {project} to {path}", { project: project.id, path: project.path });
    } catch (err) {
      log.error("Autosave of {project} to {path} failed: {message}", {
        project: project.id,
        path: project.path,
        message: (err as Error).message,
      });
    }
  }
}
