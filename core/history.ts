/**
 * Undo/redo history of an image (Goxel's image_history_*): a list of copy-on-write snapshots
 * with a cursor on the one matching the live image.
 */
import { copyImage, type Image, imageFingerprint, sameFingerprint } from "./image.ts";

/** Options of a `History`. */
export interface HistoryOptions {
  /** Most snapshots kept (the oldest are dropped); unbounded when absent, like Goxel. */
  limit?: number;
}

interface Snapshot {
  image: Image;
  fingerprint: unknown[];
}

/** An undo history of snapshots; the snapshot at the cursor matches the live image. */
export class History {
  #snapshots: Snapshot[] = [];
  #cursor = -1;
  #limit: number;

  /** Starts a history whose first snapshot is `image`. */
  constructor(image: Image, options: HistoryOptions = {}) {
    const limit = options.limit ?? Infinity;
    if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) {
      throw new RangeError(`A history limit must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
    this.push(image);
  }

  /**
   * Records the live image unless it equals the snapshot at the cursor; drops the redo
   * branch and, past the limit, the oldest snapshot. Returns true when a step was added.
   */
  push(image: Image): boolean {
    const fingerprint = imageFingerprint(image);
    const current = this.#snapshots[this.#cursor];
    if (current && sameFingerprint(current.fingerprint, fingerprint)) return false;
    this.#snapshots.length = this.#cursor + 1;
    this.#snapshots.push({ image: copyImage(image), fingerprint });
    if (this.#snapshots.length > this.#limit) this.#snapshots.shift();
    this.#cursor = this.#snapshots.length - 1;
    return true;
  }

  /**
   * Steps back and returns a fresh copy of the previous snapshot to become the live image, or
   * null at the oldest one. With `live`, the active camera keeps its pose when a camera with
   * the same name is active after the undo (Goxel does not move the camera on undo).
   */
  undo(live?: Image): Image | null {
    if (this.#cursor <= 0) return null;
    this.#cursor--;
    return this.#restore(live);
  }

  /** Steps forward and returns a fresh copy of the next snapshot, or null at the newest one. */
  redo(): Image | null {
    if (this.#cursor >= this.#snapshots.length - 1) return null;
    this.#cursor++;
    return this.#restore();
  }

  /** The snapshot at the cursor, shared: callers must not change it (copy it first). */
  peek(): Image {
    return this.#snapshots[this.#cursor].image;
  }

  /** Forgets every step: `image` becomes the only snapshot. */
  restart(image: Image): void {
    this.#snapshots = [];
    this.#cursor = -1;
    this.push(image);
  }

  /** Moves the cursor to `position` (to take back a move whose change was rolled back). */
  seek(position: number): void {
    if (!Number.isInteger(position) || position < 0 || position >= this.#snapshots.length) {
      throw new RangeError(
        `History position ${position} is outside 0..${this.#snapshots.length - 1}`,
      );
    }
    this.#cursor = position;
  }

  /** True when `undo` would return an image. */
  get canUndo(): boolean {
    return this.#cursor > 0;
  }

  /** True when `redo` would return an image. */
  get canRedo(): boolean {
    return this.#cursor < this.#snapshots.length - 1;
  }

  /** Number of snapshots kept. */
  get size(): number {
    return this.#snapshots.length;
  }

  /** Index of the snapshot matching the live image (0 = oldest). */
  get position(): number {
    return this.#cursor;
  }

  #restore(live?: Image): Image {
    const image = copyImage(this.#snapshots[this.#cursor].image);
    const before = live?.activeCamera, after = image.activeCamera;
    if (before && after && before.name === after.name) {
      after.ortho = before.ortho;
      after.dist = before.dist;
      after.mat = before.mat.slice();
    }
    return image;
  }
}
