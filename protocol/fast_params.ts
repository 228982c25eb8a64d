/**
 * A fast path for validating params, derived from a method's own zod schema (nothing restated):
 * when every param given is a plain integer, number, string or boolean, the JSON Schema that zod
 * generates is compiled into direct checks, and the object's own refinements (e.g. "r, g, b
 * together") are run as declared. Anything else — a colour string, an array, a missing required
 * param, a default, a value that fails — returns false and zod validates as usual, so errors and
 * transformed values always come from zod. `fast_params_test.ts` checks the two agree.
 */
import { z } from "zod";

type Check = (v: unknown) => boolean;

interface JsonProp {
  type?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  [key: string]: unknown;
}

/** Keys of a JSON Schema property that do not constrain the value. */
const NEUTRAL = new Set([
  "type",
  "description",
  "title",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
]);

/** Returns a check for one property, or null when only zod can validate it. */
function compileProperty(p: JsonProp): Check | null {
  if (Object.keys(p).some((k) => !NEUTRAL.has(k))) return null;
  const lo = p.minimum ?? -Infinity, hi = p.maximum ?? Infinity;
  const xlo = p.exclusiveMinimum ?? -Infinity, xhi = p.exclusiveMaximum ?? Infinity;
  const inRange = (v: number) => v >= lo && v <= hi && v > xlo && v < xhi;
  switch (p.type) {
    case "integer":
      return (v) => typeof v === "number" && Number.isSafeInteger(v) && inRange(v);
    case "number":
      return (v) => typeof v === "number" && Number.isFinite(v) && inRange(v);
    case "string": {
      const min = p.minLength ?? 0, max = p.maxLength ?? Infinity;
      return (v) => typeof v === "string" && v.length >= min && v.length <= max;
    }
    case "boolean":
      return (v) => typeof v === "boolean";
    default:
      return null;
  }
}

type Def = {
  type: string;
  format?: string;
  checks?: { _zod: { def: { check: string } } }[];
  innerType?: Schema;
};
type Schema = { _zod: { def: Def } };
const PLAIN_TYPES = new Set(["number", "string", "boolean"]);
const PLAIN_CHECKS = new Set(["greater_than", "less_than", "min_length", "max_length"]);
const PLAIN_FORMATS = new Set([undefined, "safeint", "int32"]);

/** True when a param's zod schema is a bare number/string/boolean with only bound checks. */
function isPlain(schema: Schema): boolean {
  let def = schema._zod.def;
  if (def.type === "optional" && def.innerType) def = def.innerType._zod.def;
  return PLAIN_TYPES.has(def.type) && PLAIN_FORMATS.has(def.format) &&
    (def.checks ?? []).every((c) => PLAIN_CHECKS.has(c._zod.def.check));
}

/** The object-level refinements of a zod object, run like zod runs them. */
function objectChecks(schema: z.ZodObject): ((value: unknown) => boolean) | null {
  const def =
    (schema as unknown as { _zod: { def: { checks?: unknown[]; catchall?: unknown } } })._zod.def;
  const checks = (def.checks ?? []) as {
    _zod?: { check?: (p: { value: unknown; issues: unknown[] }) => void };
  }[];
  if (checks.some((c) => typeof c._zod?.check !== "function")) return null;
  if (checks.length === 0) return () => true;
  return (value) => {
    const payload = { value, issues: [] as unknown[] };
    for (const c of checks) c._zod!.check!(payload);
    return payload.issues.length === 0;
  };
}

/** What the fast checks are made of, compiled once from a params schema. */
interface Compiled {
  /** Each param's check; null when only zod can validate it. */
  props: Map<string, Check | null>;
  required: string[];
  refine: (value: unknown) => boolean;
}

/** Compiles a params schema's checks, or returns null when it cannot have a fast path. */
function compile(schema: z.ZodObject): Compiled | null {
  let json: { type?: string; properties?: Record<string, JsonProp>; required?: string[] };
  try {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "throw" }) as typeof json;
  } catch {
    return null;
  }
  if (json.type !== "object" || !json.properties) return null;
  if (Object.values(json.properties).some((p) => "default" in p)) return null;
  const refine = objectChecks(schema);
  if (!refine) return null;
  const props = new Map<string, Check | null>();
  const shape = schema.shape as Record<string, unknown>;
  for (const [k, p] of Object.entries(json.properties)) {
    // Transforms and custom refinements do not show in JSON Schema: the zod definition decides.
    props.set(k, isPlain(shape[k] as Schema) ? compileProperty(p) : null);
  }
  return { props, required: json.required ?? [], refine };
}

/**
 * Compiles the fast check of a params schema, or returns null when the schema cannot use one
 * (defaults, transforms at the object level, non-object params).
 */
export function compileFastParams(
  schema: z.ZodObject,
): ((named: Record<string, unknown>) => boolean) | null {
  const compiled = compile(schema);
  if (!compiled) return null;
  const { props, required, refine } = compiled;
  return (named) => {
    for (const r of required) if (named[r] === undefined) return false;
    for (const k in named) {
      const check = props.get(k);
      if (!check || !check(named[k])) return false;
    }
    return refine(named);
  };
}

/**
 * Compiles the fast path of positional params given in `positional` order (without a rest
 * entry): it returns the named params when every value passes, as namedParams would build them
 * (null entries left out), or null when zod must decide. Checks go by position, with no
 * look-up per param; null when the schema cannot use a fast path or a required param is
 * named-only.
 */
export function compileFastPositional(
  schema: z.ZodObject,
  positional: readonly string[],
): ((args: readonly unknown[]) => Record<string, unknown> | null) | null {
  const compiled = compile(schema);
  if (!compiled || positional.some((p) => p.startsWith("..."))) return null;
  const checks = positional.map((name) => compiled.props.get(name) ?? null);
  const requiredAt = compiled.required.map((name) => positional.indexOf(name));
  if (requiredAt.some((i) => i < 0)) return null;
  const refine = compiled.refine;
  return (args) => {
    if (args.length > positional.length) return null;
    for (const i of requiredAt) if (args[i] === undefined || args[i] === null) return null;
    const named: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i++) {
      const v = args[i], check = checks[i];
      if (v === null) continue;
      if (!check || !check(v)) return null;
      named[positional[i]] = v;
    }
    return refine(named) ? named : null;
  };
}
