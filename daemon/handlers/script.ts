/** goxel.execute_script: run a script in its own worker against a snapshot, then apply its edits. */
import { readFileBytes, resolvePath } from "../files.ts";
import { runScript } from "../scripts.ts";
import type { HandlerGroup } from "./types.ts";

/** Handler for execute_script. */
export const scriptHandlers: HandlerGroup<"goxel.execute_script"> = {
  async "goxel.execute_script"(p, { ctx, project }) {
    const source = p.script ??
      new TextDecoder().decode(await readFileBytes(resolvePath(ctx.workspace, p.path!)));
    const timeout = p.timeout_ms ?? ctx.config.script.default_timeout_ms;
    const outcome = await runScript(source, project.image, timeout);
    if (outcome.image) {
      project.replaceImage(outcome.image);
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
