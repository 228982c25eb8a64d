/** goxel.execute_script: run a script in its own worker against a snapshot, then apply its edits. */
import { basename } from "node:path";
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
      // The worker sends back a copy of everything: only the script's changes are applied (each
      // script kept a whole copy of the project in its undo step, and journaled carried chunks).
      project.adoptImage(outcome.image);
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
