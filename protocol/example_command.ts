/**
 * Shell forms of method examples (`goxel call add_voxel 1 2 3 '#ff0000'`), so the one example a
 * declaration carries is shown the same way in `goxel call <method> --help` and docs/methods.md.
 */
import type { MethodDecl, MethodExample } from "./method.ts";

/** The accepted colour forms, by name, for help and docs. */
export const COLOR_FORMS =
  'hex "#rrggbb" or "#rrggbbaa", a list [r, g, b] or [r, g, b, a], or an object {r, g, b, a?}; ' +
  "channels are integers 0..255 and alpha is 255 when omitted";

/** Returns the `goxel call` command line that sends an example's params. */
export function exampleCommand(decl: MethodDecl, example: MethodExample): string {
  const name = decl.name.replace(/^goxel\./, "");
  const p = example.params;
  const args = Array.isArray(p)
    ? p.map((v) => shellWord(cliValue(v)))
    : p && typeof p === "object"
    ? Object.entries(p).map(([k, v]) => shellWord(`${k}=${cliValue(v)}`))
    : [];
  return ["goxel call", name, ...args].join(" ");
}

/** A value as `goxel call` reads it back: text stays text unless it would parse as JSON. */
function cliValue(v: unknown): string {
  if (typeof v !== "string") return JSON.stringify(v);
  try {
    JSON.parse(v);
    return JSON.stringify(v);
  } catch {
    return v;
  }
}

/** Quotes a word for POSIX shells when it needs it. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/=+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
