/**
 * The palette of a `.vox` file being rewritten: indices voxels already use stay as they are,
 * and a new colour takes the first entry holding it exactly, else an entry no voxel uses,
 * else (all 255 in use) the nearest colour.
 */
import { nearestColorIndex } from "../quantize.ts";
import type { VoxModelRecord } from "./vox_records.ts";

/** Palette state of one write. */
export class VoxPalette {
  /** The palette as read (index 0 unused). */
  readonly original: Uint32Array;
  /** The palette as it will be written. */
  readonly colors: Uint32Array;
  readonly #used = new Uint8Array(256);
  #exact = new Map<number, number>();
  /** True once an entry took a new colour. */
  changed = false;

  constructor(palette: Uint32Array) {
    this.original = palette;
    this.colors = palette.slice();
    for (let i = 255; i >= 1; i--) this.#exact.set(this.colors[i], i);
  }

  /** Marks the indices a model's XYZI voxels use. */
  markUsed(model: VoxModelRecord): void {
    if (model.kind !== "XYZI") return;
    const b = model.content;
    const n = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
    for (let o = 7, end = 4 + 4 * n; o < end; o += 4) this.#used[b[o]] = 1;
  }

  /** Marks one index as used (a voxel keeps it). */
  keep(index: number): void {
    this.#used[index] = 1;
  }

  /** Returns the index for a colour, taking a free entry for a colour the palette lacks. */
  resolve(color: number): number {
    const exact = this.#exact.get(color);
    if (exact !== undefined) {
      this.#used[exact] = 1;
      return exact;
    }
    for (let i = 1; i <= 255; i++) {
      if (this.#used[i]) continue;
      this.#used[i] = 1;
      if (this.#exact.get(this.colors[i]) === i) this.#exact.delete(this.colors[i]);
      this.colors[i] = color;
      this.#exact.set(color, i);
      this.changed = true;
      return i;
    }
    return nearestColorIndex(Array.from(this.colors.subarray(1)), color) + 1;
  }

  /**
   * Returns RGBA chunk content with the changed entries written; `content` (the chunk as read,
   * possibly shorter than 1024 bytes) keeps its length, and null makes a new 1024-byte chunk.
   */
  patch(content: Uint8Array | null): Uint8Array {
    if (content && !this.changed) return content;
    const out = content ? content.slice() : new Uint8Array(1024);
    const view = new DataView(out.buffer);
    for (let k = 0; k < 255 && 4 * k + 4 <= out.length; k++) {
      if (!content || this.colors[k + 1] !== this.original[k + 1]) {
        view.setUint32(4 * k, this.colors[k + 1], true);
      }
    }
    return out;
  }
}
