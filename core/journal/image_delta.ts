/**
 * What one committed change did to an image, as data: the image's non-voxel state when it
 * changed (layers, materials, cameras, box, light…) and, per volume, the tiles that changed.
 * `diffImage(before, after)` computes it cheaply from copy-on-write sharing (tiles and buckets
 * still shared with `before` are skipped); `applyDelta(before', delta)` rebuilds `after` from
 * any image equal to `before`. Journal records carry deltas (docs/journal.md).
 */
import { emptyImage, type Image, sameFingerprint } from "../image.ts";
import type { Layer } from "../layer.ts";
import { isInRange, TILE_VOXELS, Volume } from "../volume.ts";
import { metaFingerprint, metaFromJson, type MetaJson, metaToJson } from "./image_meta.ts";

/** Volume id of the selection mask in a delta (layers use their positive ids). */
export const SELECTION_MASK_ID = -1;

/**
 * How a changed tile is stored. SHARE: the tile is the same data as another layer's tile at the
 * same origin (a duplicated layer's, until either is written); its data is that layer's id.
 */
export const TileEncoding = { DELETE: 0, SPARSE: 1, RAW: 2, RLE: 3, SHARE: 4 } as const;

/** One changed tile: its origin and its new content (or its removal). */
export interface TilePatch {
  origin: [number, number, number];
  encoding: number;
  /** Encoded content (see docs/journal.md); empty for DELETE. */
  data: Uint8Array;
}

/** The changed tiles of one volume. */
export interface VolumePatch {
  /** Layer id, or SELECTION_MASK_ID. */
  id: number;
  tiles: TilePatch[];
  /**
   * Every tile origin in order, when applying the tiles alone would not give the tile order
   * (a tile removed and added again moves to the end; an undo brings back an older order).
   */
  order?: [number, number, number][];
}

/** The difference between two images. */
export interface ImageDelta {
  /** The whole non-voxel state after the change, when it changed. */
  meta: MetaJson | null;
  volumes: VolumePatch[];
}

/** True when a delta changes nothing. */
export function isEmptyDelta(delta: ImageDelta): boolean {
  return delta.meta === null && delta.volumes.length === 0;
}

/**
 * Returns the delta that turns `before` into `after`. With `exactOrder` (after an undo, or
 * when volumes were replaced) tile orders are compared in full, not only where tiles moved.
 */
export function diffImage(before: Image, after: Image, exactOrder = false): ImageDelta {
  const meta = sameMeta(before, after) ? null : metaToJson(after, before);
  const volumes: VolumePatch[] = [];
  const old = new Map(before.layers.map((l) => [l.id, l.volume]));
  const add = (id: number, from: Volume, to: Volume, sources?: SharedTiles) => {
    const patch = diffVolume(from, to, exactOrder);
    if (sources) sources.mark(patch.tiles, to);
    if (patch.tiles.length || patch.order) volumes.push({ id, ...patch });
  };
  // A layer the change created may share tiles with a layer that existed or that comes before it
  // (so a replay finds every source tile in place).
  const sources = new SharedTiles(after.layers.filter((l) => old.has(l.id)));
  for (const layer of after.layers) {
    const from = old.get(layer.id);
    add(layer.id, from ?? EMPTY, layer.volume, from ? undefined : sources);
    if (!from) sources.add(layer);
  }
  if (after.selectionMask) {
    add(SELECTION_MASK_ID, before.selectionMask ?? EMPTY, after.selectionMask);
  }
  return { meta, volumes };
}

/** Up to this many source layers, each tile is looked up in each (no index of every tile). */
const SCAN_LAYERS = 8;

/**
 * The layers a created layer may share tiles with (diffImage, checkpoints): looked through at
 * each tile while they are few, indexed by tile data once there are more.
 */
export class SharedTiles {
  #layers: Layer[];
  #owners: Map<number, Layer> | null = null;

  constructor(layers: Layer[] = []) {
    this.#layers = layers;
  }

  /** Makes `layer` a source for the layers after it. */
  add(layer: Layer): void {
    this.#layers.push(layer);
    if (this.#owners) this.#index(layer);
  }

  /** Turns whole-tile patches of `volume` whose data a source layer's tile holds into SHARE. */
  mark(tiles: TilePatch[], volume: Volume): void {
    for (const t of tiles) {
      if (t.encoding !== TileEncoding.RAW && t.encoding !== TileEncoding.RLE) continue;
      const data = volume.tileDataId(...t.origin)!;
      const source = this.#find(data, t.origin);
      if (!source) continue;
      t.encoding = TileEncoding.SHARE;
      t.data = Uint8Array.of(source.id, source.id >>> 8, source.id >>> 16, source.id >>> 24);
    }
  }

  #find(data: number, origin: [number, number, number]): Layer | undefined {
    if (!this.#owners && this.#layers.length <= SCAN_LAYERS) {
      return this.#layers.find((l) => l.volume.tileDataId(...origin) === data);
    }
    if (!this.#owners) {
      this.#owners = new Map();
      for (const layer of this.#layers) this.#index(layer);
    }
    const source = this.#owners.get(data);
    // Shared data is always at the same origin (a copy or shareTile keeps it); checked anyway.
    return source?.volume.tileDataId(...origin) === data ? source : undefined;
  }

  #index(layer: Layer): void {
    const volume = layer.volume;
    for (const [ox, oy, oz] of volume.tiles()) {
      const data = volume.tileDataId(ox, oy, oz)!;
      if (!this.#owners!.has(data)) this.#owners!.set(data, layer);
    }
  }
}

/** Returns the delta that builds `image` from an empty image (every tile, all state). */
export function fullDelta(image: Image): ImageDelta {
  const delta = diffImage(emptyImage(), image);
  delta.meta ??= metaToJson(image);
  return delta;
}

const EMPTY = new Volume();

function sameMeta(a: Image, b: Image): boolean {
  return sameFingerprint(metaFingerprint(a), metaFingerprint(b));
}

/** Yields every tile of a volume as a whole-tile patch, in insertion order (for snapshots). */
export function* wholeTilePatches(volume: Volume): Generator<TilePatch> {
  for (const [x, y, z, voxels] of volume.tiles()) {
    yield { origin: [x, y, z], ...encodeWhole(voxels) };
  }
}

/** Returns the patches that turn volume `before` into `after` (and the order when needed). */
export function diffVolume(
  before: Volume,
  after: Volume,
  exactOrder = false,
): { tiles: TilePatch[]; order?: [number, number, number][] } {
  const tiles: TilePatch[] = [];
  // Equal keys: same content and the same order (any write or reorder makes a new key).
  if (before.key === after.key) return { tiles };
  const moved = after.diffTiles(before, (ox, oy, oz, now, old, lo, hi) => {
    const origin: [number, number, number] = [ox, oy, oz];
    if (!now) tiles.push({ origin, encoding: TileEncoding.DELETE, data: new Uint8Array(0) });
    else if (!old) tiles.push({ origin, ...encodeWhole(now) });
    else {
      const patch = encodeChange(old, now, lo, hi);
      if (patch) tiles.push({ origin, ...patch });
    }
  });
  if (!moved && !(exactOrder && before !== after)) return { tiles };
  const order = after.tileOrder();
  return sameOrder(replayedOrder(before, tiles), order) ? { tiles } : { tiles, order };
}

/** The tile order applying `tiles` to `before` gives: kept tiles in place, new ones appended. */
function replayedOrder(before: Volume, tiles: TilePatch[]): string[] {
  const gone = new Set<string>(), added: string[] = [];
  for (const t of tiles) {
    const k = t.origin.join();
    if (t.encoding === TileEncoding.DELETE) gone.add(k);
    else if (!before.readTile(...t.origin)) added.push(k);
  }
  return [...before.tileOrder().map((o) => o.join()).filter((k) => !gone.has(k)), ...added];
}

function sameOrder(a: string[], b: [number, number, number][]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i].join());
}

/** Indexes of changed voxels (scratch; a sparse patch holds at most 682 of them). */
const CHANGED = new Uint16Array(TILE_VOXELS);
const SPARSE_MAX = Math.floor(TILE_VOXELS * 4 / 6);

/** Sparse when few voxels changed (6 bytes each), else the whole tile. */
function encodeChange(
  old: Uint32Array,
  now: Uint32Array,
  lo: number,
  hi: number,
): { encoding: number; data: Uint8Array } | null {
  let n = 0;
  for (let i = lo; i <= hi; i++) {
    if (old[i] === now[i]) continue;
    if (n === SPARSE_MAX) return encodeWhole(now);
    CHANGED[n++] = i;
  }
  if (n === 0) return null;
  const data = new Uint8Array(n * 6);
  for (let k = 0; k < n; k++) putPair(data, k * 6, CHANGED[k], now[CHANGED[k]]);
  return { encoding: TileEncoding.SPARSE, data };
}

/**
 * Writes the little-endian (u16, u32) pair of a SPARSE or RLE entry at `o`. Plain byte stores:
 * a DataView needs the array's ArrayBuffer, and asking a new small typed array for it makes
 * JavaScriptCore move the array out of its fast storage (10 % of the daemon's CPU under load).
 */
export function putPair(data: Uint8Array, o: number, a: number, b: number): void {
  data[o] = a;
  data[o + 1] = a >>> 8;
  data[o + 2] = b;
  data[o + 3] = b >>> 8;
  data[o + 4] = b >>> 16;
  data[o + 5] = b >>> 24;
}

/** Run-length (u16 count + u32 value per run) when shorter, else the raw 16 KiB. */
export function encodeWhole(voxels: Uint32Array): { encoding: number; data: Uint8Array } {
  let runs = 1;
  for (let i = 1; i < TILE_VOXELS; i++) if (voxels[i] !== voxels[i - 1]) runs++;
  if (runs * 6 >= TILE_VOXELS * 4) {
    // Every supported platform is little-endian, the byte order the format specifies.
    const raw = new Uint8Array(voxels.buffer, voxels.byteOffset, TILE_VOXELS * 4).slice();
    return { encoding: TileEncoding.RAW, data: raw };
  }
  const data = new Uint8Array(runs * 6);
  let o = 0, start = 0;
  for (let i = 1; i <= TILE_VOXELS; i++) {
    if (i < TILE_VOXELS && voxels[i] === voxels[start]) continue;
    putPair(data, o, i - start, voxels[start]);
    o += 6;
    start = i;
  }
  return { encoding: TileEncoding.RLE, data };
}

/** Writes a patch into a volume (the volume is changed in place). */
export function applyTilePatch(volume: Volume, patch: TilePatch): void {
  const [ox, oy, oz] = patch.origin;
  if (patch.encoding === TileEncoding.DELETE) return volume.deleteTile(ox, oy, oz);
  // Holds the tile's place in the order until applyDelta shares the source's tile (see there).
  if (patch.encoding === TileEncoding.SHARE) {
    // writeTile's checks: a key past them would wrap onto another tile.
    if (!isInRange(ox, oy, oz)) {
      throw new RangeError(`A shared tile at ${patch.origin} is out of range`);
    }
    return volume.adoptTile(ox, oy, oz, NO_VOXELS);
  }
  const tile = volume.writeTile(ox, oy, oz);
  const d = patch.data, view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (patch.encoding === TileEncoding.SPARSE) {
    for (let o = 0; o + 6 <= d.length; o += 6) {
      tile[view.getUint16(o, true) & 4095] = view.getUint32(o + 2, true);
    }
  } else if (patch.encoding === TileEncoding.RAW) {
    if (d.length !== TILE_VOXELS * 4) throw new RangeError("A raw tile must hold 16384 bytes");
    new Uint8Array(tile.buffer, tile.byteOffset, TILE_VOXELS * 4).set(d);
  } else if (patch.encoding === TileEncoding.RLE) {
    let i = 0;
    for (let o = 0; o + 6 <= d.length; o += 6) {
      const n = view.getUint16(o, true), v = view.getUint32(o + 2, true);
      if (i + n > TILE_VOXELS) throw new RangeError("A run-length tile overflows 4096 voxels");
      tile.fill(v, i, i + n);
      i += n;
    }
    if (i !== TILE_VOXELS) throw new RangeError("A run-length tile does not cover 4096 voxels");
  } else {
    throw new RangeError(`Unknown tile encoding ${patch.encoding}`);
  }
}

/**
 * Applies a delta to `image` and returns the resulting image. Volumes of layers that keep
 * their id are patched in place; `image` must not be shared with a snapshot that must stay.
 */
export function applyDelta(image: Image, delta: ImageDelta): Image {
  const volumes = new Map<number, Volume>(image.layers.map((l) => [l.id, l.volume]));
  let out = image;
  if (delta.meta) {
    out = metaFromJson(
      delta.meta,
      (layer: Layer) => volumes.get(layer.id) ?? new Volume(),
      image,
    );
    if (delta.meta.hasSelectionMask) out.selectionMask = image.selectionMask ?? new Volume();
  }
  const shared: [Volume, TilePatch][] = [];
  const volumeOf = (id: number) =>
    id === SELECTION_MASK_ID
      ? out.selectionMask ??= new Volume()
      : out.layers.find((l) => l.id === id)?.volume;
  for (const patch of delta.volumes) {
    const volume = volumeOf(patch.id);
    if (!volume) throw new RangeError(`The delta patches layer ${patch.id}, which does not exist`);
    for (const t of patch.tiles) {
      applyTilePatch(volume, t);
      if (t.encoding === TileEncoding.SHARE) shared.push([volume, t]);
    }
  }
  // Shared tiles last, in order: each source tile is then as the change left it.
  if (shared.length) {
    const byId = new Map(out.layers.map((l) => [l.id, l.volume]));
    for (const [volume, t] of shared) shareSourceTile(byId, volume, t);
  }
  for (const patch of delta.volumes) {
    if (patch.order) volumeOf(patch.id)!.reorderTiles(patch.order);
  }
  return out;
}

/** An all-empty tile that holds a SHARE tile's place (adopted tiles are never written). */
const NO_VOXELS = new Uint32Array(TILE_VOXELS);

function shareSourceTile(layers: Map<number, Volume>, volume: Volume, t: TilePatch): void {
  const [ox, oy, oz] = t.origin;
  if (t.data.length !== 4) throw new RangeError("A shared tile must name its layer in 4 bytes");
  const id = t.data[0] | t.data[1] << 8 | t.data[2] << 16 | t.data[3] << 24;
  const source = layers.get(id);
  const tile = source?.readTile(ox, oy, oz);
  if (!source || !tile || tile === NO_VOXELS || source === volume) {
    throw new RangeError(`A shared tile at ${t.origin} names layer ${id}, which has no such tile`);
  }
  volume.shareTile(source, ox, oy, oz);
}
