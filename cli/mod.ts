/**
 * The goxel command line: daemon lifecycle, `call`, offline file commands and completions. The
 * common `goxel call <method> [args]` runs without loading the command tree (cli/call_run.ts);
 * everything else goes through commander (cli/program.ts).
 */
import { parseCallArgv, runCall } from "./call_run.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, exitCodeFor } from "./errors.ts";
import { Output } from "./output.ts";

export type { CliDeps } from "./deps.ts";
export { flushStreams } from "./output.ts";

/** Runs the CLI and resolves with the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const out = new Output(deps.env);
  try {
    const call = parseCallArgv(argv);
    if (call) {
      await runCall(deps, out, call);
      return out.exitCode;
    }
    const { runProgram } = await import("./program.ts");
    return await runProgram(argv, deps, out);
  } catch (err) {
    if (err instanceof CliError && err.message) out.error(err.message);
    else if (!(err instanceof CliError)) out.error((err as Error)?.message ?? String(err));
    return exitCodeFor(err);
  }
}
