/**
 * Reusable wire types for method params and results: colours, coordinates, boxes, layer and
 * project references, shapes, blend modes and camera presets. Input types are lenient where
 * the C daemon was (several colour spellings) and strict where it was silently wrong
 * (fractions where integers are required are errors, never rounded).
 */
import { z } from "zod";
import { CAMERA_PRESETS } from "./camera_presets.ts";

/**
 * A file path param. The mark (JSON Schema `filePath: true`) is how every call form finds file
 * paths: the CLI resolves relative ones against the caller's directory, whether they come as
 * positional args, name=value, `--params` or `goxel call -` lines.
 */
export const FilePath = z.string().min(1).max(4096).meta({ filePath: true });

/** True when a params-object field is a {@link FilePath} (possibly optional or defaulted). */
export function isFilePath(schema: z.ZodType): boolean {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 8; i++) {
    if (z.globalRegistry.get(s)?.filePath === true) return true;
    s = (s as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
  }
  return false;
}

/** An integer 0..255 (one colour channel). */
export const Byte = z.int().min(0).max(255);

/** A colour as sent on the wire by results: `[r, g, b, a]`, integers 0..255 (sRGB, alpha 255 = opaque). */
export const Rgba = z.tuple([Byte, Byte, Byte, Byte]).meta({ title: "Rgba" });
/** `[r, g, b, a]` integers 0..255. */
export type Rgba = [number, number, number, number];

const HEX_COLOR = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const COLOR_ERROR =
  'Expected a colour: "#rrggbb", "#rrggbbaa", [r, g, b], [r, g, b, a] or {r, g, b, a?} with integers 0..255';

function toRgba(v: string | number[] | { r: number; g: number; b: number; a?: number }): Rgba {
  if (typeof v === "string") {
    const n = (i: number) => parseInt(v.slice(i, i + 2), 16);
    return [n(1), n(3), n(5), v.length === 9 ? n(7) : 255];
  }
  if (Array.isArray(v)) return [v[0], v[1], v[2], v[3] ?? 255];
  return [v.r, v.g, v.b, v.a ?? 255];
}

/**
 * A colour param: `"#rrggbb"`, `"#rrggbbaa"`, `[r, g, b]`, `[r, g, b, a]` or `{r, g, b, a?}`
 * with integer channels 0..255; alpha defaults to 255. Normalised to `[r, g, b, a]`.
 * (The C daemon scaled 0..1 fractions by 255; JSON cannot tell `1.0` from `1`, so fractions
 * are rejected instead.)
 */
export const Color = z.union([
  z.string().regex(HEX_COLOR, { error: COLOR_ERROR }),
  z.tuple([Byte, Byte, Byte]),
  z.tuple([Byte, Byte, Byte, Byte]),
  z.strictObject({ r: Byte, g: Byte, b: Byte, a: Byte.optional() }),
], { error: COLOR_ERROR }).transform(toRgba).meta({ title: "Color" });

/** A 32-bit signed integer (voxel coordinates, layer ids). */
export const Int32 = z.int32();

/** An integer voxel position `[x, y, z]` (Z is up). */
export const Vec3Int = z.tuple([Int32, Int32, Int32]).meta({ title: "Vec3Int" });
/** `[x, y, z]` integers. */
export type Vec3Int = [number, number, number];

/** A point or direction `[x, y, z]` in voxel units (fractions allowed). */
export const Vec3 = z.tuple([z.number(), z.number(), z.number()]).meta({ title: "Vec3" });

/**
 * An axis-aligned box of voxels `{min: [x, y, z], max: [x, y, z]}`, **inclusive** at both
 * ends: `{min: [0,0,0], max: [1,1,1]}` holds 8 voxels. Every box in this API (params and
 * results) uses this convention.
 */
export const Box = z.strictObject({
  min: Vec3Int.describe("Lowest corner voxel, inclusive"),
  max: Vec3Int.describe("Highest corner voxel, inclusive"),
}).refine((b) => b.min.every((v, i) => v <= b.max[i]), {
  message: "box.min must not exceed box.max on any axis",
}).meta({ title: "Box" });
/** An inclusive integer box. */
export type Box = { min: Vec3Int; max: Vec3Int };

/** The same box shape for results (no checks needed). */
export const BoxResult = z.object({ min: Vec3Int, max: Vec3Int }).meta({ title: "Box" });

/** Optional layer id param: 0 or omitted means the active layer. */
export const LayerId = Int32.min(0).optional().describe(
  "Layer id from goxel.list_layers; 0 or omitted means the active layer",
);

/** A required layer id (≥ 1). */
export const RequiredLayerId = Int32.min(1).describe("Layer id from goxel.list_layers");

/** The project param added to every method flagged `project`. */
export const ProjectRef = z.string().min(1).describe(
  'Project id (e.g. "p1") or name from goxel.list_projects; omitted means the current project',
);

/** Shape names and their aliases. */
export const SHAPES = ["cube", "sphere", "cylinder", "box", "ellipsoid"] as const;
const SHAPE_ALIASES: Record<string, "cube" | "sphere" | "cylinder"> = {
  cube: "cube",
  box: "cube",
  sphere: "sphere",
  ellipsoid: "sphere",
  cylinder: "cylinder",
};

/**
 * A solid filling its box: `cube` (alias `box`) fills it, `sphere` (alias `ellipsoid`) is the
 * ellipsoid inscribed in it, `cylinder` is the elliptic cylinder inscribed in it with its
 * axis along Z. Normalised to `cube`, `sphere` or `cylinder`.
 */
export const Shape = z.enum(SHAPES).transform((s) => SHAPE_ALIASES[s]).meta({ title: "Shape" });

/** Blend mode names (Goxel's painter modes; `add` = over, `sub` = subtract). */
export const BLEND_MODES = [
  "add",
  "over",
  "sub",
  "subtract",
  "sub_clamp",
  "paint",
  "max",
  "intersect",
  "intersect_fill",
  "mult_alpha",
  "replace",
] as const;

/** How drawn voxels combine with existing ones: `add` puts voxels, `sub` removes, `paint` recolours existing ones. */
export const BlendModeName = z.enum(BLEND_MODES).meta({ title: "BlendMode" });

export { CAMERA_PRESETS };

/** A named camera view. */
export const CameraPreset = z.enum(CAMERA_PRESETS).meta({ title: "CameraPreset" });

/** Mirror axes for symmetric drawing. */
export const Symmetry = z.array(z.enum(["x", "y", "z"])).max(3).describe(
  'Mirror the drawing across these axes through symmetry_origin, e.g. ["x"] or ["x", "y"]',
);

/** An axis name. */
export const Axis = z.enum(["x", "y", "z"]);

/** A colour filter for voxel queries: only voxels of exactly this colour. */
export const ColorFilter = Color.optional().describe("Only voxels of exactly this colour");

/** A voxel as returned by queries. */
export const VoxelResult = z.object({ x: Int32, y: Int32, z: Int32, color: Rgba });

/** The size of a project or render in voxels or pixels. */
export const PositiveSize = z.int().min(1).max(16384);
/** Largest picture side the renderer draws (core/render's MAX_RENDER_SIZE; a test checks). */
export const MAX_PICTURE_SIZE = 4096;
/** A picture side in pixels. */
export const PictureSize = z.int().min(1).max(MAX_PICTURE_SIZE);
