/**
 * Big layer edits run on the worker pool so the event loop keeps answering: the handler charges
 * the request's budget first (a refusal stays fast and typed), sends the layer's tiles here, and
 * swaps in the edited volume when the job returns. Small edits stay inline (cheaper than a hop).
 */
import { WorkBudget, type WorkBudgetOptions } from "../core/budget.ts";
import type { Rgba } from "../core/color.ts";
import type { Mat4, Vec3 } from "../core/mat4.ts";
import { floodFill, type FloodFillOptions } from "../core/ops/fill.ts";
import { drawLine } from "../core/ops/line.ts";
import { boxFromCorners, paint, type Painter } from "../core/ops/paint.ts";
import { moveVolume } from "../core/ops/transform.ts";
import {
  type PlainVolume,
  volumeBuffers,
  volumeFromPlain,
  volumeToPlain,
} from "../core/plain_image.ts";
import { tileKey, Volume } from "../core/volume.ts";

/** Voxels an edit may charge and still run inline on the event loop (~50 ms of painting). */
export const INLINE_EDIT_VOXELS = 1_000_000;

/** One edit of a layer volume, as plain data. */
export type EditOp =
  | { kind: "paint"; painter: Painter; box: Mat4 }
  | { kind: "line"; painter: Painter; from: Vec3; to: Vec3; radius: number }
  | { kind: "fill"; start: Vec3; color: Rgba; options: FloodFillOptions }
  | { kind: "move"; matrices: Mat4[] };

/**
 * The edit job's result: the whole edited volume (moves rebuild it), or only the tiles it
 * changed in their insertion order and the origins it deleted (paints, lines, fills), so the
 * untouched tiles stay shared with the project's history and its journal diff stays small;
 * plus, for fills, the voxels changed.
 */
export interface EditResult {
  volume: PlainVolume | null;
  changed: TileArrays | null;
  deleted: Int32Array | null;
  count: number;
}

/**
 * Changed tiles as the worker hands them back: origins (x, y, z per tile) and one array per
 * tile, each in a buffer of its own, moved rather than copied. (One packed buffer, adopted as
 * views, let a single tile that later edits left alone keep a whole 8–16 MB result alive, and
 * repeated partial edits stacked them up; copying each tile out on the event loop stalled other
 * clients for up to 80 ms.) A move's whole new volume still comes packed: thousands of buffers
 * cost the event loop more (a bystander's worst ping 51–60 vs 39–53 ms in abuse_e2e), and a
 * whole volume pins at most its own size until its tiles are all replaced.
 */
export interface TileArrays {
  origins: Int32Array;
  tiles: Uint32Array[];
}

/** Worker side: a volume's tiles as TileArrays (its arrays, or a copy when one shares a buffer). */
function tileArrays(volume: Volume): TileArrays {
  const origins = new Int32Array(volume.tileCount * 3), tiles: Uint32Array[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const [x, y, z, v] of volume.tiles()) {
    origins[tiles.length * 3] = x;
    origins[tiles.length * 3 + 1] = y;
    origins[tiles.length * 3 + 2] = z;
    const own = v.byteOffset === 0 && v.buffer.byteLength === v.byteLength && !seen.has(v.buffer);
    const tile = own ? v : v.slice();
    seen.add(tile.buffer);
    tiles.push(tile);
  }
  return { origins, tiles };
}

/** Applies `op` to `volume` in place within `limits`; returns the fill count (else 0). */
export function applyEdit(volume: Volume, op: EditOp, limits?: WorkBudgetOptions): number {
  const budget = new WorkBudget(limits);
  switch (op.kind) {
    case "paint":
      paint(volume, op.painter, op.box, budget);
      return 0;
    case "line":
      drawLine(volume, op.painter, op.from, op.to, op.radius, budget);
      // Goxel's half-open test leaves out the end voxel; a user asking for from→to wants both.
      paint(volume, op.painter, boxFromCorners(op.to, op.to), budget);
      return 0;
    case "fill":
      return floodFill(volume, op.start, op.color, op.options);
    case "move":
      for (const m of op.matrices) moveVolume(volume, m, budget);
      return 0;
  }
}

/** Worker side: rebuilds the volume, edits it and returns the result as plain tiles. */
export function runEditJob(plain: PlainVolume, op: EditOp, limits?: WorkBudgetOptions): EditResult {
  const volume = volumeFromPlain(plain);
  if (op.kind === "move") {
    const count = applyEdit(volume, op, limits);
    return { volume: volumeToPlain(volume), changed: null, deleted: null, count };
  }
  const before = volume.copy();
  const count = applyEdit(volume, op, limits);
  const changed = new Set<number>(), deleted: number[] = [];
  volume.diffTiles(before, (ox, oy, oz, now) => {
    if (now) changed.add(tileKey(ox, oy, oz));
    else deleted.push(ox, oy, oz);
  });
  const out = new Volume();
  for (const [ox, oy, oz, v] of volume.tiles()) {
    if (changed.has(tileKey(ox, oy, oz))) out.adoptTile(ox, oy, oz, v);
  }
  return { volume: null, changed: tileArrays(out), deleted: Int32Array.from(deleted), count };
}

/** Main side: applies a result to `volume` (or returns the replacement volume for a move). */
export function applyEditResult(volume: Volume, r: EditResult): Volume {
  if (r.volume) return volumeFromPlain(r.volume, true);
  const d = r.deleted!;
  for (let i = 0; i < d.length; i += 3) volume.deleteTile(d[i], d[i + 1], d[i + 2]);
  const { origins, tiles } = r.changed!;
  for (let i = 0; i < tiles.length; i++) {
    volume.adoptTile(origins[i * 3], origins[i * 3 + 1], origins[i * 3 + 2], tiles[i]);
  }
  return volume;
}

/** The buffers of an edit result, to transfer rather than copy. */
export function editResultBuffers(r: EditResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>(r.volume ? volumeBuffers(r.volume) : []);
  if (r.changed) {
    out.add(r.changed.origins.buffer as ArrayBuffer);
    for (const tile of r.changed.tiles) out.add(tile.buffer as ArrayBuffer);
  }
  if (r.deleted) out.add(r.deleted.buffer as ArrayBuffer);
  return [...out];
}

export { volumeBuffers };
