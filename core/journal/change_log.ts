/**
 * Undo and journal deltas of a small edit from its volumes' change logs (the old value of every
 * voxel set() changed, see Volume.startChangeLog): no snapshot and no comparison of whole tiles.
 */
import { tileOrigin, type Volume } from "../volume.ts";
import {
  encodeWhole,
  type ImageDelta,
  putPair,
  TileEncoding,
  type TilePatch,
  type VolumePatch,
} from "./image_delta.ts";

/** One volume's log, as Volume.takeChangeLog returns it, with the layer id it belongs to. */
export interface VolumeLog {
  id: number;
  volume: Volume;
  entries: number[];
}

/** Returns the forward delta (what the edit did) and its inverse (what undoes it). */
export function deltasFromLogs(logs: VolumeLog[]): { forward: ImageDelta; inverse: ImageDelta } {
  const forward: VolumePatch[] = [], inverse: VolumePatch[] = [];
  for (const log of logs) {
    const [f, i] = volumePatches(log);
    if (f.length) forward.push({ id: log.id, tiles: f });
    if (i.length) inverse.push({ id: log.id, tiles: i });
  }
  return { forward: { meta: null, volumes: forward }, inverse: { meta: null, volumes: inverse } };
}

/** Logs up to this many writes into one existing tile take the path without maps. */
const SMALL_LOG = 16;

function volumePatches(log: VolumeLog): [TilePatch[], TilePatch[]] {
  const { volume, entries } = log;
  if (entries.length === 0) return [[], []];
  if (entries.length <= SMALL_LOG * 3) {
    const small = smallPatches(volume, entries);
    if (small) return small;
  }
  // Per tile, in the order tiles were first touched: created or not, first old value per voxel.
  const tiles = new Map<number, { created: boolean; old: Map<number, number> }>();
  for (let k = 0; k < entries.length; k += 3) {
    const key = entries[k], index = entries[k + 1];
    let t = tiles.get(key);
    if (!t) tiles.set(key, t = { created: index === -1, old: new Map() });
    if (index >= 0 && !t.old.has(index)) t.old.set(index, entries[k + 2]);
  }
  const forward: TilePatch[] = [], inverse: TilePatch[] = [];
  for (const [key, t] of tiles) {
    const origin = tileOrigin(key);
    const now = volume.readTile(...origin);
    if (!now) continue;
    if (t.created) {
      forward.push({ origin, ...encodeWhole(now) });
      inverse.push({ origin: [...origin], encoding: TileEncoding.DELETE, data: new Uint8Array(0) });
      continue;
    }
    const changed = [...t.old].filter(([i, old]) => now[i] !== old);
    if (!changed.length) continue;
    forward.push({
      origin,
      encoding: TileEncoding.SPARSE,
      data: sparse(changed.map(([i]) => [i, now[i]])),
    });
    inverse.push({ origin: [...origin], encoding: TileEncoding.SPARSE, data: sparse(changed) });
  }
  return [forward, inverse];
}

/**
 * The patches of a few writes into one tile that existed before (add_voxel and the like, the
 * most frequent edit): no maps, no intermediate arrays. Null when the log is not of that shape.
 */
function smallPatches(volume: Volume, entries: number[]): [TilePatch[], TilePatch[]] | null {
  const key = entries[0];
  for (let k = 0; k < entries.length; k += 3) {
    if (entries[k] !== key || entries[k + 1] < 0) return null;
  }
  const origin = tileOrigin(key);
  const now = volume.readTile(...origin);
  if (!now) return [[], []];
  // The first logged old value of each voxel is its value before the edit.
  const changed: number[] = [];
  for (let k = 0; k < entries.length; k += 3) {
    const i = entries[k + 1];
    let first = true;
    for (let e = 1; e < k; e += 3) if (entries[e] === i) first = false;
    if (first && now[i] !== entries[k + 2]) changed.push(i, entries[k + 2]);
  }
  if (changed.length === 0) return [[], []];
  const n = changed.length / 2;
  const after = new Uint8Array(n * 6), before = new Uint8Array(n * 6);
  for (let c = 0; c < n; c++) {
    const i = changed[c * 2];
    putPair(after, c * 6, i, now[i]);
    putPair(before, c * 6, i, changed[c * 2 + 1]);
  }
  return [
    [{ origin, encoding: TileEncoding.SPARSE, data: after }],
    [{ origin: [...origin], encoding: TileEncoding.SPARSE, data: before }],
  ];
}

function sparse(pairs: [number, number][]): Uint8Array {
  const data = new Uint8Array(pairs.length * 6);
  for (let k = 0; k < pairs.length; k++) putPair(data, k * 6, pairs[k][0], pairs[k][1]);
  return data;
}
