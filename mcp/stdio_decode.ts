/**
 * Turns one stdio line into an MCP message, or into the JSON-RPC error that answers it: −32700
 * for text that is not JSON (or a line over the limit), −32600 for JSON that is not a message.
 */
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  ErrorCode,
  errorObject,
  type JsonRpcFailure,
  validateEnvelope,
} from "../protocol/jsonrpc.ts";
import type { Envelope } from "./stdio_envelope.ts";
import type { LineEvent } from "./stdio_lines.ts";

/** What to do with a line: hand the message to the server, or log the problem and maybe answer. */
export type LineOutcome =
  | { kind: "message"; message: JSONRPCMessage }
  | { kind: "rejected"; problem: string; reply?: JsonRpcFailure }
  | { kind: "blank" };

/** Decodes one line event; `maxLineBytes` is the limit an oversize line went over. */
export function decodeLine(event: LineEvent, maxLineBytes: number): LineOutcome {
  if (event.kind === "oversize") return oversize(event.bytes, event.envelope, maxLineBytes);
  if (event.kind === "undecodable") {
    return rejected(null, ErrorCode.PARSE_ERROR, "Parse error: the line is not valid UTF-8");
  }
  if (event.text.trim() === "") return { kind: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(event.text);
  } catch (err) {
    return rejected(null, ErrorCode.PARSE_ERROR, `Parse error: ${(err as Error).message}`);
  }
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (parsed.success) return { kind: "message", message: parsed.data };
  return rejected(requestIdOf(value), ErrorCode.INVALID_REQUEST, invalidReason(value));
}

/**
 * A line too long to read is answered with the id of the request it carried, so the host's call
 * fails at once instead of waiting for its timeout; a notification is not answered (JSON-RPC
 * forbids it) and anything else is answered with a null id.
 */
function oversize(bytes: number, envelope: Envelope, max: number): LineOutcome {
  const message = `Parse error: message of ${bytes} bytes exceeds the limit of ${max} bytes; ` +
    "split the work into smaller calls";
  const data = { limit: "max_line_bytes", max };
  if (envelope.hasMethod && envelope.id === undefined) {
    return { kind: "rejected", problem: message };
  }
  const id = envelope.hasMethod ? envelope.id ?? null : null;
  return rejected(id, ErrorCode.PARSE_ERROR, message, data);
}

function rejected(
  id: string | number | null,
  code: number,
  message: string,
  data?: unknown,
): LineOutcome {
  const reply: JsonRpcFailure = { jsonrpc: "2.0", id, error: errorObject(code, message, data) };
  return { kind: "rejected", problem: message, reply };
}

/** The id of a request the SDK refused, when it has one worth answering to; else null. */
function requestIdOf(value: unknown): string | number | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  // Only a request's id is the host's: a response carries the id of one of our requests.
  if (!("method" in value)) return null;
  const { id } = value as Record<string, unknown>;
  return typeof id === "string" || Number.isSafeInteger(id) ? id as string | number : null;
}

function invalidReason(value: unknown): string {
  if (Array.isArray(value)) {
    return "Invalid request: batches are not supported; send one JSON-RPC message per line";
  }
  const isRequestLike = typeof value === "object" && value !== null && "method" in value;
  const check = isRequestLike ? validateEnvelope(value) : undefined;
  if (check && !check.ok) return check.error.message;
  return isRequestLike
    ? "Invalid request: not an MCP request (a string or integer id, params an object, no other members)"
    : "Invalid request: not a JSON-RPC 2.0 request, notification or response";
}
