/**
 * Working arrays kept from one render to the next. A render worker draws one picture at a time,
 * and allocating the rasteriser's few megabytes anew for each (depth buffers, projected faces,
 * the shadow map, the rows and their PNG filtering) made each worker's collector run every two
 * or three renders, 1–3 ms a time (monu9 at 512², BUN_JSC_logGC).
 */

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

/** Largest array kept (a bigger one is made for each render). */
const MAX_KEPT_BYTES = 16 << 20;

/** Arrays by use; what they hold is left from the last render: callers initialise them. */
export class Scratch {
  #arrays = new Map<string, TypedArray>();

  /** Returns an array of `length` elements for `use`, made with `make`. */
  take<T extends TypedArray>(use: string, make: new (length: number) => T, length: number): T {
    const had = this.#arrays.get(use);
    if (had instanceof make && had.length >= length) return had.subarray(0, length) as T;
    // Grown with room, so a slightly bigger render does not make it again.
    const made = new make(Math.max(length, Math.ceil((had?.length ?? 0) * 1.25)));
    if (made.byteLength <= MAX_KEPT_BYTES) this.#arrays.set(use, made);
    else this.#arrays.delete(use);
    return made.subarray(0, length) as T;
  }
}

/** Returns an array of `length` elements: from `scratch` (contents left over) or a new one. */
export function takeArray<T extends TypedArray>(
  scratch: Scratch | null,
  use: string,
  make: new (length: number) => T,
  length: number,
): T {
  return scratch ? scratch.take(use, make, length) : new make(length);
}
