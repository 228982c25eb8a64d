/**
 * The row ranges of a picture, taken one at a time by whoever renders them: one thread in
 * order, or several threads that share a counter in shared memory, each taking the next range
 * left as it finishes one. Shared this way, a thread that starts late or meets a busier part of
 * the picture takes fewer ranges instead of holding up the whole render.
 */

/** A picture's row ranges [y0, y1) and who takes the next one. */
export interface RangeClaims {
  readonly ranges: readonly (readonly [number, number])[];
  /** Takes the next range left: its index, or -1 when none is left. */
  take(): number;
}

/** The ranges taken in order by one thread. */
export function rangesInOrder(ranges: readonly (readonly [number, number])[]): RangeClaims {
  let next = 0;
  return { ranges, take: () => next < ranges.length ? next++ : -1 };
}

/**
 * The ranges shared by the threads holding `counter` (an Int32Array on a SharedArrayBuffer,
 * starting at 0): each range is taken by exactly one of them.
 */
export function sharedRanges(
  ranges: readonly (readonly [number, number])[],
  counter: Int32Array,
): RangeClaims {
  return {
    ranges,
    take() {
      const k = Atomics.add(counter, 0, 1);
      return k < ranges.length ? k : -1;
    },
  };
}

/** True while ranges are left to take from a shared counter (a late thread skips its set-up). */
export function rangesLeft(ranges: readonly unknown[], counter: Int32Array): boolean {
  return Atomics.load(counter, 0) < ranges.length;
}
