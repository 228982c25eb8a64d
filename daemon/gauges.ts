/**
 * The daemon's metrics declared up front: gauges and journal counters read when /metrics or
 * goxel.metrics renders them, and the help of the counters other modules count.
 */
import process from "node:process";
import type { DaemonContext } from "./context.ts";
import type { JournalStats } from "./journal_types.ts";
import type { Metrics } from "./metrics.ts";

/**
 * Journal totals since start: counters, though their names lack `_total` (renaming them would
 * break the dashboards and alerts that scrape them; the 0.0.4 text format does not require it).
 */
const JOURNAL_COUNTERS: [keyof JournalStats, string][] = [
  ["records", "Journal records written since start"],
  ["bytes", "Journal bytes written since start"],
  ["fsyncs", "Journal fsyncs since start"],
  ["checkpoints", "Checkpoints written since start"],
  ["write_failures", "Journal writes that failed (the request got a JOURNAL error)"],
];

/** Counters whose label values are only known when counted: declared for their help text. */
const LABELLED_COUNTERS: [string, string][] = [
  ["goxel_requests_total", "JSON-RPC requests handled, by method and outcome"],
  ["goxel_rejected_total", "Requests and connections refused by a limit, by limit"],
  ["goxel_connections_total", "Client connections accepted, by transport"],
  ["goxel_http_requests_total", "HTTP requests answered, by path and status code"],
];

/** Registers every gauge of a running daemon, its journal counters and the counters' help. */
export function registerGauges(ctx: DaemonContext, metrics: Metrics): void {
  for (const [name, help] of LABELLED_COUNTERS) metrics.describe(name, help, []);
  metrics.gauge("goxel_open_projects", "Open projects", () => ctx.projects.size);
  metrics.gauge("goxel_connections", "Open client connections", () => ctx.connectionCount());
  metrics.gauge(
    "goxel_resident_memory_bytes",
    "Resident set size",
    () => process.memoryUsage().rss,
  );
  metrics.gauge(
    "goxel_uptime_seconds",
    "Seconds since start",
    () => (ctx.clock() - ctx.startedAt) / 1000,
  );
  metrics.gauge(
    "goxel_journal_seq",
    "Sequence number of each open project's last committed change",
    () => ctx.projects.list().map((p) => [`{project="${p.id}"}`, p.seq] as [string, number]),
  );
  for (const [key, help] of JOURNAL_COUNTERS) {
    metrics.counterFrom(`goxel_journal_${key}`, help, () => ctx.journal.stats[key]);
  }
  metrics.gauge(
    "goxel_worker_jobs",
    "Jobs running or queued on the worker pool",
    () => ctx.workers.load,
  );
}
