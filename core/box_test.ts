import assert from "node:assert/strict";
import {
  type Aabb,
  aabbFromBox,
  boxCorners,
  boxFromAabb,
  boxHalfSize,
  boxUnion,
  isNullBox,
  roundHalfAway,
} from "./box.ts";
import { multiply, rotation, scaling, translation, type Vec3 } from "./mat4.ts";

function assertVecClose(actual: readonly number[], expected: readonly number[], eps = 1e-12) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= eps, `[${actual}] is not close to [${expected}]`)
  );
}

Deno.test("boxFromAabb() and aabbFromBox() round-trip integer ranges", async (t) => {
  const cases: Aabb[] = [
    { min: [0, 0, 0], max: [1, 1, 1] },
    { min: [-16, -16, 0], max: [16, 16, 32] },
    { min: [-7, -3, -100], max: [-2, 5, -99] },
    { min: [-1, -1, -1], max: [0, 0, 0] },
    { min: [3, -8, 11], max: [8, 9, 12] },
  ];
  for (const aabb of cases) {
    await t.step(`[${aabb.min}]-[${aabb.max}]`, () => {
      assert.deepEqual(aabbFromBox(boxFromAabb(aabb)), aabb);
    });
  }
});

Deno.test("boxFromAabb() puts half extents on the diagonal and the centre in column 3", () => {
  const m = boxFromAabb({ min: [-2, 0, 1], max: [4, 2, 2] });
  assert.deepEqual([m[0], m[5], m[10], m[15]], [3, 1, 0.5, 1]);
  assert.deepEqual([m[12], m[13], m[14]], [1, 1, 1.5]);
  assert.deepEqual([m[1], m[2], m[4], m[6], m[8], m[9]], [0, 0, 0, 0, 0, 0]);
});

Deno.test("aabbFromBox() covers a rotated box with its absolute axis columns", () => {
  // A 4×2×2 box turned 90° about Z becomes 2×4×2.
  const box = multiply(rotation(Math.PI / 2, 0, 0, 1), scaling(2, 1, 1));
  assert.deepEqual(aabbFromBox(box), { min: [-1, -2, -1], max: [1, 2, 1] });
});

Deno.test("isNullBox() is true for null, undefined and a matrix with m[3][3] = 0", async (t) => {
  const cases: [string, Float64Array | null | undefined, boolean][] = [
    ["null", null, true],
    ["undefined", undefined, true],
    ["all zeros", new Float64Array(16), true],
    ["unit box", boxFromAabb({ min: [0, 0, 0], max: [1, 1, 1] }), false],
    ["flat box", scaling(0, 0, 0), false],
  ];
  for (const [name, box, expected] of cases) {
    await t.step(name, () => assert.equal(isNullBox(box), expected));
  }
});

Deno.test("boxHalfSize() returns the lengths of the three axis columns", async (t) => {
  const cases: [string, Float64Array, Vec3][] = [
    ["axis-aligned", boxFromAabb({ min: [-3, 0, 2], max: [3, 4, 3] }), [3, 2, 0.5]],
    ["rotated", multiply(rotation(Math.PI / 3, 1, 0, 0), scaling(5, 6, 7)), [5, 6, 7]],
    ["translated", multiply(translation(9, 9, 9), scaling(1, 2, 3)), [1, 2, 3]],
  ];
  for (const [name, box, expected] of cases) {
    await t.step(name, () => assertVecClose(boxHalfSize(box), expected));
  }
});

Deno.test("boxCorners() lists the eight corners with x varying fastest", () => {
  const corners = boxCorners(boxFromAabb({ min: [-1, 2, 10], max: [3, 4, 11] }));
  assert.deepEqual(corners, [
    [-1, 2, 10],
    [3, 2, 10],
    [-1, 4, 10],
    [3, 4, 10],
    [-1, 2, 11],
    [3, 2, 11],
    [-1, 4, 11],
    [3, 4, 11],
  ]);
});

Deno.test("boxUnion() ignores null boxes and returns the other one", async (t) => {
  const a = boxFromAabb({ min: [0, 0, 0], max: [2, 2, 2] });
  const zero = new Float64Array(16);
  const cases: [string, Float64Array | null, Float64Array | null, Float64Array | null][] = [
    ["null, null", null, null, null],
    ["null, zero matrix", null, zero, null],
    ["null, a", null, a, a],
    ["zero matrix, a", zero, a, a],
    ["a, null", a, null, a],
    ["a, zero matrix", a, zero, a],
  ];
  for (const [name, x, y, expected] of cases) {
    await t.step(name, () => assert.equal(boxUnion(x, y), expected));
  }
});

Deno.test("boxUnion() returns the axis-aligned box holding both boxes", async (t) => {
  const cases: [string, Aabb, Aabb, Aabb][] = [
    [
      "disjoint",
      { min: [0, 0, 0], max: [2, 2, 2] },
      { min: [-5, 4, 1], max: [-3, 6, 9] },
      { min: [-5, 0, 0], max: [2, 6, 9] },
    ],
    [
      "nested",
      { min: [-4, -4, -4], max: [4, 4, 4] },
      { min: [0, 0, 0], max: [1, 1, 1] },
      { min: [-4, -4, -4], max: [4, 4, 4] },
    ],
  ];
  for (const [name, a, b, expected] of cases) {
    await t.step(name, () => {
      assert.deepEqual(aabbFromBox(boxUnion(boxFromAabb(a), boxFromAabb(b))!), expected);
      assert.deepEqual(aabbFromBox(boxUnion(boxFromAabb(b), boxFromAabb(a))!), expected);
    });
  }
});

Deno.test("boxUnion() of a rotated box uses its corners", () => {
  // A 2×2×2 cube turned 45° about Z reaches ±√2 in x and y.
  const rotated = rotation(Math.PI / 4, 0, 0, 1);
  const u = boxUnion(rotated, boxFromAabb({ min: [5, 5, 5], max: [6, 6, 6] }))!;
  const corners = boxCorners(u);
  assertVecClose(corners[0], [-Math.SQRT2, -Math.SQRT2, -1]);
  assertVecClose(corners[7], [6, 6, 6]);
});

Deno.test("roundHalfAway() rounds halves away from zero like C's round()", async (t) => {
  const cases: [number, number][] = [
    [0.5, 1],
    [-0.5, -1],
    [1.5, 2],
    [-1.5, -2],
    [2.5, 3],
    [-2.5, -3],
    [2.4999, 2],
    [-2.4999, -2],
    [0, 0],
    [-7, -7],
  ];
  for (const [x, expected] of cases) {
    await t.step(`${x} -> ${expected}`, () => assert.equal(roundHalfAway(x), expected));
  }
});
