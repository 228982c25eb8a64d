import assert from "node:assert/strict";
import { shortFloat } from "./materials.ts";

Deno.test("shortFloat() gives the shortest number naming the same float32", () => {
  assert.equal(shortFloat(Math.fround(0.2)), 0.2);
  assert.equal(shortFloat(Math.fround(0.1)), 0.1);
  assert.equal(shortFloat(0.5), 0.5);
  assert.equal(shortFloat(0), 0);
  assert.equal(shortFloat(Math.fround(1 / 3)), 0.33333334);
  for (const x of [0.2, 0.7, 1e-7, 123.456, -0.25]) {
    assert.equal(Math.fround(shortFloat(Math.fround(x))), Math.fround(x), String(x));
  }
});
