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

/** A successful result: the value as JSON text, and as structured content when an object. */
export function jsonResult(value: unknown): CallToolResult {
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  return {
    content: [{ type: "text", text: JSON.stringify(value) }],
    ...(isObject ? { structuredContent: value as Record<string, unknown> } : {}),
  };
}

/** An error result carrying `message`. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

function issueLines(data: unknown): string {
  const issues = (data as { issues?: { path: (string | number)[]; message: string }[] })?.issues;
  if (!Array.isArray(issues) || issues.length < 2) return "";
  return issues.slice(0, 8).map((i) =>
    `\n- ${i.path.length ? `${formatPath(i.path)}: ` : ""}${i.message}`
  ).join("");
}

/** Turns any failure of tool `name` into an error result with a useful message. */
export function failureResult(name: string, err: unknown): CallToolResult {
  if (err instanceof PathRefusedError || err instanceof DaemonUnavailableError) {
    return errorResult(`${name}: ${err.message}`);
  }
  if (err instanceof ToolArgsError) return errorResult(`Invalid arguments for ${name}: ${err.message}`);
  if (err instanceof RpcError) {
    if (err.code === ErrorCode.INVALID_PARAMS) {
      return errorResult(`Invalid arguments for ${name}: ${err.message}${issueLines(err.data)}`);
    }
    return errorResult(`${name} failed: ${err.message} (error ${err.code})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return errorResult(`${name} failed unexpectedly: ${message}`);
}
