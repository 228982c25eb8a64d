/** `goxel call watch [project]` (the change stream as NDJSON) and `goxel view` (the viewer). */
import type { Command } from "@commander-js/extra-typings";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";
import { type RpcClient, RpcError } from "./client.ts";
import { connectOrSpawn } from "./call_run.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, UsageError } from "./errors.ts";
import { resolveSocket } from "./socket.ts";
import type { Output } from "./output.ts";

/** `goxel call watch --help`. */
export const WATCH_HELP = `Usage: goxel call watch [project] [since] [--socket P]

Subscribe to the change stream (goxel.subscribe) and print each goxel.changed event as one JSON
line until the daemon stops or you press Ctrl-C.

  project  project id or name; omitted: every project (GOXEL_PROJECT or --project also name one)
  since    with a project: first print the changes after this sequence number, as a viewer
           resumes: take "seq" from goxel.get_tiles, which also starts keeping the project's
           changes (the last changes.ring_size of them). A since from before that gets a single
           {"kind":"resync"} event instead: read the whole state again (goxel.get_tiles).

Example:
  goxel call watch p1 | jq -c '{seq, tiles: (.tiles | length)}'
`;

/** Subscribes and prints each `goxel.changed` event as one JSON line until the daemon goes. */
export async function watchStream(
  client: RpcClient,
  out: Output,
  args: string[],
  project: string | undefined,
): Promise<void> {
  const [ref, sinceText, ...rest] = args;
  if (rest.length) throw new UsageError("watch takes at most a project and a sequence number");
  const since = sinceText === undefined ? undefined : Number(sinceText);
  if (since !== undefined && !(Number.isInteger(since) && since >= 0)) {
    throw new UsageError(`watch: since must be a sequence number, got "${sinceText}"`);
  }
  const closed = new Promise<void>((r) => client.onClose = r);
  client.onUnmatched = (line) => {
    try {
      const msg = JSON.parse(line);
      if (msg.method === "goxel.changed") out.line(JSON.stringify(msg.params));
    } catch { /* not ours to print */ }
  };
  const params = { project: ref ?? project, since };
  try {
    await client.call("goxel.subscribe", params);
  } catch (err) {
    throw err instanceof RpcError ? new CliError(err.message) : err;
  }
  await closed;
}

/** Returns the browser opener of this platform when one is installed (and a display exists). */
function browserOpener(env: Record<string, string | undefined>): string | null {
  const name = process.platform === "darwin" ? "open" : "xdg-open";
  if (process.platform !== "darwin" && !env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Adds `view`. */
export function addViewCommand(program: Command, deps: CliDeps, out: Output): void {
  program.command("view")
    .description("Open the live browser viewer (starts the daemon's HTTP listener if needed)")
    .argument("[project]", "project id or name to show (default: follow the current project)")
    .option("--listen <host:port>", "loopback address when the listener is off (127.0.0.1:7891)")
    .option("--no-open", "only print the URL")
    .option("--socket <path>", "Unix socket path")
    .action(async (project, o) => {
      const socket = await resolveSocket(deps, o.socket);
      const client = await connectOrSpawn(deps, socket, false);
      let url: string;
      try {
        // A project that is not open would show the current one instead, without a word.
        if (project) await client.call("goxel.get_project_info", { project });
        const r = await client.call("goxel.serve_http", o.listen ? { listen: o.listen } : {});
        url = (r as { url: string }).url + "/";
      } catch (err) {
        throw err instanceof RpcError ? new CliError(err.message) : err;
      } finally {
        client.close();
      }
      if (project) url += `?project=${encodeURIComponent(project)}`;
      out.line(url);
      const opener = o.open === false ? null : browserOpener(deps.env);
      if (opener) {
        const { spawn } = await import("node:child_process");
        const child = spawn(opener, [url], { detached: true, stdio: "ignore", env: deps.env });
        child.on("error", () => {});
        child.unref();
      }
    });
}
