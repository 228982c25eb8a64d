/** Worker-thread entry for execute_script: runs one script in the QuickJS sandbox. */
import { isMainThread, parentPort } from "node:worker_threads";
import { imageFingerprint, sameFingerprint } from "../core/image.ts";
import {
  imageFromPlain,
  imageToPlain,
  plainBuffers,
  type PlainImage,
} from "../core/plain_image.ts";
import { runSandboxed, type SandboxJob } from "./script_sandbox.ts";

/** What the script worker is started with. */
export interface ScriptJob extends SandboxJob {
  image: PlainImage;
}

async function run(job: ScriptJob): Promise<void> {
  const image = imageFromPlain(job.image);
  const before = imageFingerprint(image);
  const outcome = await runSandboxed(job, image);
  const changed = outcome.ok && !sameFingerprint(before, imageFingerprint(image));
  const edited = changed ? imageToPlain(image) : null;
  parentPort!.postMessage({ ...outcome, image: edited }, edited ? plainBuffers(edited) : []);
}

if (!isMainThread && parentPort) {
  parentPort.once("message", (job: ScriptJob) =>
    run(job).catch((err) => {
      // A failure of the sandbox itself: report it without host paths or stacks.
      parentPort!.postMessage({
        ok: false,
        kind: "error",
        message: `the sandbox failed: ${(err as Error)?.message ?? String(err)}`,
        logs: [],
      });
    }));
}
