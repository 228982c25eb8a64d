/**
 * Undo/redo history of an image (Goxel's image_history_*), kept as the change each step made:
 * its forward delta (redo) and, to undo it, either its inverse delta (small edits: the live
 * image keeps owning its tiles and writes in place) or a copy-on-write copy of the image before
 * it (large edits: nothing to encode, the copy shares every tile).
 */
import { copyImage, type Image } from "./image.ts";
import { applyDelta, type ImageDelta } from "./journal/image_delta.ts";

/** Options of a `History`. */
export interface HistoryOptions {
  /** Most states kept (the oldest steps are dropped); unbounded when absent, like Goxel. */
  limit?: number;
}

/** One undo step: what it did and what takes it back. */
export type HistoryStep =
  | { forward: ImageDelta; inverse: ImageDelta }
  | { forward: ImageDelta; before: Image };

/** What a push changed besides adding its step (see `History.unpush`). */
export interface PushUndo {
  readonly step: HistoryStep;
  readonly dropped: readonly HistoryStep[];
  readonly shifted: HistoryStep | undefined;
}

const NONE: readonly HistoryStep[] = [];

/** An undo history of steps with a cursor: `position` steps are applied to the live image. */
export class History {
  #steps: HistoryStep[] = [];
  #cursor = 0;
  #limit: number;

  /** Starts an empty history. */
  constructor(options: HistoryOptions = {}) {
    const limit = options.limit ?? Infinity;
    if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) {
      throw new RangeError(`A history limit must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
  }

  /**
   * Records a step after the cursor: drops the redo branch and, past the limit, the oldest.
   * Returns what `unpush` needs to take the push back exactly.
   */
  push(step: HistoryStep): PushUndo {
    const dropped = this.#cursor < this.#steps.length ? this.#steps.splice(this.#cursor) : NONE;
    this.#steps.push(step);
    // `limit` counts states (steps + the oldest one), as Goxel's snapshot history did.
    const shifted = this.#steps.length > this.#limit - 1 ? this.#steps.shift() : undefined;
    this.#cursor = this.#steps.length;
    return { step, dropped, shifted };
  }

  /**
   * Takes back the latest push: its step goes, the redo branch it dropped and the oldest step
   * it forgot come back. Valid only while that push is the latest change (pushes are taken back
   * newest first).
   */
  unpush(undo: PushUndo): void {
    // With a limit of one state the push kept nothing: its step was the one shifted out.
    if (undo.shifted !== undo.step) {
      this.#steps.pop();
      if (undo.shifted) this.#steps.unshift(undo.shifted);
    }
    this.#cursor = this.#steps.length;
    this.#steps.push(...undo.dropped);
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
    const image = "before" in step ? copyImage(step.before) : applyDelta(live, step.inverse);
    const after = image.activeCamera;
    if (pose && after && after.name === pose.name) {
      after.ortho = pose.ortho;
      after.dist = pose.dist;
      after.mat = pose.mat;
    }
    return image;
  }

  /** Applies the next step again on `live` and returns the result, or null at the newest. */
  redo(live: Image): Image | null {
    if (this.#cursor >= this.#steps.length) return null;
    return applyDelta(live, this.#steps[this.#cursor++].forward);
  }

  /** Forgets every step. */
  restart(): void {
    this.#steps = [];
    this.#cursor = 0;
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
