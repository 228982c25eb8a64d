/** The goxel command line: daemon lifecycle, `call`, offline file commands and completions. */
import { Command, CommanderError } from "@commander-js/extra-typings";
import process from "node:process";
import { addCallCommand } from "./call.ts";
import type { CliDeps } from "./deps.ts";
import { CliError, exitCodeFor } from "./errors.ts";
import { addLifecycleCommands } from "./lifecycle.ts";
import { addMcpCommand } from "./mcp_command.ts";
import { addOfflineCommands } from "./offline.ts";
import { Output } from "./output.ts";

export type { CliDeps } from "./deps.ts";

/** Builds the command tree (also used to generate completions). */
export function buildProgram(deps: CliDeps, out: Output): Command {
  const program = new Command("goxel")
    .description("Voxel editing daemon and CLI, file-compatible with Goxel and MagicaVoxel")
    .version(
      `goxel ${deps.build.version} (${deps.build.commit}, ${deps.build.runtime})`,
      "-V, --version",
    )
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => out.stdout(s),
      writeErr: (s) => out.stderr(s),
    })
    .exitOverride();
  addLifecycleCommands(program, deps, out);
  addCallCommand(program, deps, out);
  addOfflineCommands(program, deps, out);
  addMcpCommand(program, deps, out);
  return program;
}

/** Runs the CLI and resolves with the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const out = new Output(deps.env);
  const program = buildProgram(deps, out);
  if (argv[0] === "complete" || argv[0] === "completions") {
    // The completion library is loaded only for completion commands (start-up time).
    (await import("./completions.ts")).addCompletions(program, deps, out);
  } else {
    program.command("completions")
      .description("Generate shell completion scripts")
      .argument("<shell>", "bash, zsh, fish or powershell");
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return out.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" || err.code === "commander.version" ||
        err.code === "commander.help"
      ) {
        return 0;
      }
      return 2;
    }
    if (err instanceof CliError && err.message) out.error(err.message);
    else if (!(err instanceof CliError)) out.error((err as Error)?.message ?? String(err));
    return exitCodeFor(err);
  } finally {
    process.stdout.off?.("error", () => {});
  }
}
