/**
 * Saving a project over the file it came from without destroying anything: the image is
 * encoded, the bytes are decoded again and compared with the project; when the format cannot
 * hold something the project has, the save is refused with a message naming what would be lost
 * (the file stays untouched). Otherwise the file is replaced atomically, keeping its mode.
 * `.gox` holds everything the image model has, so it skips the check.
 */
import { open, stat } from "node:fs/promises";
import { throwIfCancelled } from "./cancels.ts";
import { extname } from "node:path";
import { ConflictError } from "../core/errors.ts";
import type { EncodedFile } from "../core/formats/codec.ts";
import type { Image } from "../core/image.ts";
import {
  imageFromPlain,
  imageToPlain,
  plainBuffers,
  type PlainImage,
} from "../core/plain_image.ts";
import type { DaemonContext } from "./context.ts";
import {
  encodeBaseName,
  type FileStamp,
  fileStamp,
  resolvePath,
  sameStamp,
  writeFileAtomic,
} from "./files.ts";

/** Images up to this many tiles are encoded and checked on the event loop. */
const INLINE_TILES = 64;

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
 * the image holds; throws ConflictError naming what would be lost otherwise. With `stamp` (what
 * the file was when the project loaded or saved it), a file changed since by someone else is
 * not replaced unless `force`.
 */
export async function saveInPlace(
  ctx: DaemonContext,
  image: Image,
  path: string,
  format?: string,
  signal?: AbortSignal,
  guard: { stamp: FileStamp | null; force?: boolean } = { stamp: null },
): Promise<SavedFile> {
  const full = resolvePath(ctx.workspace, path);
  await checkUnchanged(full, guard.stamp, guard.force);
  const formats = await import("../core/formats/mod.ts");
  const codec = formats.requireCodec(full, "encode", format);
  const options = { baseName: encodeBaseName(full) };
  const tiles = image.layers.reduce((n, l) => n + l.volume.tileCount, 0);
  // Small images are encoded and checked here: cheaper than a thread hop (as saveFile does).
  const small = tiles <= INLINE_TILES;
  const plain = small ? null : imageToPlain(image);
  const files = plain
    ? await ctx.workers.run(
      { kind: "encode", codec: codec.name, image: plain, options },
      { transfer: plainBuffers(plain), signal },
    ) as EncodedFile[]
    : codec.encode!(image, options);
  if (codec.name === "vox" && await isSlab6Vox(full)) {
    throw new ConflictError(
      `Cannot save "${full}" in place: it is an old Slab6 .vox, and the vox format writes ` +
        `MagicaVoxel files, which Slab6 cannot read. Save to another path (save_project ` +
        `path="${goxSuggestion(full)}")`,
    );
  }
  if (codec.name !== "gox") {
    const losses = await findLosses(ctx, image, codec.name, files[0].data, small);
    if (losses.length) {
      throw new ConflictError(
        `Cannot save "${full}" in place: the ${codec.name} format would lose ${
          losses.join("; ")
        }. Save to a .gox file instead (save_project path="${goxSuggestion(full)}")`,
      );
    }
  }
  throwIfCancelled(signal);
  return await writeAll(full, files, codec.name);
}

/** True when the file at `path` is a headerless Slab6 .vox (no "VOX " magic). */
async function isSlab6Vox(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch {
    return false; // gone: nothing to turn into another format
  }
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead > 0 && new TextDecoder().decode(head.subarray(0, bytesRead)) !== "VOX ";
  } finally {
    await fh.close();
  }
}

/**
 * Refuses to replace the project's own file when another program changed it since the project
 * loaded or saved it (`stamp`: what it was then; null: unknown), unless `force`.
 */
export async function checkUnchanged(
  full: string,
  stamp: FileStamp | null,
  force = false,
): Promise<void> {
  if (!stamp || force) return;
  const now = await fileStamp(full);
  if (now && !sameStamp(now, stamp)) {
    throw new ConflictError(
      `Cannot save "${full}": the file changed on disk since the project loaded or saved it ` +
        "(another program wrote it). Save to another path, load it again, or pass force=true " +
        "to replace it",
    );
  }
}

/** Decodes what would be written and lists what the project would lose. */
export async function findLosses(
  ctx: DaemonContext,
  image: Image,
  format: string,
  bytes: Uint8Array,
  inline = image.layers.reduce((n, l) => n + l.volume.tileCount, 0) <= INLINE_TILES,
): Promise<string[]> {
  const formats = await import("../core/formats/mod.ts");
  const decoder = formats.findCodec(format, "decode");
  if (!decoder) return [`everything: ${format} files cannot be read back`];
  const { describeLosses } = await import("../core/formats/round_trip.ts");
  const { decodeImage } = await import("./worker_jobs.ts");
  const back = inline ? decodeImage(decoder, bytes) : imageFromPlain(
    await ctx.workers.run({ kind: "decode", codec: format, bytes }) as PlainImage,
    true,
  );
  return describeLosses(image, back);
}

async function writeAll(full: string, files: EncodedFile[], format: string): Promise<SavedFile> {
  const stem = full.slice(0, full.length - extname(full).length);
  const written: string[] = [];
  for (const f of files) {
    const target = f.suffix ? stem + f.suffix : full;
    const mode = await existingMode(target);
    await writeFileAtomic(target, f.data, {
      mode,
      exactMode: mode !== undefined,
      throughLinks: !f.suffix,
    });
    written.push(target);
  }
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  return { format, files: written, path: full, bytes };
}
