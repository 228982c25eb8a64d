/** Handlers of the daemon methods: ping, version, status, health, discovery, metrics, config, shutdown. */
import { hostname } from "node:os";
import process from "node:process";
import { buildOpenRpc, listMethods } from "../../protocol/mod.ts";
import { ConfigError } from "../config.ts";
import type { HandlerGroup } from "./types.ts";

/** A worker busy on one job for longer than this is reported by health_check. */
const STUCK_WORKER_MS = 10_000;

type MetaMethods =
  | "goxel.ping"
  | "goxel.version"
  | "goxel.echo"
  | "goxel.status"
  | "goxel.health_check"
  | "goxel.list_methods"
  | "goxel.metrics"
  | "goxel.reload_config"
  | "goxel.shutdown"
  | "goxel.authenticate"
  | "rpc.discover"
  | "subtract"
  | "sum"
  | "get_data"
  | "update"
  | "notify_hello"
  | "notify_sum";

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}

/** Handlers for the daemon methods (and the JSON-RPC conformance examples). */
export const metaHandlers: HandlerGroup<MetaMethods> = {
  "goxel.ping"(_p, { ctx }) {
    return { pong: true, timestamp: Math.floor(ctx.clock() / 1000) };
  },

  "goxel.version"(_p, { ctx }) {
    return { version: ctx.build.version, type: "daemon", protocol: "JSON-RPC 2.0" };
  },

  "goxel.echo"(p) {
    return p;
  },

  "goxel.status"(_p, { ctx }) {
    const mem = process.memoryUsage();
    return {
      status: "running",
      pid: process.pid,
      version: ctx.build.version,
      uptime_seconds: Math.round((ctx.clock() - ctx.startedAt) / 100) / 10,
      socket: ctx.socketPath,
      tcp: ctx.tcpAddress(),
      projects: ctx.projects.size,
      connections: ctx.connectionCount(),
      memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed },
      current_time: localTime(ctx.clock()),
      hostname: hostname(),
      goxel_initialized: true,
      methods_available: listMethods({ conformance: ctx.conformance }).length,
      durability: ctx.journal.settings.durability,
      data_dir: ctx.journal.settings.dataDir,
      journal: { ...ctx.journal.stats },
      recovery: ctx.recovery,
    };
  },

  "goxel.health_check"(_p, { ctx }) {
    const current = ctx.projects.current;
    const rss = process.memoryUsage().rss;
    const stuck = ctx.workers.busyLongerThan(STUCK_WORKER_MS);
    const checks: Record<string, string> = {
      workers: stuck
        ? `${stuck} worker(s) busy on one job for more than ${STUCK_WORKER_MS / 1000} s`
        : ctx.workers.load < ctx.workers.size * 16
        ? "ok"
        : `${ctx.workers.load} jobs queued`,
      connections: ctx.connectionCount() < ctx.config.limits.max_connections
        ? "ok"
        : "at the connection limit",
    };
    const failing = Object.values(checks).filter((v) => v !== "ok").length;
    return {
      daemon_status: failing ? "degraded" : "healthy",
      has_active_project: current !== null,
      project_id: current?.id ?? null,
      idle_seconds: Math.round((ctx.clock() - ctx.lastRequestAt) / 100) / 10,
      uptime_seconds: Math.round((ctx.clock() - ctx.startedAt) / 100) / 10,
      version: ctx.build.version,
      open_projects: ctx.projects.size,
      checks: { ...checks, memory: `ok (${Math.round(rss / 1048576)} MiB)` },
    };
  },

  "goxel.list_methods"(_p, { ctx }) {
    const methods = listMethods({ conformance: ctx.conformance }).map((m) => ({
      method: m.name,
      description: m.summary,
      params: [
        ...m.positional.map((n) => n.replace(/^\.\.\./, "")),
        ...Object.keys(m.params.shape).filter((k) =>
          !m.positional.includes(k) && !m.positional.includes(`...${k}`)
        ),
      ],
      ...(m.flags.aliases?.length ? { aliases: [...m.flags.aliases] } : {}),
    }));
    return { count: methods.length, methods };
  },

  "goxel.metrics"(_p, { ctx }) {
    return ctx.metrics.render();
  },

  async "goxel.reload_config"(_p, { ctx }) {
    try {
      const report = await ctx.reload();
      return { success: true, ...report, errors: [] };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { success: false, changed: [], applied: [], restart_required: [], errors: err.issues };
    }
  },

  "goxel.shutdown"(_p, { ctx }) {
    setTimeout(() => ctx.shutdown("goxel.shutdown request"), 10);
    return { success: true, message: "Shutting down" };
  },

  "goxel.authenticate"() {
    return { authenticated: true };
  },

  "rpc.discover"(_p, { ctx }) {
    return buildOpenRpc(listMethods({ conformance: ctx.conformance }), {
      title: "goxel",
      version: ctx.build.version,
    }) as unknown as Record<string, unknown>;
  },

  subtract(p) {
    return p.minuend - p.subtrahend;
  },

  sum(p) {
    return p.values.reduce((a, b) => a + b, 0);
  },

  get_data() {
    return ["hello", 5];
  },

  update() {
    return null;
  },

  notify_hello() {
    return null;
  },

  notify_sum(p) {
    return p.values.reduce((a, b) => a + b, 0);
  },
};
