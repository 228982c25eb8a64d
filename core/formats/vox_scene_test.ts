import { deepEqual, equal } from "node:assert/strict";
import { decodeRotation, encodeRotation } from "./vox_scene.ts";

Deno.test("decodeRotation() reads the example of the MagicaVoxel spec", () => {
  // R = [0 1 0; 0 0 −1; −1 0 0]: columns 1, 2; rows 1 and 2 negative.
  deepEqual(decodeRotation(1 | 2 << 2 | 1 << 5 | 1 << 6), [0, 1, 0, 0, 0, -1, -1, 0, 0]);
  deepEqual(decodeRotation(4), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

Deno.test("decodeRotation() and encodeRotation() agree on all 48 signed permutations", () => {
  let valid = 0;
  for (let byte = 0; byte < 128; byte++) {
    const r = decodeRotation(byte);
    if (!r) continue;
    valid++;
    equal(encodeRotation(r), byte);
  }
  equal(valid, 48);
});

Deno.test("decodeRotation() rejects bytes that repeat a column or are out of range", () => {
  for (const byte of [0, 3, 5, 12, 15, 128, -1]) equal(decodeRotation(byte), null);
});
