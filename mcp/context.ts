/** What every tool and resource handler of `goxel mcp` works with. */
import type { DaemonLink } from "./daemon_link.ts";
import type { WorkspaceRoot } from "./root.ts";

/** The server's shared state: the daemon connection and the workspace root. */
export interface McpContext {
  link: DaemonLink;
  root: WorkspaceRoot;
  allowScripts: boolean;
}
