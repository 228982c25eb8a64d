/** `goxel call <method> --help`: usage, params, colour forms and an example, from the declaration. */
import { describeType } from "../protocol/docs.ts";
import { COLOR_FORMS, exampleCommand } from "../protocol/example_command.ts";
import type { MethodDecl } from "../protocol/mod.ts";
import { paramDescriptors } from "../protocol/openrpc.ts";

/** One row of a method's param table. */
export interface ParamRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** Returns the params of a method, positional ones first in their declared order. */
export function describeParams(decl: MethodDecl): ParamRow[] {
  const rows = paramDescriptors(decl).map((p) => ({
    name: p.name,
    type: describeType(p.schema),
    required: p.required === true,
    description: p.description ?? "",
  }));
  const order = decl.positional.map((p) => p.replace(/^\.\.\./, ""));
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  return rows.sort((a, b) => rank(a.name) - rank(b.name));
}

/** The usage line: required positional params as `<name>`, optional ones as `[name]`. */
export function usageLine(decl: MethodDecl, rows: ParamRow[] = describeParams(decl)): string {
  const required = new Map(rows.map((r) => [r.name, r.required]));
  const args = decl.positional.map((p) => {
    const rest = p.startsWith("...");
    const name = rest ? p.slice(3) : p;
    const shown = rest ? `${name}...` : name;
    return required.get(name) ? `<${shown}>` : `[${shown}]`;
  });
  const named = rows.some((r) => !decl.positional.includes(r.name)) ? ["[name=value ...]"] : [];
  const short = decl.name.replace(/^goxel\./, "");
  return ["Usage: goxel call", short, ...args, ...named].join(" ");
}

/** Returns the whole help text of a method. */
export function methodHelp(decl: MethodDecl): string {
  const rows = describeParams(decl);
  const lines = [usageLine(decl, rows), "", decl.summary];
  if (decl.description) lines.push("", decl.description);
  if (rows.length) {
    lines.push("", "Params (by position in the order above, or as name=value):");
    const width = Math.max(...rows.map((r) => r.name.length));
    const typeWidth = Math.min(28, Math.max(...rows.map((r) => label(r).length)));
    for (const r of rows) {
      lines.push(
        `  ${r.name.padEnd(width)}  ${label(r).padEnd(typeWidth)}  ${r.description}`.trimEnd(),
      );
    }
  }
  if (rows.some((r) => /\bColor\b/.test(r.type))) lines.push("", `Colours: ${COLOR_FORMS}.`);
  if (decl.examples.length) lines.push("", decl.examples.length > 1 ? "Examples:" : "Example:");
  for (const ex of decl.examples) {
    lines.push(`  ${exampleCommand(decl, ex)}${ex.description ? `    # ${ex.description}` : ""}`);
  }
  lines.push(
    "",
    "String params take the text as typed; other values are JSON when they parse, else text.",
    "Exit codes: 0 ok, 1 error reply, 2 usage.",
  );
  return lines.join("\n") + "\n";
}

function label(r: ParamRow): string {
  return `${r.type}${r.required ? "" : ", optional"}`;
}
