/** The one place where errors become JSON-RPC error objects. */
import { LimitError } from "../core/budget.ts";
import { FormatError, GoxelError, IoError } from "../core/errors.ts";
import { ErrorCode, type JsonRpcError, RpcError } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";

const CODE_BY_REASON: Record<string, number> = {
  not_found: ErrorCode.NOT_FOUND,
  conflict: ErrorCode.CONFLICT,
  invalid_input: ErrorCode.INVALID_INPUT,
  format: ErrorCode.FORMAT,
  io: ErrorCode.IO,
  limit_exceeded: ErrorCode.LIMIT,
};

/** Maps an error to a JSON-RPC error; unexpected errors become -32603 and are logged. */
export function toRpcError(err: unknown, ctx: DaemonContext, method: string): JsonRpcError {
  if (err instanceof RpcError) {
    return err.data === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, data: err.data };
  }
  if (err instanceof GoxelError) {
    const data: Record<string, unknown> = { reason: err.reason };
    if (err instanceof FormatError) {
      Object.assign(data, { format: err.format, offset: err.offset });
      if (err.path !== undefined) data.path = err.path;
    }
    if (err instanceof IoError) data.path = err.path;
    if (err instanceof LimitError) {
      Object.assign(data, { limit: err.limit, requested: err.requested, max: err.max });
    }
    return {
      code: CODE_BY_REASON[err.reason] ?? ErrorCode.INVALID_INPUT,
      message: err.message,
      data,
    };
  }
  ctx.logBug(method, err);
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: ErrorCode.INTERNAL_ERROR,
    message: `Internal error in ${method}: ${message}`,
    data: { reason: "internal" },
  };
}
