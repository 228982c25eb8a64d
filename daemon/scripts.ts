/**
 * execute_script: each script runs in its own worker thread inside a QuickJS sandbox (memory
 * limit, interrupt deadline, work budget); the worker is also killed shortly after the deadline
 * in case the sandbox itself is stuck, so the daemon's event loop is never held.
 */
import { Worker } from "node:worker_threads";
import type { Image } from "../core/image.ts";
import {
  imageFromPlain,
  imageToPlain,
  plainBuffers,
  type PlainImage,
} from "../core/plain_image.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import type { SandboxOutcome } from "./script_sandbox.ts";

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
const KILL_GRACE_MS = 1000;

/** Runs `source` against a snapshot of `image`; rejects with TIMEOUT, LIMIT or SCRIPT_ERROR. */
export function runScript(
  source: string,
  image: Image,
  limits: ScriptLimits,
  args: unknown[] = [],
  signal?: AbortSignal,
): Promise<ScriptOutcome> {
  const started = performance.now();
  const plain = imageToPlain(image);
  const worker = new Worker(new URL("./script_worker.ts", import.meta.url));
  // Sent as a message, not workerData: big typed arrays in workerData are cloned slowly on
  // this thread (seconds for a few million voxels), a transferred message costs milliseconds.
  worker.postMessage({ ...limits, source, image: plain, args }, plainBuffers(plain));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(timeoutError(limits.timeoutMs, []));
    }, limits.timeoutMs + KILL_GRACE_MS);
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    // A client that disconnects takes its script with it.
    const onAbort = () => {
      finish();
      reject(
        new RpcError(ErrorCode.APPLICATION_ERROR, "The script was cancelled: its client left", {
          reason: "cancelled",
        }),
      );
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.once("message", (msg: SandboxOutcome & { image?: PlainImage | null }) => {
      finish();
      const elapsedMs = Math.round(performance.now() - started);
      if (msg.ok) {
        const edited = msg.image ? imageFromPlain(msg.image) : null;
        resolve({ value: msg.value, logs: msg.logs, image: edited, elapsedMs });
      } else reject(scriptError(msg, limits));
    });
    worker.once("error", (err) => {
      finish();
      // The worker's own message may name internal files: report only what failed.
      reject(
        new RpcError(ErrorCode.SCRIPT_ERROR, `Script failed: the script worker stopped`, {
          reason: "script_error",
          detail: String(err?.name ?? "Error"),
        }),
      );
    });
  });
}

function timeoutError(timeoutMs: number, logs: string[]): RpcError {
  return new RpcError(
    ErrorCode.TIMEOUT,
    `Script timed out after ${timeoutMs} ms and was stopped`,
    { reason: "timeout", timeout_ms: timeoutMs, logs },
  );
}

function scriptError(msg: Extract<SandboxOutcome, { ok: false }>, limits: ScriptLimits): RpcError {
  switch (msg.kind) {
    case "timeout":
      return timeoutError(limits.timeoutMs, msg.logs);
    case "memory":
      return new RpcError(ErrorCode.LIMIT, `Script stopped: ${msg.message}`, {
        reason: "limit_exceeded",
        limit: "limits.script_memory_mb",
        max: limits.memoryMb,
        logs: msg.logs,
      });
    case "limit":
      return new RpcError(ErrorCode.LIMIT, `Script stopped: ${msg.message}`, {
        reason: "limit_exceeded",
        ...msg.limit,
        logs: msg.logs,
      });
    default:
      return new RpcError(ErrorCode.SCRIPT_ERROR, `Script failed: ${msg.message}`, {
        reason: "script_error",
        stack: msg.stack,
        logs: msg.logs,
      });
  }
}
