/**
 * Wavefront `.obj` export, laid out like Goxel's (`src/formats/wavefront.c`): a header line,
 * every `v x y z r g b` line (colour as 0..1 with 6 decimals), every `vn`, then quads
 * `f v//vn …`, from the merged visible volume, converted to Y up. On top of Goxel's output it
 * names a `.mtl` sidecar (`mtllib`) and switches `usemtl` whenever the face colour changes,
 * so importers that ignore vertex colours still get them; dropping those lines gives Goxel's
 * file. Layers are merged (not one `o` per layer) because touching layers would otherwise
 * keep their hidden inner faces and overlapping voxels would fight.
 */
import { mergedVisibleVolume } from "../image.ts";
import type { Image } from "../image.ts";
import { meshVolume } from "../mesh/cube_mesher.ts";
import type { Codec, EncodedFile, EncodeOptions } from "./codec.ts";
import { decodeObj } from "./obj_decode.ts";
import { formatF, formatG } from "./printf.ts";
import { TextSink } from "./text_sink.ts";
import { buildWavefrontLines, type WavefrontLines } from "./wavefront_lines.ts";

/** The version string Goxel writes in text headers. */
export const GOXEL_VERSION = "0.15.2";

/** Options of the OBJ encoder. */
export interface ObjOptions extends EncodeOptions {
  /** Convert Z-up voxel space to Y-up like Goxel's default export (default true). */
  yUp?: boolean;
  /** Write `mtllib`/`usemtl` lines and the `.mtl` sidecar (default true). */
  materials?: boolean;
}

/** Encodes the image as an OBJ file plus its `.mtl` sidecar. */
export function encodeObj(image: Image, options: ObjOptions = {}): EncodedFile[] {
  const mesh = meshVolume(mergedVisibleVolume(image), { greedy: options.greedy });
  const lines = buildWavefrontLines(mesh, options.yUp ?? true);
  const withMaterials = options.materials ?? true;
  const out = new TextSink(mesh.count * 80 + 1024);
  out.text(`# Goxel ${GOXEL_VERSION}\n`);
  if (withMaterials) out.text(`mtllib ${options.baseName ?? "untitled"}.mtl\n`);
  writeVertexLines(lines, "v ", out);
  for (const n of lines.normals) out.text(`vn ${n.map((c) => formatG(c)).join(" ")}\n`);
  const used = new Set<number>();
  const fv = lines.faceVertices;
  let current = -1;
  for (let q = 0; q < lines.faceNormals.length; q++) {
    const color = mesh.colors[q];
    if (withMaterials && color !== current) {
      current = color;
      used.add(color);
      out.text(`usemtl ${materialName(color)}\n`);
    }
    const vn = lines.faceNormals[q] + 1;
    out.char(102); // "f"
    for (let k = 0; k < 4; k++) {
      out.char(32);
      out.int(fv[q * 4 + k] + 1);
      out.char(47);
      out.char(47);
      out.int(vn);
    }
    out.char(10);
  }
  const files = [{ suffix: "", data: out.finish() }];
  if (withMaterials) {
    files.push({ suffix: ".mtl", data: new TextEncoder().encode(mtlText([...used])) });
  }
  return files;
}

/** Writes `<prefix>x y z r g b` lines (positions `%g`, colours `%f` of c/255) of every vertex. */
export function writeVertexLines(lines: WavefrontLines, prefix: string, out: TextSink): void {
  const rgbText = new Map<number, Uint8Array>();
  const encoder = new TextEncoder();
  const p = lines.positions;
  for (let i = 0; i < lines.vertexCount; i++) {
    const c = lines.colors[i];
    let rgb = rgbText.get(c);
    if (rgb === undefined) {
      const channels = [c & 255, (c >>> 8) & 255, (c >>> 16) & 255];
      rgb = encoder.encode(` ${channels.map((v) => formatF(v / 255)).join(" ")}\n`);
      rgbText.set(c, rgb);
    }
    out.text(prefix);
    for (let a = 0; a < 3; a++) {
      if (a) out.char(32);
      const v = p[i * 3 + a];
      if (v > -1e6 && v < 1e6) out.int(v);
      else out.text(formatG(v));
    }
    out.bytes(rgb);
  }
}

/** Returns the material name of a colour: `c_rrggbb`. */
function materialName(color: number): string {
  const hex = (v: number) => v.toString(16).padStart(2, "0");
  return `c_${hex(color & 255)}${hex((color >>> 8) & 255)}${hex((color >>> 16) & 255)}`;
}

/** Returns the `.mtl` text: one diffuse-only material per colour. */
function mtlText(colors: number[]): string {
  let out = `# Goxel ${GOXEL_VERSION}\n`;
  for (const c of colors) {
    const kd = [c & 255, (c >>> 8) & 255, (c >>> 16) & 255].map((v) => formatF(v / 255));
    out += `\nnewmtl ${materialName(c)}\nKa 0.000000 0.000000 0.000000\nKd ${kd.join(" ")}\n`;
    out += `Ks 0.000000 0.000000 0.000000\nd 1.000000\nillum 1\n`;
  }
  return out;
}

/** The Wavefront OBJ codec (export). */
export const OBJ_CODEC: Codec = {
  name: "obj",
  description:
    "Wavefront OBJ mesh with a .mtl colour sidecar (face-culled cubes, Y up); read as surface " +
    "voxels, one per unit",
  extensions: [".obj"],
  decode: (bytes, options) => decodeObj(bytes, options),
  encode: (image, options) => encodeObj(image, options),
};
