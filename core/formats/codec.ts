/** The contract every file-format codec fulfils: bytes to an image and back, never a path. */
import type { WorkBudget } from "../budget.ts";
import type { Image } from "../image.ts";

/** Options every decoder accepts. */
export interface DecodeOptions {
  /** Declared sizes are charged here before anything is allocated (default: default limits). */
  budget?: WorkBudget;
}

/** Options every encoder accepts; codecs ignore what does not apply to them. */
export interface EncodeOptions {
  /** File name without directory and extension, for formats whose files reference each other. */
  baseName?: string;
  /** Mesh formats: merge coplanar faces into larger quads (same surface, fewer triangles). */
  greedy?: boolean;
  /** Raster formats: output size in pixels. */
  width?: number;
  height?: number;
  /** Raster formats: camera preset name, else the image's active camera. */
  camera?: string;
  /** Raster formats: background colour (packed RGBA); alpha 0 means transparent. */
  background?: number;
  /** Rendered pictures: "raster" (default) or "path" (the ray tracer). */
  quality?: string;
}

/** One encoded file; `suffix` is "" for the main file, else appended to baseName (".mtl"). */
export interface EncodedFile {
  suffix: string;
  data: Uint8Array;
}

/** A file format. */
export interface Codec {
  /** Short lower-case name used by `--format` and the API ("gox", "vox", "obj"…). */
  name: string;
  /** Human-readable description. */
  description: string;
  /** Other names accepted by findCodec (the C daemon's and Goxel's, e.g. "text"). */
  aliases?: string[];
  /** Extensions with the dot, lower case (".gox"); the first one is the default. */
  extensions: string[];
  /** Decodes a whole file; throws FormatError with the byte offset on bad input. */
  decode?: (bytes: Uint8Array, options?: DecodeOptions) => Image;
  /** Encodes an image; the first file returned is the main one. */
  encode?: (image: Image, options: EncodeOptions) => EncodedFile[];
}
