/** The daemon-less file operations behind `goxel info | convert | render` (files in, files out). */
import type { RenderFileOptions } from "../protocol/start_options.ts";
import { carriedSummary } from "../core/carried.ts";
import { parseHex } from "../core/color.ts";
import { InvalidInputError } from "../core/errors.ts";
import { CODECS, findCodec, requireCodec } from "../core/formats/mod.ts";
import type { Image } from "../core/image.ts";
import { describeLosses } from "../core/formats/round_trip.ts";
import { describeImage } from "./describe.ts";
import { decodeImage } from "./worker_jobs.ts";
import {
  encodeBaseName,
  MAX_READ_BYTES,
  readFileBytes,
  withFileContext,
  writeEncodedFiles,
} from "./files.ts";
import { checkPngPath } from "./render_picture.ts";
import { DEFAULT_MAX_TILES, DEFAULT_MAX_VOXELS, type WorkBudgetOptions } from "../core/budget.ts";

/** Offline decode budget: `--max-voxels` raises the default voxel and tile limits together. */
export function offlineLimits(maxVoxels?: number): WorkBudgetOptions {
  if (maxVoxels === undefined) return {};
  const perTile = DEFAULT_MAX_VOXELS / DEFAULT_MAX_TILES;
  return { maxVoxels, maxTiles: Math.max(DEFAULT_MAX_TILES, Math.ceil(maxVoxels / perTile)) };
}

/** Reads (a regular file only) and decodes a file by its extension, within `limits`. */
export async function loadImageFile(
  path: string,
  format?: string,
  limits: WorkBudgetOptions = {},
): Promise<{ image: Image; format: string }> {
  const codec = requireCodec(path, "decode", format);
  // The file-size cap follows the voxel budget: 16 bytes per voxel covers every format.
  const maxBytes = Math.max(MAX_READ_BYTES, (limits.maxVoxels ?? 0) * 16);
  try {
    return {
      image: decodeImage(codec, await readFileBytes(path, maxBytes), limits),
      format: codec.name,
    };
  } catch (err) {
    throw withFileContext(path, codec.name, err);
  }
}

/** Encodes an image and writes the main file plus sidecars atomically; returns the paths. */
export async function writeImageFile(
  image: Image,
  path: string,
  options: {
    format?: string;
    greedy?: boolean;
    width?: number;
    height?: number;
    camera?: string;
    background?: number;
    quality?: string;
  },
): Promise<{ format: string; files: string[]; data: Uint8Array }> {
  const codec = requireCodec(path, "encode", options.format);
  const files = codec.encode!(image, { ...options, baseName: encodeBaseName(path) });
  const written = await writeEncodedFiles(path, files).catch((err) => {
    throw withFileContext(path, codec.name, err);
  });
  return { format: codec.name, files: written, data: files[0].data };
}

/** Parses a background option: a hex colour or "transparent". */
export function parseBackground(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text.toLowerCase() === "transparent") return 0;
  const c = parseHex(text);
  if (c === null) {
    throw new InvalidInputError(
      `Invalid background colour "${text}": use #rrggbb, #rrggbbaa or transparent`,
    );
  }
  return c;
}

/** The offline operations handed to the CLI by main.ts. */
export const offlineOps = {
  formats(): { read: string[]; write: string[] } {
    return {
      read: CODECS.filter((c) => c.decode).map((c) => c.name),
      write: CODECS.filter((c) => c.encode).map((c) => c.name),
    };
  },
  isFormat(name: string, direction: "read" | "write"): boolean {
    return findCodec(name, direction === "read" ? "decode" : "encode") !== undefined;
  },
  async info(path: string, opts: { maxVoxels?: number } = {}): Promise<Record<string, unknown>> {
    const { image, format } = await loadImageFile(path, undefined, offlineLimits(opts.maxVoxels));
    return { path, format, ...describeImage(image), carried: carriedSummary(image.carried) };
  },
  async convert(
    input: string,
    output: string,
    opts: { format?: string; greedy?: boolean; maxVoxels?: number },
  ) {
    const { maxVoxels, ...encode } = opts;
    if (encode.format && !findCodec(encode.format, "encode")) {
      requireCodec(output, "encode", encode.format);
    }
    const { image } = await loadImageFile(input, undefined, offlineLimits(maxVoxels));
    const { data, ...written } = await writeImageFile(image, output, encode);
    // What the written file lacks, decoded as the daemon's save checks it (not for meshes).
    const codec = findCodec(written.format, "decode");
    if (!codec?.decode || written.format === "obj") return { ...written, losses: [] };
    return { ...written, losses: describeLosses(image, decodeImage(codec, data)) };
  },
  async render(
    input: string,
    output: string,
    opts: RenderFileOptions,
  ) {
    checkPngPath(output);
    const { maxVoxels, ...render } = opts;
    const { image } = await loadImageFile(input, undefined, offlineLimits(maxVoxels));
    const background = parseBackground(render.background);
    return await writeImageFile(image, output, { ...render, background, format: "png" });
  },
};
