/** goxel.execute_script: run a script in its own worker against a snapshot, then apply its edits. */
import { basename } from "node:path";
import { applyDelta, diffImage, isEmptyDelta } from "../../core/journal/image_delta.ts";
import { shareUnchangedMeta } from "../../core/journal/image_meta.ts";
import { readFileBytes, resolvePath } from "../files.ts";
import { runScript } from "../scripts.ts";
import type { HandlerGroup } from "./types.ts";

/** Handler for execute_script. */
export const scriptHandlers: HandlerGroup<"goxel.execute_script"> = {
  async "goxel.execute_script"(p, { ctx, project, call }) {
    const { limits } = ctx.config;
    const source = p.script ??
      new TextDecoder().decode(
        await readFileBytes(resolvePath(ctx.workspace, p.path!), limits.max_file_bytes),
      );
    const outcome = await runScript(ctx.workers, source, project.image, {
      timeoutMs: p.timeout_ms ?? ctx.config.script.default_timeout_ms,
      memoryMb: limits.script_memory_mb,
      maxVoxels: limits.max_voxels_per_request,
      maxTiles: limits.max_tiles_per_request,
    }, { signal: call?.signal, args: p.args, name: p.name ?? (p.path && basename(p.path)) });
    if (outcome.image) {
      // The worker sends back a copy of everything: what the script left as it was becomes the
      // live image's own objects again and only its changes are applied, so unchanged tiles stay
      // shared with the undo step, and a script that changed nothing adds no step (each script
      // kept a whole copy of the project in its undo step, and journaled its carried chunks).
      shareUnchangedMeta(project.image, outcome.image);
      const delta = diffImage(project.image, outcome.image);
      if (!isEmptyDelta(delta)) project.replaceImage(applyDelta(project.image, delta));
    }
    return {
      success: true,
      code: 0,
      message: "Script executed successfully",
      result: outcome.value,
      output: outcome.logs.join("\n"),
    };
  },
};
