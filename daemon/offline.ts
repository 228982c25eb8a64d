/** The daemon-less file operations behind `goxel info | convert | render` (files in, files out). */
import { carriedSummary } from "../core/carried.ts";
import { parseHex } from "../core/color.ts";
import { InvalidInputError } from "../core/errors.ts";
import { CODECS, findCodec, requireCodec } from "../core/formats/mod.ts";
import type { Image } from "../core/image.ts";
import { describeImage } from "./describe.ts";
import { decodeImage } from "./worker_jobs.ts";
import { encodeBaseName, readFileBytes, withFileContext, writeEncodedFiles } from "./files.ts";
import { checkPngPath } from "./render_picture.ts";

/** Reads and decodes a file by its extension. */
export async function loadImageFile(
  path: string,
  format?: string,
): Promise<{ image: Image; format: string }> {
  const codec = requireCodec(path, "decode", format);
  try {
    return { image: decodeImage(codec, await readFileBytes(path)), format: codec.name };
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
): Promise<{ format: string; files: string[] }> {
  const codec = requireCodec(path, "encode", options.format);
  const files = codec.encode!(image, { ...options, baseName: encodeBaseName(path) });
  const written = await writeEncodedFiles(path, files).catch((err) => {
    throw withFileContext(path, codec.name, err);
  });
  return { format: codec.name, files: written };
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
  async info(path: string): Promise<Record<string, unknown>> {
    const { image, format } = await loadImageFile(path);
    return { path, format, ...describeImage(image), carried: carriedSummary(image.carried) };
  },
  async convert(input: string, output: string, opts: { format?: string; greedy?: boolean }) {
    if (opts.format && !findCodec(opts.format, "encode")) {
      requireCodec(output, "encode", opts.format);
    }
    const { image } = await loadImageFile(input);
    return await writeImageFile(image, output, opts);
  },
  async render(
    input: string,
    output: string,
    opts: {
      width: number;
      height: number;
      camera?: string;
      background?: string;
      quality?: string;
    },
  ) {
    checkPngPath(output);
    const { image } = await loadImageFile(input);
    const background = parseBackground(opts.background);
    return await writeImageFile(image, output, { ...opts, background, format: "png" });
  },
};
