/**
 * Saving a project over the file it came from without destroying anything: the image is
 * encoded, the bytes are decoded again and compared with the project; when the format cannot
 * hold something the project has, the save is refused with a message naming what would be lost
 * (the file stays untouched). Otherwise the file is replaced atomically, keeping its mode.
 * `.gox` holds everything the image model has, so it skips the check.
 */
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { ConflictError } from "../core/errors.ts";
import type { EncodedFile } from "../core/formats/codec.ts";
import type { Image } from "../core/image.ts";
import { imageFromPlain, imageToPlain, type PlainImage } from "../core/plain_image.ts";
import type { DaemonContext } from "./context.ts";
import { encodeBaseName, resolvePath, writeFileAtomic } from "./files.ts";

/** What a save wrote. */
export interface SavedFile {
  format: string;
  files: string[];
  path: string;
  bytes: number;
}

/** The mode bits of an existing file, or undefined when there is none. */
async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Returns the name a refusal suggests: the same path with `.gox`. */
function goxSuggestion(path: string): string {
  return path.slice(0, path.length - extname(path).length) + ".gox";
}

/**
 * Saves `image` over `path` (the project's own file) when the format round-trips everything
 * the image holds; throws ConflictError naming what would be lost otherwise.
 */
export async function saveInPlace(
  ctx: DaemonContext,
  image: Image,
  path: string,
  format?: string,
): Promise<SavedFile> {
  const full = resolvePath(ctx.workspace, path);
  const formats = await import("../core/formats/mod.ts");
  const codec = formats.requireCodec(full, "encode", format);
  const files = await ctx.workers.run({
    kind: "encode",
    codec: codec.name,
    image: imageToPlain(image),
    options: { baseName: encodeBaseName(full) },
  }) as EncodedFile[];
  if (codec.name !== "gox") {
    const decoder = formats.findCodec(codec.name, "decode");
    const losses = decoder
      ? (await import("../core/formats/round_trip.ts")).describeLosses(
        image,
        imageFromPlain(
          await ctx.workers.run({
            kind: "decode",
            codec: codec.name,
            bytes: files[0].data,
          }) as PlainImage,
        ),
      )
      : [`everything: Goxel cannot read ${codec.name} files back`];
    if (losses.length) {
      throw new ConflictError(
        `Cannot save "${full}" in place: the ${codec.name} format would lose ${
          losses.join("; ")
        }. Save to a .gox file instead (save_project path="${goxSuggestion(full)}")`,
      );
    }
  }
  return await writeAll(full, files, codec.name);
}

async function writeAll(full: string, files: EncodedFile[], format: string): Promise<SavedFile> {
  const stem = full.slice(0, full.length - extname(full).length);
  const written: string[] = [];
  for (const f of files) {
    const target = f.suffix ? stem + f.suffix : full;
    const mode = await existingMode(target);
    await writeFileAtomic(target, f.data, mode, mode !== undefined);
    written.push(target);
  }
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  return { format, files: written, path: full, bytes };
}
