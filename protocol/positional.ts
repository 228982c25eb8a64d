/**
 * Positional params to named ones, following a method's declared order. Kept free of zod so the
 * CLI can use it without building the schemas.
 */

/** What the mapping needs of a declaration. */
export interface PositionalDecl {
  readonly positional: readonly string[];
  readonly arrayForm?: (args: readonly unknown[]) => Record<string, unknown> | undefined;
}

/** Returns `name` for a rest entry `"...name"`, else undefined. */
export function restName(entry: string): string | undefined {
  return entry.startsWith("...") ? entry.slice(3) : undefined;
}

/**
 * Maps raw params to named ones without validating: absent → `{}`, object → itself, array →
 * by the method's positional order (null entries count as omitted). Returns an error string
 * when there are too many positional arguments.
 */
export function namedParams(decl: PositionalDecl, raw: unknown): Record<string, unknown> | string {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) {
    return typeof raw === "object"
      ? raw as Record<string, unknown>
      : "params must be an array or an object";
  }
  const alt = decl.arrayForm?.(raw);
  if (alt) return alt;
  const out: Record<string, unknown> = {};
  const order = decl.positional;
  for (let i = 0; i < raw.length; i++) {
    const entry = order[i];
    const rest = entry === undefined ? undefined : restName(entry);
    if (rest !== undefined) {
      out[rest] = raw.slice(i);
      return out;
    }
    if (entry === undefined) return tooMany(decl, raw.length);
    if (raw[i] !== null) out[entry] = raw[i];
  }
  return out;
}

function tooMany(decl: PositionalDecl, got: number): string {
  const names = decl.positional.join(", ");
  return decl.positional.length === 0
    ? `takes no positional params, got ${got} (use named params)`
    : `takes at most ${decl.positional.length} positional params (${names}), got ${got}`;
}
