/** The viewer's copy of a project's voxels: per layer, tiles by origin. */

/** Tiles of one layer keyed "x,y,z". */
export type LayerTiles = Map<string, Uint32Array>;

/** Returns the map key of a tile origin. */
export function tileId(x: number, y: number, z: number): string {
  return `${x},${y},${z}`;
}

/** Returns the origin of a tile key. */
export function tileOrigin(id: string): [number, number, number] {
  const [x, y, z] = id.split(",").map(Number);
  return [x, y, z];
}

/** Per-layer voxel tiles. */
export class VoxelModel {
  readonly layers = new Map<number, LayerTiles>();

  /** Forgets everything. */
  clear(): void {
    this.layers.clear();
  }

  /** Returns a layer's tiles, creating the layer. */
  layer(id: number): LayerTiles {
    let tiles = this.layers.get(id);
    if (!tiles) this.layers.set(id, tiles = new Map());
    return tiles;
  }

  /** Sets (or, with null, removes) one tile. */
  setTile(layer: number, x: number, y: number, z: number, voxels: Uint32Array | null): void {
    const tiles = this.layer(layer);
    if (voxels) tiles.set(tileId(x, y, z), voxels);
    else tiles.delete(tileId(x, y, z));
  }
}
