/**
 * ASCII `.ply` export exactly as Goxel writes it (`src/formats/wavefront.c`): the OBJ writer's
 * de-duplicated vertices (Y up) with float colours in 0..1, and one `4 a b c d` line per quad.
 */
import { mergedVisibleVolume } from "../image.ts";
import type { Image } from "../image.ts";
import { meshVolume } from "../mesh/cube_mesher.ts";
import type { Codec, EncodedFile, EncodeOptions } from "./codec.ts";
import { GOXEL_VERSION, writeVertexLines } from "./obj.ts";
import { TextSink } from "./text_sink.ts";
import { buildWavefrontLines } from "./wavefront_lines.ts";

/** Options of the PLY encoder. */
export interface PlyOptions extends EncodeOptions {
  /** Convert Z-up voxel space to Y-up like Goxel's default export (default true). */
  yUp?: boolean;
}

/** Encodes the merged visible volume as an ASCII PLY file. */
export function encodePly(image: Image, options: PlyOptions = {}): EncodedFile[] {
  const mesh = meshVolume(mergedVisibleVolume(image), { greedy: options.greedy });
  const lines = buildWavefrontLines(mesh, options.yUp ?? true);
  const header = [
    "ply",
    "format ascii 1.0",
    `comment Generated from Goxel ${GOXEL_VERSION}`,
    `element vertex ${lines.vertexCount}`,
    "property float x",
    "property float y",
    "property float z",
    "property float red",
    "property float green",
    "property float blue",
    `element face ${mesh.count}`,
    "property list uchar int vertex_indices",
    "end_header",
  ];
  const out = new TextSink(mesh.count * 60 + 1024);
  out.text(header.join("\n") + "\n");
  writeVertexLines(lines, "", out);
  const fv = lines.faceVertices;
  for (let o = 0; o < fv.length; o += 4) {
    out.char(52); // "4"
    for (let k = 0; k < 4; k++) {
      out.char(32);
      out.int(fv[o + k]);
    }
    out.char(10);
  }
  return [{ suffix: "", data: out.finish() }];
}

/** The PLY codec (export). */
export const PLY_CODEC: Codec = {
  name: "ply",
  description: "Stanford PLY mesh, ASCII with float vertex colours (face-culled cubes, Y up)",
  extensions: [".ply"],
  encode: (image, options) => encodePly(image, options),
};
