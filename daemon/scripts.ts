/**
 * execute_script: each script runs on the (already started) worker pool inside a QuickJS
 * sandbox with a memory limit, an interrupt deadline and a work budget; a client that leaves
 * stops its script through a shared flag; the pool kills the worker shortly after the deadline
 * if the sandbox itself is stuck. The daemon's event loop is never held.
 */
import type { Image } from "../core/image.ts";
import { imageFromPlain, imageToPlain, plainBuffers } from "../core/plain_image.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import type { ScriptJobResult } from "./script_job.ts";
import type { WorkerPool } from "./worker_pool.ts";

/** What a finished script gives back. */
export interface ScriptOutcome {
  value: unknown;
  logs: string[];
  /** The edited image, or null when the script changed nothing. */
  image: Image | null;
  elapsedMs: number;
}

/** The limits a script runs under. */
export interface ScriptLimits {
  timeoutMs: number;
  memoryMb: number;
  maxVoxels: number;
  maxTiles: number;
}

/** Extra time the worker gets after the deadline before it is terminated from outside. */
const KILL_GRACE_MS = 2000;

/** Runs `source` against a snapshot of `image`; rejects with TIMEOUT, LIMIT or SCRIPT_ERROR. */
export async function runScript(
  pool: WorkerPool,
  source: string,
  image: Image,
  limits: ScriptLimits,
  options: { args?: unknown[]; signal?: AbortSignal; name?: string } = {},
): Promise<ScriptOutcome> {
  const started = performance.now();
  const plain = imageToPlain(image);
  const stop = new SharedArrayBuffer(4);
  const script = { ...limits, source, image: plain, args: options.args ?? [], stop };
  let msg: ScriptJobResult;
  try {
    msg = await pool.run({ kind: "script", script }, {
      transfer: plainBuffers(plain),
      signal: options.signal,
      timeoutMs: limits.timeoutMs + KILL_GRACE_MS,
      stop: () => Atomics.store(new Int32Array(stop), 0, 1),
    }) as ScriptJobResult;
  } catch (err) {
    if (err instanceof RpcError && err.code === ErrorCode.TIMEOUT) {
      throw timeoutError(limits.timeoutMs, [], labelOf(options.name));
    }
    throw err;
  }
  const elapsedMs = Math.round(performance.now() - started);
  if (!msg.ok) {
    // Cancelled by goxel.cancel_request: its own error says so (else the client left).
    const reason = options.signal?.reason;
    throw msg.kind === "cancelled" && reason instanceof RpcError
      ? reason
      : scriptError(msg, limits, labelOf(options.name));
  }
  const edited = msg.image ? imageFromPlain(msg.image) : null;
  return { value: msg.value, logs: msg.logs, image: edited, elapsedMs };
}

/** How messages name a script: `Script "castle.js"` when it has a name, else `Script`. */
function labelOf(name: string | undefined): string {
  return name ? `Script ${JSON.stringify(name.slice(0, 100))}` : "Script";
}

function timeoutError(timeoutMs: number, logs: string[], label: string): RpcError {
  return new RpcError(
    ErrorCode.TIMEOUT,
    `${label} timed out after ${timeoutMs} ms and was stopped`,
    { reason: "timeout", timeout_ms: timeoutMs, logs },
  );
}

function scriptError(
  msg: Extract<ScriptJobResult, { ok: false }>,
  limits: ScriptLimits,
  label: string,
) {
  switch (msg.kind) {
    case "timeout":
      return timeoutError(limits.timeoutMs, msg.logs, label);
    case "cancelled":
      return new RpcError(
        ErrorCode.APPLICATION_ERROR,
        `${label} was cancelled: its client left`,
        {
          reason: "cancelled",
        },
      );
    case "memory":
      return new RpcError(ErrorCode.LIMIT, `${label} stopped: ${msg.message}`, {
        reason: "limit_exceeded",
        limit: "limits.script_memory_mb",
        max: limits.memoryMb,
        logs: msg.logs,
      });
    case "limit":
      return new RpcError(ErrorCode.LIMIT, `${label} stopped: ${msg.message}`, {
        reason: "limit_exceeded",
        ...msg.limit,
        logs: msg.logs,
      });
    default:
      // The script's own message and where it was thrown, for tools that point at the line.
      return new RpcError(ErrorCode.SCRIPT_ERROR, `${label} failed: ${msg.message}`, {
        reason: "script_error",
        ...msg.error,
        stack: msg.stack,
        logs: msg.logs,
      });
  }
}
