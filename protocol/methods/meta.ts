/** Daemon methods: liveness, version, status, health, discovery, metrics, config, scripts, shutdown. */
import { z } from "zod";
import { RecoveryResult } from "./project.ts";
import { defineMethod } from "../method.ts";
import { FilePath } from "../wire.ts";
import { Ok } from "./common.ts";

/** `goxel.ping`. */
export const ping = defineMethod({
  name: "goxel.ping",
  tool: { readOnly: true },
  summary: "Check that the daemon answers (cheap liveness probe).",
  params: z.strictObject({}),
  positional: [],
  result: z.object({ pong: z.literal(true), timestamp: z.int().describe("Unix time in seconds") }),
  examples: [{ params: [], result: { pong: true, timestamp: 1767225600 } }],
});

/** `goxel.version`. */
export const version = defineMethod({
  name: "goxel.version",
  tool: { readOnly: true },
  summary: "Report the daemon's version and protocol.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    version: z.string(),
    type: z.literal("daemon"),
    protocol: z.literal("JSON-RPC 2.0"),
  }),
  examples: [{
    params: [],
    result: { version: "1.0.0", type: "daemon", protocol: "JSON-RPC 2.0" },
  }],
  flags: { aliases: ["goxel.get_version"] },
});

/** `goxel.echo`. */
export const echo = defineMethod({
  name: "goxel.echo",
  summary: "Return the params unchanged (an object as sent; positional params as {args: [...]}).",
  params: z.looseObject({
    args: z.array(z.unknown()).optional().describe("Positional params land here"),
  }),
  positional: ["...args"],
  result: z.unknown(),
  examples: [{ params: { hello: "world" }, result: { hello: "world" } }],
});

/** `goxel.status`. */
export const status = defineMethod({
  name: "goxel.status",
  tool: { readOnly: true },
  summary:
    "Describe the running daemon: pid, version, uptime, socket, projects, connections, memory.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    status: z.literal("running"),
    pid: z.int(),
    version: z.string(),
    uptime_seconds: z.number(),
    socket: z.string().describe("Unix socket path"),
    tcp: z.string().nullable().optional().describe('"host:port" when TCP is enabled'),
    projects: z.int().min(0).describe("Open projects"),
    connections: z.int().min(0).describe("Connected clients"),
    memory: z.object({ rss_bytes: z.int(), heap_used_bytes: z.int() }),
    current_time: z.string().optional().describe(
      'Local time "YYYY-mm-dd HH:MM:SS" (C daemon field)',
    ),
    hostname: z.string().optional(),
    goxel_initialized: z.boolean().optional().describe("Always true (C daemon field)"),
    methods_available: z.int().optional(),
    durability: z.enum(["off", "process", "batch", "always"]).optional(),
    data_dir: z.string().optional().describe("Where journals and checkpoints live"),
    journal: z.object({
      records: z.int().min(0),
      bytes: z.int().min(0),
      fsyncs: z.int().min(0),
      checkpoints: z.int().min(0),
      write_failures: z.int().min(0),
    }).optional().describe("Journal activity since start"),
    recovery: RecoveryResult.nullable().optional().describe("What recovery at start-up restored"),
  }),
  examples: [{ params: [] }],
});

/** `goxel.health_check`. */
export const healthCheck = defineMethod({
  name: "goxel.health_check",
  tool: { readOnly: true },
  summary: "Report whether the daemon is healthy and how busy it is (for supervisors and scripts).",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    daemon_status: z.enum(["healthy", "degraded", "unhealthy"]),
    has_active_project: z.boolean(),
    project_id: z.string().nullable().describe("Current project id"),
    idle_seconds: z.number().describe("Seconds since the last request"),
    uptime_seconds: z.number(),
    version: z.string(),
    open_projects: z.int().min(0),
    checks: z.record(z.string(), z.string()).optional().describe(
      'Named checks, each "ok" or a problem',
    ),
  }),
  examples: [{
    params: [],
    result: {
      daemon_status: "healthy",
      has_active_project: true,
      project_id: "p1",
      idle_seconds: 2.5,
      uptime_seconds: 3600,
      version: "1.0.0",
      open_projects: 1,
    },
  }],
});

/** `goxel.list_methods`. */
export const listMethods = defineMethod({
  name: "goxel.list_methods",
  summary: "List every method with a one-line description (rpc.discover gives full schemas).",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    count: z.int().min(0),
    methods: z.array(z.object({
      method: z.string(),
      description: z.string(),
      params: z.array(z.string()).optional().describe(
        "Param names in positional order, then named-only ones",
      ),
      aliases: z.array(z.string()).optional(),
    })),
  }),
  examples: [{
    params: [],
    result: {
      count: 1,
      methods: [{
        method: "goxel.ping",
        description: "Check that the daemon answers.",
        params: [],
      }],
    },
  }],
});

/** `goxel.metrics`. */
export const metrics = defineMethod({
  name: "goxel.metrics",
  tool: { readOnly: true },
  summary: "Return the daemon's metrics in Prometheus text exposition format 0.0.4.",
  params: z.strictObject({}),
  positional: [],
  result: z.string().describe("Prometheus text, ending with a newline"),
  examples: [{ params: [] }],
});

/** `goxel.reload_config`. */
export const reloadConfig = defineMethod({
  name: "goxel.reload_config",
  summary: "Re-read the configuration file and apply what can change at runtime (same as SIGHUP).",
  description: "On errors the old configuration stays in force and the errors are reported.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    success: z.boolean().describe("False when the new file was rejected"),
    changed: z.array(z.string()).describe("Dotted keys whose value changed"),
    applied: z.array(z.string()).describe("Changed keys now in effect"),
    restart_required: z.array(z.string()).describe("Changed keys that take effect after a restart"),
    errors: z.array(z.string()).describe("Why the file was rejected"),
  }),
  examples: [{
    params: [],
    result: {
      success: true,
      changed: ["limits.max_batch"],
      applied: ["limits.max_batch"],
      restart_required: [],
      errors: [],
    },
  }],
});

/** `goxel.shutdown`. */
export const shutdown = defineMethod({
  name: "goxel.shutdown",
  summary: "Stop the daemon after replying; requests in progress finish first.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({ success: Ok, message: z.string() }),
  examples: [{ params: [], result: { success: true, message: "Shutting down" } }],
});

/** `goxel.execute_script`. */
export const executeScript = defineMethod({
  name: "goxel.execute_script",
  tool: { destructive: true },
  summary: "Run a script (inline code or a file) against the project and return its result.",
  description:
    "Exactly one of script and path. A script that runs past timeout_ms is stopped and reported " +
    "as TIMEOUT; a script that throws is reported as SCRIPT_ERROR.",
  params: z.strictObject({
    script: z.string().min(1).optional().describe("Script source code"),
    path: FilePath.optional().describe("Script file to run"),
    name: z.string().optional().describe("Name used in messages and logs"),
    args: z.array(z.unknown()).max(1000).optional().describe(
      "Values the script reads as scriptArgs (JSON)",
    ),
    timeout_ms: z.int().min(1).max(300_000).optional().describe("Time limit in ms (default 30000)"),
  }).refine((p) => (p.script === undefined) !== (p.path === undefined), {
    path: ["script"],
    message: "give exactly one of script and path",
  }),
  positional: ["script"],
  result: z.object({
    success: Ok,
    code: z.int().describe("0 on success"),
    message: z.string(),
    result: z.unknown().optional().describe("The script's return value (JSON)"),
    output: z.string().optional().describe("What the script printed"),
  }),
  examples: [{
    params: { script: "1 + 1" },
    result: { success: true, code: 0, message: "Script executed successfully", result: 2 },
  }],
  flags: { project: true, mutates: true, heavy: true },
});

/** `goxel.authenticate`. */
export const authenticate = defineMethod({
  name: "goxel.authenticate",
  summary:
    "Present the TCP token (first message on a TCP connection; Unix socket clients never need it).",
  params: z.strictObject({
    token: z.string().min(1).describe("Contents of the token file in the runtime dir"),
  }),
  positional: ["token"],
  result: z.object({ authenticated: z.literal(true) }),
  examples: [{ params: ["3f1c..."], result: { authenticated: true } }],
});

/** `rpc.discover`. */
export const rpcDiscover = defineMethod({
  name: "rpc.discover",
  summary:
    "Return the OpenRPC 1.3 document describing every method, its params and result schemas.",
  params: z.strictObject({}),
  positional: [],
  result: z.record(z.string(), z.unknown()).describe("OpenRPC document"),
  examples: [{ params: [] }],
});

/** The daemon methods. */
export const META_METHODS = [
  ping,
  version,
  echo,
  status,
  healthCheck,
  listMethods,
  metrics,
  reloadConfig,
  shutdown,
  executeScript,
  authenticate,
  rpcDiscover,
] as const;
