/** Method name resolution over plain index data (no zod), shared by findMethod and the CLI. */
import { closestNames } from "./suggest.ts";

/** What the index knows about a method. */
export interface MethodIndexEntry {
  name: string;
  summary: string;
  positional: readonly string[];
  /** Every param name (positional and named-only). */
  params: readonly string[];
  /** Params that are file paths (relative ones resolve against the caller's directory). */
  paths: readonly string[];
  aliases: readonly string[];
  project: boolean;
  conformance: boolean;
  /** Params that take only strings (`goxel call` keeps the text typed for them). */
  strings: readonly string[];
}

/** The prefix of goxel's own method names. */
export const METHOD_PREFIX = "goxel.";

/** Options of a lookup. */
export interface MethodFilter {
  /** Include the conformance test methods (daemon started with `--conformance`). Default false. */
  conformance?: boolean;
}

/** Builds a resolver over entries: names and aliases, with or without the `goxel.` prefix. */
export function methodResolver<
  T extends { name: string; aliases: readonly string[]; conformance: boolean },
>(
  entries: readonly T[],
): (name: string, opts?: MethodFilter) => T | undefined {
  const map = new Map<string, T>();
  const add = (name: string, e: T) => {
    const prev = map.get(name);
    if (prev && prev !== e) {
      throw new TypeError(`Method name ${name} is claimed by ${prev.name} and ${e.name}`);
    }
    map.set(name, e);
  };
  for (const e of entries) add(e.name, e);
  for (const e of entries) for (const a of e.aliases) add(a, e);
  return (name, opts = {}) => {
    let e = map.get(name);
    if (!e && !name.startsWith(METHOD_PREFIX)) {
      const prefixed = map.get(METHOD_PREFIX + name);
      if (prefixed && !prefixed.conformance) e = prefixed;
    }
    if (e?.conformance && !opts.conformance) return undefined;
    return e;
  };
}

/**
 * Returns the method names closest to a name no method has (see closestNames), as it would be
 * typed: without the `goxel.` prefix when it was typed without one.
 */
export function closestMethods(
  name: string,
  entries: readonly { name: string; aliases: readonly string[]; conformance: boolean }[],
  opts: MethodFilter = {},
): string[] {
  // Compared without the prefix (it would make every name look near), given back as typed.
  const prefixed = name.startsWith(METHOD_PREFIX), full = new Map<string, string>();
  for (const e of entries) {
    if (e.conformance && !opts.conformance) continue;
    for (const n of [e.name, ...e.aliases]) {
      const bare = n.startsWith(METHOD_PREFIX) ? n.slice(METHOD_PREFIX.length) : n;
      if (!full.has(bare)) full.set(bare, prefixed ? n : bare);
    }
  }
  const typed = prefixed ? name.slice(METHOD_PREFIX.length) : name;
  return closestNames(typed, full.keys()).map((bare) => full.get(bare)!);
}

/**
 * Returns params with every relative file path made absolute by `resolve`: positional arrays by
 * the declared order, objects by name. Params without a relative path come back unchanged (the
 * same object), so callers can tell whether anything changed.
 */
export function resolvePathParams<P>(
  entry: Pick<MethodIndexEntry, "paths" | "positional">,
  params: P,
  resolve: (path: string) => string,
): P {
  if (entry.paths.length === 0 || params === null || typeof params !== "object") return params;
  const fix = (name: string, v: unknown) =>
    entry.paths.includes(name) && typeof v === "string" && v !== "" && !v.startsWith("/")
      ? resolve(v)
      : v;
  if (Array.isArray(params)) {
    const out = params.map((v, i) => fix(entry.positional[i] ?? "", v));
    return out.some((v, i) => v !== params[i]) ? out as P : params;
  }
  const obj = params as Record<string, unknown>;
  const changed = entry.paths.filter((k) => fix(k, obj[k]) !== obj[k]);
  if (changed.length === 0) return params;
  const out = { ...obj };
  for (const k of changed) out[k] = fix(k, obj[k]);
  return out as P;
}
