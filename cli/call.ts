/** `goxel call <method> [args...]`, `goxel call -` (NDJSON from stdin) and `goxel methods`. */
import type { Command } from "@commander-js/extra-typings";
import { isAbsolute, resolve } from "node:path";
import process from "node:process";
import { findMethod, listMethods, type MethodDecl } from "../protocol/mod.ts";
import { type RpcClient, RpcError } from "./client.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, UsageError } from "./errors.ts";
import { connect, resolveSocket } from "./lifecycle.ts";
import { describeParams } from "./method_help.ts";
import type { Output } from "./output.ts";
import { spawnDaemon } from "./spawn.ts";

/** Param names whose relative values are file paths, resolved against the caller's directory. */
const PATH_PARAMS = new Set(["path", "file_path", "output_path", "input_path", "output", "input"]);

/** Parses one CLI value: JSON when it parses, else the text itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Builds named params from positional values (declared order) and `name=value` args. */
export function buildParams(decl: MethodDecl, args: string[], cwd: string): Record<string, unknown> {
  const keys = Object.keys(decl.params.shape);
  const params: Record<string, unknown> = {};
  const positional: unknown[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : "";
    if (name && keys.includes(name)) params[name] = parseValue(arg.slice(eq + 1));
    else positional.push(parseValue(arg));
  }
  if (positional.length > decl.positional.length) {
    throw new UsageError(
      `${decl.name} takes at most ${decl.positional.length} positional argument(s) (${decl.positional.join(", ") || "none"}), got ${positional.length}`,
    );
  }
  positional.forEach((v, i) => {
    const name = decl.positional[i];
    if (name in params) throw new UsageError(`${decl.name}: ${name} is given twice`);
    params[name] = v;
  });
  for (const [k, v] of Object.entries(params)) {
    if (PATH_PARAMS.has(k) && typeof v === "string" && v && !isAbsolute(v)) params[k] = resolve(cwd, v);
  }
  return params;
}

/** Connects to the daemon, starting it first unless `noSpawn`. */
export async function connectOrSpawn(deps: CliDeps, socket: string, noSpawn: boolean): Promise<RpcClient> {
  try {
    return await connect(socket);
  } catch (err) {
    if (noSpawn) throw new CliError(`${(err as Error).message}; start it with: goxel start`);
  }
  const outcome = await spawnDaemon(["--socket", socket], deps.env);
  if (outcome.kind === "failed") throw new CliError(`Cannot start goxel: ${outcome.message}`);
  for (let i = 0; i < 100; i++) {
    try {
      return await connect(socket);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new CliError(`goxel did not start on ${socket}`);
}

/** Adds `call` and `methods`. */
export function addCallCommand(program: Command, deps: CliDeps, out: Output): void {
  program.command("call")
    .description("Call a daemon method: goxel call add_voxel 1 2 3 '#ff0000' (see: goxel methods)")
    .argument("<method>", "method name, with or without the goxel. prefix; - reads NDJSON requests from stdin")
    .argument("[args...]", "values in the declared order, or name=value; JSON when it parses, else text")
    .option("--params <json>", "all params as one JSON object or array, or - to read it from stdin")
    .option("--project <id>", "project to address (default: GOXEL_PROJECT, else the current one)")
    .option("--json", "print errors as JSON error objects on stdout too")
    .option("--no-spawn", "fail instead of starting the daemon when it is not running")
    .option("--socket <path>", "Unix socket path")
    .helpOption(false)
    .option("-h, --help", "show help (for a method: its summary and params)")
    .allowUnknownOption(false)
    .action(async (method, args, o, cmd) => {
      if (o.help) {
        if (method && method !== "-") return printMethodHelp(out, method);
        return out.stdout(cmd.helpInformation());
      }
      const socket = resolveSocket(deps, o.socket);
      const client = await connectOrSpawn(deps, socket, o.spawn === false);
      try {
        if (method === "-") return await streamStdin(client, out);
        await callOnce(client, deps, out, method, args, o);
      } finally {
        client.close();
      }
    });

  program.command("methods")
    .description("List the daemon's methods")
    .option("--json", "print JSON")
    .action((o) => {
      const all = listMethods();
      if (o.json) return out.json(all.map((m) => ({ name: m.name, summary: m.summary, params: m.positional })));
      const width = Math.max(...all.map((m) => m.name.length));
      for (const m of all) out.line(`${m.name.padEnd(width)}  ${m.summary}`);
    });
}

async function callOnce(
  client: RpcClient,
  deps: CliDeps,
  out: Output,
  method: string,
  args: string[],
  o: { params?: string; project?: string; json?: boolean },
): Promise<void> {
  const decl = findMethod(method, { conformance: true });
  if (!decl) throw new UsageError(`Unknown method "${method}" (list them with: goxel methods)`);
  let params: unknown;
  if (o.params !== undefined) {
    if (args.length) throw new UsageError("Give params either as arguments or with --params, not both");
    const text = o.params === "-" ? await readStdin() : o.params;
    try {
      params = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--params is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    params = buildParams(decl, args, deps.cwd);
  }
  const project = o.project ?? deps.env.GOXEL_PROJECT;
  if (project && decl.flags?.project && params && typeof params === "object" && !Array.isArray(params)) {
    (params as Record<string, unknown>).project ??= project;
  }
  try {
    out.json(await client.call(decl.name, params));
  } catch (err) {
    if (!(err instanceof RpcError)) throw err;
    if (o.json) out.json({ code: err.code, message: err.message, data: err.data });
    throw new CliError(err.message);
  }
}

function printMethodHelp(out: Output, name: string): void {
  const decl = findMethod(name, { conformance: true });
  if (!decl) throw new UsageError(`Unknown method "${name}" (list them with: goxel methods)`);
  const usage = decl.positional.map((p) => `<${p}>`).join(" ");
  out.line(`Usage: goxel call ${decl.name} ${usage}`.trimEnd());
  out.line("");
  out.line(decl.summary);
  const rows = describeParams(decl);
  if (rows.length) {
    out.line("");
    out.line("Params:");
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) out.line(`  ${r.name.padEnd(width)}  ${r.type}${r.required ? "" : " (optional)"}  ${r.description}`);
  }
}

async function streamStdin(client: RpcClient, out: Output): Promise<void> {
  let pending = 0, ended = false;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => done = r);
  client.onUnmatched = (line) => {
    out.line(line);
    pending--;
    if (ended && pending <= 0) done();
  };
  let buffer = "";
  for await (const chunk of process.stdin) {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) pending += sendLine(client, line);
  }
  pending += sendLine(client, buffer);
  ended = true;
  if (pending > 0) await finished;
}

function sendLine(client: RpcClient, line: string): number {
  const text = line.trim();
  if (!text) return 0;
  client.writeRaw(text + "\n");
  try {
    const msg = JSON.parse(text);
    if (Array.isArray(msg)) return msg.some((m) => m && typeof m === "object" && "id" in m) ? 1 : 0;
    return msg && typeof msg === "object" && !("id" in msg) ? 0 : 1;
  } catch {
    return 1;
  }
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk.toString();
  return text;
}
