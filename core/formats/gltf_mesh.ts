/**
 * Per-layer glTF vertex and index buffers as Goxel writes them: 40-byte vertices (position,
 * normal, then texcoord + 8 zero bytes or a linear RGBA colour), quads as (0,1,2,2,3,0),
 * identical vertices merged and renumbered in order of first use (meshoptimizer's remap).
 */
import type { Mesh } from "../mesh/cube_mesher.ts";

/** Bytes per vertex. */
export const VERTEX_STRIDE = 40;

/** Interleaved vertices, uint32 indices and the position bounds of one layer. */
export interface LayerBuffers {
  vertexCount: number;
  vertices: Uint8Array;
  indices: Uint32Array;
  min: [number, number, number];
  max: [number, number, number];
}

/** Writes the 16 attribute bytes (4 floats) that follow position and normal for a colour key. */
export type AttributeWriter = (key: number, out: Float32Array, offset: number) => void;

/**
 * Builds a layer's buffers; `keys` holds one colour key per quad (a palette index or an RGB),
 * which together with position and face decides vertex identity.
 */
export function buildLayerBuffers(
  mesh: Mesh,
  keys: Uint32Array,
  writeAttribute: AttributeWriter,
): LayerBuffers {
  const capacity = mesh.count * 4;
  let bits = 4;
  while (1 << bits < capacity * 2) bits++;
  const heads = new Int32Array(1 << bits).fill(-1), next = new Int32Array(capacity);
  const ids = new Int32Array(capacity * 5);
  const floats = new Float32Array(capacity * 10);
  const indices = new Uint32Array(mesh.count * 6), corner = new Uint32Array(4);
  const p = mesh.positions;
  let n = 0;
  for (let q = 0; q < mesh.count; q++) {
    const f = mesh.faces[q], key = keys[q];
    for (let k = 0; k < 4; k++) {
      const x = p[q * 12 + k * 3], y = p[q * 12 + k * 3 + 1], z = p[q * 12 + k * 3 + 2];
      const h = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663) ^ Math.imul(z, 83492791) ^
        Math.imul(key * 8 + f, 2654435761)) >>> (32 - bits);
      let i = heads[h];
      while (i >= 0) {
        const o = i * 5;
        if (
          ids[o] === x && ids[o + 1] === y && ids[o + 2] === z && ids[o + 3] === f &&
          ids[o + 4] === key
        ) break;
        i = next[i];
      }
      if (i < 0) {
        i = n++;
        const o = i * 5, v = i * 10;
        ids[o] = floats[v] = x;
        ids[o + 1] = floats[v + 1] = y;
        ids[o + 2] = floats[v + 2] = z;
        ids[o + 3] = f;
        ids[o + 4] = key;
        next[i] = heads[h];
        heads[h] = i;
        for (let a = 0; a < 3; a++) floats[v + 3 + a] = mesh.normals[q * 3 + a];
        writeAttribute(key, floats, v + 6);
      }
      corner[k] = i;
    }
    const t = q * 6;
    indices[t] = indices[t + 5] = corner[0];
    indices[t + 1] = corner[1];
    indices[t + 2] = indices[t + 3] = corner[2];
    indices[t + 4] = corner[3];
  }
  return { vertexCount: n, vertices: toBytes(floats, n), indices, ...bounds(floats, n) };
}

/** Returns the first `n` vertices as bytes. */
function toBytes(floats: Float32Array, n: number): Uint8Array {
  return new Uint8Array(floats.buffer, 0, n * VERTEX_STRIDE).slice();
}

/** Returns the per-axis min and max of the vertex positions. */
function bounds(floats: Float32Array, n: number): Pick<LayerBuffers, "min" | "max"> {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const v = floats[i * 10 + a];
      if (v < min[a]) min[a] = v;
      if (v > max[a]) max[a] = v;
    }
  }
  return { min, max };
}
