/** `goxel start | stop | status | reload`. */
import { type Command, Option } from "@commander-js/extra-typings";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { socketSiblings } from "../protocol/paths.ts";
import { NotRunningError, type RpcClient, type RpcError } from "./client.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, EXIT } from "./errors.ts";
import type { Output } from "./output.ts";
import { connect, resolveSocket } from "./socket.ts";
import { spawnDaemon } from "./spawn.ts";

/** Adds the lifecycle commands. */
export function addLifecycleCommands(program: Command, deps: CliDeps, out: Output): void {
  program.command("start")
    .description("Start the daemon (in the background unless --foreground)")
    .addOption(
      new Option("--foreground", "run in this process, logging to stderr").conflicts("daemonize"),
    )
    .option("--daemonize", "run detached in the background (the default)")
    .addOption(new Option("--daemonized").hideHelp())
    .option("--config <file>", "YAML config file (default $XDG_CONFIG_HOME/goxel/config.yaml)")
    .option("--socket <path>", "Unix socket path (default $XDG_RUNTIME_DIR/goxel/goxel.sock)")
    .option("--tcp <host:port>", "also listen on loopback TCP (clients need the token file)")
    .option("--http <host:port>", "also serve HTTP: the viewer, /metrics, /rpc and /ws")
    .option("--allow-non-loopback", "let --tcp/--http bind a non-loopback address")
    .addOption(
      new Option("--log-level <level>", "log level").choices(
        ["trace", "debug", "info", "warning", "error", "fatal"] as const,
      ),
    )
    .option(
      "--log-file <file>",
      "log file (default: stderr in the foreground, the state dir when daemonized)",
    )
    .option("--workspace <dir>", "directory relative file paths resolve against (default: cwd)")
    .option("--conformance", "also register the JSON-RPC spec's example methods")
    .action(async (o) => {
      const socket = await resolveSocket(deps, o.socket, o.config);
      const running = await probe(socket);
      if (running && !o.daemonized) {
        out.line(`goxel is already running (pid ${running.pid}) on ${socket}`);
        return;
      }
      const request = {
        config: o.config && resolve(deps.cwd, o.config),
        socket,
        tcp: o.tcp,
        http: o.http,
        allowNonLoopback: o.allowNonLoopback,
        logLevel: o.logLevel,
        logFile: o.logFile && resolve(deps.cwd, o.logFile),
        workspace: resolve(deps.cwd, o.workspace ?? "."),
        conformance: o.conformance,
        daemonized: o.daemonized,
        env: deps.env,
        build: deps.build,
      };
      if (o.foreground || o.daemonized) {
        out.exitCode = await deps.runDaemon(request);
        return;
      }
      await startDetached(deps, out, request, socket);
    });

  program.command("stop")
    .description("Stop the daemon gracefully (RPC, then SIGTERM, then SIGKILL after the timeout)")
    .option("--socket <path>", "Unix socket path")
    .option("--timeout <seconds>", "seconds to wait before forcing", parseSeconds, 10)
    .action(async (o) => await stopDaemon(out, await resolveSocket(deps, o.socket), o.timeout));

  program.command("status")
    .description("Show whether the daemon runs (exit 0 healthy, 1 unhealthy, 3 not running)")
    .option("--socket <path>", "Unix socket path")
    .option("--json", "print JSON")
    .action(async (o) =>
      await showStatus(out, await resolveSocket(deps, o.socket), o.json === true)
    );

  program.command("reload")
    .description("Re-read the config file; prints what changed and what needs a restart")
    .option("--socket <path>", "Unix socket path")
    .option("--json", "print JSON")
    .action(async (o) => {
      const client = await connect(await resolveSocket(deps, o.socket));
      try {
        const report = await client.call("goxel.reload_config") as {
          success: boolean;
          changed: string[];
          restart_required: string[];
          errors: string[];
        };
        if (o.json) out.json(report);
        if (!report.success) {
          throw new CliError(
            `The new config is invalid, the daemon keeps the old one: ${report.errors.join("; ")}`,
          );
        }
        if (o.json) return;
        out.line(
          report.changed.length ? `Changed: ${report.changed.join(", ")}` : "Nothing changed",
        );
        if (report.restart_required.length) {
          out.line(`Needs a restart: ${report.restart_required.join(", ")}`);
        }
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(
          `Reload failed, the daemon keeps its old config: ${(err as RpcError).message}`,
        );
      } finally {
        client.close();
      }
    });
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`Invalid --timeout: ${value}`, EXIT.USAGE);
  return n;
}

/** Asks a running daemon for its status; null when none answers. */
export async function probe(
  socket: string,
): Promise<{ pid: number } & Record<string, unknown> | null> {
  let client: RpcClient;
  try {
    client = await connect(socket);
  } catch {
    return null;
  }
  try {
    return await client.call("goxel.status") as { pid: number };
  } catch {
    return null;
  } finally {
    client.close();
  }
}

async function startDetached(
  deps: CliDeps,
  out: Output,
  req: { [k: string]: unknown },
  socket: string,
): Promise<void> {
  const flags: string[] = [];
  const add = (flag: string, v: unknown) => {
    if (v === true) flags.push(flag);
    else if (typeof v === "string") flags.push(flag, v);
  };
  add("--config", req.config);
  add("--socket", socket);
  add("--tcp", req.tcp);
  add("--http", req.http);
  add("--allow-non-loopback", req.allowNonLoopback);
  add("--log-level", req.logLevel);
  add("--log-file", req.logFile);
  add("--workspace", req.workspace);
  add("--conformance", req.conformance);
  const outcome = await spawnDaemon(flags, deps.env);
  if (outcome.kind === "ready") out.line(`goxel started (pid ${outcome.pid}) on ${socket}`);
  else if (outcome.kind === "already-running") {
    out.line(outcome.message.replace(/^goxel is/, "goxel is"));
  } else throw new CliError(`Cannot start goxel: ${outcome.message}`);
}

async function stopDaemon(
  out: Output,
  socket: string,
  timeoutS: number,
): Promise<void> {
  const { pidFile } = socketSiblings(socket);
  const status = await probe(socket);
  const pid = status?.pid ?? readPidFile(pidFile);
  if (!status && (pid === null || !alive(pid))) {
    out.line(`goxel is not running on ${socket}`);
    return;
  }
  if (status) {
    try {
      const client = await connect(socket);
      await client.call("goxel.shutdown").catch(() => {});
      client.close();
    } catch { /* fall through to signals */ }
  }
  const deadline = Date.now() + timeoutS * 1000;
  let signalled = !status;
  if (pid !== null && signalled) tryKill(pid, "SIGTERM");
  while (pid !== null && alive(pid)) {
    if (Date.now() > deadline) {
      if (!signalled) {
        tryKill(pid, "SIGTERM");
        signalled = true;
        await sleep(Math.min(2000, timeoutS * 1000));
        continue;
      }
      tryKill(pid, "SIGKILL");
      await sleep(100);
      out.line(`goxel (pid ${pid}) did not stop in ${timeoutS} s and was killed`);
      return;
    }
    await sleep(20);
  }
  out.line(`goxel stopped${pid ? ` (pid ${pid})` : ""}`);
}

async function showStatus(
  out: Output,
  socket: string,
  json: boolean,
): Promise<void> {
  let client: RpcClient;
  try {
    client = await connect(socket);
  } catch (err) {
    if (!(err instanceof NotRunningError)) throw err;
    if (json) out.json({ running: false, socket });
    else out.line(`goxel is not running on ${socket}`);
    out.exitCode = EXIT.NOT_RUNNING;
    return;
  }
  try {
    const [status, health] = await Promise.all([
      client.call("goxel.status"),
      client.call("goxel.health_check"),
    ]);
    const s = status as Record<string, unknown>, h = health as Record<string, unknown>;
    const healthy = h.daemon_status === "healthy";
    if (json) out.json({ running: true, healthy, ...s, health: h });
    else {
      out.line(`goxel ${s.version} is running (pid ${s.pid}) on ${socket}`);
      out.line(
        `  uptime ${s.uptime_seconds} s, ${
          s.projects ?? 0
        } project(s), ${s.connections} connection(s), ` +
          `rss ${
            Math.round(Number((s.memory as { rss_bytes?: number })?.rss_bytes ?? 0) / 1048576)
          } MiB, ${healthy ? "healthy" : `UNHEALTHY: ${h.daemon_status}`}`,
      );
      for (const text of recoveryLines(s)) out.line(text);
    }
    if (!healthy) out.exitCode = EXIT.FAILURE;
  } catch (err) {
    out.error(`The daemon on ${socket} does not answer properly: ${(err as Error).message}`);
    out.exitCode = EXIT.FAILURE;
  } finally {
    client.close();
  }
}

/** Lines about the journal and what recovery restored (warnings for damaged projects). */
function recoveryLines(s: Record<string, unknown>): string[] {
  const r = s.recovery as
    | {
      projects_restored: number;
      records_replayed: number;
      ms: number;
      read_only: { project: string; reason: string; moved_to: string }[];
      failed: { dir: string; reason: string }[];
    }
    | null
    | undefined;
  const lines = [`  durability ${s.durability ?? "?"}, data in ${s.data_dir ?? "?"}`];
  if (!r) return lines;
  lines.push(
    `  recovered ${r.projects_restored} project(s), ${r.records_replayed} journal record(s) in ${r.ms} ms`,
  );
  for (const p of r.read_only) {
    lines.push(
      `  WARNING: project ${p.project} is read-only: ${p.reason} (files moved to ${p.moved_to})`,
    );
  }
  for (const f of r.failed) lines.push(`  WARNING: could not recover ${f.dir}: ${f.reason}`);
  return lines;
}

function readPidFile(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * True while a process exists and has not exited. A daemon started detached is reparented to
 * PID 1, and until PID 1 reaps it an exited daemon is a zombie that `kill(pid, 0)` still finds
 * (for over a second under some init processes), so on Linux its state is read as well.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
  return !isZombie(pid);
}

/** True when /proc says the process has exited and waits to be reaped (false without /proc). */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // "pid (comm) S ...": comm may contain spaces and parentheses, the state follows the last ")".
  return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
}

function tryKill(pid: number, signal: "SIGTERM" | "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch { /* already gone */ }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
