/** The execute_script job, run on the worker pool: a QuickJS sandbox over an image snapshot. */
import { imageFingerprint, sameFingerprint } from "../core/image.ts";
import { imageFromPlain, imageToPlain, type PlainImage } from "../core/plain_image.ts";
import { runSandboxed, type SandboxJob, type SandboxOutcome } from "./script_sandbox.ts";

/** What a script job carries. */
export interface ScriptJob extends SandboxJob {
  image: PlainImage;
  /** Int32 flag set to 1 by the daemon to stop the script (its client left). */
  stop?: SharedArrayBuffer;
}

/** A script's outcome plus the edited image (null when it changed nothing or failed). */
export type ScriptJobResult = SandboxOutcome & { image: PlainImage | null };

/** Runs the script against its snapshot and returns the outcome with the edited image. */
export async function runScriptJob(job: ScriptJob): Promise<ScriptJobResult> {
  const image = imageFromPlain(job.image);
  const before = imageFingerprint(image);
  const stop = job.stop ? new Int32Array(job.stop) : undefined;
  const outcome = await runSandboxed(job, image, stop);
  const changed = outcome.ok && !sameFingerprint(before, imageFingerprint(image));
  return { ...outcome, image: changed ? imageToPlain(image) : null };
}
