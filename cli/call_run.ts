/**
 * Running `goxel call`: params from CLI args (call_params.ts), the connection (starting the daemon
 * if needed) and the reply. No commander here: `goxel call <method> [args]` with only the options below is parsed
 * by parseCallArgv and runs without loading the command tree (start-up time); anything else goes
 * through commander (cli/call.ts), which declares its options from the same table.
 */
import { resolve } from "node:path";
import process from "node:process";
import {
  buildParams,
  fastParams,
  findEntry,
  hasNamedArgs,
  loadDecl,
  resolvePaths,
  unknownMethod,
  withProject,
} from "./call_params.ts";
import { type RpcClient, RpcError } from "./client.ts";
import { streamRequests } from "./call_stream.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, EXIT, exitCodeFor, UnknownMethodError, UsageError } from "./errors.ts";
import { SocketPermissionError } from "./link.ts";
import { type Output, preferStreams } from "./output.ts";
import { connect, resolveSocket } from "./socket.ts";
import { spawnDaemon } from "./spawn.ts";

/** `goxel call`'s options (commander's declaration and the fast parser both read this). */
export const CALL_OPTIONS = {
  params: {
    flags: "--params <json>",
    description: "all params as one JSON object or array, or - to read it from stdin",
  },
  project: {
    flags: "--project <id>",
    description: "project to address (default: GOXEL_PROJECT, else the current one)",
  },
  json: { flags: "--json", description: "print errors as JSON error objects on stdout too" },
  spawn: {
    flags: "--no-spawn",
    description: "fail instead of starting the daemon when it is not running",
  },
  socket: { flags: "--socket <path>", description: "Unix socket path" },
} as const;

/** What `goxel call` runs with. */
export interface CallArgs {
  method: string;
  args: string[];
  params?: string;
  project?: string;
  json?: boolean;
  spawn?: boolean;
  socket?: string;
}

/** Long flag → option key, whether it takes a value, and the value of a flag without one. */
const FLAGS = new Map(
  Object.entries(CALL_OPTIONS).map(([key, { flags }]) => {
    const [flag] = flags.split(" ");
    return [flag, { key, value: flags.includes("<"), set: !flag.startsWith("--no-") }] as const;
  }),
);

/**
 * Parses `call <method> [args...]` with only CALL_OPTIONS (`--opt value` or `--opt=value`,
 * anywhere after `call`), or returns null for anything else (help, `-`, `watch`, an unknown or
 * negative-number-looking argument, `--`): commander then parses it and reports usage errors.
 */
export function parseCallArgv(argv: string[]): CallArgs | null {
  if (argv[0] !== "call") return null;
  const positional: string[] = [];
  const o: Record<string, string | boolean> = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const option = FLAGS.get(eq > 0 ? arg.slice(0, eq) : arg);
    if (!option) return null;
    if (option.value) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) return null;
      o[option.key] = value;
    } else if (eq > 0) return null;
    else o[option.key] = option.set;
  }
  const [method, ...args] = positional;
  if (method === undefined || method === "watch") return null;
  return { ...o, method, args };
}

/** Runs a parsed `goxel call` (method "-": NDJSON requests from stdin; "watch": the stream). */
export async function runCall(deps: CliDeps, out: Output, o: CallArgs): Promise<void> {
  try {
    await runCallInner(deps, out, o);
  } catch (err) {
    // With --json every failure is also a JSON error object on stdout, not only the daemon's.
    if (o.json === true && !(err instanceof ReportedRpcError)) out.json(jsonError(err));
    throw err;
  }
}

/** A daemon error already printed as JSON by callOnce. */
class ReportedRpcError extends CliError {}

/** A JSON-RPC style error object for a failure that happened before or around the call. */
function jsonError(err: unknown): { code: number; message: string; data: object } {
  const message = (err as Error)?.message ?? String(err);
  const exit_code = exitCodeFor(err);
  const reason = (err as { reason?: string }).reason;
  // Usage errors map to JSON-RPC's own codes; the rest are this client's (server range).
  const code = err instanceof UnknownMethodError
    ? -32601
    : exit_code === EXIT.USAGE
    ? -32602
    : -32000;
  return { code, message, data: { exit_code, ...(reason ? { reason } : {}) } };
}

async function runCallInner(deps: CliDeps, out: Output, o: CallArgs): Promise<void> {
  const { method, args } = o;
  const watching = method === "watch";
  const call = method === "-" || watching ? null : await prepareCall(deps, method, args, o);
  if (!call) preferStreams();
  const socket = await resolveSocket(deps, o.socket);
  const client = await connectOrSpawn(deps, socket, o.spawn === false);
  try {
    if (watching) {
      const { watchStream } = await import("./watch.ts");
      await watchStream(client, out, args, o.project ?? deps.env.GOXEL_PROJECT);
    } else if (call) {
      await callOnce(client, out, call, o.json === true);
      if (call.name === "goxel.subscribe") {
        out.stderr(
          "goxel: this subscription ends with this command; to follow changes: goxel call watch " +
            "[project] [since]\n",
        );
      }
    } else await streamRequests(client, out, process.stdin, (p) => resolve(deps.cwd, p));
  } finally {
    // Notifications at the end of a stream have no reply to wait for: they must still go out.
    await client.close();
  }
}

/** Connects to the daemon, starting it first unless `noSpawn`. */
export async function connectOrSpawn(
  deps: CliDeps,
  socket: string,
  noSpawn: boolean,
): Promise<RpcClient> {
  try {
    return await connect(socket);
  } catch (err) {
    // A socket we may not use belongs to a daemon that runs: starting another cannot help.
    if (err instanceof SocketPermissionError) {
      throw new CliError(err.message, undefined, { cause: err });
    }
    if (noSpawn) throw new CliError(`${(err as Error).message}; start it with: goxel start`);
  }
  const outcome = await spawnDaemon(["--socket", socket], deps.env);
  if (outcome.kind === "failed") throw new CliError(`Cannot start goxel: ${outcome.message}`);
  // Said on a terminal only: scripts read stdout, and stay quiet on stderr.
  if (outcome.kind === "ready" && process.stderr.isTTY) {
    process.stderr.write(`goxel: started the daemon (pid ${outcome.pid}) on ${socket}\n`);
  }
  for (let i = 0; i < 100; i++) {
    try {
      return await connect(socket);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new CliError(`goxel did not start on ${socket}`);
}

/** Turns CLI args (or --params) into the method's name and params; usage errors come first. */
async function prepareCall(
  deps: CliDeps,
  method: string,
  args: string[],
  o: { params?: string; project?: string },
): Promise<{ name: string; params: unknown }> {
  const entry = findEntry(method, { conformance: true });
  if (!entry) throw unknownMethod(method);
  const project = o.project ?? deps.env.GOXEL_PROJECT;
  let params: unknown;
  if (o.params !== undefined) {
    if (args.length) {
      throw new UsageError("Give params either as arguments or with --params, not both");
    }
    const text = o.params === "-" ? await readStdin() : o.params;
    try {
      params = resolvePaths(entry, JSON.parse(text), deps.cwd);
    } catch (err) {
      throw new UsageError(`--params is not valid JSON: ${(err as Error).message}`);
    }
    if (project && entry.project) params = withProject(await loadDecl(entry.name), params, project);
  } else if (!hasNamedArgs(args) && !(project && entry.project)) {
    params = fastParams(entry, args, deps.cwd);
  } else {
    const decl = await loadDecl(entry.name);
    params = buildParams(decl, args, deps.cwd);
    if (project && entry.project) params = withProject(decl, params, project);
  }
  return { name: entry.name, params };
}

async function callOnce(
  client: RpcClient,
  out: Output,
  call: { name: string; params: unknown },
  json: boolean,
): Promise<void> {
  // Ctrl-C asks the daemon to cancel the request (its reply then says so); a second one, or a
  // daemon that does not answer within CANCEL_WAIT_MS, leaves at once.
  const interrupted = new AbortController();
  const stopped = (why: string) =>
    Object.assign(new CliError(`${call.name} was interrupted: ${why}`, EXIT.INTERRUPTED), {
      reason: "cancelled",
    });
  let leave = (_why: string) => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const left = new Promise<never>((_, reject) => leave = (why) => reject(stopped(why)));
  left.catch(() => {});
  const onInterrupt = () => {
    if (interrupted.signal.aborted) return leave("interrupted again before the daemon answered");
    interrupted.abort();
    const late = `the daemon did not answer the cancellation within ${CANCEL_WAIT_MS} ms`;
    timer = setTimeout(() => leave(late), CANCEL_WAIT_MS);
  };
  process.on("SIGINT", onInterrupt);
  try {
    out.json(await Promise.race([client.call(call.name, call.params, interrupted.signal), left]));
  } catch (err) {
    if (interrupted.signal.aborted && err instanceof RpcError) throw stopped(err.message);
    if (!(err instanceof RpcError)) throw err;
    if (!json) throw new CliError(err.message);
    out.json({ code: err.code, message: err.message, data: err.data });
    throw new ReportedRpcError(err.message);
  } finally {
    process.off("SIGINT", onInterrupt);
    clearTimeout(timer);
  }
}

/** How long an interrupted call waits for the daemon to confirm its cancellation. */
const CANCEL_WAIT_MS = 2000;

/** Reads all of stdin and decodes it once (decoding per chunk would split characters). */
async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes);
}
