/**
 * The file-system calls of an atomic write (daemon/files.ts), in two forms with one shape: on
 * the runtime's thread pool, and blocking. Each thread-pool call costs a hop there and back
 * (about 0.1 ms in Bun, more while workers post results): the seven calls of a render's write
 * took ≈ 1 ms of a 10 ms render_scene, against 0.13 ms blocking. Blocking calls hold the event
 * loop, so only small writes that need no fsync use them.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from "node:fs";
import { type FileHandle, lstat, open, realpath, rename, rm, stat } from "node:fs/promises";

/** A file opened for writing. */
export interface WriteFile {
  chmod(mode: number): void | Promise<void>;
  write(data: Uint8Array): void | Promise<unknown>;
  sync(): void | Promise<void>;
  close(): void | Promise<void>;
}

/** The calls an atomic write makes. */
export interface WriteIo {
  lstat(path: string): Stats | Promise<Stats>;
  stat(path: string): Stats | Promise<Stats>;
  realpath(path: string): string | Promise<string>;
  /** Creates a new file (O_EXCL) for writing. */
  create(path: string, mode: number): WriteFile | Promise<WriteFile>;
  rename(from: string, to: string): void | Promise<void>;
  remove(path: string): void | Promise<void>;
}

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/** Calls run on the runtime's thread pool. */
export const POOLED_IO: WriteIo = {
  lstat: (path) => lstat(path),
  stat: (path) => stat(path),
  realpath: (path) => realpath(path),
  create: (path, mode) => open(path, CREATE, mode).then(pooledFile),
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
};

function pooledFile(fh: FileHandle): WriteFile {
  return {
    chmod: (mode) => fh.chmod(mode),
    write: (data) => fh.writeFile(data),
    sync: () => fh.sync(),
    close: () => fh.close(),
  };
}

/** Blocking calls: for small writes that need no fsync. */
export const BLOCKING_IO: WriteIo = {
  lstat: (path) => lstatSync(path),
  stat: (path) => statSync(path),
  realpath: (path) => realpathSync(path),
  create: (path, mode) => blockingFile(openSync(path, CREATE, mode)),
  rename: (from, to) => renameSync(from, to),
  remove: (path) => rmSync(path, { force: true }),
};

function blockingFile(fd: number): WriteFile {
  return {
    chmod: (mode) => fchmodSync(fd, mode),
    write(data) {
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
    },
    sync: () => fsyncSync(fd),
    close: () => closeSync(fd),
  };
}

/** Largest write made with blocking calls when no fsync is asked for. */
export const BLOCKING_WRITE_BYTES = 1 << 20;
