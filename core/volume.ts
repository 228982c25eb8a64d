/**
 * A sparse voxel volume made of 16³ RGBA tiles, copy-on-write at two levels like Goxel's:
 * copying a volume shares its tile map and every tile's data; the first write to a copy
 * duplicates the map (pointer copies) and each tile's data is cloned on its first write.
 *
 * Tiles are kept in insertion order (a JS Map), which is the order Goxel's uthash table
 * iterates in; files written from a volume depend on it.
 */
import type { Aabb } from "./box.ts";
import type { Rgba } from "./color.ts";
import type { Vec3 } from "./mat4.ts";
import { TileMap } from "./tile_map.ts";
import {
  firstSlice,
  inAabb,
  isInRange,
  isTileEmpty,
  outOfRange,
  TILE_VOXELS,
  tileKey,
  tileMeetsAabb,
  tileOrigin,
  voxelIndex,
} from "./tile_coords.ts";
import { xxh32 } from "./xxh32.ts";

export {
  COORD_LIMIT,
  isInRange,
  isTileEmpty,
  TILE_SIZE,
  TILE_VOXELS,
  tileKey,
  tileOrigin,
  voxelIndex,
} from "./tile_coords.ts";

/** The payload of one tile plus the token of the volume allowed to write it in place. */
interface TileData {
  voxels: Uint32Array;
  owner: object | null;
  /** This tile data's own number (see `from`). */
  id: number;
  /**
   * The id of the tile data this one was cloned from, 0 for a new tile (an object reference
   * chained every earlier version of the tile: a leak of 8 MB per whole-model edit).
   */
  from: number;
  /** Lowest and highest voxel index written since the clone (lo > hi: none). */
  lo: number;
  hi: number;
}

/** The next TileData.id (2^53: a million a second for 285 years). */
let nextTileId = 1;

/** Owner of adopted tiles: no volume's token, so every volume copies them before writing. */
const ADOPTED = Object.freeze({});

/** A sparse, copy-on-write voxel volume. */
export class Volume {
  #tiles: TileMap<TileData>;
  #token: object = {};
  #key: symbol = Symbol("volume");
  #dirty = false;
  #lastKey = -1;
  #lastData: Uint32Array | null = null;
  #lastTile: TileData | null = null;
  /** While recording: [tile key, voxel index (−1: the tile was created), old value] triples. */
  #log: number[] | null = null;
  /** A change other than set() happened while recording (the log does not describe it). */
  #logBroken = false;

  constructor() {
    this.#tiles = new TileMap();
  }

  /** A value that changes on every write; equal keys mean equal content. */
  get key(): symbol {
    if (this.#dirty) {
      this.#key = Symbol("volume");
      this.#dirty = false;
    }
    return this.#key;
  }

  /** Number of tiles, empty ones included. */
  get tileCount(): number {
    return this.#tiles.size;
  }

  /** Number of tiles that meet `region` (half-open), every tile when null. */
  tilesMeeting(region: Aabb | null): number {
    if (!region) return this.#tiles.size;
    let n = 0;
    for (const [ox, oy, oz] of this.tiles()) if (tileMeetsAabb(ox, oy, oz, region)) n++;
    return n;
  }

  /** Returns a copy sharing every tile; costs O(1) until either side writes. */
  copy(): Volume {
    const other = new Volume();
    other.#tiles = this.#tiles.fork();
    other.#key = this.key;
    this.#token = {};
    this.#lastData = null;
    this.#lastKey = -1;
    return other;
  }

  /** Returns the voxel at (x, y, z); missing voxels are transparent black (0). */
  get(x: number, y: number, z: number): Rgba {
    const key = tileKey(x & ~15, y & ~15, z & ~15);
    const data = key === this.#lastKey && this.#lastData
      ? this.#lastData
      : this.#tiles.get(key)?.voxels;
    return data ? data[voxelIndex(x, y, z)] : 0;
  }

  /** Writes the voxel at (x, y, z), creating its tile even when the value is 0 (like Goxel). */
  set(x: number, y: number, z: number, value: Rgba): void {
    if (!isInRange(x, y, z)) throw outOfRange(x, y, z);
    const key = tileKey(x & ~15, y & ~15, z & ~15);
    if (key !== this.#lastKey || !this.#lastData) this.#writable(key);
    const tile = this.#lastTile!, i = voxelIndex(x, y, z), v = value >>> 0;
    if (this.#log !== null && tile.voxels[i] !== v) this.#log.push(key, i, tile.voxels[i]);
    tile.voxels[i] = v;
    if (i < tile.lo) tile.lo = i;
    if (i > tile.hi) tile.hi = i;
    this.#dirty = true;
  }

  /** Returns the read-only voxels of the tile with origin (ox, oy, oz), if it exists. */
  readTile(ox: number, oy: number, oz: number): Uint32Array | undefined {
    return this.#tiles.get(tileKey(ox, oy, oz))?.voxels;
  }

  /** The tile's voxels to write in place (created or un-shared); refused past ±COORD_LIMIT. */
  writeTile(ox: number, oy: number, oz: number): Uint32Array {
    // Such a key would wrap onto a tile at the far edge (and files saved would not load).
    if (!isInRange(ox, oy, oz)) throw outOfRange(ox, oy, oz);
    this.#logBroken ||= this.#log !== null;
    const data = this.#writable(tileKey(ox, oy, oz));
    const tile = this.#lastTile!;
    tile.lo = 0;
    tile.hi = TILE_VOXELS - 1;
    this.#dirty = true;
    return data;
  }

  /** Makes the tile at (ox, oy, oz) share the data of `src`'s tile (Goxel's copy_tile). */
  shareTile(src: Volume, ox: number, oy: number, oz: number): void {
    this.#logBroken ||= this.#log !== null;
    const key = tileKey(ox, oy, oz);
    const data = src.#tiles.get(key);
    if (!data) return this.deleteTile(ox, oy, oz);
    src.#token = {};
    src.#lastData = null;
    src.#lastKey = -1;
    this.#tiles.set(key, data);
    this.#forgetLast(key);
    this.#dirty = true;
  }

  /**
   * Makes `voxels` the tile at (ox, oy, oz) without copying it. The array is treated as
   * shared: the volume never writes into it (its first write copies), so one decoded array
   * can back several tiles; the caller must not change it afterwards.
   */
  adoptTile(ox: number, oy: number, oz: number, voxels: Uint32Array): void {
    this.#logBroken ||= this.#log !== null;
    if (voxels.length !== TILE_VOXELS) throw new RangeError("A tile holds 4096 voxels");
    const key = tileKey(ox, oy, oz);
    const data = { voxels, owner: ADOPTED, id: nextTileId++, from: 0, lo: 0, hi: TILE_VOXELS - 1 };
    this.#tiles.set(key, data);
    this.#forgetLast(key);
    this.#dirty = true;
  }

  /**
   * Starts recording the old value of every voxel set() changes (undo records of small edits:
   * an empty log means nothing changed); any other kind of change marks the recording incomplete.
   */
  startChangeLog(): void {
    this.#log = [];
    this.#logBroken = false;
  }

  /** Stops recording and returns the log: [key, index (−1: tile created), old] triples. */
  takeChangeLog(): { entries: number[]; complete: boolean } {
    const entries = this.#log ?? [];
    const complete = this.#log !== null && !this.#logBroken;
    this.#log = null;
    this.#logBroken = false;
    return { entries, complete };
  }

  /** The tile origins in insertion order (the order files are written in). */
  tileOrder(): [number, number, number][] {
    return this.#tiles.keys().map(tileOrigin);
  }

  /** Puts the tiles in the order of `origins` (tiles not listed keep their order after them). */
  reorderTiles(origins: readonly (readonly [number, number, number])[]): void {
    this.#logBroken ||= this.#log !== null;
    this.#tiles = this.#tiles.reordered(origins.map(([x, y, z]) => tileKey(x, y, z)));
    this.#lastData = null;
    this.#lastKey = -1;
    this.#dirty = true;
  }

  /** Removes the tile with origin (ox, oy, oz). */
  deleteTile(ox: number, oy: number, oz: number): void {
    this.#logBroken ||= this.#log !== null;
    const key = tileKey(ox, oy, oz);
    if (!this.#tiles.delete(key)) return;
    this.#forgetLast(key);
    this.#dirty = true;
  }

  /** Removes every tile. */
  clear(): void {
    this.#logBroken ||= this.#log !== null;
    if (this.#tiles.size === 0) return;
    this.#tiles = new TileMap();
    this.#lastData = null;
    this.#lastKey = -1;
    this.#dirty = true;
  }

  /** Iterates tile origins and voxels in insertion order. */
  *tiles(): IterableIterator<[number, number, number, Uint32Array]> {
    for (const [key, data] of this.#tiles.entries()) {
      const [x, y, z] = tileOrigin(key);
      yield [x, y, z, data.voxels];
    }
  }

  /**
   * Returns the number of a tile's data (undefined: no tile): tiles share data iff they return
   * the same number, and a tile written after being shared or copied gets new data, so a new one.
   */
  tileDataId(ox: number, oy: number, oz: number): number | undefined {
    return this.#tiles.get(tileKey(ox, oy, oz))?.id;
  }

  /**
   * Calls `fn` for every tile whose content may differ from `base`'s (tiles that still share
   * data are skipped): `now` undefined for a removed tile, `before` undefined for an added one.
   * Added tiles come in insertion order. Returns true when a tile kept on both sides changed
   * place in the tile order.
   */
  diffTiles(
    base: Volume,
    fn: (
      ox: number,
      oy: number,
      oz: number,
      now: Uint32Array | undefined,
      before: Uint32Array | undefined,
      lo: number,
      hi: number,
    ) => void,
  ): boolean {
    if (base.key === this.key) return false;
    return this.#tiles.diffFrom(base.#tiles, (key, now, before) => {
      const [x, y, z] = tileOrigin(key);
      // Only voxels written since the tile was cloned from `before`'s can differ from it.
      const known = now && before && now.from === before.id;
      fn(
        x,
        y,
        z,
        now?.voxels,
        before?.voxels,
        known ? now.lo : 0,
        known ? now.hi : TILE_VOXELS - 1,
      );
    });
  }

  /**
   * Calls `fn` for every voxel with alpha ≠ 0 in Goxel's iteration order, only those inside
   * `region` (half-open) when given; `fn` returning false stops the walk.
   */
  forEachVoxel(
    fn: (x: number, y: number, z: number, value: Rgba) => unknown,
    region: Aabb | null = null,
  ): void {
    for (const [ox, oy, oz, v] of this.tiles()) {
      if (region && !tileMeetsAabb(ox, oy, oz, region)) continue;
      for (let i = 0; i < TILE_VOXELS; i++) {
        const c = v[i];
        if (!(c >>> 24)) continue;
        const x = ox + (i & 15), y = oy + ((i >> 4) & 15), z = oz + (i >> 8);
        if (region && !inAabb(x, y, z, region)) continue;
        if (fn(x, y, z, c) === false) return;
      }
    }
  }

  /** Counts voxels with alpha ≠ 0, or with alpha ≥ `minAlpha` when given. */
  count(minAlpha = 1): number {
    let n = 0;
    for (const data of this.#tiles.values()) {
      const v = data.voxels;
      for (let i = 0; i < TILE_VOXELS; i++) if (v[i] >>> 24 >= minAlpha) n++;
    }
    return n;
  }

  /** Returns true when no voxel has alpha ≠ 0. */
  isEmpty(): boolean {
    for (const data of this.#tiles.values()) if (!isTileEmpty(data.voxels)) return false;
    return true;
  }

  /** Deletes tiles whose 4096 alphas are all 0. */
  removeEmptyTiles(): void {
    this.#logBroken ||= this.#log !== null;
    for (const [key, data] of this.#tiles.entries()) {
      if (isTileEmpty(data.voxels)) {
        this.#tiles.delete(key);
        this.#forgetLast(key);
        this.#dirty = true;
      }
    }
  }

  /**
   * Returns the exact bounding box `[min, max)` of the voxels with alpha ≠ 0, or null. Only the
   * non-empty tiles on the faces of their tile-level box can hold an extreme voxel, and each is
   * scanned slice by slice from that face, so a solid model costs O(tiles), not O(voxels).
   */
  bbox(): Aabb | null {
    const solid: [Vec3, Uint32Array][] = [];
    const tmin: Vec3 = [Infinity, Infinity, Infinity],
      tmax: Vec3 = [-Infinity, -Infinity, -Infinity];
    for (const [ox, oy, oz, v] of this.tiles()) {
      if (isTileEmpty(v)) continue;
      const o: Vec3 = [ox, oy, oz];
      solid.push([o, v]);
      for (let a = 0; a < 3; a++) {
        if (o[a] < tmin[a]) tmin[a] = o[a];
        if (o[a] + 16 > tmax[a]) tmax[a] = o[a] + 16;
      }
    }
    if (solid.length === 0) return null;
    const min: Vec3 = [...tmax], max: Vec3 = [...tmin];
    for (const [o, v] of solid) {
      for (let a = 0; a < 3; a++) {
        if (o[a] === tmin[a]) min[a] = Math.min(min[a], o[a] + firstSlice(v, a, 1));
        if (o[a] + 16 === tmax[a]) max[a] = Math.max(max[a], o[a] + firstSlice(v, a, -1) + 1);
      }
    }
    return { min, max };
  }

  /** Goxel's volume CRC: an XXH32 chain over (position, colour) of every voxel with alpha ≠ 0. */
  crc32(): number {
    const pos = new Int32Array(3), posBytes = new Uint8Array(pos.buffer);
    const col = new Uint32Array(1), colBytes = new Uint8Array(col.buffer);
    let h = 0;
    this.forEachVoxel((x, y, z, c) => {
      pos[0] = x;
      pos[1] = y;
      pos[2] = z;
      col[0] = c;
      h = xxh32(posBytes, h);
      h = xxh32(colBytes, h);
    });
    return h;
  }

  #forgetLast(key: number): void {
    if (key === this.#lastKey) {
      this.#lastKey = -1;
      this.#lastData = null;
    }
  }

  #writable(key: number): Uint32Array {
    let data = this.#tiles.get(key);
    if (data && data.owner === this.#token) {
      this.#lastKey = key;
      this.#lastData = data.voxels;
      this.#lastTile = data;
      return data.voxels;
    }
    if (!data && this.#log !== null) this.#log.push(key, -1, 0);
    const voxels = data ? data.voxels.slice() : new Uint32Array(TILE_VOXELS);
    const from = data?.id ?? 0;
    data = { voxels, owner: this.#token, id: nextTileId++, from, lo: TILE_VOXELS, hi: -1 };
    this.#tiles.set(key, data);
    this.#lastKey = key;
    this.#lastData = voxels;
    this.#lastTile = data;
    return voxels;
  }
}
