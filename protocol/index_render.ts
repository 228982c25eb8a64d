/**
 * Renders protocol/method_index.ts: the names, summaries and positional orders of every
 * method as plain data, so the CLI can resolve and call methods without building the zod
 * schemas (which costs most of a client command's start-up).
 */
import type { z } from "zod";
import type { MethodDecl } from "./method.ts";
import { toJsonSchema } from "./openrpc.ts";
import { isFilePath } from "./wire.ts";

/** True when a param accepts only strings on the wire (a plain string, a pattern, an enum). */
function isStringOnly(schema: z.ZodType): boolean {
  return toJsonSchema(schema).type === "string";
}

/** Returns the TypeScript source of protocol/method_index.ts for these declarations. */
export function renderMethodIndex(methods: readonly MethodDecl[]): string {
  const entries = methods.map((m) =>
    `  ${
      JSON.stringify({
        name: m.name,
        summary: m.summary,
        positional: m.positional,
        params: Object.keys(m.params.shape),
        paths: Object.entries(m.params.shape).filter(([, s]) => isFilePath(s as z.ZodType))
          .map(([k]) => k),
        strings: Object.entries(m.params.shape).filter(([, s]) => isStringOnly(s as z.ZodType))
          .map(([k]) => k),
        aliases: m.flags.aliases ?? [],
        project: m.flags.project === true,
        conformance: m.flags.conformance === true,
      })
    },`
  );
  return `// Generated from the method declarations by protocol/method_index_test.ts; do not edit.
// One entry per method, so it is longer than the 400-line guideline by nature.
// Regenerate: GOXEL_UPDATE_INDEX=1 deno test -A protocol/method_index_test.ts
import type { MethodIndexEntry } from "./method_lookup.ts";

/** Every declared method as plain data, in documentation order. */
export const METHOD_INDEX: readonly MethodIndexEntry[] = [
${entries.join("\n")}
];
`;
}
