/** All project file-system access: path resolution against the workspace and atomic writes. */
import { constants } from "node:fs";
import { open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { FormatError, IoError } from "../core/errors.ts";
import type { EncodedFile } from "../core/formats/codec.ts";

/** Largest file the daemon will read into memory (1 GiB). */
export const MAX_READ_BYTES = 1 << 30;

/** Resolves `path` against the workspace directory unless it is absolute. */
export function resolvePath(workspace: string, path: string): string {
  if (path.includes("\0")) throw new IoError(path, "Invalid path: it contains a NUL byte");
  if (path.trim() === "") throw new IoError(path, "Invalid path: it is empty");
  return isAbsolute(path) ? resolve(path) : resolve(workspace, path);
}

/** Turns a Node.js file-system error into an IoError with a clear message. */
export function toIoError(action: string, path: string, err: unknown): IoError {
  const code = (err as { code?: string })?.code;
  const why: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EISDIR: "it is a directory",
    ENOTDIR: "a parent is not a directory",
    ENOSPC: "no space left on device",
    EROFS: "read-only file system",
    EEXIST: "it already exists",
  };
  const detail = code && why[code] ? why[code] : (err as Error)?.message ?? String(err);
  return new IoError(path, `Cannot ${action} "${path}": ${detail}`, { cause: err });
}

/** Reads a whole file, refusing directories and files over MAX_READ_BYTES. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    if (info.size > MAX_READ_BYTES) {
      throw new IoError(path, `Cannot read "${path}": it is larger than ${MAX_READ_BYTES} bytes`);
    }
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw toIoError("read", path, err);
  }
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory, fsync, rename over
 * the target, then fsync the directory. A failure leaves the target untouched and no temp file.
 * `exactMode` gives the new file exactly `mode` (the umask does not apply), to keep the mode of
 * a file being replaced.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  mode = 0o644,
  exactMode = false,
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    // Missing directories are never created: a typo in a path must not build a tree.
    await checkParent(path, dir);
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      await fh.writeFile(data);
      if (exactMode) await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err instanceof IoError ? err : toIoError("write", path, err);
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}

/** The file name without directory and extension, which codecs use to name sidecar files. */
export function encodeBaseName(path: string): string {
  return basename(path, extname(path));
}

/**
 * Writes a codec's output atomically: the main file at `path`, sidecars (".mtl") beside it with
 * the extension replaced by their suffix. Returns the paths written.
 */
export async function writeEncodedFiles(path: string, files: EncodedFile[]): Promise<string[]> {
  const stem = path.slice(0, path.length - extname(path).length);
  const written: string[] = [];
  for (const f of files) {
    const target = f.suffix ? stem + f.suffix : path;
    await writeFileAtomic(target, f.data);
    written.push(target);
  }
  return written;
}

/** Refuses a destination whose directory is missing or is not a directory, naming the culprit. */
async function checkParent(path: string, dir: string): Promise<void> {
  let probe = dir;
  for (;;) {
    const info = await stat(probe).catch((err) => (err as { code?: string }).code ?? "error");
    if (typeof info !== "string") {
      if (info.isDirectory()) {
        if (probe === dir) return;
        throw new IoError(path, `Cannot write "${path}": directory "${dir}" does not exist`);
      }
      throw new IoError(path, `Cannot write "${path}": "${probe}" is a file, not a directory`);
    }
    if (info !== "ENOENT" && info !== "ENOTDIR") return; // let open() report it
    const up = dirname(probe);
    if (up === probe) return;
    probe = up;
  }
}

/**
 * Names the file and format in a failure to read, decode or write it (codecs only know bytes):
 * "Cannot read "a.gox" as gox: chunk BL16 at byte 20 is truncated", "Cannot write "b.vox" as
 * vox: directory "/x" does not exist". Other errors are returned unchanged.
 */
export function withFileContext(path: string, format: string, err: unknown): unknown {
  if (err instanceof IoError) {
    const m = /^Cannot (\w+) "[^"]*": ([\s\S]*)$/.exec(err.message);
    if (!m) return err;
    return new IoError(err.path, `Cannot ${m[1]} "${err.path}" as ${format}: ${m[2]}`, {
      cause: err,
    });
  }
  if (!(err instanceof FormatError)) return err;
  const detail = err.message.replace(/^Cannot (decode|read|load) [^:]*: /, "");
  const at = /\bbyte \d+/.test(detail) ? "" : ` (at byte ${err.offset})`;
  const name = err.format && err.format !== "?" ? err.format : format;
  return new FormatError(name, err.offset, `Cannot read "${path}" as ${name}: ${detail}${at}`, {
    cause: err,
    path,
  });
}
