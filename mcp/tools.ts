/** The tool table of `goxel mcp`: generated method tools plus the tools made for agents. */
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
  run(ctx: McpContext, args: never): Promise<CallToolResult>;
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

/** Lists and runs the tools. */
export class ToolTable {
  readonly #methods: Map<string, MethodTool>;

  constructor(readonly ctx: McpContext) {
    const tools = methodTools({ allowScripts: ctx.allowScripts });
    this.#methods = new Map(tools.map((t) => [t.tool.name, t]));
  }

  /** Every tool, agent-made ones first. */
  list(): Tool[] {
    return [...AGENT_TOOLS.map((t) => t.tool), ...[...this.#methods.values()].map((t) => t.tool)];
  }

  /** Runs a tool; every failure becomes an error result, never a thrown error. */
  async call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    try {
      const agent = AGENT_TOOLS.find((t) => t.tool.name === name);
      if (agent) return await agent.run(this.ctx, checkArgs(agent.args, args) as never);
      const method = this.#methods.get(name);
      if (!method) return errorResult(this.#unknown(name));
      const params = confinePaths(args, (p) => this.ctx.root.resolve(p));
      const declared = method.tool.inputSchema.properties ?? {};
      for (const [name, page] of Object.entries(TOOL_PAGE_DEFAULTS)) {
        if (name in declared && params[name] === undefined) params[name] = page;
      }
      return jsonResult(await this.ctx.link.call(method.method, params));
    } catch (err) {
      return failureResult(name, err);
    }
  }

  #unknown(name: string): string {
    const hint = name === "execute_script" || name === "goxel.execute_script"
      ? " (scripts are offered only when goxel mcp runs with --allow-scripts)"
      : name.startsWith("goxel.") && this.#methods.has(name.slice(6))
      ? ` (tool names have no prefix: use "${name.slice(6)}")`
      : "";
    return `Unknown tool "${name}"${hint}; the tools/list request lists the available tools`;
  }
}
