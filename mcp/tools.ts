/** The tool table of `goxel mcp`: generated method tools plus the tools made for agents. */
import { didYouMean } from "../protocol/suggest.ts";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { formatPath } from "../protocol/mod.ts";
import type { McpContext } from "./context.ts";
import { describeProject, DescribeProjectArgs, describeProjectTool } from "./describe_project.ts";
import { confinePaths, type MethodTool, methodTools, TOOL_PAGE_DEFAULTS } from "./method_tools.ts";
import { renderView, RenderViewArgs, renderViewTool } from "./render_view.ts";
import { errorResult, failureResult, jsonResult, ToolArgsError } from "./tool_result.ts";

interface AgentTool {
  tool: Tool;
  args: z.ZodType;
  run(ctx: McpContext, args: never, signal?: AbortSignal): Promise<CallToolResult>;
}

const AGENT_TOOLS: AgentTool[] = [
  { tool: renderViewTool, args: RenderViewArgs, run: renderView },
  { tool: describeProjectTool, args: DescribeProjectArgs, run: describeProject },
];

function checkArgs<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const text = parsed.error.issues.map((i) =>
    `${i.path.length ? `${formatPath(i.path as (string | number)[])}: ` : ""}${i.message}`
  ).join("; ");
  throw new ToolArgsError(text);
}

/** Methods whose result names the project that becomes the session's current one. */
const SELECTING = new Set(["goxel.create_project", "goxel.load_project", "goxel.select_project"]);

/**
 * Lists and runs the tools of one session. Each session has its own current project: calls
 * without `project` go to the one it last created, loaded or selected (the daemon's current
 * project is shared by every client, so two agents sent each other's edits astray).
 */
export class ToolTable {
  readonly #methods: Map<string, MethodTool>;
  #current: string | null = null;
  /** The session closed its current project: calls without a project are refused until it picks one. */
  #closedCurrent = false;

  constructor(readonly ctx: McpContext, methods?: Map<string, MethodTool>) {
    this.#methods = methods ??
      new Map(methodTools({ allowScripts: ctx.allowScripts }).map((t) => [t.tool.name, t]));
  }

  /** The same tools for another session: its own context (daemon connection), its own current. */
  forSession(ctx: McpContext): ToolTable {
    return new ToolTable(ctx, this.#methods);
  }

  /** `args` with the session's current project when the tool takes one and none is given. */
  #withCurrent(tool: Tool, args: Record<string, unknown>): Record<string, unknown> {
    const takesProject = "project" in (tool.inputSchema.properties ?? {});
    if (!takesProject || args.project !== undefined) return args;
    if (this.#current !== null) return { ...args, project: this.#current };
    // Falling back to the daemon's current project would reach another agent's (and a second
    // close_project with force would discard its work).
    if (this.#closedCurrent) {
      throw new ToolArgsError(
        "this session closed its current project: pass project, or create_project, " +
          "load_project or select_project first",
      );
    }
    return args;
  }

  /** Follows the session's current project through the calls that change it. */
  #follow(method: string, result: unknown): void {
    const id = (result as { project_id?: unknown } | null)?.project_id;
    if (typeof id !== "string") return;
    if (SELECTING.has(method)) this.#current = id, this.#closedCurrent = false;
    else if (method === "goxel.close_project" && id === this.#current) {
      this.#current = null;
      this.#closedCurrent = true;
    }
  }

  /** Every tool, agent-made ones first. */
  list(): Tool[] {
    return [...AGENT_TOOLS.map((t) => t.tool), ...[...this.#methods.values()].map((t) => t.tool)];
  }

  /**
   * Runs a tool; every failure becomes an error result, never a thrown error. `signal` (the MCP
   * request's: the client cancelled it or left) stops the daemon's work for heavy tools.
   */
  async call(
    name: string,
    args: Record<string, unknown> = {},
    signal?: AbortSignal,
  ): Promise<CallToolResult> {
    try {
      const agent = AGENT_TOOLS.find((t) => t.tool.name === name);
      if (agent) {
        const given = checkArgs(agent.args, this.#withCurrent(agent.tool, args));
        return await agent.run(this.ctx, given as never, signal);
      }
      const method = this.#methods.get(name);
      if (!method) return errorResult(this.#unknown(name));
      if (method.method === "goxel.render_scene" && args.output_path === undefined) {
        // A managed render file lives in the daemon's render directory, outside the root.
        return errorResult(
          "render_scene needs output_path (a .png inside the workspace root); render_view " +
            "returns the picture itself",
        );
      }
      const params = confinePaths(
        this.#withCurrent(method.tool, args),
        (p) => this.ctx.root.resolve(p),
      );
      const declared = method.tool.inputSchema.properties ?? {};
      for (const [name, page] of Object.entries(TOOL_PAGE_DEFAULTS)) {
        if (name in declared && params[name] === undefined) params[name] = page;
      }
      const result = await this.ctx.link.call(method.method, params, { signal });
      this.#follow(method.method, result);
      return jsonResult(name, result);
    } catch (err) {
      return failureResult(name, err);
    }
  }

  #unknown(name: string): string {
    const hint = name === "execute_script" || name === "goxel.execute_script"
      ? " (scripts are offered only when goxel mcp runs with --allow-scripts)"
      : name.startsWith("goxel.") && this.#methods.has(name.slice(6))
      ? ` (tool names have no prefix: use "${name.slice(6)}")`
      : didYouMean(name, this.#methods.keys());
    return `Unknown tool "${name}"${hint}; the tools/list request lists the available tools`;
  }
}
