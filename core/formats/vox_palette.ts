/**
 * The palette of a `.vox` file being rewritten: indices voxels already use stay as they are,
 * and a new colour takes the first entry holding it exactly (with the MATL class the layer
 * needs), else an entry no voxel uses (given that class), else (all 255 in use) the nearest.
 */
import { nearestColorIndex } from "../quantize.ts";
import type { VoxMaterials } from "./vox_materials.ts";
import type { VoxModelRecord } from "./vox_records.ts";

/** Palette state of one write. */
export class VoxPalette {
  /** The palette as read (index 0 unused). */
  readonly original: Uint32Array;
  /** The palette as it will be written. */
  readonly colors: Uint32Array;
  readonly #used = new Uint8Array(256);
  readonly #materials: VoxMaterials | null;
  /** True once an entry took a new colour. */
  changed = false;

  constructor(palette: Uint32Array, materials: VoxMaterials | null = null) {
    this.original = palette;
    this.colors = palette.slice();
    this.#materials = materials?.present ? materials : null;
  }

  /**
   * An entry no voxel uses: one of class `want` first, else one whose change keeps the order
   * in which MATL kinds first appear (the decoder names materials in that order): not the
   * first entry of its kind, and after the first entry of `want`. −1 when none.
   */
  #freeEntry(want: string): number {
    const m = this.#materials;
    let fallback = -1;
    for (let i = 1; i <= 255; i++) {
      if (this.#used[i]) continue;
      if (this.#fits(i, want)) return i;
      const key = m!.keyOf(i);
      const movable = key === "" || m!.firstOf(key) !== i;
      if (fallback < 0 && movable && (want === "" || i > m!.firstOf(want))) fallback = i;
    }
    return fallback;
  }

  #fits(i: number, want: string): boolean {
    return !this.#materials || this.#materials.keyOf(i) === want;
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

  /**
   * Returns the index for a colour whose MATL class is `want` ("" = plain), taking a free
   * entry (and giving it that class) when the palette lacks the pair.
   */
  resolve(color: number, want = ""): number {
    for (let i = 1; i <= 255; i++) {
      if (this.colors[i] !== color || !this.#fits(i, want)) continue;
      this.#used[i] = 1;
      return i;
    }
    const free = this.#freeEntry(want);
    if (free > 0) {
      this.#used[free] = 1;
      this.colors[free] = color;
      this.#materials?.assign(free, want);
      this.changed = true;
      return free;
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
