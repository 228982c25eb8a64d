/** Worker entry (a web-standard Worker): runs jobs from the pool and posts results back. */
import { isMainThread } from "node:worker_threads";
import { plainBuffers, type PlainImage } from "../core/plain_image.ts";
import { type EditResult, editResultBuffers } from "./edit_jobs.ts";
import type { ColorTable } from "../core/ops/color_stats.ts";
import { type Job, runJob } from "./worker_jobs.ts";

interface Envelope {
  id: number;
  job: Job;
}

/** The worker's global scope, as far as this entry uses it. */
interface Scope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", fn: (e: MessageEvent<Envelope>) => void): void;
}

if ("WorkerGlobalScope" in globalThis || !isMainThread) {
  const port = globalThis as unknown as Scope;
  port.addEventListener("message", async ({ data: { id, job } }) => {
    try {
      const result = await runJob(job);
      port.postMessage({ id, ok: true, result }, transferables(result));
    } catch (err) {
      const e = err as Error & {
        reason?: string;
        format?: string;
        offset?: number;
        path?: string;
        limit?: string;
        requested?: number;
        max?: number;
      };
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
          limit: e?.limit,
          requested: e?.requested,
          max: e?.max,
          stack: e?.stack,
        },
      }, []);
    }
  });
}

function transferables(result: unknown): ArrayBuffer[] {
  if (result instanceof Uint8Array) return [result.buffer as ArrayBuffer];
  if (Array.isArray(result)) {
    // Encoded files and PNG parts carry `data`; rendered rows are arrays themselves.
    const arrays = result.map((f: Uint8Array | { data: Uint8Array }) =>
      f instanceof Uint8Array ? f : f.data
    );
    return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
  }
  // An edited volume's tiles are fresh copies: move them instead of copying them again.
  if (result && typeof result === "object" && "changed" in result) {
    return editResultBuffers(result as EditResult);
  }
  if (result && typeof result === "object" && "layers" in result) {
    return [...new Set(plainBuffers(result as PlainImage))];
  }
  if (result && typeof result === "object" && "distinct" in result) {
    const table = result as ColorTable;
    return [table.colors.buffer as ArrayBuffer, table.counts.buffer as ArrayBuffer];
  }
  const edited = (result as { image?: PlainImage | null } | null)?.image;
  if (edited) return plainBuffers(edited);
  return [];
}
