/**
 * A JSON writer that lays text out like cgltf_write (which Goxel uses): two-space indents,
 * float arrays inline as `[a, b]` with `%.9g` of the float32 value, index arrays as
 * `[ a, b ]`, plain numbers as integers, keys in insertion order, a final newline.
 */
import { formatG } from "./printf.ts";

/** A float32 number written with `%.9g`. */
export class Float {
  constructor(readonly value: number) {}
}

/** An inline array of float32 numbers: `[1, 0, -1]`. */
export class FloatArray {
  constructor(readonly values: readonly number[]) {}
}

/** An inline array of indices: `[ 0, 1 ]`. */
export class IndexArray {
  constructor(readonly values: readonly number[]) {}
}

/** A value the writer understands. */
export type JsonValue =
  | number
  | string
  | boolean
  | Float
  | FloatArray
  | IndexArray
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Serialises a document the way cgltf_write does. */
export function writeGltfJson(root: { [key: string]: JsonValue }): string {
  return writeValue(root, 0) + "\n";
}

/** Formats a float32 like cgltf: `%.9g`. */
function float(v: number): string {
  return formatG(Math.fround(v), 9);
}

function writeValue(value: JsonValue, depth: number): string {
  if (typeof value === "number") return String(Math.trunc(value));
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Float) return float(value.value);
  if (value instanceof FloatArray) return `[${value.values.map(float).join(", ")}]`;
  if (value instanceof IndexArray) return `[${value.values.map((v) => ` ${v}`).join(",")} ]`;
  const pad = "  ".repeat(depth + 1), end = "\n" + "  ".repeat(depth);
  if (Array.isArray(value)) {
    return `[${value.map((v) => `\n${pad}${writeValue(v, depth + 1)}`).join(",")}${end}]`;
  }
  const entries = Object.entries(value).map(([k, v]) =>
    `\n${pad}${JSON.stringify(k)}: ${writeValue(v, depth + 1)}`
  );
  return `{${entries.join(",")}${end}}`;
}
