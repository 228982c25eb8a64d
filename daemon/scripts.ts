/** execute_script: each script runs in its own worker thread and is killed at its timeout. */
import { Worker } from "node:worker_threads";
import type { Image } from "../core/image.ts";
import { imageFromPlain, imageToPlain, type PlainImage } from "../core/plain_image.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";

/** What a finished script gives back. */
export interface ScriptOutcome {
  value: unknown;
  logs: string[];
  /** The edited image, or null when the script changed nothing. */
  image: Image | null;
  elapsedMs: number;
}

/** Runs `source` against a snapshot of `image`; rejects with TIMEOUT or SCRIPT_ERROR failures. */
export function runScript(
  source: string,
  image: Image,
  timeoutMs: number,
  args: unknown[] = [],
): Promise<ScriptOutcome> {
  const started = performance.now();
  const worker = new Worker(new URL("./script_worker.ts", import.meta.url), {
    workerData: { source, image: imageToPlain(image), args },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(
        new RpcError(
          ErrorCode.TIMEOUT,
          `Script timed out after ${timeoutMs} ms and was stopped`,
          { timeout_ms: timeoutMs },
        ),
      );
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      worker.terminate();
    };
    worker.once(
      "message",
      (
        msg: {
          ok: boolean;
          value?: unknown;
          logs: string[];
          image?: PlainImage | null;
          message?: string;
          stack?: string;
        },
      ) => {
        finish();
        const elapsedMs = Math.round(performance.now() - started);
        if (msg.ok) {
          resolve({
            value: msg.value,
            logs: msg.logs,
            image: msg.image ? imageFromPlain(msg.image) : null,
            elapsedMs,
          });
        } else {
          reject(
            new RpcError(ErrorCode.SCRIPT_ERROR, `Script failed: ${msg.message}`, {
              stack: msg.stack,
              logs: msg.logs,
            }),
          );
        }
      },
    );
    worker.once("error", (err) => {
      finish();
      reject(
        new RpcError(ErrorCode.SCRIPT_ERROR, `Script failed: ${err.message}`, {
          stack: err.stack,
        }),
      );
    });
  });
}
