/** The goxel command tree (commander): every command, its help, and running it. */
import { Command, CommanderError } from "@commander-js/extra-typings";
import { addCallCommand } from "./call.ts";
import type { CliDeps } from "./deps.ts";
import { UsageError } from "./errors.ts";
import { addLifecycleCommands } from "./lifecycle.ts";
import { addMcpCommand } from "./mcp_command.ts";
import { addOfflineCommands } from "./offline.ts";
import type { Output } from "./output.ts";
import { addViewCommand } from "./watch.ts";

/** Builds the command tree (also used to generate completions). */
export function buildProgram(deps: CliDeps, out: Output): Command {
  const program = new Command("goxel")
    .description("Voxel editing daemon and CLI, file-compatible with Goxel and MagicaVoxel")
    .version(versionLine(deps), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => out.stdout(s),
      writeErr: (s) => out.stderr(s),
    })
    .exitOverride()
    .helpCommand(false)
    .addHelpText("after", ROOT_HELP);
  addLifecycleCommands(program, deps, out);
  addCallCommand(program, deps, out);
  addOfflineCommands(program, deps, out);
  addViewCommand(program, deps, out);
  addMcpCommand(program, deps, out);
  addHelpCommand(program, out);
  // `goxel version` as many tools have it (the documented form is --version).
  program.command("version", { hidden: true })
    .description("Print the version")
    .action(() => out.line(versionLine(deps)));
  return program;
}

function versionLine(deps: CliDeps): string {
  return `goxel ${deps.build.version} (${deps.build.commit}, ${deps.build.runtime})`;
}

const ROOT_HELP = `
Examples:
  goxel start                                 start the daemon in the background
  goxel call create_project castle 32 32 16   a new project becomes the current one
  goxel call add_voxel 1 2 3 '#ff0000'        params in the declared order, or name=value
  goxel call add_voxel --help                 a method's params, colour forms and example
  goxel render castle.vox castle.png          no daemon needed for info, convert, render
  goxel stop

Exit codes:
  0    success
  1    failure (an error reply, an unreadable file, the daemon not reachable with --no-spawn)
  2    usage error (unknown command, method or option, bad option value)
  3    not running (goxel status)
  130  interrupted (Ctrl-C during goxel call: the daemon cancels the request first)

Environment:
  GOXEL_SOCKET      socket path (like --socket)
  GOXEL_CONFIG      config file (like --config)
  GOXEL_PROJECT     project that goxel call addresses (like --project)
  GOXEL_WORKSPACE   directory the daemon resolves relative paths against (like --workspace)
  GOXEL_LOG_LEVEL   daemon log level (like --log-level)
  GOXEL_DATA_DIR    where the daemon keeps journals and checkpoints (config data_dir)
  GOXEL_DURABILITY  when an edit is answered: off, process, batch or always (config durability)
  GOXEL_MCP_TOKEN   bearer token clients of goxel mcp --http must send (required off loopback)
  XDG_RUNTIME_DIR (else TMPDIR), XDG_CONFIG_HOME, XDG_STATE_HOME
                    where the socket, config, logs and journals live
  NO_COLOR          no colour in error messages

goxel help <command> or goxel <command> --help for a command; goxel help <method> for a method.
`;

/** `goxel help [command|method]`: a command's help, a method's help, or the overview. */
function addHelpCommand(program: Command, out: Output): void {
  program.command("help")
    .description("Show help for a command or a daemon method")
    .argument("[topic...]", "a command (start, call, render, …) or a method (add_voxel, …)")
    .action(async (topics) => {
      // `goxel help call add_voxel` is the method's help, as `goxel call add_voxel --help` is.
      if (topics.length === 2 && topics[0] === "call") topics = topics.slice(1);
      if (topics.length > 1) {
        throw new UsageError(`help takes one topic, got ${topics.length}: ${topics.join(" ")}`);
      }
      const topic = topics[0];
      if (!topic) return program.outputHelp();
      const command = program.commands.find((c) => c.name() === topic);
      if (command) return command.outputHelp();
      if (topic === "watch") {
        const { WATCH_HELP } = await import("./watch.ts");
        return out.stdout(WATCH_HELP);
      }
      const { METHOD_INDEX } = await import("../protocol/method_index.ts");
      const { closestMethods, methodResolver } = await import("../protocol/method_lookup.ts");
      if (!methodResolver(METHOD_INDEX)(topic, { conformance: true })) {
        const { closestNames } = await import("../protocol/suggest.ts");
        const close = [
          ...closestNames(topic, program.commands.map((c) => c.name())),
          ...closestMethods(topic, METHOD_INDEX, { conformance: true }),
        ];
        const guess = close.length ? `did you mean ${close.join(" or ")}? ` : "";
        throw new UsageError(
          `No command or method "${topic}" (${guess}commands: goxel --help; methods: goxel methods)`,
        );
      }
      const { findMethod } = await import("../protocol/mod.ts");
      const { methodHelp } = await import("./method_help.ts");
      out.stdout(methodHelp(findMethod(topic, { conformance: true })!));
    });
}

/**
 * Parses and runs argv with the full command tree; resolves with the exit code of a usage error
 * or help (commander's own), else the command's. Other errors are thrown to runCli.
 */
export async function runProgram(argv: string[], deps: CliDeps, out: Output): Promise<number> {
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
    if (!(err instanceof CommanderError)) throw err;
    const help = err.code === "commander.helpDisplayed" || err.code === "commander.version" ||
      err.code === "commander.help";
    return help ? 0 : 2;
  }
}
