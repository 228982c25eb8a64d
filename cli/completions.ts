/** Shell completions (bash, zsh, fish) generated from the command tree and the method declarations. */
import { Argument, type Command } from "@commander-js/extra-typings";
import { script } from "@bomb.sh/tab";
import type { Command as PlainCommand } from "commander";
import { bashScript } from "./completions_bash.ts";
import { completeWords, formatReply } from "./completions_engine.ts";
import type { CliDeps } from "./deps.ts";
import type { Output } from "./output.ts";

/** Shells whose scripts are kept (and golden-tested) in completions/. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
/** Every shell `goxel completions` offers. */
export type Shell = typeof SHELLS[number] | "powershell";

/** Adds `goxel completions <shell>` and the hidden `goxel complete -- …` callback. */
export function addCompletions(program: Command, _deps: CliDeps, out: Output): void {
  program.command("completions")
    .description("Generate shell completion scripts")
    .addArgument(
      new Argument("<shell>", "bash, zsh, fish or powershell").choices(
        [...SHELLS, "powershell"] as const,
      ),
    )
    .action((shell) => out.stdout(completionScript(shell)));
  program.command("complete", { hidden: true })
    .description("Print the completions of the words after --, then :directive")
    .usage("-- [words...]")
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action((words) => {
      out.stdout(formatReply(completeWords(program as unknown as PlainCommand, words)));
    });
}

/** Returns the completion script for a shell as text (what `goxel completions <shell>` prints). */
export function completionScript(shell: Shell): string {
  if (shell === "bash") return bashScript("goxel");
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    script(shell, "goxel", "goxel");
  } finally {
    console.log = original;
  }
  const text = lines.join("\n") + "\n";
  return shell === "zsh" ? withNamedParamPrefix(text) : text;
}

/** The library's zsh test for a word that ends in a value after `=` (`--flag=value`). */
const ZSH_FLAG_TEST = `if [[ "\${lastParam}" =~ '-.*=' ]]; then`;

/**
 * Makes the zsh script complete after `name=` too (`goxel call save_project path=<TAB>`), not
 * only after `--flag=`: zsh, unlike bash and fish, needs the part before `=` as a prefix.
 */
function withNamedParamPrefix(text: string): string {
  if (!text.includes(ZSH_FLAG_TEST)) {
    throw new TypeError("The zsh script of @bomb.sh/tab no longer has its --flag= test");
  }
  return text.replace(
    ZSH_FLAG_TEST,
    `if [[ "\${lastParam}" =~ '^-[^=]*=' || "\${lastParam}" =~ '^[A-Za-z_][A-Za-z0-9_]*=' ]]; then`,
  );
}
