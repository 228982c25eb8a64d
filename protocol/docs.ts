/**
 * Renders the method reference (docs/methods.md) from the declarations: per method its name,
 * summary, params in positional order with type, requiredness and description, the result
 * and examples. Also renders JSON Schemas as short type labels for docs and CLI help.
 */
import { exampleCommand } from "./example_command.ts";
import { ERROR_CODE_MEANINGS, ErrorCode } from "./jsonrpc.ts";
import type { MethodDecl } from "./method.ts";
import { type JsonSchema, paramDescriptors, toJsonSchema } from "./openrpc.ts";

/** A titled group of methods. */
export interface DocGroup {
  title: string;
  methods: readonly MethodDecl[];
}

const WIDE_BOUNDS = new Set([2147483647, -2147483648, 9007199254740991, -9007199254740991]);

/** Returns a short, readable type for a JSON Schema, e.g. `integer 0..255`, `[integer, integer, integer]`. */
export function describeType(schema: JsonSchema): string {
  if (typeof schema.title === "string") return schema.title;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as JsonSchema[]).map(describeType).join(" | ");
  }
  switch (schema.type) {
    case "integer":
    case "number":
      return describeNumber(schema);
    case "array":
      return describeArray(schema);
    case "string":
    case "boolean":
    case "null":
      return schema.type;
    case "object":
      return "object";
    default:
      return "any";
  }
}

function describeNumber(s: JsonSchema): string {
  const min = typeof s.minimum === "number" && !WIDE_BOUNDS.has(s.minimum) ? s.minimum : undefined;
  const max = typeof s.maximum === "number" && !WIDE_BOUNDS.has(s.maximum) ? s.maximum : undefined;
  const base = s.type as string;
  if (min !== undefined && max !== undefined) return `${base} ${min}..${max}`;
  if (min !== undefined) return `${base} ≥ ${min}`;
  if (max !== undefined) return `${base} ≤ ${max}`;
  return base;
}

function describeArray(s: JsonSchema): string {
  if (Array.isArray(s.prefixItems)) {
    const items = (s.prefixItems as JsonSchema[]).map(describeType).join(", ");
    return `[${items}${s.items && typeof s.items === "object" ? ", ..." : ""}]`;
  }
  const item = s.items && typeof s.items === "object" ? describeType(s.items as JsonSchema) : "any";
  return /[ |]/.test(item) ? `(${item})[]` : `${item}[]`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function flagNotes(decl: MethodDecl): string[] {
  const f = decl.flags;
  const notes: string[] = [];
  if (f.project) notes.push("works on a project (named param `project`, default: the current one)");
  if (f.mutates) notes.push("changes the project (one undo step)");
  if (f.heavy) notes.push("runs on the worker pool");
  if (f.conformance) notes.push("only with `--conformance`");
  return notes;
}

function renderParams(decl: MethodDecl): string[] {
  const params = paramDescriptors(decl);
  if (params.length === 0) return ["No params."];
  const positional = decl.positional.map((p) => p.replace(/^\.\.\./, ""));
  const rows = params.map((p) => {
    const index = positional.indexOf(p.name);
    const pos = index < 0
      ? "–"
      : decl.positional[index].startsWith("...")
      ? `${index}…`
      : String(index);
    const desc = cell(p.description ?? "");
    return `| ${pos} | \`${p.name}\` | ${cell(describeType(p.schema))} | ${
      p.required ? "yes" : "no"
    } | ${desc} |`;
  });
  return ["| # | param | type | required | description |", "|---|---|---|---|---|", ...rows];
}

function renderResult(decl: MethodDecl): string[] {
  const schema = toJsonSchema(decl.result);
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== "object" || !props || Object.keys(props).length === 0) {
    const desc = typeof schema.description === "string" ? ` — ${schema.description}` : "";
    return [`Result: ${describeType(schema)}${desc}`];
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, s]) => {
    const opt = required.has(name) ? "" : " (optional)";
    const desc = typeof s.description === "string" ? s.description : "";
    return `| \`${name}\`${opt} | ${cell(describeType(s))} | ${cell(desc)} |`;
  });
  return ["Result:", "", "| field | type | description |", "|---|---|---|", ...rows];
}

function renderExamples(decl: MethodDecl): string[] {
  return decl.examples.flatMap((ex) => {
    const request = { jsonrpc: "2.0", method: decl.name, params: ex.params, id: 1 };
    const lines = [
      "",
      ex.description ? `Example — ${ex.description}:` : "Example:",
      "",
      "```json",
      JSON.stringify(request),
    ];
    if (ex.result !== undefined) {
      lines.push(JSON.stringify({ jsonrpc: "2.0", result: ex.result, id: 1 }));
    }
    lines.push("```", "", "```sh", exampleCommand(decl, ex), "```");
    return lines;
  });
}

function renderMethod(decl: MethodDecl): string[] {
  const lines = [`### \`${decl.name}\``, "", decl.summary];
  if (decl.description) lines.push("", decl.description);
  const aliases = decl.flags.aliases ?? [];
  if (aliases.length) {
    lines.push(
      "",
      `Also answers to: ${aliases.map((a) => `\`${a}\``).join(", ")}.`,
    );
  }
  const notes = flagNotes(decl);
  if (notes.length) lines.push("", `Notes: ${notes.join("; ")}.`);
  lines.push("", ...renderParams(decl), "", ...renderResult(decl), ...renderExamples(decl), "");
  return lines;
}

function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_ -]/g, "").replace(/ /g, "-");
}

const INTRO = [
  "# goxel JSON-RPC methods",
  "",
  "<!-- Generated from protocol/ by protocol/docs.ts; do not edit. See protocol/docs_test.ts. -->",
  "",
  "The daemon speaks JSON-RPC 2.0, one compact JSON message per line, over its Unix socket.",
  "Try any method with `goxel call <method> [params...]`.",
  "",
  "- Params go by position (an array, in the order of the `#` column) or by name (an object).",
  "  Unknown names are rejected; fractions where integers are expected are rejected, never rounded.",
  "- The `goxel.` prefix may be left out: `ping` is `goxel.ping`.",
  '- Colours: `"#rrggbb"`, `"#rrggbbaa"`, `[r, g, b]`, `[r, g, b, a]` or `{r, g, b, a?}`, integers',
  "  0..255, alpha 255 when omitted. Results give colours as `[r, g, b, a]`.",
  "- Coordinates are integer voxels, Z up. A Box is `{min: [x, y, z], max: [x, y, z]}`, inclusive at",
  "  both ends.",
  '- Methods that work on a project take an optional named `project` (id like `"p1"` or name);',
  "  without it they use the current project.",
];

function renderErrors(): string[] {
  const rows = (Object.keys(ErrorCode) as (keyof typeof ErrorCode)[]).map((k) =>
    `| ${ErrorCode[k]} | \`${k}\` | ${cell(ERROR_CODE_MEANINGS[k])} |`
  );
  return ["## Errors", "", "| code | name | meaning |", "|---|---|---|", ...rows, ""];
}

/** Renders docs/methods.md for the given method groups. */
export function renderMethodsMarkdown(groups: readonly DocGroup[]): string {
  const toc = groups.flatMap((g) => [
    `- [${g.title}](#${anchor(g.title)}): ${g.methods.map((m) => `\`${m.name}\``).join(", ")}`,
  ]);
  const body = groups.flatMap((g) => [`## ${g.title}`, "", ...g.methods.flatMap(renderMethod)]);
  return [...INTRO, "", ...toc, "", ...renderErrors(), ...body].join("\n").replace(/\n+$/, "\n");
}
