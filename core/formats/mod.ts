/** The format registry: every codec, looked up by name or by file extension. */
import { InvalidInputError } from "../errors.ts";
import type { Codec } from "./codec.ts";
// codec imports (one line per codec module)
import { GOX_CODEC } from "./gox.ts";
import { PNG_RENDER_CODEC } from "./png_render.ts";
import { OBJ_CODEC } from "./obj.ts";
import { PLY_CODEC } from "./ply.ts";
import { GLB_CODEC, GLTF_CODEC } from "./gltf.ts";
import { STL_CODEC } from "./stl.ts";
import { POVRAY_CODEC } from "./povray.ts";
import { QUBICLE_CODEC } from "./qubicle.ts";
import { KV6_CODEC } from "./kv6.ts";
import { KVX_CODEC } from "./kvx.ts";
import { VXL_CODEC } from "./vxl.ts";
import { TXT_CODEC } from "./txt.ts";
import { MTS_CODEC } from "./mts.ts";
import { PNG_SLICES_CODEC } from "./png_slices.ts";
import { VOX_CODEC } from "./vox.ts";

/** Every known codec, in lookup priority order. */
export const CODECS: readonly Codec[] = [
  // codec entries (one line per codec)
  GOX_CODEC,
  PNG_RENDER_CODEC,
  OBJ_CODEC,
  PLY_CODEC,
  GLTF_CODEC,
  GLB_CODEC,
  STL_CODEC,
  POVRAY_CODEC,
  QUBICLE_CODEC,
  KV6_CODEC,
  KVX_CODEC,
  VXL_CODEC,
  TXT_CODEC,
  MTS_CODEC,
  PNG_SLICES_CODEC,
  VOX_CODEC,
];

/** Which direction a lookup needs. */
export type Direction = "decode" | "encode";

/** Finds a codec by name (case-insensitive) or extension with or without the dot. */
export function findCodec(nameOrExt: string, direction?: Direction): Codec | undefined {
  const key = nameOrExt.toLowerCase();
  const ext = key.startsWith(".") ? key : `.${key}`;
  const fits = (c: Codec) => !direction || c[direction] !== undefined;
  return CODECS.find((c) => fits(c) && (c.name === key || c.aliases?.includes(key))) ??
    CODECS.find((c) => fits(c) && c.extensions.includes(ext));
}

/** Finds the codec for a file path by its extension (case-insensitive). */
export function codecForPath(path: string, direction: Direction): Codec | undefined {
  const lower = path.toLowerCase();
  const fits = (c: Codec) => c[direction] !== undefined;
  return CODECS.find((c) => fits(c) && c.extensions.some((e) => lower.endsWith(e)));
}

/** Like findCodec/codecForPath but throws a clear InvalidInputError when nothing fits. */
export function requireCodec(path: string, direction: Direction, format?: string): Codec {
  const codec = format ? findCodec(format, direction) : codecForPath(path, direction);
  if (codec) return codec;
  const verb = direction === "decode" ? "read" : "write";
  const names = CODECS.filter((c) => c[direction]).map((c) => c.name).join(", ");
  const ext = /\.[^./]+$/.exec(path)?.[0];
  const why = format
    ? `"${format}" is not a format goxel can ${verb}`
    : ext
    ? `goxel cannot ${verb} "${ext}" files`
    : "its name has no extension to tell the format";
  throw new InvalidInputError(
    `Cannot ${verb} "${path}": ${why} (formats it can ${verb}: ${names})`,
  );
}
