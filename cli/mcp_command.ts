/** `goxel mcp`: parses the flags and hands over to the MCP server (mcp/, injected by main.ts). */
import type { Command } from "@commander-js/extra-typings";
import { resolve } from "node:path";
import type { CliDeps } from "./deps.ts";
import { CliError, UsageError } from "./errors.ts";
import { listenFlag } from "./lifecycle.ts";
import type { Output } from "./output.ts";

/** Adds `mcp`. */
export function addMcpCommand(program: Command, deps: CliDeps, out: Output): void {
  program.command("mcp")
    .description("Run an MCP server so AI agents can drive goxel (stdio, or HTTP with --http)")
    .option(
      "--http <host:port>",
      "serve Streamable HTTP at http://host:port/mcp instead of stdio",
      listenFlag("--http", true),
    )
    .option(
      "--allow-non-loopback",
      "allow --http on a non-loopback address (needs the GOXEL_MCP_TOKEN env var)",
    )
    .option(
      "--session-idle <seconds>",
      "close an HTTP session after this long with no open request (default 1800)",
    )
    .option("--root <dir>", "directory that tool file paths are confined to (default: current)")
    .option("--allow-scripts", "offer the execute_script tool")
    .option("--no-spawn", "fail tool calls instead of starting the daemon when it is not running")
    .option("--socket <path>", "Unix socket path of the daemon")
    .action(async (o) => {
      if (!deps.runMcp) throw new CliError("This build has no MCP server");
      const idle = o.sessionIdle === undefined ? undefined : Number(o.sessionIdle);
      if (idle !== undefined && !(idle > 0 && idle <= 86400 * 365)) {
        throw new UsageError(
          `--session-idle wants a number of seconds > 0, got "${o.sessionIdle}"`,
        );
      }
      out.exitCode = await deps.runMcp({
        http: o.http,
        sessionIdleSeconds: idle,
        allowNonLoopback: o.allowNonLoopback === true,
        token: deps.env.GOXEL_MCP_TOKEN || undefined,
        socket: o.socket && resolve(deps.cwd, o.socket),
        noSpawn: o.spawn === false,
        allowScripts: o.allowScripts === true,
        root: resolve(deps.cwd, o.root ?? "."),
        env: deps.env,
        build: deps.build,
      });
    });
}
