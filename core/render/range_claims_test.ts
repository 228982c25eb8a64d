import assert from "node:assert/strict";
import { rangesInOrder, rangesLeft, sharedRanges } from "./range_claims.ts";

const RANGES: [number, number][] = [[0, 64], [64, 128], [128, 192], [192, 200]];

Deno.test("rangesInOrder takes every range once, in order", () => {
  const claims = rangesInOrder(RANGES);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(() => claims.take()), [0, 1, 2, 3, -1, -1]);
});

Deno.test("sharedRanges lets the holders of one counter take each range exactly once", () => {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const a = sharedRanges(RANGES, counter), b = sharedRanges(RANGES, counter);
  assert.ok(rangesLeft(RANGES, counter));
  const taken = [a.take(), b.take(), b.take(), a.take()];
  assert.deepEqual(taken, [0, 1, 2, 3]);
  assert.equal(a.take(), -1);
  assert.equal(b.take(), -1);
  assert.ok(!rangesLeft(RANGES, counter));
});
