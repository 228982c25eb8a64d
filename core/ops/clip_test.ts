import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { multiply, rotation, scaling, translation } from "../mat4.ts";
import { Volume } from "../volume.ts";
import { boxVoxelTest, clipVoxelTest, maskVoxelTest } from "./clip.ts";

type P = [number, number, number];

Deno.test("boxVoxelTest() on an axis-aligned box is half-open on every axis", async (t) => {
  const cases: [string, [P, P], P[], P[]][] = [
    ["unit range", [[0, 0, 0], [2, 2, 2]], [[0, 0, 0], [1, 1, 1], [1, 0, 1]], [
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
      [-1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ]],
    ["negative range", [[-3, -3, -3], [-1, -1, -1]], [[-3, -3, -3], [-2, -2, -2]], [
      [-1, -2, -2],
      [-4, -2, -2],
      [-2, -2, -1],
    ]],
    ["image box", [[-16, -16, 0], [16, 16, 32]], [[-16, -16, 0], [15, 15, 31]], [
      [16, 0, 0],
      [0, -17, 0],
      [0, 0, -1],
      [0, 0, 32],
    ]],
  ];
  for (const [name, [min, max], inside, outside] of cases) {
    await t.step(name, () => {
      const test = boxVoxelTest(boxFromAabb({ min, max }));
      for (const p of inside) assert.ok(test(...p), `${p} should be inside`);
      for (const p of outside) assert.ok(!test(...p), `${p} should be outside`);
    });
  }
});

Deno.test("boxVoxelTest() counts exactly the voxels of the box", () => {
  const test = boxVoxelTest(boxFromAabb({ min: [-2, 1, 3], max: [3, 4, 5] }));
  let n = 0;
  for (let z = -5; z < 10; z++) {
    for (let y = -5; y < 10; y++) for (let x = -5; x < 10; x++) if (test(x, y, z)) n++;
  }
  assert.equal(n, 5 * 3 * 2);
});

Deno.test("boxVoxelTest() on a rotated box tests voxel centres in the box frame", async (t) => {
  const cases: [string, Float64Array, P[], P[]][] = [
    [
      // 4×2×2 box turned 90° about Z and centred at (1, 1, 1): x ∈ [0, 2), y ∈ [-1, 3).
      "quarter turn",
      multiply(translation(1, 1, 1), multiply(rotation(Math.PI / 2, 0, 0, 1), scaling(2, 1, 1))),
      [[0, -1, 0], [1, 2, 1], [0, 0, 1]],
      [[2, 0, 0], [0, 3, 0], [0, -2, 0], [-1, 0, 0]],
    ],
    [
      // 4×4×2 box turned 45° about Z: a diamond reaching 2√2 along the axes.
      "diamond",
      multiply(rotation(Math.PI / 4, 0, 0, 1), scaling(2, 2, 1)),
      [[0, 0, 0], [1, 0, 0], [-2, -1, -1], [-1, 1, 0]],
      [[1, 1, 0], [-2, -2, 0], [2, 0, 0], [0, 0, 1], [0, 0, -2]],
    ],
  ];
  for (const [name, box, inside, outside] of cases) {
    await t.step(name, () => {
      const test = boxVoxelTest(box);
      for (const p of inside) assert.ok(test(...p), `${p} should be inside`);
      for (const p of outside) assert.ok(!test(...p), `${p} should be outside`);
    });
  }
});

Deno.test("boxVoxelTest() selects nothing for a null or singular box", async (t) => {
  const cases: [string, Float64Array][] = [
    ["null box", new Float64Array(16)],
    ["flat rotated box", multiply(rotation(Math.PI / 4, 0, 0, 1), scaling(2, 2, 0))],
  ];
  for (const [name, box] of cases) {
    await t.step(name, () => {
      const test = boxVoxelTest(box);
      for (const p of [[0, 0, 0], [-1, -1, -1], [1, 0, 0]] as P[]) assert.ok(!test(...p));
    });
  }
});

Deno.test("maskVoxelTest() selects voxels whose mask alpha is not zero", () => {
  const mask = new Volume();
  mask.set(0, 0, 0, 0xffffffff);
  mask.set(1, 0, 0, 0x01000000);
  mask.set(2, 0, 0, 0x00ffffff);
  mask.set(-20, 40, 3, 0xff000000);
  const test = maskVoxelTest(mask);
  assert.ok(test(0, 0, 0));
  assert.ok(test(1, 0, 0));
  assert.ok(!test(2, 0, 0));
  assert.ok(test(-20, 40, 3));
  assert.ok(!test(3, 0, 0));
  assert.ok(!test(100, 100, 100));
});

Deno.test("clipVoxelTest() prefers a non-empty mask, then a box, else selects all", async (t) => {
  const box = boxFromAabb({ min: [0, 0, 0], max: [2, 2, 2] });
  const mask = new Volume();
  mask.set(5, 5, 5, 0xffffffff);
  const emptyMask = new Volume();
  emptyMask.set(0, 0, 0, 0x00ffffff);
  // Each case: clip, then whether (5,5,5) and (0,0,0) are selected, or null for "no test".
  const cases: [string, Parameters<typeof clipVoxelTest>[0], [boolean, boolean] | null][] = [
    ["undefined", undefined, null],
    ["null", null, null],
    ["nothing set", { mask: null, box: null }, null],
    ["null box matrix", { mask: null, box: new Float64Array(16) }, null],
    ["empty mask only", { mask: emptyMask, box: null }, null],
    ["box", { mask: null, box }, [false, true]],
    ["empty mask falls back to box", { mask: emptyMask, box }, [false, true]],
    ["mask", { mask, box: null }, [true, false]],
    ["mask wins over box", { mask, box }, [true, false]],
  ];
  for (const [name, clip, expected] of cases) {
    await t.step(name, () => {
      const test = clipVoxelTest(clip);
      if (expected === null) return assert.equal(test, null);
      assert.ok(test);
      assert.deepEqual([test(5, 5, 5), test(0, 0, 0)], expected);
    });
  }
});
