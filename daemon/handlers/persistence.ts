/**
 * Loading, saving and exporting files. Decoding and encoding run on the worker pool over a
 * copy-on-write snapshot, so edits (and everyone else) go on while a file is written.
 */
import type { Logger } from "@logtape/logtape";
import type { Image } from "../../core/image.ts";
import {
  imageFromPlain,
  imageToPlain,
  plainBuffers,
  type PlainImage,
} from "../../core/plain_image.ts";
import type { EncodedFile, EncodeOptions } from "../../core/formats/codec.ts";
import type { DaemonContext } from "../context.ts";
import { encodeBaseName, readFileBytes, resolvePath, writeEncodedFiles } from "../files.ts";

/** The codec registry, loaded on first use so an idle daemon does not hold every codec. */
function codecs() {
  return import("../../core/formats/mod.ts");
}

/** Images up to this many tiles are encoded on the event loop (cheaper than a thread hop). */
const INLINE_TILES = 64;

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
  const bytes = await readFileBytes(full, limits.max_file_bytes);
  const plain = await ctx.workers.run(
    {
      kind: "decode",
      codec: codec.name,
      bytes,
      limits: { maxVoxels: limits.max_voxels_per_request, maxTiles: limits.max_tiles_per_request },
    },
    { signal },
  ) as PlainImage;
  return { image: imageFromPlain(plain), format: codec.name, path: full };
}

/** Encodes a snapshot and writes its files atomically; returns the written paths. */
export async function saveFile(
  ctx: DaemonContext,
  image: Image,
  path: string,
  options: EncodeOptions & { format?: string; overwriteSidecars?: boolean } = {},
): Promise<{ format: string; files: string[]; path: string; bytes: number; data: Uint8Array }> {
  const full = resolvePath(ctx.workspace, path);
  const codec = (await codecs()).requireCodec(full, "encode", options.format);
  const { overwriteSidecars, ...encode } = options;
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
    }, { transfer: plainBuffers(plain) }) as EncodedFile[];
  }
  const written = await writeEncodedFiles(full, files, { overwriteSidecars });
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  return { format: codec.name, files: written, path: full, bytes, data: files[0].data };
}

/** Saves every dirty project that has a path (on shutdown); failures are logged, not thrown. */
export async function autosaveProjects(ctx: DaemonContext, log: Logger): Promise<void> {
  for (const project of ctx.projects.list()) {
    if (!project.path || !project.isDirty) continue;
    try {
      const snapshot = project.snapshot();
      await saveFile(ctx, snapshot, project.path);
      project.markSaved(project.path, snapshot);
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
