/** Param and result pieces shared by several method groups. */
import { z } from "zod";
import type { ArrayForm } from "../method.ts";
import { Byte, Color, type Rgba } from "../wire.ts";

/** `success: true` (failures are JSON-RPC errors, so a result always means success). */
export const Ok = z.literal(true).describe("Always true: failures are reported as JSON-RPC errors");

/**
 * The C daemon's colour params: either `color` (any Color form) or separate `r`, `g`, `b`,
 * `a` channels. Used with {@link checkColorParams} and read with {@link colorFromParams}.
 */
export const COLOR_PARAMS = {
  r: Byte.optional().describe("Red 0..255 (alternative to color)"),
  g: Byte.optional().describe("Green 0..255 (alternative to color)"),
  b: Byte.optional().describe("Blue 0..255 (alternative to color)"),
  a: Byte.optional().describe("Alpha 0..255, default 255 (alternative to color)"),
  color: Color.optional().describe(
    'Colour: "#rrggbb", "#rrggbbaa", [r, g, b(, a)] or {r, g, b, a?}; default white',
  ),
};

/** The channels-or-colour params as parsed. */
export interface ColorParams {
  r?: number;
  g?: number;
  b?: number;
  a?: number;
  color?: Rgba;
}

/** Object-level check: `color` and `r/g/b/a` are exclusive, and r, g, b come together. */
export function checkColorParams(p: ColorParams, ctx: z.RefinementCtx): void {
  // Counted without an array: this check runs on every single-voxel edit.
  const channels = (p.r !== undefined ? 1 : 0) + (p.g !== undefined ? 1 : 0) +
    (p.b !== undefined ? 1 : 0);
  if (p.color && (channels > 0 || p.a !== undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["color"],
      message: "give either color or r, g, b (a), not both",
    });
  } else if (channels !== 0 && channels !== 3) {
    ctx.addIssue({ code: "custom", path: ["r"], message: "give all of r, g and b" });
  }
}

/** Returns the colour the params ask for, or `fallback` (default opaque white) when none. */
export function colorFromParams(p: ColorParams, fallback: Rgba = [255, 255, 255, 255]): Rgba {
  if (p.color) return p.color;
  if (p.r !== undefined && p.g !== undefined && p.b !== undefined) {
    return [p.r, p.g, p.b, p.a ?? 255];
  }
  return fallback;
}

/**
 * The C daemon's `[x, y, z, "#rrggbb", layer_id]` form: a colour (string, array or object)
 * right after the `before` params, where `r` would be, followed by the `after` params.
 * Returns undefined for the plain `[..., r, g, b, a, ...]` form.
 */
export function colorAfter(before: readonly string[], after: readonly string[]): ArrayForm {
  const index = before.length;
  return (args) => {
    const c = args[index];
    if (args.length <= index || typeof c === "number" || c === null) return undefined;
    if (args.length > index + 1 + after.length) return undefined;
    const out: Record<string, unknown> = { color: c };
    const put = (name: string, v: unknown) => {
      if (v !== undefined && v !== null) out[name] = v;
    };
    before.forEach((name, i) => put(name, args[i]));
    after.forEach((name, k) => put(name, args[index + 1 + k]));
    return out;
  };
}

/** Paging params of voxel queries. */
export const PAGING = {
  offset: z.int().min(0).optional().describe("Skip this many matching voxels first (default 0)"),
  limit: z.int().min(1).max(1_000_000).optional().describe(
    "Return at most this many voxels (default 10000)",
  ),
};

/** Voxel list encodings a query can return. */
export const Encoding = z.enum(["objects", "packed"]).optional().describe(
  'Result encoding: "objects" (default) lists {x, y, z, color}; "packed" returns base64 16-byte records in `packed`',
);
