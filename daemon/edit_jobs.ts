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
import type { Volume } from "../core/volume.ts";

/** Voxels an edit may charge and still run inline on the event loop (~50 ms of painting). */
export const INLINE_EDIT_VOXELS = 1_000_000;

/** One edit of a layer volume, as plain data. */
export type EditOp =
  | { kind: "paint"; painter: Painter; box: Mat4 }
  | { kind: "line"; painter: Painter; from: Vec3; to: Vec3; radius: number }
  | { kind: "fill"; start: Vec3; color: Rgba; options: FloodFillOptions }
  | { kind: "move"; matrices: Mat4[] };

/** The edit job's result: the edited volume and, for fills, the voxels changed. */
export interface EditResult {
  volume: PlainVolume;
  count: number;
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

/** Worker side: rebuilds the volume, edits it and returns it as plain tiles. */
export function runEditJob(plain: PlainVolume, op: EditOp, limits?: WorkBudgetOptions): EditResult {
  const volume = volumeFromPlain(plain);
  const count = applyEdit(volume, op, limits);
  return { volume: volumeToPlain(volume), count };
}

export { volumeBuffers };
