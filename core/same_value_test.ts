import assert from "node:assert/strict";
import { sameValue } from "./same_value.ts";

Deno.test("sameValue() compares plain data by structure", () => {
  const a = { x: [1, 2, { y: new Uint8Array([1, 2]) }], m: new Map([["k", { z: NaN }]]) };
  assert.ok(sameValue(a, structuredClone(a)));
  assert.ok(!sameValue({ x: 1 }, { x: 1, y: undefined }));
  assert.ok(!sameValue(new Uint8Array([1]), new Int8Array([1])), "array types differ");
  assert.ok(!sameValue([1, 2], { 0: 1, 1: 2 }));
  assert.ok(!sameValue(0, -0));
  assert.ok(!sameValue(new Map([["k", 1]]), new Map([["k", 2]])));
});
