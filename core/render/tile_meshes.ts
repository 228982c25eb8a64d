/**
 * The face mesh of a volume kept tile by tile, so that after an edit only the tiles it touched
 * and their neighbours are meshed again (as Goxel keeps a mesh per block). A tile's faces
 * depend on its voxels and on the six tiles across its faces; its faces' occlusion masks on
 * all 26 tiles around it. Tiles are named by numbers that change whenever their voxels may
 * have (Volume.tileDataId: copy-on-write tiles get a new number when written).
 */
import { forEachFace, type TileSource } from "../mesh/faces.ts";
import { tileKey } from "../tile_coords.ts";
import type { PlainTile } from "./raycast.ts";
import type { FaceMesh } from "./scene_cache.ts";
import { type FaceRects, joinFaceRects, mergeFaceRects } from "./face_rects.ts";

/** One tile's faces (views into the last mesh made), with the neighbourhoods they hold for. */
interface TileFaces {
  /** Numbers of the tile and the six across its faces: its faces hold while they do. */
  faceKey: string;
  /** Numbers of the tile and all 26 around it: its occlusion masks hold while they do. */
  maskKey: string;
  count: number;
  voxels: Int32Array;
  faces: Uint8Array;
  colors: Uint32Array;
  masks: Uint8Array;
  known: Uint8Array;
  /** The faces merged for the shadow map (see mergeFaceRects). */
  rects: FaceRects;
}

const S = 16;
/** The six face neighbours first, then the other twenty. */
const NEIGHBOURS: readonly [number, number, number][] = (() => {
  const out: [number, number, number][] = [
    [-S, 0, 0],
    [S, 0, 0],
    [0, -S, 0],
    [0, S, 0],
    [0, 0, -S],
    [0, 0, S],
  ];
  for (let dz = -S; dz <= S; dz += S) {
    for (let dy = -S; dy <= S; dy += S) {
      for (let dx = -S; dx <= S; dx += S) {
        const axes = (dx ? 1 : 0) + (dy ? 1 : 0) + (dz ? 1 : 0);
        if (axes >= 2) out.push([dx, dy, dz]);
      }
    }
  }
  return out;
})();

/** The faces of the tiles of the last volume meshed, by tile key. */
export class TileMeshes {
  #tiles = new Map<number, TileFaces>();

  /**
   * Returns the mesh of `tiles` (their numbers in `numbers`, same order), in the order the
   * whole-volume walk gives (meshFaces), meshing again only the tiles whose neighbourhood
   * changed; occlusion masks known for a tile carry over while its 26 neighbours are the same.
   */
  mesh(tiles: readonly PlainTile[], numbers: ArrayLike<number>): FaceMesh {
    const numberAt = new Map<number, number>(), voxelsAt = new Map<number, Uint32Array>();
    tiles.forEach((t, i) => {
      const k = tileKey(t.origin[0], t.origin[1], t.origin[2]);
      numberAt.set(k, numbers[i]);
      voxelsAt.set(k, t.voxels);
    });
    const readTile = (x: number, y: number, z: number) => voxelsAt.get(tileKey(x, y, z));
    const next = new Map<number, TileFaces>(), parts: TileFaces[] = [];
    let total = 0;
    for (const [i, t] of tiles.entries()) {
      const [x, y, z] = t.origin, k = tileKey(x, y, z);
      const around = NEIGHBOURS.map(([dx, dy, dz]) =>
        numberAt.get(tileKey(x + dx, y + dy, z + dz)) ?? 0
      );
      const faceKey = `${numbers[i]},${around.slice(0, 6).join(",")}`;
      const maskKey = `${faceKey},${around.slice(6).join(",")}`;
      let entry = this.#tiles.get(k);
      if (!entry || entry.faceKey !== faceKey) {
        entry = meshTile({
          *tiles(): IterableIterator<[number, number, number, Uint32Array]> {
            yield [x, y, z, t.voxels];
          },
          readTile,
        });
        entry.faceKey = faceKey;
      } else if (entry.maskKey !== maskKey) {
        entry.masks = new Uint8Array(entry.count);
        entry.known = new Uint8Array(entry.count);
      }
      entry.maskKey = maskKey;
      next.set(k, entry);
      parts.push(entry);
      total += entry.count;
    }
    const out: FaceMesh = {
      count: total,
      voxels: new Int32Array(total * 3),
      faces: new Uint8Array(total),
      colors: new Uint32Array(total),
      masks: new Uint8Array(total),
      known: new Uint8Array(total),
      rects: joinFaceRects(parts.map((e) => e.rects)),
    };
    let o = 0;
    for (const e of parts) {
      const end = o + e.count;
      out.voxels.set(e.voxels, o * 3), out.faces.set(e.faces, o), out.colors.set(e.colors, o);
      out.masks.set(e.masks, o), out.known.set(e.known, o);
      // From here on the tile's arrays are views of this mesh: masks shaded later land in both.
      e.voxels = out.voxels.subarray(o * 3, end * 3), e.faces = out.faces.subarray(o, end);
      e.colors = out.colors.subarray(o, end);
      e.masks = out.masks.subarray(o, end), e.known = out.known.subarray(o, end);
      o = end;
    }
    this.#tiles = next;
    return out;
  }
}

/** Meshes the one tile `source.tiles()` yields (its neighbours read through `readTile`). */
function meshTile(source: TileSource): TileFaces {
  const voxels: number[] = [], faces: number[] = [], colors: number[] = [];
  forEachFace(source, (f, x, y, z, color) => {
    voxels.push(x, y, z);
    faces.push(f);
    colors.push(color);
  });
  const count = faces.length;
  const list = { count, voxels: Int32Array.from(voxels), faces: Uint8Array.from(faces) };
  return {
    faceKey: "",
    maskKey: "",
    ...list,
    colors: Uint32Array.from(colors),
    masks: new Uint8Array(count),
    known: new Uint8Array(count),
    rects: mergeFaceRects(list),
  };
}
