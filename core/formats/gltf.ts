/**
 * glTF 2.0 export in Goxel's layout (`src/formats/gltf.c`, cgltf writer): a palette texture
 * (or vertex colours), one material per image material plus a default one on demand, a Z-up →
 * Y-up root node and one child node + mesh per non-empty layer, hidden layers included.
 * Two codecs share it: `.gltf` with base64 data-URI buffers (one per buffer view, like Goxel)
 * and `.glb` with one binary chunk.
 *
 * Deviations from Goxel, both invisible on ordinary files: a solid voxel whose alpha is
 * below 255 gets its opaque colour appended to the palette (Goxel asserts), and texcoords use
 * the real texture grid when more than 256 colours make it wider than 16 (Goxel's bug).
 */
import { srgbToLinear } from "../color.ts";
import type { Image } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { Material } from "../material.ts";
import { meshVolume } from "../mesh/cube_mesher.ts";
import type { Codec, EncodedFile, EncodeOptions } from "./codec.ts";
import { type AttributeWriter, buildLayerBuffers, VERTEX_STRIDE } from "./gltf_mesh.ts";
import { Float, FloatArray, IndexArray, type JsonValue, writeGltfJson } from "./gltf_json.ts";
import { collectPalette, encodePaletteTexture, paletteGrid } from "./gltf_texture.ts";

/** Options of the glTF encoders. */
export interface GltfOptions extends EncodeOptions {
  /** Store colours as a COLOR_0 vertex attribute instead of a palette texture (default false). */
  vertexColor?: boolean;
}

type Json = { [key: string]: JsonValue };

/** The document before its buffers are placed: JSON parts plus one byte array per view. */
interface GltfModel {
  views: { data: Uint8Array; stride: number }[];
  accessors: Json[];
  images: Json[];
  meshes: Json[];
  materials: Json[];
  nodes: Json[];
  textures: Json[];
}

const FLOAT = 5126, UINT32 = 5125;
const ZUP_TO_YUP = [1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1];

/** Builds the model: palette texture, materials, one mesh and node per non-empty layer. */
function buildModel(image: Image, options: GltfOptions): GltfModel {
  const vertexColor = options.vertexColor ?? false;
  const model: GltfModel = {
    views: [],
    accessors: [],
    images: [],
    meshes: [],
    materials: image.materials.map((m) => materialJson(m, !vertexColor)),
    nodes: [{}],
    textures: [],
  };
  const palette = vertexColor ? null : collectPalette(image);
  const meshes = image.layers.map((l) => meshVolume(l.volume, { greedy: options.greedy }));
  // Quad keys first, so the texture (and its grid) includes any colour added while meshing.
  const keys = meshes.map((m) => m.colors.map((c) => (palette ? palette.add(c) : c & 0xffffff)));
  if (palette) {
    model.views.push({ data: encodePaletteTexture(palette), stride: 0 });
    model.images.push({ bufferView: 0, mimeType: "image/png" });
    model.textures.push({ source: 0 });
  }
  const grid = palette ? paletteGrid(palette.colors.length) : 0;
  const write: AttributeWriter = palette
    ? (k, out, o) => out.set([((k % grid) + 0.5) / grid, (Math.floor(k / grid) + 0.5) / grid], o)
    : (rgb, out, o) =>
      out.set([...[0, 8, 16].map((s) => srgbToLinear(((rgb >> s) & 255) / 255)), 1], o);
  const children: number[] = [];
  image.layers.forEach((layer, i) => {
    if (meshes[i].count === 0) return;
    const buffers = buildLayerBuffers(meshes[i], keys[i], write);
    const material = materialIndex(image, layer, model, !vertexColor);
    addLayerMesh(model, buffers, material, vertexColor);
    children.push(model.nodes.length);
    model.nodes.push({ mesh: model.meshes.length - 1, name: layer.name });
  });
  if (children.length) model.nodes[0].children = new IndexArray(children);
  model.nodes[0].matrix = new FloatArray(ZUP_TO_YUP);
  return model;
}

/** Adds the views, accessors and mesh of one layer. */
function addLayerMesh(
  model: GltfModel,
  buffers: ReturnType<typeof buildLayerBuffers>,
  material: number,
  vertexColor: boolean,
): void {
  const vertexView = model.views.length, first = model.accessors.length;
  model.views.push({ data: buffers.vertices, stride: VERTEX_STRIDE });
  model.views.push({ data: new Uint8Array(buffers.indices.buffer), stride: 0 });
  const count = buffers.vertexCount;
  const attribute = (type: string, byteOffset: number): Json => ({
    bufferView: vertexView,
    componentType: FLOAT,
    type,
    ...(byteOffset ? { byteOffset } : {}),
    count,
  });
  model.accessors.push(
    { ...attribute("VEC3", 0), min: new FloatArray(buffers.min), max: new FloatArray(buffers.max) },
    attribute("VEC3", 12),
    attribute(vertexColor ? "VEC4" : "VEC2", 24),
    {
      bufferView: vertexView + 1,
      componentType: UINT32,
      type: "SCALAR",
      count: buffers.indices.length,
    },
  );
  const colorName = vertexColor ? "COLOR_0" : "TEXCOORD_0";
  model.meshes.push({
    primitives: [{
      indices: first + 3,
      material,
      attributes: { POSITION: first, NORMAL: first + 1, [colorName]: first + 2 },
    }],
  });
}

/** Returns the glTF material index of a layer, adding Goxel's default material on demand. */
function materialIndex(image: Image, layer: Layer, model: GltfModel, textured: boolean): number {
  const i = layer.material ? image.materials.indexOf(layer.material) : -1;
  if (i >= 0) return i;
  const name = "";
  let d = model.materials.findIndex((m, k) => k >= image.materials.length && m.name === name);
  if (d < 0) {
    const fallback: Material = {
      name,
      metallic: 1,
      roughness: 1,
      baseColor: [1, 1, 1, 1],
      emission: [0, 0, 0],
    };
    d = model.materials.push(materialJson(fallback, textured)) - 1;
  }
  return d;
}

/** Returns a factor glTF accepts: clamped to 0..1, the default when not a finite number. */
function unitFactor(v: number, fallback: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : fallback;
}

/**
 * Returns a material in cgltf's key order, default values left out. Factors are clamped to
 * glTF's 0..1 (a .gox file can hold any float, and NaN would not even be JSON).
 */
function materialJson(m: Material, textured: boolean): Json {
  const pbr: Json = {};
  if (textured) pbr.baseColorTexture = { index: 0 };
  const metallic = unitFactor(m.metallic, 1), roughness = unitFactor(m.roughness, 1);
  const baseColor = m.baseColor.map((c) => unitFactor(c, 1));
  const emission = m.emission.map((c) => unitFactor(c, 0));
  if (Math.fround(metallic) !== 1) pbr.metallicFactor = new Float(metallic);
  if (Math.fround(roughness) !== 1) pbr.roughnessFactor = new Float(roughness);
  if (baseColor.some((c) => Math.fround(c) !== 1)) pbr.baseColorFactor = new FloatArray(baseColor);
  const out: Json = { name: m.name, pbrMetallicRoughness: pbr };
  if (emission.some((c) => Math.fround(c) !== 0)) out.emissiveFactor = new FloatArray(emission);
  return out;
}

/** Returns the top-level document in cgltf's key order. */
function documentJson(model: GltfModel, bufferViews: Json[], buffers: Json[]): Json {
  const doc: Json = {};
  const put = (key: string, list: JsonValue[]) => {
    if (list.length) doc[key] = list;
  };
  put("accessors", model.accessors);
  doc.asset = { generator: "goxel", version: "2.0" };
  put("bufferViews", bufferViews);
  put("buffers", buffers);
  put("images", model.images);
  put("meshes", model.meshes);
  put("materials", model.materials);
  put("nodes", model.nodes);
  doc.scenes = [{ nodes: new IndexArray([0]) }];
  put("textures", model.textures);
  return doc;
}

/** Encodes a `.gltf` file: every buffer view in its own base64 data-URI buffer (Goxel's way). */
export function encodeGltf(image: Image, options: GltfOptions = {}): EncodedFile[] {
  const model = buildModel(image, options);
  const views = model.views.map((v, i): Json => ({
    buffer: i,
    byteLength: v.data.length,
    ...(v.stride ? { byteStride: v.stride } : {}),
  }));
  const buffers = model.views.map((v): Json => ({
    uri: `data:application/octet-stream;base64,${base64(v.data)}`,
    byteLength: v.data.length,
  }));
  const text = writeGltfJson(documentJson(model, views, buffers));
  return [{ suffix: "", data: new TextEncoder().encode(text) }];
}

/** Encodes a `.glb` file: the same document with one binary buffer (views 4-byte aligned). */
export function encodeGlb(image: Image, options: GltfOptions = {}): EncodedFile[] {
  const model = buildModel(image, options);
  let offset = 0;
  const views = model.views.map((v): Json => {
    const view: Json = { buffer: 0, byteLength: v.data.length };
    if (offset) view.byteOffset = offset;
    if (v.stride) view.byteStride = v.stride;
    offset = align4(offset + v.data.length);
    return view;
  });
  const bin = new Uint8Array(offset);
  let pos = 0;
  for (const v of model.views) {
    bin.set(v.data, pos);
    pos = align4(pos + v.data.length);
  }
  const buffers = offset ? [{ byteLength: offset }] : [];
  const json = new TextEncoder().encode(writeGltfJson(documentJson(model, views, buffers)));
  return [{ suffix: "", data: glbContainer(json, bin) }];
}

/** Rounds up to a multiple of 4. */
function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Wraps a JSON chunk (space padded) and an optional BIN chunk (zero padded) in a GLB header. */
function glbContainer(json: Uint8Array, bin: Uint8Array): Uint8Array {
  const jsonLength = align4(json.length);
  const total = 12 + 8 + jsonLength + (bin.length ? 8 + bin.length : 0);
  const out = new Uint8Array(total), view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.set(json, 20);
  out.fill(0x20, 20 + json.length, 20 + jsonLength);
  if (bin.length) {
    view.setUint32(20 + jsonLength, bin.length, true);
    view.setUint32(24 + jsonLength, 0x004e4942, true);
    out.set(bin, 28 + jsonLength);
  }
  return out;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Returns the standard (padded) base64 text of some bytes. */
function base64(data: Uint8Array): string {
  const parts: string[] = [];
  for (let start = 0; start < data.length; start += 3 * 4096) {
    const end = Math.min(start + 3 * 4096, data.length);
    let s = "";
    for (let i = start; i < end; i += 3) {
      const a = data[i], b = i + 1 < end ? data[i + 1] : 0, c = i + 2 < end ? data[i + 2] : 0;
      const t = (a << 16) | (b << 8) | c;
      s += BASE64[t >> 18] + BASE64[(t >> 12) & 63] +
        (i + 1 < end ? BASE64[(t >> 6) & 63] : "=") + (i + 2 < end ? BASE64[t & 63] : "=");
    }
    parts.push(s);
  }
  return parts.join("");
}

/** The glTF 2.0 codec, `.gltf` with embedded buffers (export). */
export const GLTF_CODEC: Codec = {
  name: "gltf",
  description: "glTF 2.0 (.gltf, buffers embedded): one mesh per layer, palette texture",
  extensions: [".gltf"],
  encode: (image, options) => encodeGltf(image, options),
};

/** The binary glTF 2.0 codec, `.glb` (export). */
export const GLB_CODEC: Codec = {
  name: "glb",
  description: "Binary glTF 2.0 (.glb): one mesh per layer, palette texture",
  extensions: [".glb"],
  encode: (image, options) => encodeGlb(image, options),
};
