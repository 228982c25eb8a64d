/**
 * JSON Schemas made smaller and plainer for agents: an MCP host puts every tool's schema into
 * the model's context on every turn, and some hosts refuse draft 2020-12's `prefixItems`. The
 * result accepts what the daemon accepts, written with fewer words:
 * - a tuple of identical items (`prefixItems` of one schema, as in `[x, y, z]` or `[r, g, b]`)
 *   becomes `items` with `minItems`/`maxItems`;
 * - the int32 bounds every coordinate carries are dropped (the daemon still checks them);
 * - `title`s, which repeat a type's name, are dropped.
 */
import type { JsonSchema } from "../protocol/openrpc.ts";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Keywords whose value is a schema, a list of schemas, or a map of names to schemas. */
const SCHEMA = new Set(["items", "not", "additionalProperties", "contains", "propertyNames"]);
const SCHEMA_LISTS = new Set(["prefixItems", "anyOf", "oneOf", "allOf"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions"]);

/** Returns `schema` compacted for agents (a new object; the input is not changed). */
export function compactSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "title") continue;
    if (key === "minimum" && value === INT32_MIN) continue;
    if (key === "maximum" && value === INT32_MAX) continue;
    out[key] = compactKeyword(key, value);
  }
  const tuple = out.prefixItems;
  if (Array.isArray(tuple) && tuple.length > 0 && out.items === undefined) {
    const first = JSON.stringify(tuple[0]);
    if (tuple.every((t) => JSON.stringify(t) === first)) {
      delete out.prefixItems;
      out.items = tuple[0];
    }
  }
  return out;
}

/** Compacts the schemas a keyword holds; data (enum, default, examples …) stays as it is. */
function compactKeyword(key: string, value: unknown): unknown {
  const isSchema = (v: unknown): v is JsonSchema =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (SCHEMA.has(key)) return isSchema(value) ? compactSchema(value) : value;
  if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
    return value.map((v) => isSchema(v) ? compactSchema(v) : v);
  }
  if (SCHEMA_MAPS.has(key) && isSchema(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, v]) => [name, isSchema(v) ? compactSchema(v) : v]),
    );
  }
  return value;
}
