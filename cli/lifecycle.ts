/** `goxel start | stop | status | reload`. */
import { type Command, Option } from "@commander-js/extra-typings";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { parseHostPort } from "../protocol/listen_address.ts";
import { socketSiblings } from "../protocol/paths.ts";
import { NotRunningError, type RpcClient } from "./client.ts";
import {
  commandLine,
  holdsLock,
  isAlive,
  isLockHeld,
  readPidFile,
  startTime,
} from "./daemon_lock.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, EXIT, UsageError } from "./errors.ts";
import type { Output } from "./output.ts";
import { callWithin, connect, NotAnsweringError, resolveSocket } from "./socket.ts";
import { spawnDaemon } from "./spawn.ts";
import { ANSWER_MS, showStatus } from "./status.ts";

/** How long `goxel reload` waits for the daemon to re-read its config. */
const RELOAD_ANSWER_MS = 10_000;

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
    .option(
      "--tcp <host:port>",
      "also listen on loopback TCP (clients need the token file)",
      listenFlag("--tcp"),
    )
    .option(
      "--http <host:port>",
      "also serve HTTP: the viewer, /metrics, /rpc and /ws",
      listenFlag("--http"),
    )
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
    .option(
      "--workspace <dir>",
      "directory relative file paths resolve against (default: GOXEL_WORKSPACE, the config " +
        "file's workspace, else the directory goxel start runs in)",
    )
    .option("--conformance", "also register the JSON-RPC spec's example methods")
    .action(async (o) => {
      const socket = await resolveSocket(deps, o.socket, o.config);
      const running = await probe(socket);
      if (running && !o.daemonized) {
        out.line(`goxel is already running (pid ${running.pid}) on ${socket}`);
        // Options that only a start applies must not vanish silently.
        const unapplied = Object.entries({
          "--http": o.http,
          "--tcp": o.tcp,
          "--log-level": o.logLevel,
          "--log-file": o.logFile,
          "--workspace": o.workspace,
          "--config": o.config,
        }).filter(([, v]) => v !== undefined).map(([k]) => k);
        if (unapplied.length) {
          out.error(
            `${unapplied.join(", ")} not applied to the running daemon (stop it first, or for ` +
              `--http: goxel call serve_http)`,
          );
        }
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
        // Only when given: a flag would beat GOXEL_WORKSPACE and the config file's workspace.
        workspace: o.workspace === undefined ? undefined : resolve(deps.cwd, o.workspace),
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
      const socket = await resolveSocket(deps, o.socket);
      const client = await connect(socket, ANSWER_MS).catch((err) => {
        if (!(err instanceof NotRunningError)) throw err;
        const message = `${err.message}; start it with: goxel start`;
        // With --json a failure is a JSON object too, as with goxel call --json.
        if (o.json) out.json({ code: -32000, message, data: { exit_code: EXIT.FAILURE } });
        throw new CliError(message);
      });
      try {
        const report = await callWithin(
          client,
          socket,
          RELOAD_ANSWER_MS,
          "goxel.reload_config",
        ) as {
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
        // Unanswered, the reload may still happen: nothing can be said about the old config.
        if (err instanceof NotAnsweringError) {
          throw new CliError(`Reload failed: ${err.message}`, EXIT.FAILURE, { cause: err });
        }
        throw new CliError(
          `Reload failed, the daemon keeps its old config: ${(err as Error).message}`,
          EXIT.FAILURE,
          { cause: err },
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

/** Asks a running daemon for its status; null when none answers (within ANSWER_MS). */
export async function probe(
  socket: string,
): Promise<{ pid: number } & Record<string, unknown> | null> {
  let client: RpcClient;
  try {
    client = await connect(socket, ANSWER_MS);
  } catch {
    return null;
  }
  try {
    return await callWithin(client, socket, ANSWER_MS, "goxel.status") as { pid: number };
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
  // The daemon inherits this working directory: its default workspace, as when run in the foreground.
  const outcome = await spawnDaemon(flags, deps.env);
  if (outcome.kind === "ready") out.line(`goxel started (pid ${outcome.pid}) on ${socket}`);
  else if (outcome.kind === "already-running") out.line(outcome.message);
  else throw new CliError(`Cannot start goxel: ${outcome.message}`);
}

/** The daemon's process as first seen: a pid and its start time (pid reuse changes the latter). */
interface DaemonProcess {
  pid: number;
  start: string | null;
}

/** What asking the daemon to stop over RPC gave. */
interface Asked {
  pid: number | null;
  acknowledged: boolean;
  error: Error | null;
}

/**
 * `goxel stop`: only a daemon that holds the socket's lock is stopped, and only the process that
 * is that daemon is signalled. Graceful over RPC first; a daemon that does not answer within
 * ANSWER_MS (or refuses), or has not gone by the timeout, gets SIGTERM (and SIGCONT, in case it
 * is frozen), then SIGKILL once the timeout has passed.
 */
async function stopDaemon(out: Output, socket: string, timeoutS: number): Promise<void> {
  const timeoutMs = timeoutS * 1000;
  const deadline = Date.now() + timeoutMs;
  const { pidFile } = socketSiblings(socket);
  if (!await isLockHeld(socket)) return reportNotRunning(out, socket, pidFile);
  const asked = await askToStop(socket, Math.min(ANSWER_MS, timeoutMs), deadline);
  // It may have stopped by itself meanwhile (then the pid file went with it).
  if (asked.pid === null && !await isLockHeld(socket)) {
    return reportNotRunning(out, socket, pidFile);
  }
  const pid = asked.pid ?? daemonFromPidFile(socket, pidFile, asked.error);
  const daemon: DaemonProcess = { pid, start: startTime(pid) };
  if (asked.acknowledged && await waitGone(daemon, deadline)) {
    return out.line(`goxel stopped (pid ${pid})`);
  }
  if (terminate(daemon, socket, "SIGTERM")) {
    terminate(daemon, socket, "SIGCONT");
    const grace = asked.acknowledged ? Math.min(2000, timeoutMs) : deadline - Date.now();
    if (await waitGone(daemon, Date.now() + Math.max(grace, 0))) {
      const why = asked.acknowledged || !asked.error ? "" : `: ${whyUnasked(asked.error)}`;
      return out.line(
        `goxel stopped (pid ${pid})${asked.acknowledged ? "" : " with SIGTERM"}${why}`,
      );
    }
  }
  if (terminate(daemon, socket, "SIGKILL") && !await waitGone(daemon, Date.now() + 2000)) {
    throw new CliError(`Cannot stop goxel (pid ${pid}): it is still there after SIGKILL`);
  }
  out.line(`goxel (pid ${pid}) did not stop in ${timeoutS} s and was killed`);
}

/** Why the daemon could not be asked over RPC, as a clause ("" when it was not asked). */
function whyUnasked(err: Error | null): string {
  if (err === null) return "";
  // It holds the lock, so "not running" would mislead: starting, stopping or socket removed.
  if (err instanceof NotRunningError) return "its socket takes no connections";
  return err.message.charAt(0).toLowerCase() + err.message.slice(1);
}

/** No daemon holds the lock: a pid file left behind names nobody, and is removed. */
function reportNotRunning(out: Output, socket: string, pidFile: string): void {
  const stale = readPidFile(pidFile);
  if (stale === null) return out.line(`goxel is not running on ${socket}`);
  try {
    rmSync(pidFile, { force: true });
    out.line(`goxel is not running on ${socket} (removed the stale pid file naming pid ${stale})`);
  } catch (err) {
    out.line(`goxel is not running on ${socket}`);
    out.error(`Cannot remove the stale pid file ${pidFile}: ${(err as Error).message}`);
  }
}

/** Asks for the pid (within answerMs) and then to shut down (by the deadline). */
async function askToStop(socket: string, answerMs: number, deadline: number): Promise<Asked> {
  if (answerMs <= 0) return { pid: null, acknowledged: false, error: null };
  let client: RpcClient;
  try {
    client = await connect(socket, answerMs);
  } catch (err) {
    return { pid: null, acknowledged: false, error: err as Error };
  }
  let pid: number | null = null;
  try {
    pid = (await callWithin(client, socket, answerMs, "goxel.status") as { pid: number }).pid;
    const left = Math.max(deadline - Date.now(), 1);
    await callWithin(client, socket, left, "goxel.shutdown");
    return { pid, acknowledged: true, error: null };
  } catch (err) {
    return { pid, acknowledged: false, error: err as Error };
  } finally {
    client.close();
  }
}

/**
 * The pid file's pid, when that process is the daemon holding the lock (or, when this user may
 * not look at its descriptors, at least runs `start`); otherwise nothing may be signalled.
 */
function daemonFromPidFile(socket: string, pidFile: string, why: Error | null): number {
  const pid = readPidFile(pidFile);
  const cannot = `Cannot stop goxel on ${socket}${why ? ` (${whyUnasked(why)})` : ""}`;
  if (pid === null) throw new CliError(`${cannot}: it holds its lock but ${pidFile} names no pid`);
  const holds = holdsLock(pid, socket);
  if (holds === true) return pid;
  const cmd = commandLine(pid);
  if (holds === null && (cmd.length === 0 || cmd.includes("start"))) return pid;
  throw new CliError(
    `${cannot}: pid ${pid} from ${pidFile} is not the daemon (it does not hold the daemon's ` +
      "lock); nothing was signalled",
  );
}

/**
 * Sends a signal to the daemon; false when it is gone (or its pid now names another process).
 * Not being allowed (EPERM: another user's daemon) is an error, never a success.
 */
function terminate(d: DaemonProcess, socket: string, signal: NodeJS.Signals): boolean {
  if (isGone(d)) return false;
  try {
    process.kill(d.pid, signal);
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ESRCH") return false;
    const why = code === "EPERM" ? "not allowed (it belongs to another user)" : String(err);
    throw new CliError(
      `Cannot stop goxel on ${socket}: sending ${signal} to pid ${d.pid}: ${why}`,
      EXIT.FAILURE,
      { cause: err },
    );
  }
}

function isGone(d: DaemonProcess): boolean {
  return !isAlive(d.pid) || startTime(d.pid) !== d.start;
}

/** Polls until the daemon is gone; false if it is still there at `until`. */
async function waitGone(d: DaemonProcess, until: number): Promise<boolean> {
  while (!isGone(d)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * The parser of a listen-address flag: the text as given when it is HOST:PORT, [v6]:PORT or
 * (unless `hostRequired`) PORT, else a usage error (exit 2) before anything starts.
 */
export function listenFlag(flag: string, hostRequired = false): (text: string) => string {
  return (text) => {
    if (parseHostPort(text, hostRequired ? null : "127.0.0.1")) return text;
    const want = hostRequired ? "HOST:PORT" : "HOST:PORT or PORT";
    throw new UsageError(`Invalid ${flag} "${text}": expected ${want}, with a port 0..65535`);
  };
}
