/**
 * Reply builders: every JSON-RPC response the daemon sends is built here, as text, with the
 * request's id copied verbatim (see {@link rawIds}) and with error replies bounded in size so
 * that a huge bad request never turns into a huger error.
 */
import type { JsonRpcError, JsonRpcId } from "./jsonrpc.ts";

/** The id of replies that answer no identifiable request (parse errors, invalid envelopes). */
export const NULL_ID = "null";

/** Longest piece of a client's input echoed back inside an error message. */
export const MAX_ECHO_CHARS = 120;

/** Largest serialised `error` member; bigger ones lose their `data` and keep a short message. */
export const MAX_ERROR_BYTES = 65536;

/** Returns an id value as JSON text. */
export function idText(id: JsonRpcId | undefined): string {
  // A finite number's JSON text is its string form (String() costs a tenth of JSON.stringify).
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  return id === undefined ? NULL_ID : JSON.stringify(id);
}

/** Shortens client input before it is echoed in a message: `"abc…" (12000 chars)`. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Builds a success reply; `result` undefined is sent as null. */
export function resultReply(id: string, result: unknown): string {
  const body = result === undefined ? "null" : JSON.stringify(result);
  if (body === undefined) throw new TypeError(`Cannot send a result of type ${typeof result}`);
  return `{"jsonrpc":"2.0","result":${body},"id":${id}}`;
}

/** Builds an error reply; an error object over {@link MAX_ERROR_BYTES} is cut down first. */
export function errorReply(id: string, error: JsonRpcError): string {
  let body = JSON.stringify(error);
  if (body.length > MAX_ERROR_BYTES) body = JSON.stringify(boundError(error));
  return `{"jsonrpc":"2.0","error":${body},"id":${id}}`;
}

/** Builds an error reply from its parts. */
export function errorReplyOf(id: string, code: number, message: string, data?: unknown): string {
  return errorReply(id, data === undefined ? { code, message } : { code, message, data });
}

function boundError(error: JsonRpcError): JsonRpcError {
  const message = clip(error.message, 1000);
  const data = error.data as { reason?: unknown } | undefined;
  const kept: Record<string, unknown> = { truncated: true };
  if (typeof data?.reason === "string") kept.reason = clip(data.reason);
  return { code: error.code, message, data: kept };
}
