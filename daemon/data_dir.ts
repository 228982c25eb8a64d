/** The data directory of journals and checkpoints: where it is by default, and its lock. */
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { acquireLock, StartupError } from "./runtime_files.ts";

/**
 * The default data directory: `$XDG_STATE_HOME/goxel` for the default socket; a daemon on
 * another socket keeps its own sessions under `sockets/<hash of the socket path>`.
 */
export function defaultDataDir(stateDir: string, socket: string, defaultSocket: string): string {
  if (socket === resolve(defaultSocket)) return stateDir;
  let h = 0x811c9dc5;
  for (let i = 0; i < socket.length; i++) h = Math.imul(h ^ socket.charCodeAt(i), 0x01000193);
  return join(stateDir, "sockets", (h >>> 0).toString(16).padStart(8, "0"));
}

/** Creates the data dir (0700) and takes its lock, so two daemons never share journals. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  ensureDataDir(dataDir);
  try {
    return await acquireLock(`${dataDir}/.lock`);
  } catch (err) {
    throw new StartupError(
      `Another goxel daemon uses the data directory ${dataDir} (set data_dir or GOXEL_DATA_DIR to use another)`,
      { cause: err },
    );
  }
}

function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = statSync(dir);
  if (!info.isDirectory()) throw new StartupError(`The data directory ${dir} is not a directory`);
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
