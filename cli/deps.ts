/** What the composition root (main.ts) hands the CLI: it never imports the daemon itself. */

import type { RenderFileOptions } from "../protocol/start_options.ts";
import type { BuildInfo, McpOptions, StartOptions } from "../protocol/start_options.ts";

export type { BuildInfo, McpOptions, StartOptions };

/** Offline (daemon-less) file operations. */
export interface OfflineOps {
  /** Describes a file: format, layers, voxel counts, boxes, materials, cameras, CRC. */
  info(path: string, opts?: { maxVoxels?: number }): Promise<Record<string, unknown>>;
  /**
   * Converts a file; returns the written files, the format used and what the written file
   * lacks of the input (read back; empty for meshes).
   */
  convert(
    input: string,
    output: string,
    opts: { format?: string; greedy?: boolean; maxVoxels?: number },
  ): Promise<{ format: string; files: string[]; losses: string[] }>;
  /** The format names files can be read in and written to. */
  formats(): Promise<{ read: string[]; write: string[] }>;
  /** True when a name, alias or extension names a format that can be read or written. */
  isFormat(name: string, direction: "read" | "write"): Promise<boolean>;
  /** Renders a file to a PNG. */
  render(
    input: string,
    output: string,
    opts: RenderFileOptions,
  ): Promise<{ files: string[] }>;
}

/** Everything the CLI needs from outside. */
export interface CliDeps {
  env: Record<string, string | undefined>;
  cwd: string;
  build: BuildInfo;
  runDaemon(opts: StartOptions): Promise<number>;
  /** Runs `goxel mcp` (absent in builds without the MCP server). */
  runMcp?(opts: McpOptions): Promise<number>;
  offline: OfflineOps;
}
