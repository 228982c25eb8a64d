/** Worker-thread entry for execute_script: runs one script against an image snapshot. */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { imageFromPlain, imageToPlain, type PlainImage } from "../core/plain_image.ts";
import { scriptGlobals } from "../core/script_api.ts";
import { imageFingerprint, sameFingerprint } from "../core/image.ts";

interface ScriptJob {
  source: string;
  image: PlainImage;
  args: unknown[];
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(
      JSON.stringify(
        value,
        (_k, v) =>
          v && typeof v === "object" && "inner" in v && "count" in v ? { voxels: v.count } : v,
      ) ??
        "null",
    );
  } catch {
    return String(value);
  }
}

async function run(job: ScriptJob): Promise<void> {
  const image = imageFromPlain(job.image);
  const before = imageFingerprint(image);
  const logs: string[] = [];
  const color = { value: [255, 255, 255, 255] };
  const print = (...a: unknown[]) => {
    if (logs.length < 1000) {
      logs.push(a.map((x) => typeof x === "string" ? x : JSON.stringify(x)).join(" "));
    }
  };
  Object.assign(globalThis, scriptGlobals(image, color), {
    print,
    scriptArgs: job.args,
    console: { log: print, info: print, warn: print, error: print, debug: print },
  });
  try {
    // Indirect eval returns the completion value of the script's last expression.
    let value = (0, eval)(job.source);
    if (value && typeof value.then === "function") value = await value;
    const changed = !sameFingerprint(before, imageFingerprint(image));
    parentPort!.postMessage({
      ok: true,
      value: toJson(value),
      logs,
      image: changed ? imageToPlain(image) : null,
    });
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({
      ok: false,
      message: e?.message ?? String(err),
      stack: e?.stack,
      logs,
    });
  }
}

if (!isMainThread && parentPort) run(workerData as ScriptJob);
