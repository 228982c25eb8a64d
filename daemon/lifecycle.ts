/**
 * The daemon's life: config, runtime files, listeners, signals (TERM/INT stop, HUP reload,
 * USR2 reopen logs + stats), autosave on exit and cleanup.
 */
import { isLoopbackHost, parseHostPort } from "../protocol/listen_address.ts";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { dispose } from "@logtape/logtape";
import { defaultPaths, socketSiblings } from "../protocol/paths.ts";
import type { StartOptions } from "../protocol/start_options.ts";
import { ChangeHub } from "./changes.ts";
import { HttpControl } from "./http_control.ts";
import { type Config, ConfigError, diffConfig, loadConfig, type ReloadReport } from "./config.ts";
import type { DaemonContext } from "./context.ts";
import { Dispatcher } from "./dispatch.ts";
import { createHandlers } from "./handlers/mod.ts";
import { autosaveProjects } from "./handlers/persistence.ts";
import { logAccess, logger, logSettings, setupLogging } from "./logging.ts";
import { JournalStore } from "./journal.ts";
import { journalFs } from "./journal_fs.ts";
import { Metrics } from "./metrics.ts";
import { defaultDataDir, lockDataDir } from "./data_dir.ts";
import { registerGauges } from "./gauges.ts";
import { JournalObserver, recoverProjects } from "./recovery.ts";
import { IDLE_TRIM_DEFAULTS, trimIdleMemory } from "./idle_memory.ts";
import { historyOptions, ProjectRegistry } from "./projects.ts";
import {
  acquireLock,
  checkSocketParent,
  checkSocketPath,
  clearStaleSocket,
  ensurePrivateDir,
  removeFiles,
  StartupError,
  writePidFile,
  writeTokenFile,
} from "./runtime_files.ts";
import { RenderStore } from "./renders.ts";
import { RpcServer } from "./server.ts";
import { WorkerPool } from "./worker_pool.ts";

/** Log levels at which request lines (access log, failures) are written. */
const REQUEST_LOG_LEVELS = new Set(["trace", "debug", "info"]);

/** How `goxel start` asks the daemon to run. */
export type DaemonOptions = StartOptions;

/** Starts the daemon and resolves with the exit code once it has stopped. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  delete process.env.NODE_OPTIONS;
  const paths = defaultPaths({
    env: opts.env,
    uid: process.getuid?.() ?? 0,
    home: opts.env.HOME ?? "/",
  });
  // Looked up again at each reload: the default file may be created (or removed) meanwhile.
  const configFile = () =>
    opts.config ?? (opts.env.GOXEL_CONFIG ? opts.env.GOXEL_CONFIG : fileIfExists(paths.configFile));
  let config: Config;
  try {
    config = await loadConfig({
      file: configFile(),
      env: opts.env,
      flags: flagLayer(opts, paths.logFile),
    });
  } catch (err) {
    return fail(err);
  }
  const socket = resolve(config.socket ?? paths.socket);
  const { pidFile, tokenFile } = socketSiblings(socket);
  // Against the default socket, not paths.socket: GOXEL_SOCKET names another daemon's socket.
  const isDefaultSocket = socket === resolve(paths.defaultSocket);
  const dataDir = resolve(
    config.data_dir ?? defaultDataDir(dirname(paths.logFile), socket, paths.defaultSocket),
  );
  let releaseLock = () => {};
  let releaseData = () => {};
  try {
    await setupLogging(logSettings(config));
    checkSocketPath(socket);
    if (isDefaultSocket) ensurePrivateDir(paths.runtimeDir);
    else checkSocketParent(socket);
    releaseLock = await acquireLock(socket);
    if (config.durability !== "off") releaseData = await lockDataDir(dataDir);
    await clearStaleSocket(socket);
  } catch (err) {
    releaseData();
    releaseLock();
    return fail(err);
  }
  return await serve({
    opts,
    config,
    configFile,
    socket,
    pidFile,
    tokenFile,
    releaseLock: () => {
      releaseData();
      releaseLock();
    },
    defaultLogFile: paths.logFile,
    dataDir,
  });
}

interface ServeArgs {
  opts: DaemonOptions;
  config: Config;
  /** The config file to read (at start and at each reload), or null for none. */
  configFile: () => string | null;
  socket: string;
  pidFile: string;
  tokenFile: string;
  releaseLock: () => void;
  defaultLogFile: string;
  dataDir: string;
}

async function serve(a: ServeArgs): Promise<number> {
  const log = logger("daemon");
  const clock = () => Date.now();
  const metrics = new Metrics();
  const workers = new WorkerPool(a.config.workers, {
    jobTimeoutMs: () => ctx.config.limits.job_timeout_ms,
  });
  let server: RpcServer | null = null;
  let stopping: Promise<number> | null = null;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => resolveExit = r);
  const projects = new ProjectRegistry(clock, historyOptions(a.config));
  const journal = new JournalStore(
    {
      dataDir: a.dataDir,
      durability: a.config.durability,
      batchMs: a.config.durability_batch_ms,
      checkpointBytes: a.config.checkpoint.max_bytes,
      checkpointSeconds: a.config.checkpoint.max_seconds,
    },
    journalFs(a.opts.env.GOXEL_JOURNAL_TEST_SHIM),
    clock,
    logger("journal"),
  );
  const ctx: DaemonContext = {
    config: a.config,
    journal,
    recovery: null,
    onCommit(event) {
      ctx.changes.onCommit(event);
    },
    build: a.opts.build,
    conformance: a.opts.conformance === true,
    projects,
    changes: new ChangeHub(projects, metrics, () => ctx.config.changes),
    http: new HttpControl(() => ctx, () => server!.dispatcher, a.tokenFile, () => server!.budget),
    metrics,
    workers,
    renders: new RenderStore(
      a.config.render.dir ?? join(dirname(a.socket), "renders"),
      clock,
      () => ({
        ttlSeconds: ctx.config.render.ttl_seconds,
        maxBytes: ctx.config.render.max_bytes,
      }),
    ),
    clock,
    startedAt: clock(),
    workspace: resolve(a.config.workspace ?? process.cwd()),
    socketPath: a.socket,
    pidFile: a.pidFile,
    tcpAddress: () => server?.tcpAddress ?? null,
    connectionCount: () => server?.connectionCount ?? 0,
    lastRequestAt: clock(),
    onRequest(method, seconds, code, params) {
      ctx.lastRequestAt = clock();
      const { access, slow_ms, level } = ctx.config.log;
      const ms = seconds * 1000;
      // The default costs one comparison: no access log, only failures and slow requests.
      if (!access && code === undefined && ms < slow_ms) return;
      if (!REQUEST_LOG_LEVELS.has(level)) {
        if (ms >= slow_ms) {
          log.warn("{method} took {ms} ms", { method, ms: Math.round(ms * 1000) / 1000 });
        }
        return;
      }
      const rounded = Math.round(ms * 1000) / 1000;
      // JSON lines: formatted when the batch is written; the text format goes through LogTape.
      if (!logAccess("daemon", method, rounded, code)) {
        if (code === undefined) log.info("{method} ok in {ms} ms", { method, ms: rounded });
        else log.info("{method} failed with {code} in {ms} ms", { method, code, ms: rounded });
      }
      if (level !== "info") log.debug("{method} params: {params}", { method, params });
    },
    reload: () => reloadConfig(ctx, a.configFile(), a.opts, a.defaultLogFile),
    shutdown(reason) {
      stopping ??= stop(reason).then((code) => {
        resolveExit(code);
        return code;
      });
    },
    logBug(method, err) {
      log.error("Bug in {method}: {stack}", {
        method,
        stack: (err as Error)?.stack ?? String(err),
      });
    },
  };
  registerGauges(ctx, metrics);
  try {
    ctx.recovery = recoverProjects(journal, ctx.projects, logger("journal"), clock);
  } catch (err) {
    a.releaseLock();
    await workers.close();
    return fail(err);
  }
  ctx.projects.observer = new JournalObserver(journal, logger("journal"));
  if (ctx.recovery.projects_restored || ctx.recovery.failed.length) {
    log.info("Recovered {count} projects ({records} records) in {ms} ms", {
      count: ctx.recovery.projects_restored,
      records: ctx.recovery.records_replayed,
      ms: ctx.recovery.ms,
    });
  }
  server = new RpcServer(ctx, new Dispatcher(ctx, createHandlers()));
  let idleTrim: { stop(): void } | null = null;

  async function stop(reason: string): Promise<number> {
    log.info("Stopping: {reason}", { reason });
    idleTrim?.stop();
    await server!.stopAccepting();
    ctx.http.close();
    // Past the grace, what still runs on workers is stopped, and its clients hear why (−1110).
    if (!await server!.drain(a.config.shutdown_grace_ms)) await server!.cancelRunning(1000);
    if (ctx.config.autosave_on_exit) await autosaveProjects(ctx, log);
    await journal.close();
    server!.closeAll();
    ctx.renders.clear();
    await workers.close();
    removeFiles(a.socket, a.pidFile, ctx.config.tcp.enabled ? a.tokenFile : null);
    a.releaseLock();
    log.info("Stopped");
    // The log sinks buffer; without this the last lines (this one included) die with the process.
    await dispose();
    return 0;
  }

  // Before listening: a client may signal the daemon as soon as the socket answers.
  installSignals(ctx, log);
  try {
    const oldMask = process.umask(0o177);
    try {
      await server.listenUnix(a.socket);
    } finally {
      process.umask(oldMask);
    }
    if (a.config.tcp.enabled) await startTcp(server, a.config, a.tokenFile);
    if (a.config.http.listen) {
      await ctx.http.start(a.config.http.listen, a.config.http.allow_non_loopback);
    }
    writePidFile(a.pidFile);
    ctx.http.markReady();
  } catch (err) {
    ctx.http.close();
    await server.stopAccepting();
    await workers.close();
    removeFiles(a.socket);
    a.releaseLock();
    return fail(err);
  }
  // Workers keep what they built for the open projects' renders (a render on a new worker ran
  // on cold code: 227 ms against 12 for monu9 at 512²); they end once no project is open.
  const unused = () => ctx.projects.size === 0;
  idleTrim = trimIdleMemory(
    log,
    () => unused() && workers.retireIdle(),
    IDLE_TRIM_DEFAULTS,
    () => unused() && workers.ranJobs,
  );
  log.info("goxel {version} listening on {socket} (pid {pid})", {
    version: a.opts.build.version,
    socket: a.socket,
    pid: process.pid,
  });
  if (a.opts.daemonized) {
    process.stdout.write(`READY ${process.pid}\n`);
    process.stderr.on("error", () => {});
    process.stdout.on("error", () => {});
  }
  return await exited;
}

async function startTcp(server: RpcServer, config: Config, tokenFile: string): Promise<void> {
  const host = config.tcp.host;
  const loopback = isLoopbackHost(host);
  if (!loopback && !config.tcp.allow_non_loopback) {
    throw new StartupError(
      `Refusing to listen on ${host}: only loopback addresses are allowed (set tcp.allow_non_loopback to force)`,
    );
  }
  const token = writeTokenFile(tokenFile);
  try {
    await server.listenTcp(host, config.tcp.port, token);
  } catch (err) {
    removeFiles(tokenFile);
    throw new StartupError(
      `Cannot listen on ${host}:${config.tcp.port}: ${(err as Error).message}`,
    );
  }
}

function installSignals(ctx: DaemonContext, log: ReturnType<typeof logger>): void {
  process.on("SIGTERM", () => ctx.shutdown("SIGTERM"));
  process.on("SIGINT", () => ctx.shutdown("SIGINT"));
  process.on("SIGHUP", () => {
    ctx.reload().then(
      (r) => log.info("Reloaded config on SIGHUP: {report}", { report: r }),
      (err) =>
        log.error("Reload on SIGHUP failed, keeping the old config: {message}", {
          message: (err as Error).message,
        }),
    );
  });
  // SIGUSR1 too: logrotate set-ups written for nginx send it, and its default action (exit at
  // once, leaving the socket and pid file behind) must never be what a daemon does.
  const reopenLogs = () => {
    setupLogging(logSettings(ctx.config)).then(() => {
      log.info("Reopened logs; stats: {stats}", {
        stats: {
          projects: ctx.projects.size,
          connections: ctx.connectionCount(),
          rss: process.memoryUsage().rss,
          uptime_s: Math.round((ctx.clock() - ctx.startedAt) / 1000),
        },
      });
    }).catch((err) => process.stderr.write(`goxel: cannot reopen the logs: ${err}\n`));
  };
  process.on("SIGUSR2", reopenLogs);
  process.on("SIGUSR1", reopenLogs);
}

async function reloadConfig(
  ctx: DaemonContext,
  file: string | null,
  opts: DaemonOptions,
  defaultLogFile: string,
): Promise<ReloadReport> {
  const next = await loadConfig({ file, env: opts.env, flags: flagLayer(opts, defaultLogFile) });
  const report = diffConfig(ctx.config, next);
  const merged: Config = {
    ...next,
    socket: ctx.config.socket,
    workspace: ctx.config.workspace,
    tcp: ctx.config.tcp,
    http: ctx.config.http,
    workers: ctx.config.workers,
    log: { ...next.log, file: ctx.config.log.file },
  };
  ctx.config = merged;
  await setupLogging(logSettings(merged));
  return report;
}

function flagLayer(opts: DaemonOptions, defaultLogFile: string | null): Record<string, unknown> {
  const tcp = opts.tcp ? tcpListen(opts.tcp) : undefined;
  return {
    socket: opts.socket,
    workspace: opts.workspace,
    tcp: tcp
      ? { enabled: true, ...tcp, allow_non_loopback: opts.allowNonLoopback || undefined }
      : undefined,
    http: opts.http
      ? { listen: opts.http, allow_non_loopback: opts.allowNonLoopback || undefined }
      : undefined,
    log: {
      level: opts.logLevel,
      file: opts.logFile ?? (opts.daemonized ? defaultLogFile ?? undefined : undefined),
    },
  };
}

function tcpListen(text: string): { host: string; port: number } {
  const address = parseHostPort(text);
  if (!address) throw new ConfigError([`--tcp: expected HOST:PORT or PORT, got "${text}"`]);
  return address;
}

function fileIfExists(path: string): string | null {
  return existsSync(path) ? path : null;
}

function fail(err: unknown): number {
  const message = err instanceof ConfigError || err instanceof StartupError
    ? err.message
    : `Cannot start goxel: ${(err as Error)?.message ?? String(err)}`;
  process.stderr.write(`goxel: ${message}\n`);
  return 1;
}
