/** Tool results: the one place where failures become MCP error results with a clear message. */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ErrorCode, formatPath, RpcError } from "../protocol/mod.ts";
import { DaemonUnavailableError } from "./daemon_link.ts";
import { PathRefusedError } from "./root.ts";

/** A failure in the MCP layer's own argument checks (agent-made tools). */
export class ToolArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolArgsError";
  }
}

/**
 * Largest JSON text a tool result may hold. The result goes out twice (text and structured
 * content) in one message, and MCP clients drop big ones: the TypeScript SDK's stdio client
 * closes the whole connection past 10 MB. A model cannot read that much either.
 */
export const MAX_RESULT_CHARS = 1_000_000;

/**
 * A successful result of tool `name`: the value as JSON text, and as structured content when
 * an object; an error result asking for less when the text passes MAX_RESULT_CHARS.
 */
export function jsonResult(name: string, value: unknown): CallToolResult {
  const text = JSON.stringify(value) ?? "null";
  if (text.length > MAX_RESULT_CHARS) {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    return errorResult(
      `${name}: the result is ${mb(text.length)} MB of JSON, over the ${
        mb(MAX_RESULT_CHARS)
      } MB a tool result may hold: ask for less (a smaller limit, paging with offset, a smaller ` +
        "region), or for a summary (describe_project, get_project_info)",
    );
  }
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  return {
    content: [{ type: "text", text }],
    ...(isObject ? { structuredContent: value as Record<string, unknown> } : {}),
  };
}

/** An error result carrying `message`. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** The daemon's validation issues as `path: message; …`, else its message. */
function issuesText(err: RpcError): string {
  const issues = (err.data as { issues?: { path: (string | number)[]; message: string }[] })
    ?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return err.message;
  return issues.slice(0, 8).map((i) =>
    `${i.path.length ? `${formatPath(i.path)}: ` : ""}${i.message}`
  ).join("; ") + (issues.length > 8 ? `; and ${issues.length - 8} more` : "");
}

/** Turns any failure of tool `name` into an error result with a useful message. */
export function failureResult(name: string, err: unknown): CallToolResult {
  if (err instanceof PathRefusedError || err instanceof DaemonUnavailableError) {
    return errorResult(`${name}: ${err.message}`);
  }
  if (err instanceof ToolArgsError) {
    return errorResult(`Invalid arguments for ${name}: ${err.message}`);
  }
  if (err instanceof RpcError) {
    if (err.code === ErrorCode.INVALID_PARAMS) {
      return errorResult(`Invalid arguments for ${name}: ${issuesText(err)}`);
    }
    return errorResult(`${name} failed: ${err.message} (error ${err.code})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return errorResult(`${name} failed unexpectedly: ${message}`);
}
