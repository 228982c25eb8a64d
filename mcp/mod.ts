/**
 * `goxel mcp`: a Model Context Protocol server that is a client of the daemon. Stdio by default
 * (what agent hosts launch); Streamable HTTP with `--http host:port`. It never exits because
 * the daemon is down: tool calls fail with a clear error result instead.
 */
import { statSync } from "node:fs";
import process from "node:process";
import type { McpOptions } from "../protocol/start_options.ts";
import type { McpContext } from "./context.ts";
import { DaemonLink, resolveDaemonSocket } from "./daemon_link.ts";
import { serveHttp } from "./http.ts";
import { WorkspaceRoot } from "./root.ts";
import { createSession } from "./server.ts";
import { StdioTransport } from "./stdio_transport.ts";
import { ToolTable } from "./tools.ts";

export type { McpOptions };

function fail(message: string): number {
  process.stderr.write(`goxel: ${message}\n`);
  return 1;
}

/** Runs the MCP server until its input ends (stdio) or it is stopped (HTTP); returns the exit code. */
export async function runMcp(opts: McpOptions): Promise<number> {
  try {
    if (!statSync(opts.root).isDirectory()) {
      return fail(`The --root ${opts.root} is not a directory`);
    }
  } catch (err) {
    return fail(`Cannot use --root ${opts.root}: ${(err as Error).message}`);
  }
  const root = new WorkspaceRoot(opts.root);
  const socket = await resolveDaemonSocket(opts.env, root.dir, opts.socket);
  const link = new DaemonLink({ socket, spawn: !opts.noSpawn, env: opts.env, workspace: root.dir });
  const ctx: McpContext = { link, root, allowScripts: opts.allowScripts === true };
  const tools = new ToolTable(ctx);
  const identity = { version: opts.build.version };
  try {
    if (opts.http) return await serveHttp(ctx, tools, identity, opts);
    return await serveStdio(ctx, tools, identity);
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    link.close();
  }
}

/**
 * Serves one session on stdin/stdout until the transport closes: 0 after the end of input (the
 * requests in flight answered first), 1 when a stream failed. Nothing waits on stdin events
 * itself: a paused stdin never emits them, and that hung the server for good.
 */
async function serveStdio(
  ctx: McpContext,
  tools: ToolTable,
  identity: { version: string },
): Promise<number> {
  const session = createSession(ctx, tools, identity);
  const transport = new StdioTransport({
    input: process.stdin,
    output: process.stdout,
    log: (message) => process.stderr.write(`goxel: ${message}\n`),
  });
  await session.server.connect(transport);
  const failure = await transport.closed;
  session.resources.stop();
  await session.server.close();
  return failure ? fail(failure.message) : 0;
}
