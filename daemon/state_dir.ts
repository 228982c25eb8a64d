/** Where the daemon keeps durable state (checkpoints; later the journal's data_dir). */
import { homedir } from "node:os";
import { join } from "node:path";

/** Returns `$XDG_STATE_HOME/goxel`, else `~/.local/state/goxel`. */
export function stateDir(env: Record<string, string | undefined>): string {
  const home = env.HOME || homedir();
  return join(env.XDG_STATE_HOME || join(home, ".local", "state"), "goxel");
}

/** Turns a project name into a directory name: unsafe characters become `_`, never `.`/`..`. */
export function safeDirName(name: string, fallback: string): string {
  const clean = name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_").slice(0, 100);
  return clean || fallback;
}
