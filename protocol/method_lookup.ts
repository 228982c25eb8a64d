/** Method name resolution over plain index data (no zod), shared by findMethod and the CLI. */

/** What the index knows about a method. */
export interface MethodIndexEntry {
  name: string;
  summary: string;
  positional: readonly string[];
  /** Every param name (positional and named-only). */
  params: readonly string[];
  aliases: readonly string[];
  project: boolean;
  conformance: boolean;
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
