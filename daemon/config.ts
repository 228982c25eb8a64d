/**
 * Daemon configuration: YAML file + environment + flags (flags > env > file > defaults),
 * validated with zod; errors name the key and the file's line and column.
 */
import { didYouMean } from "../protocol/suggest.ts";
import { readFileSync } from "node:fs";
import type { Document } from "yaml";
import { z } from "zod";

const MiB = 1024 * 1024;

/** The configuration schema with every default. */
export const ConfigSchema = z.strictObject({
  socket: z.string().min(1).optional().describe("Unix socket path"),
  workspace: z.string().min(1).optional().describe("Directory relative file paths resolve against"),
  tcp: z.strictObject({
    enabled: z.boolean().default(false),
    host: z.string().default("127.0.0.1"),
    port: z.int().min(0).max(65535).default(7890),
    allow_non_loopback: z.boolean().default(false),
  }).prefault({}),
  http: z.strictObject({
    listen: z.string().min(1).nullable().default(null).describe(
      '"HOST:PORT" of the HTTP listener (viewer, /metrics, /rpc, /ws); off when null',
    ),
    allow_non_loopback: z.boolean().default(false),
  }).prefault({}),
  log: z.strictObject({
    level: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
    file: z.string().min(1).nullable().default(null),
    format: z.enum(["auto", "json", "text"]).default("auto"),
    max_bytes: z.int().min(4096).default(10 * MiB),
    max_files: z.int().min(1).max(100).default(5),
    access: z.boolean().default(false).describe(
      "One info line per request (an access log); errors and slow requests are always logged",
    ),
    slow_ms: z.number().min(0).default(100).describe("Requests slower than this are always logged"),
  }).prefault({}),
  limits: z.strictObject({
    max_message_bytes: z.int().min(1024).max(256 * MiB).default(16 * MiB),
    max_depth: z.int().min(2).max(10000).default(64),
    max_batch: z.int().min(1).max(100000).default(1000),
    max_connections: z.int().min(1).max(65536).default(256),
    idle_timeout_seconds: z.number().min(0).default(300),
    max_buffered_bytes: z.int().min(MiB).default(256 * MiB),
    max_unauthenticated: z.int().min(1).max(4096).default(16),
    auth_timeout_seconds: z.number().min(0.1).max(300).default(5),
    max_voxels_per_request: z.int().min(1).default(20_000_000),
    max_tiles_per_request: z.int().min(1).default(16_384),
    max_file_bytes: z.int().min(1024).default(256 * MiB),
    script_memory_mb: z.int().min(1).max(4096).default(64),
    job_timeout_ms: z.int().min(100).max(3_600_000).default(120_000),
  }).prefault({}),
  changes: z.strictObject({
    coalesce_ms: z.number().min(0).max(1000).default(20).describe(
      "Edits of a project within this time are reported as one goxel.changed event",
    ),
    ring_size: z.int().min(1).max(1_000_000).default(1024).describe(
      "Change events kept per project for subscribe's since",
    ),
    subscriber_buffer_bytes: z.int().min(4096).default(MiB).describe(
      "Unread notifications a subscriber may hold before it is skipped and resynced",
    ),
  }).prefault({}),
  workers: z.int().min(1).max(64).default(2),
  history_limit: z.int().min(0).default(256).describe(
    "Undo steps kept per project (0 = unbounded)",
  ),
  history_max_bytes: z.int().min(0).default(512 * MiB).describe(
    "What one project's undo steps may weigh (16 KiB per tile a step changed); past it the " +
      "oldest go, the latest is always kept (0 = unbounded)",
  ),
  render: z.strictObject({
    dir: z.string().min(1).optional(),
    ttl_seconds: z.number().min(1).default(3600),
    max_bytes: z.int().min(MiB).default(1024 * MiB),
  }).prefault({}),
  script: z.strictObject({
    default_timeout_ms: z.int().min(1).max(300000).default(30000),
  }).prefault({}),
  autosave_on_exit: z.boolean().default(false).describe(
    "Save dirty projects that have a path over their files at shutdown (off: the journal keeps unsaved work)",
  ),
  durability: z.enum(["off", "process", "batch", "always"]).default("process").describe(
    "When a mutating request is answered: after its journal write (process), after a group fsync " +
      "(batch), after its own fsync (always), or with no journal (off)",
  ),
  durability_batch_ms: z.number().min(0.1).max(1000).default(5).describe(
    "Longest wait for the group fsync with durability: batch",
  ),
  data_dir: z.string().min(1).optional().describe(
    "Where project journals and checkpoints live (default $XDG_STATE_HOME/goxel)",
  ),
  checkpoint: z.strictObject({
    max_bytes: z.int().min(4096).default(64 * MiB),
    max_seconds: z.number().min(1).default(600),
  }).prefault({}),
  shutdown_grace_ms: z.int().min(0).max(600000).default(5000),
});

/** A validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Keys (dotted, prefix match) that only take effect after a restart. */
export const RESTART_KEYS = [
  "socket",
  "workspace",
  "tcp",
  "http",
  "workers",
  "log.file",
  "durability",
  "durability_batch_ms",
  "data_dir",
  "history_limit",
  "history_max_bytes",
];

/** A configuration problem, with the place it comes from. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration: ${issues.join("; ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Raw layers of configuration before validation. */
export interface ConfigSources {
  file?: string | null;
  env?: Record<string, string | undefined>;
  flags?: Record<string, unknown>;
}

/** Reads, merges and validates the configuration; throws ConfigError with located issues. */
export async function loadConfig(sources: ConfigSources): Promise<Config> {
  // The YAML parser is loaded only when there is a file (it costs ~7 MB of an idle daemon).
  const fromFile = sources.file
    ? readYamlFile(sources.file, await import("yaml"))
    : { data: {}, locate: noLocate };
  const merged = deepMerge(
    deepMerge(fromFile.data, envLayer(sources.env ?? {})),
    sources.flags ?? {},
  );
  const parsed = ConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.flatMap((issue) => {
    const path = issue.path as (string | number)[];
    // Every section is strict: a misspelt nested key (limits.max_conections) is an error too.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) =>
        `unknown key ${[...path, k].join(".")}${didYouMean(k, sectionKeys(path))}${
          fromFile.locate([...path, k])
        }`
      );
    }
    return [`${path.join(".") || "(root)"}: ${issue.message}${fromFile.locate(path)}`];
  }));
}

/** The keys the config schema allows at `path` (a section's, or the top level's). */
function sectionKeys(path: (string | number)[]): string[] {
  let schema: unknown = ConfigSchema;
  for (const p of path) {
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    schema = shape?.[p as string];
    // Through defaults and optionals to the object inside.
    while ((schema as { unwrap?: () => unknown })?.unwrap) {
      schema = (schema as { unwrap: () => unknown }).unwrap();
    }
  }
  return Object.keys((schema as { shape?: Record<string, unknown> })?.shape ?? {});
}

type Locate = (path: (string | number)[]) => string;
const noLocate: Locate = () => "";

type Yaml = typeof import("yaml");

function readYamlFile(file: string, yaml: Yaml): { data: Record<string, unknown>; locate: Locate } {
  const { isMap, LineCounter, parseDocument } = yaml;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ConfigError([`cannot read config file "${file}": ${code ?? (err as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      // The parser's first line ends with a colon before the excerpt it quotes: keep the line.
      const first = e.message.split("\n")[0].replace(/:\s*$/, "");
      return `${file}${pos ? `:${pos.line}:${pos.col}` : ""}: ${first}`;
    }));
  }
  const data = doc.toJS() ?? {};
  // An empty file (or one of comments only) sets nothing, like a missing one.
  const empty = doc.contents === null;
  if (typeof data !== "object" || Array.isArray(data) || (!empty && !isMap(doc.contents))) {
    throw new ConfigError([`${file}: the top level must be a mapping of keys`]);
  }
  const locate: Locate = (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number] } | undefined;
      const keyNode = n > 0 ? findKeyNode(yaml, doc, path.slice(0, n)) : undefined;
      const offset = keyNode?.range?.[0] ?? node?.range?.[0];
      if (offset !== undefined) {
        const { line, col } = lines.linePos(offset);
        return ` (${file}:${line}:${col})`;
      }
    }
    return ` (${file})`;
  };
  return { data: data as Record<string, unknown>, locate };
}

function findKeyNode(
  { isMap }: Yaml,
  doc: Document,
  path: (string | number)[],
): { range?: [number, number] } | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === path.at(-1));
  return pair?.key as { range?: [number, number] } | undefined;
}

function envLayer(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.GOXEL_SOCKET) out.socket = env.GOXEL_SOCKET;
  if (env.GOXEL_WORKSPACE) out.workspace = env.GOXEL_WORKSPACE;
  if (env.GOXEL_LOG_LEVEL) out.log = { level: env.GOXEL_LOG_LEVEL };
  if (env.GOXEL_DATA_DIR) out.data_dir = env.GOXEL_DATA_DIR;
  if (env.GOXEL_DURABILITY) out.durability = env.GOXEL_DURABILITY;
  return out;
}

/** Deep-merges plain objects; `b` wins; undefined values in `b` are skipped. */
export function deepMerge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlain(v) && isPlain(prev) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a reload changed: keys applied now and keys that need a restart. */
export interface ReloadReport {
  changed: string[];
  applied: string[];
  restart_required: string[];
}

/** Compares two configurations key by key (dotted leaf keys). */
export function diffConfig(before: Config, after: Config): ReloadReport {
  const changed = leafDiff(before, after, "");
  const needsRestart = (k: string) => RESTART_KEYS.some((r) => k === r || k.startsWith(`${r}.`));
  return {
    changed,
    applied: changed.filter((k) => !needsRestart(k)),
    restart_required: changed.filter(needsRestart),
  };
}

function leafDiff(a: unknown, b: unknown, prefix: string): string[] {
  if (isPlain(a) && isPlain(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].sort().flatMap((k) => leafDiff(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}
