/**
 * Undo/redo history of an image (Goxel's image_history_*), kept as the change each step made:
 * its forward delta (redo) and, to undo it, either its inverse delta (small edits: the live
 * image keeps owning its tiles and writes in place) or a copy-on-write copy of the image before
 * it (large edits: nothing to encode, the copy shares every tile).
 */
import { copyImage, type Image } from "./image.ts";
import { applyDelta, type ImageDelta } from "./journal/image_delta.ts";
import { markDerivedCurrent } from "./ops/layers.ts";
import { TILE_VOXELS } from "./volume.ts";

/** Options of a `History`. */
export interface HistoryOptions {
  /** Most states kept (the oldest steps are dropped); unbounded when absent, like Goxel. */
  limit?: number;
  /**
   * Most bytes the kept steps may weigh (see stepBytes): past it the oldest steps are dropped,
   * the newest always kept. Unbounded when absent.
   */
  maxBytes?: number;
}

/**
 * What a step weighs: 16 KiB per tile it changed (the copy that takes it back) plus its
 * encoded forward tiles, and 16 KiB per tile of a layer (or selection mask) it removed, which
 * its delta does not list but its undo keeps. The same for a live history and one replayed
 * from the journal (which keeps copies where the live one kept inverse deltas for voxel
 * edits, and those never remove layers), so both drop the same steps.
 */
export function stepBytes(step: HistoryStep): number {
  const TILE_BYTES = TILE_VOXELS * 4;
  let bytes = 0;
  for (const v of step.forward.volumes) {
    for (const t of v.tiles) bytes += TILE_BYTES + t.data.length;
  }
  const meta = step.forward.meta;
  if (meta && "before" in step) {
    const ids = new Set(meta.layers.map((l) => l.id));
    for (const l of step.before.layers) {
      if (!ids.has(l.id)) bytes += l.volume.tileCount * TILE_BYTES;
    }
    const mask = step.before.selectionMask;
    if (mask && !meta.hasSelectionMask) bytes += mask.tileCount * TILE_BYTES;
  }
  return bytes;
}

/** One undo step: what it did and what takes it back. */
export type HistoryStep =
  | { forward: ImageDelta; inverse: ImageDelta }
  | { forward: ImageDelta; before: Image };

/** What a push changed besides adding its step (see `History.unpush`). */
export interface PushUndo {
  readonly step: HistoryStep;
  readonly dropped: readonly HistoryStep[];
  /** The oldest steps the push forgot, oldest first (the step itself with a limit of one). */
  readonly shifted: readonly HistoryStep[];
}

const NONE: readonly HistoryStep[] = [];

/** An undo history of steps with a cursor: `position` steps are applied to the live image. */
export class History {
  #steps: HistoryStep[] = [];
  #cursor = 0;
  #limit: number;
  #maxBytes: number;
  /** stepBytes of the kept steps, summed. */
  #bytes = 0;
  #weights = new WeakMap<HistoryStep, number>();

  /** Starts an empty history. */
  constructor(options: HistoryOptions = {}) {
    const limit = options.limit ?? Infinity;
    if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) {
      throw new RangeError(`A history limit must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
    const maxBytes = options.maxBytes ?? Infinity;
    if (!(maxBytes >= 0)) throw new RangeError(`A history byte cap must be ≥ 0, got ${maxBytes}`);
    this.#maxBytes = maxBytes;
  }

  /**
   * Records a step after the cursor: drops the redo branch and, past the limit, the oldest.
   * Returns what `unpush` needs to take the push back exactly.
   */
  push(step: HistoryStep): PushUndo {
    const dropped = this.#cursor < this.#steps.length ? this.#steps.splice(this.#cursor) : NONE;
    for (const d of dropped) this.#bytes -= this.#weight(d);
    this.#steps.push(step);
    this.#bytes += this.#weight(step);
    // `limit` counts states (steps + the oldest one), as Goxel's snapshot history did.
    const shifted: HistoryStep[] = [];
    while (
      this.#steps.length > this.#limit - 1 ||
      (this.#bytes > this.#maxBytes && this.#steps.length > 1)
    ) {
      const old = this.#steps.shift()!;
      this.#bytes -= this.#weight(old);
      shifted.push(old);
    }
    this.#cursor = this.#steps.length;
    return { step, dropped, shifted };
  }

  /**
   * Takes back the latest push: its step goes, the redo branch it dropped and the oldest steps
   * it forgot come back. Valid only while that push is the latest change (pushes are taken back
   * newest first).
   */
  unpush(undo: PushUndo): void {
    // With a limit of one state the push kept nothing: its step was the one shifted out.
    const forgotten = undo.shifted.filter((s) => s !== undo.step);
    if (forgotten.length === undo.shifted.length) {
      this.#steps.pop();
      this.#bytes -= this.#weight(undo.step);
    }
    this.#steps.unshift(...forgotten);
    this.#cursor = this.#steps.length;
    this.#steps.push(...undo.dropped);
    for (const s of [...forgotten, ...undo.dropped]) this.#bytes += this.#weight(s);
  }

  /** What the kept steps weigh (see stepBytes). */
  get bytes(): number {
    return this.#bytes;
  }

  #weight(step: HistoryStep): number {
    let w = this.#weights.get(step);
    if (w === undefined) this.#weights.set(step, w = stepBytes(step));
    return w;
  }

  /**
   * Takes back the last step on `live` and returns the resulting image (the same object when
   * only voxels changed), or null at the oldest state. The active camera keeps its pose when a
   * camera with the same name is active afterwards (Goxel does not move the camera on undo).
   */
  undo(live: Image): Image | null {
    if (this.#cursor === 0) return null;
    const step = this.#steps[--this.#cursor];
    const camera = live.activeCamera;
    const pose = camera &&
      { name: camera.name, ortho: camera.ortho, dist: camera.dist, mat: camera.mat.slice() };
    const image = "before" in step
      ? copyImage(step.before)
      : markDerivedCurrent(applyDelta(live, step.inverse));
    const after = image.activeCamera;
    if (pose && after && after.name === pose.name) {
      after.ortho = pose.ortho;
      after.dist = pose.dist;
      after.mat = pose.mat;
    }
    return image;
  }

  /**
   * Applies the next step again on `live` and returns the result, or null at the newest. Clone
   * and shape layers are up to date in every state a step leads to (each was brought up to date
   * before it was recorded), so they keep the voxels the step gives them: redrawn, a duplicated
   * shape layer lost the tiles it shares with its original.
   */
  redo(live: Image): Image | null {
    if (this.#cursor >= this.#steps.length) return null;
    return markDerivedCurrent(applyDelta(live, this.#steps[this.#cursor++].forward));
  }

  /** Forgets every step. */
  restart(): void {
    this.#steps = [];
    this.#cursor = 0;
    this.#bytes = 0;
  }

  /** Moves the cursor to `position` (to take back a move whose change was rolled back). */
  seek(position: number): void {
    if (!Number.isInteger(position) || position < 0 || position > this.#steps.length) {
      throw new RangeError(`History position ${position} is outside 0..${this.#steps.length}`);
    }
    this.#cursor = position;
  }

  /** True when `undo` would return an image. */
  get canUndo(): boolean {
    return this.#cursor > 0;
  }

  /** True when `redo` would return an image. */
  get canRedo(): boolean {
    return this.#cursor < this.#steps.length;
  }

  /** Number of states kept (steps + 1). */
  get size(): number {
    return this.#steps.length + 1;
  }

  /** Index of the state matching the live image (0 = oldest). */
  get position(): number {
    return this.#cursor;
  }
}
