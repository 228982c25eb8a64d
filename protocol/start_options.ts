/** The options the CLI hands the daemon when it starts it in-process (no RPC involved). */

/** Identity of this build. */
export interface BuildInfo {
  version: string;
  commit: string;
  runtime: string;
}

/** How `goxel start` asks the daemon to run (the CLI builds it, the daemon runs it). */
export interface StartOptions {
  config?: string;
  socket?: string;
  tcp?: string;
  /** "HOST:PORT" of the HTTP listener. */
  http?: string;
  allowNonLoopback?: boolean;
  logLevel?: string;
  logFile?: string;
  workspace?: string;
  conformance?: boolean;
  /** Running detached: log to the log file, signal readiness on stdout. */
  daemonized?: boolean;
  env: Record<string, string | undefined>;
  build: BuildInfo;
}

/** How `goxel mcp` runs (the CLI builds it, mcp/ runs it). */
export interface McpOptions {
  /** `host:port` for the Streamable HTTP transport; stdio when unset. */
  http?: string;
  allowNonLoopback?: boolean;
  /** Bearer token HTTP clients must present (required off loopback). */
  token?: string;
  /** Seconds an HTTP session may sit with no open request before it is closed (default 1800). */
  sessionIdleSeconds?: number;
  socket?: string;
  /** Fail tool calls instead of starting the daemon when none runs. */
  noSpawn?: boolean;
  /** Offer execute_script. */
  allowScripts?: boolean;
  /** Workspace root that file paths are confined to. */
  root: string;
  env: Record<string, string | undefined>;
  build: BuildInfo;
}

/** Options of the offline `goxel render` (the CLI parses them, daemon/offline.ts renders). */
export interface RenderFileOptions {
  width: number;
  height: number;
  camera?: string;
  background?: string;
  quality?: string;
  /** Raises the voxel budget of the input file (`--max-voxels`). */
  maxVoxels?: number;
}
