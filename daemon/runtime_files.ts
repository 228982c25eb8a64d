/**
 * Runtime files: the private runtime directory, the single-instance lock, stale-socket
 * detection, the pid file and the TCP token file.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import net from "node:net";
import { dirname } from "node:path";
import process from "node:process";

/** Longest socket path the kernel accepts (sun_path is 108 bytes with the NUL). */
export const MAX_SOCKET_PATH = 107;

/** A startup problem to show the user (exit 1). */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StartupError";
  }
}

/** Creates (0700) or checks a private directory: owned by us and closed to group and others. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StartupError(`Cannot create runtime directory "${dir}": ${(err as Error).message}`);
  }
  const info = lstatSync(dir);
  if (!info.isDirectory()) {
    throw new StartupError(`Runtime directory "${dir}" is not a directory (or is a symlink)`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new StartupError(
      `Refusing runtime directory "${dir}": it is owned by uid ${info.uid}, not ${uid}`,
    );
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new StartupError(
      `Refusing runtime directory "${dir}": mode ${mode} lets other users in (run: chmod 700 "${dir}")`,
    );
  }
}

/**
 * Checks the directory of a `--socket` outside the runtime directory: it must exist (it is never
 * created), be a real directory (not a symlink), be owned by us (or root) and not be writable by
 * group or others, who could otherwise swap the socket for their own.
 */
export function checkSocketParent(socketPath: string): void {
  const dir = dirname(socketPath);
  let info;
  try {
    info = lstatSync(dir);
  } catch (err) {
    throw new StartupError(`Cannot use socket directory "${dir}": ${(err as Error).message}`);
  }
  if (!info.isDirectory()) {
    throw new StartupError(
      `Refusing socket directory "${dir}": it is not a directory (or is a symlink)`,
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) {
    throw new StartupError(
      `Refusing socket directory "${dir}": it is owned by uid ${info.uid}, not ${uid}`,
    );
  }
  if ((info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new StartupError(
      `Refusing socket directory "${dir}": mode ${mode} lets other users replace the socket`,
    );
  }
}

/** Refuses socket paths the kernel cannot bind. */
export function checkSocketPath(path: string): void {
  const bytes = new TextEncoder().encode(path).length;
  if (bytes > MAX_SOCKET_PATH) {
    throw new StartupError(
      `Socket path is too long (${bytes} bytes, the limit is ${MAX_SOCKET_PATH}): ${path}; use --socket with a shorter path`,
    );
  }
}

/** Returns true when something accepts connections on the socket path. */
export function isSocketAlive(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    const done = (alive: boolean) => {
      s.destroy();
      resolve(alive);
    };
    s.setTimeout(timeoutMs, () => done(true));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/**
 * Takes the single-instance lock for a socket path. On Linux it is an abstract socket named
 * after the path (freed by the kernel when the process dies, so kill -9 never leaves it stale);
 * elsewhere an exclusive lock file holding our pid, taken over when that pid is gone.
 */
export async function acquireLock(socketPath: string): Promise<() => void> {
  if (process.platform === "linux") {
    const server = net.createServer();
    const name = `\0goxel-lock:${socketPath}`;
    await new Promise<void>((resolve, reject) => {
      server.once(
        "error",
        (err: NodeJS.ErrnoException) =>
          reject(err.code === "EADDRINUSE" ? alreadyRunning(socketPath) : err),
      );
      server.listen(name, () => resolve());
    });
    server.unref();
    return () => server.close();
  }
  return acquireLockFile(`${socketPath}.lock`, socketPath);
}

function acquireLockFile(lockPath: string, socketPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = readPid(lockPath);
      if (pid !== null && isProcessAlive(pid)) throw alreadyRunning(socketPath);
      rmSync(lockPath, { force: true });
    }
  }
  throw alreadyRunning(socketPath);
}

function alreadyRunning(socketPath: string): StartupError {
  const pid = readPid(socketPath.replace(/\.sock$/, "") + ".pid");
  return new StartupError(`goxel is already running${pid ? ` (pid ${pid})` : ""} on ${socketPath}`);
}

/** Reads a pid file; null when missing or malformed. */
export function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Returns true when a process with this pid exists. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes a socket file left by a dead daemon; refuses when a live one answers on it. */
export async function clearStaleSocket(path: string): Promise<void> {
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return;
  }
  if (!info.isSocket()) {
    throw new StartupError(`Refusing to replace "${path}": it exists and is not a socket`);
  }
  if (await isSocketAlive(path)) {
    throw new StartupError(`Socket ${path} is in use by another process`);
  }
  rmSync(path, { force: true });
}

/** Writes the pid file (0644) after the lock is held, never following a symlink in its place. */
export function writePidFile(path: string): void {
  let fd;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ELOOP"
      ? "it is a symbolic link"
      : (err as Error).message;
    throw new StartupError(`Cannot write pid file "${path}": ${why}`);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Creates a fresh random token (256 bits, hex) in a 0600 file and returns it. */
export function writeTokenFile(path: string): string {
  const token = randomBytes(32).toString("hex");
  rmSync(path, { force: true });
  writeFileSync(path, token + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return token;
}

/** Removes files, ignoring the ones already gone. */
export function removeFiles(...paths: (string | null | undefined)[]): void {
  for (const p of paths) if (p) rmSync(p, { force: true });
}
