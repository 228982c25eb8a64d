/** Finding and connecting to the daemon's socket (no commander: `goxel call`'s fast path uses it). */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { defaultPaths } from "../protocol/paths.ts";
import { RpcClient } from "./client.ts";
import type { CliDeps } from "./deps.ts";

/** Finds the socket: --socket, GOXEL_SOCKET, the config file's `socket`, then the default. */
export async function resolveSocket(
  deps: CliDeps,
  socket?: string,
  config?: string,
): Promise<string> {
  if (socket) return resolve(deps.cwd, socket);
  if (deps.env.GOXEL_SOCKET) return resolve(deps.cwd, deps.env.GOXEL_SOCKET);
  const paths = defaultPaths({
    env: deps.env,
    uid: process.getuid?.() ?? 0,
    home: deps.env.HOME ?? "/",
  });
  const file = config ?? deps.env.GOXEL_CONFIG;
  if (file) {
    try {
      const { parse } = await import("yaml");
      const data = parse(readFileSync(resolve(deps.cwd, file), "utf8"));
      if (typeof data?.socket === "string") return resolve(deps.cwd, data.socket);
    } catch { /* the daemon reports config problems itself */ }
  }
  return paths.socket;
}

/** Connects to a running daemon, or throws NotRunningError. */
export function connect(socket: string): Promise<RpcClient> {
  return RpcClient.connect({ socket });
}
