/** The daemon's context object: everything handlers may use, passed explicitly (no globals). */
import type { ChangeHub } from "./changes.ts";
import type { CommitEvent } from "./commits.ts";
import type { Config, ReloadReport } from "./config.ts";
import type { JournalStore } from "./journal.ts";
import type { HttpControl } from "./http_control.ts";
import type { Metrics } from "./metrics.ts";
import type { ProjectRegistry } from "./projects.ts";
import type { RenderStore } from "./renders.ts";
import type { RecoveryReport } from "./recovery.ts";
import type { WorkerPool } from "./worker_pool.ts";

export type { BuildInfo } from "../protocol/start_options.ts";
import type { BuildInfo } from "../protocol/start_options.ts";

/** State shared by the server, the handlers and the lifecycle. */
export interface DaemonContext {
  config: Config;
  readonly build: BuildInfo;
  /** Registers the JSON-RPC spec's example methods (for the conformance vectors). */
  readonly conformance: boolean;
  readonly projects: ProjectRegistry;
  /** Journals of the open projects (durability). */
  readonly journal: JournalStore;
  /** What recovery at start-up did (null until it ran). */
  recovery: RecoveryReport | null;
  /** Called after every committed change (the change stream listens here). */
  onCommit(event: CommitEvent): void;
  readonly metrics: Metrics;
  readonly workers: WorkerPool;
  readonly renders: RenderStore;
  /** Sequence numbers and the change stream (goxel.subscribe). */
  readonly changes: ChangeHub;
  /** The HTTP listener (viewer, /metrics, /rpc, /ws), started by config or goxel.serve_http. */
  readonly http: HttpControl;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly startedAt: number;
  /** Directory relative paths resolve against. */
  readonly workspace: string;
  readonly socketPath: string;
  readonly pidFile: string | null;
  readonly tcpAddress: () => string | null;
  /** Open client connections. */
  readonly connectionCount: () => number;
  /** Time of the last request (ms since epoch). */
  lastRequestAt: number;
  /** Called after every request (logging; params are logged only at debug level). */
  onRequest(method: string, seconds: number, errorCode: number | undefined, params?: unknown): void;
  /** Re-reads the config file and applies reloadable keys; throws ConfigError when invalid. */
  reload(): Promise<ReloadReport>;
  /** Starts a graceful shutdown. */
  shutdown(reason: string): void;
  /** Logs an unexpected error with its stack. */
  logBug(method: string, err: unknown): void;
}
