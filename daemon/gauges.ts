/** The daemon's gauges, read when /metrics or goxel.metrics renders them. */
import process from "node:process";
import type { DaemonContext } from "./context.ts";
import type { JournalStats } from "./journal_types.ts";
import type { Metrics } from "./metrics.ts";

const JOURNAL_GAUGES: [keyof JournalStats, string][] = [
  ["records", "Journal records written since start"],
  ["bytes", "Journal bytes written since start"],
  ["fsyncs", "Journal fsyncs since start"],
  ["checkpoints", "Checkpoints written since start"],
  ["write_failures", "Journal writes that failed (the request got a JOURNAL error)"],
];

/** Registers every gauge of a running daemon. */
export function registerGauges(ctx: DaemonContext, metrics: Metrics): void {
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
  for (const [key, help] of JOURNAL_GAUGES) {
    metrics.gauge(`goxel_journal_${key}`, help, () => ctx.journal.stats[key]);
  }
  metrics.gauge(
    "goxel_worker_jobs",
    "Jobs running or queued on the worker pool",
    () => ctx.workers.load,
  );
}
