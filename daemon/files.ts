/** All project file-system access: path resolution against the workspace and atomic writes. */
import { constants } from "node:fs";
import { type FileHandle, open, readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { FormatError, IoError } from "../core/errors.ts";
import type { EncodedFile } from "../core/formats/codec.ts";
import { isProcessAlive } from "./runtime_files.ts";
import {
  BLOCKING_IO,
  BLOCKING_WRITE_BYTES,
  POOLED_IO,
  type WriteFile,
  type WriteIo,
} from "./write_io.ts";

/** Default largest file the daemon reads into memory (limits.max_file_bytes: 256 MiB). */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

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
    ELOOP: "it is a symbolic link",
  };
  const detail = code && why[code] ? why[code] : (err as Error)?.message ?? String(err);
  return new IoError(path, `Cannot ${action} "${path}": ${detail}`, { cause: err });
}

/**
 * Reads a whole regular file of at most `maxBytes`. The file is opened non-blocking (a FIFO
 * cannot hang the open) and checked on the open descriptor, so a FIFO, a device such as
 * /dev/zero, a directory or a file swapped in after a check is refused before reading.
 */
export async function readFileBytes(path: string, maxBytes = MAX_READ_BYTES): Promise<Uint8Array> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await fh.stat();
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    if (!info.isFile()) {
      throw new IoError(path, `Cannot read "${path}": it is not a regular file`);
    }
    if (info.size > maxBytes) {
      throw new IoError(
        path,
        `Cannot read "${path}": it is ${info.size} bytes, more than the limit of ${maxBytes} ` +
          `(limits.max_file_bytes)`,
      );
    }
    return await readBounded(fh, path, info.size, maxBytes);
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw toIoError("read", path, err);
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** Reads a file expected to hold `size` bytes, refusing one that grows past `maxBytes`. */
async function readBounded(fh: FileHandle, path: string, size: number, maxBytes: number) {
  let buf = new Uint8Array(size + 1);
  let length = 0;
  while (true) {
    if (length === buf.length) {
      if (buf.length > maxBytes) {
        throw new IoError(path, `Cannot read "${path}": it grew past ${maxBytes} bytes`);
      }
      const bigger = new Uint8Array(Math.min(maxBytes + 1, buf.length * 2));
      bigger.set(buf);
      buf = bigger;
    }
    const { bytesRead } = await fh.read(buf, length, buf.length - length, null);
    if (bytesRead === 0) return buf.subarray(0, length);
    length += bytesRead;
  }
}

/** What a file was at one moment: a change by anyone changes one of these. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

/** Returns the stamp of the file at `path` (through links), or null when there is none. */
export async function fileStamp(path: string): Promise<FileStamp | null> {
  try {
    const st = await stat(path);
    return st.isFile() ? { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino } : null;
  } catch {
    return null;
  }
}

/** True when two stamps are of the same file content (as far as stat can tell). */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/** Numbers this process's temp files (see writeFileAtomic). */
let tempSerial = 0;

/** How writeFileAtomic writes. */
export interface AtomicWriteOptions {
  /** Permission bits of a new file (default 0o644, less the umask). */
  mode?: number;
  /** Give the file exactly `mode`, the umask not applying, even when it existed. */
  exactMode?: boolean;
  /** Write through a symbolic link at the path (its target gets the data, the link stays). */
  throughLinks?: boolean;
  /**
   * fsync the file and its directory before returning (default true). Renders, which can be
   * made again, skip it: still atomic, but a crash just after may leave the old file.
   */
  durable?: boolean;
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory, fsync, rename over
 * the target, then fsync the directory. A failure leaves the target untouched and no temp file.
 * An existing regular file keeps its permission bits (`exactMode` gives the new file exactly
 * `mode` instead, the umask not applying); a missing directory is an error, never created.
 * With `throughLinks` a symbolic link is written through: its target gets the data and the link
 * stays (for the file a request names, whose link MCP checks); otherwise a link is replaced.
 * A write without fsync of at most BLOCKING_WRITE_BYTES (a render) makes blocking calls.
 */
export function writeFileAtomic(
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const blocking = options.durable === false && data.length <= BLOCKING_WRITE_BYTES;
  return writeFileAtomicWith(blocking ? BLOCKING_IO : POOLED_IO, target, data, options);
}

/** writeFileAtomic with the file-system calls of `io` (tests make them fail). */
export async function writeFileAtomicWith(
  io: WriteIo,
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const { mode = 0o644, exactMode = false, throughLinks = false, durable = true } = options;
  const path = throughLinks ? await followLink(target, io) : target;
  const dir = dirname(path);
  // Unique per write: two writes of one file in the same millisecond took the same name, so
  // one failed (EEXIST) and its clean-up deleted the other's temp file.
  const tmp = join(
    dir,
    `${tempPrefix(basename(path))}${process.pid}.${Date.now()}.${++tempSerial}.tmp`,
  );
  const existing = await orNull(() => io.stat(path));
  if (existing && !existing.isFile()) {
    throw new IoError(path, `Cannot write "${path}": it exists and is not a regular file`);
  }
  try {
    let file: WriteFile;
    try {
      file = await io.create(tmp, mode);
    } catch (err) {
      // Missing directories are never created (a typo in a path must not build a tree):
      // say which part of the path is missing or not a directory.
      await checkParent(path, dir);
      throw err;
    }
    try {
      // The umask applied at creation; an existing file's own mode is restored exactly.
      if (existing && !exactMode) await file.chmod(existing.mode & 0o7777);
      await file.write(data);
      if (exactMode) await file.chmod(mode);
      if (durable) await file.sync();
    } finally {
      await file.close();
    }
    await io.rename(tmp, path);
  } catch (err) {
    await orNull(() => io.remove(tmp));
    throw err instanceof IoError ? err : toIoError("write", path, err);
  }
  if (durable) await syncDirectory(dir);
  await removeStaleTemps(dir, basename(path));
}

/**
 * How the temp files of a write of file `name` begin: `.<name>.`, the name cut short when the
 * temp name would pass the 255-byte limit of a file name (a legal 250-byte name failed).
 */
function tempPrefix(name: string): string {
  return `.${new TextEncoder().encode(name).length <= 200 ? name : name.slice(0, 40)}.`;
}

/** Runs a call of either form (see WriteIo); a throw or a rejection gives null. */
async function orNull<T>(call: () => T | Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch {
    return null;
  }
}

/** When each file's directory was last searched for its temp files (see removeStaleTemps). */
const tempsSearched = new Map<string, number>();
/** A file's directory is searched again after this long (a render loop writes one file often). */
const TEMPS_SEARCH_MS = 60_000;

/**
 * Returns the file a write of `path` replaces: `path`, or the file a symbolic link there leads
 * to (a save must reach the user's real file, not turn the link into a copy). A link to a
 * missing file is refused: where it points was never checked (MCP confines paths by them).
 */
async function followLink(path: string, io: WriteIo): Promise<string> {
  const link = await orNull(() => io.lstat(path));
  if (!link?.isSymbolicLink()) return path;
  try {
    return await io.realpath(path);
  } catch (err) {
    throw new IoError(
      path,
      `Cannot write "${path}": it is a symbolic link to a file that does not exist (${
        (err as NodeJS.ErrnoException).code ?? "unreadable"
      })`,
    );
  }
}

/**
 * Removes the temporary files an earlier write of `name` left in `dir` when its process died
 * (kill -9 mid-save): `.<name>.<pid>.<ms>.tmp` whose process no longer exists. A live pid's
 * file may be another daemon's write in progress, so it stays. Each file's directory is searched
 * at most once a minute.
 */
async function removeStaleTemps(dir: string, name: string): Promise<void> {
  const path = join(dir, name), now = Date.now();
  if (now - (tempsSearched.get(path) ?? -Infinity) < TEMPS_SEARCH_MS) return;
  if (tempsSearched.size >= 1024) tempsSearched.clear();
  tempsSearched.set(path, now);
  const prefix = tempPrefix(name);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) continue;
    const m = /^(\d+)\.\d+(?:\.\d+)?\.tmp$/.exec(entry.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || isProcessAlive(Number(m[1]))) continue;
    await rm(join(dir, entry), { force: true }).catch(() => {});
  }
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

/** How writeEncodedFiles treats existing sidecar files. */
export interface WriteOptions {
  /** Replace an existing sidecar (".mtl") even when the main file is new. */
  overwriteSidecars?: boolean;
  /** fsync what is written (default true; see AtomicWriteOptions). */
  durable?: boolean;
}

/**
 * Writes a codec's output atomically: the main file at `path`, sidecars (".mtl") beside it with
 * the extension replaced by their suffix. A sidecar that already exists is replaced only when
 * the main file existed too (re-saving the same export) or `overwriteSidecars` is set, so an
 * export never clobbers an unrelated file the request did not name. Returns the paths written.
 */
export async function writeEncodedFiles(
  path: string,
  files: EncodedFile[],
  options: WriteOptions = {},
): Promise<string[]> {
  const stem = path.slice(0, path.length - extname(path).length);
  const sidecars = files.filter((f) => f.suffix);
  if (sidecars.length > 0 && !options.overwriteSidecars && !(await isPresent(path))) {
    for (const f of sidecars) {
      const target = stem + f.suffix;
      if (await isPresent(target)) {
        throw new IoError(
          target,
          `Cannot write "${target}": it already exists and the request did not name it ` +
            `(pass overwrite_sidecars: true to replace it)`,
        );
      }
    }
  }
  const written: string[] = [];
  for (const f of files) {
    const target = f.suffix ? stem + f.suffix : path;
    // Only the named file is written through a link: a sidecar's link was checked by nobody
    // (through MCP it could lead out of the root).
    await writeFileAtomic(target, f.data, { throughLinks: !f.suffix, durable: options.durable });
    written.push(target);
  }
  return written;
}

function isPresent(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
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
