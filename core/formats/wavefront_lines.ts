/**
 * The vertex, normal and face lists Goxel's Wavefront writer (`src/formats/wavefront.c`)
 * builds before printing an OBJ or PLY file: a vertex (position + RGB) reuses the index of an
 * identical line among the last 1024 emitted, a normal among the last 512, faces are never
 * merged. Shared by the OBJ and PLY encoders.
 */
import type { Mesh } from "../mesh/cube_mesher.ts";

const VERTEX_WINDOW = 1024;
const HASH_BITS = 12;

/** Indexed lines of a mesh; indices are 0-based. */
export interface WavefrontLines {
  vertexCount: number;
  /** xyz per vertex (already converted to Y up when asked). */
  positions: Int32Array;
  /** RGB colour per vertex (alpha 255). */
  colors: Uint32Array;
  /** Distinct normals in first-use order (xyz each). */
  normals: [number, number, number][];
  /** Four vertex indices per quad. */
  faceVertices: Uint32Array;
  /** Normal index per quad (its four corners share it). */
  faceNormals: Uint8Array;
}

/** Builds Goxel's de-duplicated vertex/normal/face lists; `yUp` maps (x, y, z) → (x, z, −y). */
export function buildWavefrontLines(mesh: Mesh, yUp: boolean): WavefrontLines {
  const capacity = mesh.count * 4;
  const positions = new Int32Array(capacity * 3), colors = new Uint32Array(capacity);
  const next = new Int32Array(capacity), heads = new Int32Array(1 << HASH_BITS).fill(-1);
  const faceVertices = new Uint32Array(capacity), faceNormals = new Uint8Array(mesh.count);
  const normalOfFace = [-1, -1, -1, -1, -1, -1], normals: [number, number, number][] = [];
  const p = mesh.positions;
  let n = 0;
  for (let q = 0; q < mesh.count; q++) {
    const color = mesh.colors[q];
    for (let k = 0; k < 4; k++) {
      const o = q * 12 + k * 3;
      const x = p[o], y = yUp ? p[o + 2] : p[o + 1], z = yUp ? -p[o + 1] | 0 : p[o + 2];
      const h = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663) ^ Math.imul(z, 83492791) ^
        Math.imul(color, 2654435761)) >>> (32 - HASH_BITS);
      let i = heads[h];
      while (i >= 0 && i >= n - VERTEX_WINDOW) {
        if (
          positions[i * 3] === x && positions[i * 3 + 1] === y &&
          positions[i * 3 + 2] === z && colors[i] === color
        ) break;
        i = next[i];
      }
      if (i < 0 || i < n - VERTEX_WINDOW) {
        i = n++;
        positions[i * 3] = x;
        positions[i * 3 + 1] = y;
        positions[i * 3 + 2] = z;
        colors[i] = color;
        next[i] = heads[h];
        heads[h] = i;
      }
      faceVertices[q * 4 + k] = i;
    }
    const f = mesh.faces[q];
    if (normalOfFace[f] < 0) {
      normalOfFace[f] = normals.length;
      const [nx, ny, nz] = [...mesh.normals.subarray(q * 3, q * 3 + 3)];
      normals.push(yUp ? [nx, nz, -ny | 0] : [nx, ny, nz]);
    }
    faceNormals[q] = normalOfFace[f];
  }
  return {
    vertexCount: n,
    positions: positions.slice(0, n * 3),
    colors: colors.slice(0, n),
    normals,
    faceVertices,
    faceNormals,
  };
}
