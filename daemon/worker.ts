/** Worker-thread entry: runs jobs from the pool and posts results (or errors) back. */
import { isMainThread, parentPort } from "node:worker_threads";
import { type Job, runJob } from "./worker_jobs.ts";
import { plainBuffers, type PlainImage } from "../core/plain_image.ts";

interface Envelope {
  id: number;
  job: Job;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on("message", ({ id, job }: Envelope) => {
    try {
      const result = runJob(job);
      port.postMessage({ id, ok: true, result }, transferables(result));
    } catch (err) {
      const e = err as Error & { reason?: string; format?: string; offset?: number; path?: string };
      port.postMessage({
        id,
        ok: false,
        error: {
          name: e?.name,
          message: e?.message ?? String(err),
          reason: e?.reason,
          format: e?.format,
          offset: e?.offset,
          path: e?.path,
          stack: e?.stack,
        },
      });
    }
  });
}

function transferables(result: unknown): ArrayBuffer[] {
  if (result instanceof Uint8Array) return [result.buffer as ArrayBuffer];
  if (Array.isArray(result)) {
    return [...new Set(result.map((f: { data: Uint8Array }) => f.data.buffer as ArrayBuffer))];
  }
  // A decoded image's tiles are fresh copies: moving them is free, cloning them is not.
  if (result && typeof result === "object" && "layers" in result) {
    return [...new Set(plainBuffers(result as PlainImage))];
  }
  return [];
}
