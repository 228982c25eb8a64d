/**
 * `goxel call`'s params from CLI args: method names resolved from the index (no zod loaded),
 * positional and `name=value` args, values typed by the method's declaration, relative paths made
 * absolute, mistyped names refused with the nearest ones.
 */
import { resolve } from "node:path";
import type { MethodDecl } from "../protocol/method.ts";
import { namedParams } from "../protocol/positional.ts";
import { didYouMean } from "../protocol/suggest.ts";
import { METHOD_INDEX } from "../protocol/method_index.ts";
import {
  closestMethods,
  type MethodIndexEntry,
  methodResolver,
  resolvePathParams,
} from "../protocol/method_lookup.ts";
import { UnknownMethodError, UsageError } from "./errors.ts";

/** Resolves method names without loading the zod schemas (fast start for `goxel call`). */
export const findEntry = methodResolver(METHOD_INDEX);

/** The error for a method name the index does not know, with the names nearest it. */
export function unknownMethod(name: string): UnknownMethodError {
  return new UnknownMethodError(name, closestMethods(name, METHOD_INDEX, { conformance: true }));
}

/** Loads a method's full declaration (zod schemas) when the fast path is not enough. */
export async function loadDecl(name: string): Promise<MethodDecl> {
  const { findMethod } = await import("../protocol/mod.ts");
  return findMethod(name, { conformance: true })!;
}

/** Parses one CLI value: JSON when it parses, else the text itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Parses the CLI value of one param: a param declared as a string takes the text as typed
 * (`2024`, `null` and `true` stay text; a quoted JSON string such as `"2024"` is unquoted, as
 * it always was), any other param takes JSON when it parses, else the text.
 */
export function parseParamValue(entry: MethodIndexEntry, param: string, text: string): unknown {
  if (!entry.strings.includes(param)) return parseValue(text);
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  const value = parseValue(text);
  return typeof value === "string" ? value : text;
}

/** The param a positional arg at `index` goes to in the declared order ("" past the end). */
export function positionalParam(order: readonly string[], index: number): string {
  const last = order.at(-1);
  if (last?.startsWith("...") && index >= order.length - 1) return last.slice(3);
  return order[index] ?? "";
}

/**
 * Builds params from CLI args: all-positional args go as an array (the daemon maps them by the
 * method's declared order, including forms such as a colour where r would be); `name=value`
 * args make it an object, positional ones named by the declared order.
 */
export function buildParams(
  decl: MethodDecl,
  args: string[],
  cwd: string,
): unknown[] | Record<string, unknown> {
  const keys = Object.keys(decl.params.shape);
  // A method taking any named param (echo) takes every name=value as one.
  const loose = (decl.params._zod.def.catchall as { _zod?: { def: { type: string } } } | undefined)
    ?._zod?.def.type === "unknown";
  const entry = findEntry(decl.name, { conformance: true })!;
  const named: Record<string, unknown> = {};
  const positional: unknown[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : "";
    if (name && (keys.includes(name) || (loose && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)))) {
      named[name] = parseParamValue(entry, name, arg.slice(eq + 1));
    } else {
      const param = positionalParam(decl.positional, positional.length);
      checkNotMistypedName(entry, param, arg);
      positional.push(parseParamValue(entry, param, arg));
    }
  }
  checkPositionalCount(decl.name, decl.positional, positional.length);
  const withPaths = resolvePaths(entry, positional, cwd);
  if (Object.keys(named).length === 0) return withPaths;
  // The protocol's own positional mapping (colour forms, rest params, null = omitted).
  const mapped = namedParams(decl, withPaths);
  if (typeof mapped === "string") throw new UsageError(`${decl.name}: ${mapped}`);
  for (const [k, v] of Object.entries(resolvePaths(entry, named, cwd))) {
    if (k in mapped) throw new UsageError(`${decl.name}: ${k} is given twice`);
    mapped[k] = v;
  }
  return mapped;
}

/**
 * Refuses `name=value` whose name is no param of the method (`colr=#ff0000`), where it would
 * otherwise go on as a positional value and fail with a confusing message; a param that takes
 * text (a script, a name) keeps such an arg as its value.
 */
function checkNotMistypedName(entry: MethodIndexEntry, param: string, arg: string): void {
  const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(arg)?.[1];
  if (!name || entry.params.includes(name) || entry.strings.includes(param)) return;
  throw new UsageError(
    `${entry.name}: unknown param "${name}" in ${JSON.stringify(arg)}${
      didYouMean(name, entry.params)
    } (params: ${entry.params.join(", ")})`,
  );
}

/** Makes relative file-path params (as the declarations mark them) absolute against `cwd`. */
export function resolvePaths<P>(entry: MethodIndexEntry, params: P, cwd: string): P {
  return resolvePathParams(entry, params, (p) => resolve(cwd, p));
}

/** Refuses more positional args than a method declares (a trailing "...rest" takes any number). */
function checkPositionalCount(method: string, order: readonly string[], count: number): void {
  if (order.at(-1)?.startsWith("...") || count <= order.length) return;
  throw new UsageError(
    `${method} takes at most ${order.length} positional argument(s) (${
      order.join(", ") || "none"
    }), got ${count}`,
  );
}

/**
 * True when an arg may be `name=value`: the declaration decides (a param's name, any name for a
 * method taking any, or text for a param that takes strings).
 */
export function hasNamedArgs(args: string[]): boolean {
  return args.some((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a));
}

/** All-positional args as an array, relative paths resolved; the daemon maps the order. */
export function fastParams(
  entry: MethodIndexEntry,
  args: string[],
  cwd: string,
): unknown[] | undefined {
  const order = entry.positional;
  checkPositionalCount(entry.name, order, args.length);
  if (args.length === 0) return undefined;
  const values = args.map((a, i) => {
    const param = positionalParam(order, i);
    checkNotMistypedName(entry, param, a);
    return parseParamValue(entry, param, a);
  });
  return resolvePaths(entry, values, cwd);
}

/** Adds the project param; positional params are turned into named ones first. */
export function withProject(
  decl: MethodDecl,
  params: unknown,
  project: string,
): Record<string, unknown> {
  if (params === undefined) return { project };
  if (!Array.isArray(params)) return { project, ...(params as Record<string, unknown>) };
  const named = namedParams(decl, params);
  if (typeof named === "string") throw new UsageError(`${decl.name}: ${named}`);
  return { project, ...named };
}
