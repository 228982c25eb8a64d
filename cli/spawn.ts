/** Re-executing this same program: the detached daemon and its readiness handshake. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";

/** The argv prefix that runs this program again (deno run …, bun-compiled binary, node). */
export function selfCommand(): string[] {
  const [exe, script] = process.argv;
  if (script?.startsWith("/$bunfs/") || script === undefined || script === exe) {
    return [process.execPath];
  }
  if (process.versions.deno) {
    const config = join(dirname(script), "deno.json");
    const configArgs = existsSync(config) ? ["--config", config] : [];
    return [process.execPath, "run", "-A", "--quiet", ...configArgs, script];
  }
  return [process.execPath, script];
}

/** Result of starting a detached daemon. */
export type SpawnOutcome =
  | { kind: "ready"; pid: number }
  | { kind: "already-running"; message: string }
  | { kind: "failed"; message: string; code: number | null };

/**
 * Starts the daemon detached (own session, no terminal), with `start --foreground --daemonized`
 * plus the given flags; resolves when it prints READY, or with its error output if it exits.
 */
export async function spawnDaemon(
  flags: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 15000,
): Promise<SpawnOutcome> {
  // Loaded here: most CLI runs find the daemon running and never spawn (start-up time).
  const { spawn } = await import("node:child_process");
  const [cmd, ...prefix] = selfCommand();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && k !== "NODE_OPTIONS") childEnv[k] = v;
  }
  const child = spawn(cmd, [...prefix, "start", "--foreground", "--daemonized", ...flags], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: childEnv,
  });
  let out = "", err = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  return new Promise<SpawnOutcome>((resolve) => {
    const finish = (outcome: SpawnOutcome) => {
      clearTimeout(timer);
      child.stdout!.destroy();
      child.stderr!.destroy();
      child.removeAllListeners();
      child.unref();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish({
        kind: "failed",
        message: `the daemon did not become ready within ${timeoutMs} ms${
          err ? `: ${err.trim()}` : ""
        }`,
        code: null,
      });
    }, timeoutMs);
    child.stdout!.on("data", (d: string) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) finish({ kind: "ready", pid: Number(m[1]) });
    });
    child.stderr!.on("data", (d: string) => err += d);
    child.on("error", (e) => finish({ kind: "failed", message: e.message, code: null }));
    child.on("close", (code) => {
      // The daemon says "goxel: Cannot start goxel: …"; callers add their own "Cannot start goxel".
      const message = err.trim().replace(/^goxel: (Cannot start goxel: )?/, "") ||
        `the daemon exited with code ${code}`;
      finish(
        /already running/.test(message)
          ? { kind: "already-running", message }
          : { kind: "failed", message, code },
      );
    });
  });
}
