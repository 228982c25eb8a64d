/**
 * Meshes one 16³ tile into quads with hidden faces culled: a face is emitted only where the
 * neighbouring voxel (in this tile or the next one of the same layer) is transparent. Colours
 * are shaded per face direction so the shape reads without lights.
 */
import { type LayerTiles, tileId } from "./model.ts";

/** Geometry arrays of one tile. */
export interface TileMesh {
  positions: Float32Array;
  colors: Uint8Array;
  indices: Uint32Array;
  /** Visible voxels in the tile. */
  voxels: number;
  /** Bounding box of the visible voxels, half-open, or null. */
  min: [number, number, number] | null;
  max: [number, number, number] | null;
}

// Per direction: the neighbour offset, the face's 4 corners (unit cube) and its shade.
const FACES: { d: [number, number, number]; c: number[][]; shade: number }[] = [
  { d: [1, 0, 0], c: [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1]], shade: 0.8 },
  { d: [-1, 0, 0], c: [[0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 1, 1]], shade: 0.7 },
  { d: [0, 1, 0], c: [[1, 1, 0], [0, 1, 0], [0, 1, 1], [1, 1, 1]], shade: 0.75 },
  { d: [0, -1, 0], c: [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]], shade: 0.85 },
  { d: [0, 0, 1], c: [[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], shade: 1 },
  { d: [0, 0, -1], c: [[0, 1, 0], [1, 1, 0], [1, 0, 0], [0, 0, 0]], shade: 0.55 },
];

function alphaAt(
  tiles: LayerTiles,
  own: Uint32Array,
  o: number[],
  x: number,
  y: number,
  z: number,
) {
  if (x >= 0 && x < 16 && y >= 0 && y < 16 && z >= 0 && z < 16) {
    return own[x | y << 4 | z << 8] >>> 24;
  }
  const tx = o[0] + (x & ~15), ty = o[1] + (y & ~15), tz = o[2] + (z & ~15);
  const t = tiles.get(tileId(tx, ty, tz));
  return t ? t[(x & 15) | (y & 15) << 4 | (z & 15) << 8] >>> 24 : 0;
}

/** Meshes the tile at origin `o` of a layer. */
export function meshTile(tiles: LayerTiles, o: [number, number, number]): TileMesh {
  const v = tiles.get(tileId(...o));
  const pos: number[] = [], col: number[] = [];
  let voxels = 0;
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  if (v) {
    for (let i = 0; i < 4096; i++) {
      const c = v[i];
      if (!(c >>> 24)) continue;
      voxels++;
      const x = i & 15, y = (i >> 4) & 15, z = i >> 8;
      const p = [o[0] + x, o[1] + y, o[2] + z];
      for (let a = 0; a < 3; a++) {
        if (p[a] < min[a]) min[a] = p[a];
        if (p[a] + 1 > max[a]) max[a] = p[a] + 1;
      }
      for (const f of FACES) {
        if (alphaAt(tiles, v, o, x + f.d[0], y + f.d[1], z + f.d[2])) continue;
        const r = (c & 255) * f.shade, g = ((c >>> 8) & 255) * f.shade;
        const b = ((c >>> 16) & 255) * f.shade;
        for (const k of f.c) {
          pos.push(p[0] + k[0], p[1] + k[1], p[2] + k[2]);
          col.push(r, g, b);
        }
      }
    }
  }
  return finish(pos, col, voxels, min, max);
}

function finish(pos: number[], col: number[], voxels: number, min: number[], max: number[]) {
  const quads = pos.length / 12;
  const indices = new Uint32Array(quads * 6);
  for (let q = 0; q < quads; q++) {
    const b = q * 4;
    indices.set([b, b + 1, b + 2, b, b + 2, b + 3], q * 6);
  }
  return {
    positions: new Float32Array(pos),
    colors: Uint8Array.from(col, Math.round),
    indices,
    voxels,
    min: voxels ? min as [number, number, number] : null,
    max: voxels ? max as [number, number, number] : null,
  };
}
