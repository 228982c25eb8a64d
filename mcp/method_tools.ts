/**
 * MCP tools generated from the protocol's method declarations: every method that declares
 * `tool` hints becomes a tool named without the `goxel.` prefix, whose input schema is built
 * from the same param descriptors `rpc.discover` publishes and whose output schema is the
 * method's result schema. Nothing here restates a method's shape.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { listMethods, type MethodDecl } from "../protocol/mod.ts";
import { type JsonSchema, paramDescriptors, toJsonSchema } from "../protocol/openrpc.ts";
import { compactSchema } from "./compact_schema.ts";

/** Methods offered only with `--allow-scripts`. */
const SCRIPT_METHODS = new Set(["goxel.execute_script"]);

/** Param names whose values are file paths (confined to the workspace root). */
export const PATH_PARAMS: ReadonlySet<string> = new Set(["path", "output_path"]);

/**
 * Page sizes tools use when the agent gives none: the methods' own defaults (10 000 voxels, as
 * the C daemon's clients expect) made a megabyte of JSON per call, sent twice (text and
 * structured), far past what an agent's context should take for a look at some voxels.
 */
export const TOOL_PAGE_DEFAULTS: Readonly<Record<string, number>> = {
  limit: 500,
  max_results: 500,
};

/** What the `project` param of a tool says (each session has its own current project). */
export const PROJECT_PARAM =
  "Project id or name; omitted: the project this session last created, loaded or selected";

/** A tool backed by one daemon method. */
export interface MethodTool {
  method: string;
  decl: MethodDecl;
  tool: Tool;
}

/** The tool name of a method: its name without the `goxel.` prefix. */
export function toolNameOf(method: string): string {
  return method.replace(/^goxel\./, "");
}

/** Colour channels a method also takes as `r`, `g`, `b`, `a`: tools offer `color` alone. */
const CHANNELS = new Set(["r", "g", "b", "a"]);

/**
 * The input JSON Schema of a method's tool, built from its `rpc.discover` param descriptors and
 * compacted for agents (see compact_schema.ts).
 */
export function toolInputSchema(decl: MethodDecl): Tool["inputSchema"] {
  const all = paramDescriptors(decl);
  const hasColor = all.some((p) => p.name === "color");
  const params = all.filter((p) => !(hasColor && CHANNELS.has(p.name)));
  const required = params.filter((p) => p.required).map((p) => p.name);
  const schemaOf = (name: string, schema: JsonSchema): JsonSchema => {
    // A tool call without a project goes to its session's current project (see ToolTable).
    if (name === "project" && !required.includes(name)) {
      return { ...schema, description: PROJECT_PARAM };
    }
    const page = TOOL_PAGE_DEFAULTS[name];
    if (page === undefined) return schema;
    const said = String(schema.description ?? "").replace(/ \(default \d+\)$/, "");
    return { ...schema, description: `${said} (default ${page} here; \`truncated\` says if more)` };
  };
  return compactSchema({
    type: "object",
    properties: Object.fromEntries(params.map((p) => [p.name, schemaOf(p.name, p.schema)])),
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  }) as Tool["inputSchema"];
}

/** The output JSON Schema of a method's tool: its result schema, when that is an object. */
export function toolOutputSchema(decl: MethodDecl): JsonSchema | undefined {
  const schema = toJsonSchema(decl.result);
  return schema.type === "object" ? compactSchema(schema) : undefined;
}

function describe(decl: MethodDecl): string {
  return decl.description ? `${decl.summary}\n\n${decl.description}` : decl.summary;
}

function toolOf(decl: MethodDecl): Tool {
  const hints = decl.tool!;
  const output = toolOutputSchema(decl);
  const readOnly = hints.readOnly === true;
  return {
    name: toolNameOf(decl.name),
    description: describe(decl),
    inputSchema: toolInputSchema(decl),
    ...(output ? { outputSchema: output as Tool["outputSchema"] } : {}),
    annotations: {
      readOnlyHint: readOnly,
      destructiveHint: readOnly ? false : hints.destructive ?? true,
      idempotentHint: readOnly ? true : hints.idempotent ?? false,
      openWorldHint: false,
    },
  };
}

/** The tools generated from the declarations (execute_script only when scripts are allowed). */
export function methodTools(opts: { allowScripts: boolean }): MethodTool[] {
  return listMethods()
    .filter((d) => d.tool && (opts.allowScripts || !SCRIPT_METHODS.has(d.name)))
    .map((decl) => ({ method: decl.name, decl, tool: toolOf(decl) }));
}

/** Replaces the file-path params of `args` with their absolute paths inside the root. */
export function confinePaths(
  args: Record<string, unknown>,
  resolvePath: (path: string) => string,
): Record<string, unknown> {
  const out = { ...args };
  for (const key of PATH_PARAMS) {
    if (typeof out[key] === "string") out[key] = resolvePath(out[key] as string);
  }
  return out;
}
