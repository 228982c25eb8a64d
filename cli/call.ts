/** `goxel call <method> [args...]`, `goxel call -` (NDJSON from stdin) and `goxel methods`. */
import type { Command } from "@commander-js/extra-typings";
import { METHOD_INDEX } from "../protocol/method_index.ts";
import { findEntry, loadDecl, unknownMethod } from "./call_params.ts";
import { CALL_OPTIONS, runCall } from "./call_run.ts";
import type { CliDeps } from "./deps.ts";
import { UsageError } from "./errors.ts";
import type { Output } from "./output.ts";
import { WATCH_HELP } from "./watch.ts";

const CALL_EXAMPLES = `
Examples:
  goxel call add_voxel 1 2 3 '#ff0000'               positional params in the declared order
  goxel call add_voxel x=1 y=2 z=3 color='[0,255,0]'  named params; values are JSON when they parse
  goxel call create_project 2024 8 8 8               a string param keeps the text: name "2024"
  goxel call save_project castle.gox                 relative file paths resolve against your cwd
  goxel call get_voxel --params '{"x":1,"y":2,"z":3}'
  printf '%s\\n' '{"jsonrpc":"2.0","id":1,"method":"goxel.ping"}' | goxel call -
  goxel call add_voxel --help                        one method's params, colour forms and example
`;

/** Adds `call` and `methods`. */
export function addCallCommand(program: Command, deps: CliDeps, out: Output): void {
  program.command("call")
    .description("Call a daemon method: goxel call add_voxel 1 2 3 '#ff0000' (see: goxel methods)")
    .argument(
      "[method]",
      "method name, with or without the goxel. prefix; - reads NDJSON requests from stdin; " +
        "watch [project] [since] prints the change stream as NDJSON",
    )
    .argument(
      "[args...]",
      "values in the declared order, or name=value; a string param takes the text as typed, " +
        "others JSON when it parses, else text",
    )
    .option(CALL_OPTIONS.params.flags, CALL_OPTIONS.params.description)
    .option(CALL_OPTIONS.project.flags, CALL_OPTIONS.project.description)
    .option(CALL_OPTIONS.json.flags, CALL_OPTIONS.json.description)
    .option(CALL_OPTIONS.spawn.flags, CALL_OPTIONS.spawn.description)
    .option(CALL_OPTIONS.socket.flags, CALL_OPTIONS.socket.description)
    .helpOption(false)
    .option("-h, --help", "show help (for a method: its summary and params)")
    .allowUnknownOption(false)
    .addHelpText("after", CALL_EXAMPLES)
    .action(async (method, args, o, cmd) => {
      if (o.help) {
        if (method === "watch") return out.stdout(WATCH_HELP);
        if (method && method !== "-") return await printMethodHelp(out, method);
        return cmd.outputHelp();
      }
      if (!method) {
        throw new UsageError("Missing the method to call (list them with: goxel methods)");
      }
      if (method === "-" && args.length) {
        throw new UsageError("goxel call - reads requests from stdin and takes no arguments");
      }
      await runCall(deps, out, { ...o, method, args });
    });

  program.command("methods")
    .description("List the daemon's methods")
    .option("--json", "print JSON")
    .action((o) => {
      const all = METHOD_INDEX.filter((m) => !m.conformance);
      if (o.json) {
        return out.json(
          all.map((m) => ({ name: m.name, summary: m.summary, params: m.positional })),
        );
      }
      const width = Math.max(...all.map((m) => m.name.length));
      for (const m of all) out.line(`${m.name.padEnd(width)}  ${m.summary}`);
    });
}

async function printMethodHelp(out: Output, name: string): Promise<void> {
  const entry = findEntry(name, { conformance: true });
  if (!entry) throw unknownMethod(name);
  const decl = await loadDecl(entry.name);
  const { methodHelp } = await import("./method_help.ts");
  out.stdout(methodHelp(decl));
}
