/** Shell completions (bash, zsh, fish) generated from the command tree and the method declarations. */
import type { Command } from "@commander-js/extra-typings";
import tab from "@bomb.sh/tab/commander";
import { script } from "@bomb.sh/tab";
import type { Command as PlainCommand } from "commander";
import { METHOD_INDEX } from "../protocol/method_index.ts";
import { bashScript } from "./completions_bash.ts";
import type { CliDeps } from "./deps.ts";
import type { Output } from "./output.ts";

/** Shells whose scripts are kept (and golden-tested) in completions/. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
/** Every shell `goxel completions` offers. */
export type Shell = typeof SHELLS[number] | "powershell";

/** Adds `goxel completions <shell>` and the hidden `goxel complete -- …` callback. */
export function addCompletions(program: Command, _deps: CliDeps, out: Output): void {
  const root = tab(program as unknown as PlainCommand, { completionCommandName: "completions" });
  // Our own scripts (see completionScript), not the library's printed ones.
  program.commands.find((c) => c.name() === "completions")?.action((...args: unknown[]) =>
    out.stdout(completionScript(args[0] as Shell))
  );
  const call = root.commands.get("call");
  const method = call?.arguments.get("method");
  if (method) {
    method.handler = (complete) => {
      for (const m of METHOD_INDEX.filter((e) => !e.conformance)) {
        complete(m.name.replace(/^goxel\./, ""), m.summary);
      }
    };
  }
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
  return lines.join("\n") + "\n";
}
