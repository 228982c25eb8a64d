/**
 * The JSON-RPC 2.0 envelope (https://www.jsonrpc.org/specification): message types, error
 * codes, request validation and response builders. Batches and the `rpc.` prefix are the
 * server's business; this module judges one request object at a time.
 */

/** A request id: string, number or null (a request without an `id` member is a notification). */
export type JsonRpcId = string | number | null;

/** Params by position (array) or by name (object). */
export type JsonRpcParams = unknown[] | Record<string, unknown>;

/** A valid request; `id` is absent (not undefined) for notifications. */
export interface JsonRpcRequest {
  jsonrpc: "2.0";
  method: string;
  params?: JsonRpcParams;
  id?: JsonRpcId;
}

/** The error member of an error response. */
export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** A success response (built as text by replies.ts). */
export interface JsonRpcSuccess {
  jsonrpc: "2.0";
  result: unknown;
  id: JsonRpcId;
}

/** An error response (built as text by replies.ts). */
export interface JsonRpcFailure {
  jsonrpc: "2.0";
  error: JsonRpcError;
  id: JsonRpcId;
}

/** Any response: exactly one of `result` and `error`. */
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;

/**
 * Error codes. The five spec codes sit in the reserved range −32768..−32000; the application
 * codes sit outside it, in the C daemon's `−1000 − n` space (anchor §1.2):
 *
 * | name | code | meaning |
 * |---|---|---|
 * | APPLICATION_ERROR | −1000 | other domain failure (the C daemon's `JSON_RPC_APPLICATION_ERROR` base) |
 * | NOT_FOUND | −1020 | no such project, layer, render, file or palette (same code as the C daemon's "Render not found") |
 * | INVALID_INPUT | −1101 | well-typed params that make no sense here (e.g. editing a clone layer) |
 * | CONFLICT | −1102 | the state forbids it (unsaved changes, name taken, nothing to undo into) |
 * | FORMAT | −1103 | a file is malformed or in an unknown format (`data.format`, `data.offset`) |
 * | IO | −1104 | reading or writing a file failed (`data.path`) |
 * | UNSUPPORTED | −1105 | the format or operation cannot do this (e.g. import-only format on export) |
 * | LIMIT | −1106 | a configured limit was exceeded (`data.limit`, `data.max`) |
 * | TIMEOUT | −1107 | the operation ran out of time (scripts, renders) |
 * | NO_PROJECT | −1108 | the method needs an open project and none is open |
 * | BUSY | −1109 | too many connections or requests in flight; retry later |
 * | SHUTTING_DOWN | −1110 | the daemon is stopping and accepts no new work |
 * | UNAUTHORIZED | −1111 | a TCP client must call `goxel.authenticate` first |
 * | SCRIPT_ERROR | −1112 | a script threw (`data.stack`) |
 * | JOURNAL | −1113 | the change could not be written to the project's journal (disk full, I/O error); nothing was applied (`data.errno`, `data.path`) |
 * | READ_ONLY | −1114 | the project was recovered read-only after journal damage; save it elsewhere or close it |
 *
 * The C daemon's other codes (−1001..−1021) name the *method* that failed rather than why; they
 * are listed in {@link LEGACY_METHOD_CODES} and are never reused with another meaning.
 */
export const ErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  APPLICATION_ERROR: -1000,
  NOT_FOUND: -1020,
  INVALID_INPUT: -1101,
  CONFLICT: -1102,
  FORMAT: -1103,
  IO: -1104,
  UNSUPPORTED: -1105,
  LIMIT: -1106,
  TIMEOUT: -1107,
  NO_PROJECT: -1108,
  BUSY: -1109,
  SHUTTING_DOWN: -1110,
  UNAUTHORIZED: -1111,
  SCRIPT_ERROR: -1112,
  JOURNAL: -1113,
  READ_ONLY: -1114,
} as const;

/** One of the error codes above. */
export type ErrorCodeValue = typeof ErrorCode[keyof typeof ErrorCode];

/** A one-line meaning for every error code, for docs and `goxel call` output. */
export const ERROR_CODE_MEANINGS: Record<keyof typeof ErrorCode, string> = {
  PARSE_ERROR: "the message is not valid JSON or is too large",
  INVALID_REQUEST:
    "the message is not a valid JSON-RPC 2.0 request (or nests too deep, or the batch is too big)",
  METHOD_NOT_FOUND: "no such method (names may omit the `goxel.` prefix)",
  INVALID_PARAMS: "params do not match the method; `data.issues` lists each problem",
  INTERNAL_ERROR: "a bug in the daemon; it is logged with a stack trace",
  APPLICATION_ERROR: "other failure of the requested operation",
  NOT_FOUND: "no such project, layer, render, file or palette",
  INVALID_INPUT: "the params are well-formed but make no sense for this project",
  CONFLICT: "the current state forbids the operation",
  FORMAT: "a file is malformed or its format is unknown",
  IO: "reading or writing a file failed",
  UNSUPPORTED: "the format or operation cannot do this",
  LIMIT: "a configured limit was exceeded",
  TIMEOUT: "the operation ran out of time",
  NO_PROJECT: "no project is open",
  BUSY: "the daemon is saturated; retry later",
  SHUTTING_DOWN: "the daemon is shutting down",
  UNAUTHORIZED: "authenticate first (TCP connections)",
  SCRIPT_ERROR: "the script threw an error",
  JOURNAL: "the change could not be journaled (disk full, I/O error) and was not applied",
  READ_ONLY: "the project was recovered read-only after journal damage",
};

/** The C daemon's per-method failure codes (anchor §1.2), kept for reference and never reused. */
export const LEGACY_METHOD_CODES: Readonly<Record<string, number>> = {
  "goxel.create_project": -1001,
  "goxel.load_project": -1002,
  "goxel.save_project": -1003,
  "goxel.add_voxel": -1004,
  "goxel.remove_voxel": -1005,
  "goxel.get_voxel": -1006,
  "goxel.export_model": -1007,
  "goxel.create_layer": -1008,
  "goxel.paint_voxels": -1009,
  "goxel.flood_fill": -1010,
  "goxel.procedural_shape": -1011,
  "goxel.delete_layer": -1012,
  "goxel.merge_layers": -1013,
  "goxel.set_layer_visibility": -1014,
  "goxel.render_scene": -1015,
  "goxel.get_render_info": -1020,
  "goxel.cleanup_render": -1021,
};

/** An error carrying its JSON-RPC code, for code that wants to choose the code itself. */
export class RpcError extends Error {
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  /** Returns the error member of a response. */
  toJSON(): JsonRpcError {
    return errorObject(this.code, this.message, this.data);
  }
}

/** Result of {@link validateEnvelope}: the request, or the error to send back with its id. */
export type EnvelopeCheck =
  | { ok: true; request: JsonRpcRequest }
  | { ok: false; error: JsonRpcError; id: JsonRpcId };

/** True for a valid id value: string, number or null. */
export function isValidId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

/**
 * Checks one decoded message against the request rules of JSON-RPC 2.0 §4: an object with
 * `jsonrpc` exactly "2.0", a string `method`, `params` (if present) an array or object, and
 * `id` (if present) a string, number or null. Invalid requests are answered (even without
 * an id) with −32600 and the request's id when that id itself is valid, else null.
 */
export function validateEnvelope(msg: unknown): EnvelopeCheck {
  const problem = envelopeProblem(msg);
  if (problem) return invalid(problem[0], problem[1]);
  const m = msg as Record<string, unknown>;
  const request: JsonRpcRequest = { jsonrpc: "2.0", method: m.method as string };
  if (Object.hasOwn(m, "params")) request.params = m.params as JsonRpcParams;
  if (Object.hasOwn(m, "id")) request.id = m.id as JsonRpcId;
  return { ok: true, request };
}

/**
 * True when a decoded message is a valid request as it stands (the rules of validateEnvelope;
 * other members are left on it): a server may then use it without a copy.
 */
export function isRequest(msg: unknown): msg is JsonRpcRequest {
  return envelopeProblem(msg) === null;
}

/** Why a message is not a valid request, with the id to answer with; null when it is one. */
function envelopeProblem(msg: unknown): [string, JsonRpcId] | null {
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
    return ["the message must be a JSON object", null];
  }
  const m = msg as Record<string, unknown>;
  const hasId = Object.hasOwn(m, "id");
  if (hasId && !isValidId(m.id)) return ["id must be a string, a number or null", null];
  const id = hasId ? m.id as JsonRpcId : null;
  if (m.jsonrpc !== "2.0") return ['"jsonrpc" must be exactly "2.0"', id];
  if (typeof m.method !== "string") return ['"method" must be a string', id];
  if (Object.hasOwn(m, "params") && (typeof m.params !== "object" || m.params === null)) {
    return ['"params" must be an array or an object when present', id];
  }
  return null;
}

function invalid(why: string, id: JsonRpcId): EnvelopeCheck {
  return {
    ok: false,
    error: errorObject(ErrorCode.INVALID_REQUEST, `Invalid request: ${why}`),
    id,
  };
}

/** Builds an error object, omitting `data` when undefined. */
export function errorObject(code: number, message: string, data?: unknown): JsonRpcError {
  return data === undefined ? { code, message } : { code, message, data };
}
