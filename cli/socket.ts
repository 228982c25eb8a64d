/** Finding and connecting to the daemon's socket (no commander: `goxel call`'s fast path uses it). */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { defaultPaths } from "../protocol/paths.ts";
import { RpcClient } from "./client.ts";
import type { CliDeps } from "./deps.ts";

/**
 * Finds the socket as the daemon does: --socket, GOXEL_SOCKET, the config file's `socket`, then
 * the default. The config file is --config, else GOXEL_CONFIG, else the default config file
 * ($XDG_CONFIG_HOME/goxel/config.yaml) when it exists.
 */
export async function resolveSocket(
  deps: Pick<CliDeps, "env" | "cwd">,
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
  const file = config ?? (deps.env.GOXEL_CONFIG ||
    (existsSync(paths.configFile) ? paths.configFile : undefined));
  const fromFile = file === undefined ? undefined : await socketInConfig(resolve(deps.cwd, file));
  return fromFile === undefined ? paths.socket : resolve(deps.cwd, fromFile);
}

/** The config file's `socket`, if it sets one; problems are left for the daemon to report. */
async function socketInConfig(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  // Most files never mention it: skip loading the YAML parser (start-up time of `goxel call`).
  if (!text.includes("socket")) return undefined;
  try {
    const { parse } = await import("yaml");
    const data = parse(text);
    return typeof data?.socket === "string" ? data.socket : undefined;
  } catch {
    return undefined;
  }
}

/** Connects to a running daemon, or throws NotRunningError (SocketPermissionError if refused). */
export function connect(socket: string, timeoutMs?: number): Promise<RpcClient> {
  return RpcClient.connect({ socket }, timeoutMs);
}

/** The daemon took the connection but did not answer in time (frozen, or stuck). */
export class NotAnsweringError extends Error {
  /** A stable reason for callers that branch on it. */
  readonly reason = "not_answering";
  constructor(socket: string, method: string, ms: number) {
    super(`The daemon on ${socket} did not answer ${method} within ${seconds(ms)}`);
    this.name = "NotAnsweringError";
  }
}

/** Calls a method, rejecting with NotAnsweringError when no reply comes within `ms`. */
export async function callWithin(
  client: RpcClient,
  socket: string,
  ms: number,
  method: string,
  params?: unknown,
): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotAnsweringError(socket, method, ms)), ms);
  });
  try {
    return await Promise.race([client.call(method, params), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** "3 s", "500 ms". */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
