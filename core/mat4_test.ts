import assert from "node:assert/strict";
import {
  equals,
  fromValues,
  identity,
  invert,
  type Mat4,
  multiply,
  rotate,
  rotation,
  scale,
  scaling,
  transformDirection,
  transformPoint,
  translate,
  translation,
  type Vec3,
} from "./mat4.ts";

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, eps = 1e-12) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= eps,
      `[${Array.from(actual)}] is not close to [${Array.from(expected)}] at ${i}`,
    );
  }
}

// Fixed, well-conditioned matrices with no structure (column-major).
const A = fromValues([2, 1, 0, 0.5, -1, 3, 2, 0, 0.5, 0, 1, -2, 4, -3, 1, 1]);
const B = fromValues([1, 0, 2, 0, 3, 1, -1, 0.25, 0, 2, 1, 1, -2, 5, 0.5, 3]);
const C = fromValues([0, 1, 1, 2, 1, 0, 1, 0, 1, 1, 0, -1, 2, 0, -1, 1]);

Deno.test("identity() has ones on the diagonal and leaves vectors unchanged", () => {
  const m = identity();
  assert.deepEqual(Array.from(m), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  assert.deepEqual(transformPoint(m, [3, -4, 5]), [3, -4, 5]);
  assert.ok(equals(multiply(A, m), A));
  assert.ok(equals(multiply(m, A), A));
});

Deno.test("fromValues() copies 16 numbers and rejects other lengths", () => {
  const src = [...Array(16).keys()];
  const m = fromValues(src);
  src[0] = 99;
  assert.equal(m[0], 0);
  assert.equal(m[15], 15);
  assert.throws(() => fromValues([1, 2, 3]), RangeError);
  assert.throws(() => fromValues(new Array(17).fill(0)), RangeError);
});

Deno.test("multiply() is column-major: column 3 of a·T is a applied to the offset", () => {
  const m = multiply(A, translation(1, 2, 3));
  const p = transformPoint(A, [1, 2, 3]);
  assertClose([m[12], m[13], m[14]], p);
});

Deno.test("multiply() is associative and not commutative", () => {
  assertClose(multiply(multiply(A, B), C), multiply(A, multiply(B, C)));
  assert.ok(!equals(multiply(A, B), multiply(B, A)));
});

Deno.test("invert() returns m⁻¹ with m⁻¹·m = m·m⁻¹ = identity", async (t) => {
  const cases: [string, Mat4][] = [
    ["A", A],
    ["B", B],
    ["C", C],
    ["translation", translation(5, -6, 7)],
    ["rotation", rotation(0.7, 0, 0.6, 0.8)],
    ["scaling", scaling(2, 4, 0.5)],
  ];
  for (const [name, m] of cases) {
    await t.step(name, () => {
      const inv = invert(m);
      assert.ok(inv);
      assertClose(multiply(inv, m), identity());
      assertClose(multiply(m, inv), identity());
    });
  }
});

Deno.test("invert() returns null for singular matrices", async (t) => {
  const cases: [string, Mat4][] = [
    ["zero", new Float64Array(16)],
    ["flat scale", scaling(1, 0, 1)],
    ["repeated column", fromValues([1, 2, 3, 0, 1, 2, 3, 0, 0, 0, 1, 0, 0, 0, 0, 1])],
  ];
  for (const [name, m] of cases) {
    await t.step(name, () => assert.equal(invert(m), null));
  }
});

Deno.test("translate(), scale() and rotate() post-multiply like Goxel's mat4_i* helpers", async (t) => {
  const cases: [string, Mat4, Mat4][] = [
    ["translate", translate(A, 1, -2, 3), multiply(A, translation(1, -2, 3))],
    ["scale", scale(A, 2, 3, 4), multiply(A, scaling(2, 3, 4))],
    ["rotate", rotate(A, 0.3, 1, 0, 0), multiply(A, rotation(0.3, 1, 0, 0))],
  ];
  for (const [name, actual, expected] of cases) {
    await t.step(name, () => assert.ok(equals(actual, expected)));
  }
  await t.step("the last call applies first to points", () => {
    const m = translate(scale(identity(), 2, 2, 2), 1, 0, 0);
    assert.deepEqual(transformPoint(m, [0, 0, 0]), [2, 0, 0]);
    const n = scale(translate(identity(), 1, 0, 0), 2, 2, 2);
    assert.deepEqual(transformPoint(n, [0, 0, 0]), [1, 0, 0]);
  });
  await t.step("the input matrix is left unchanged", () => {
    const before = A.slice();
    translate(A, 1, 1, 1);
    scale(A, 2, 2, 2);
    rotate(A, 1, 0, 0, 1);
    assert.ok(equals(A, before));
  });
});

Deno.test("transformPoint() adds the translation, transformDirection() does not", () => {
  const m = multiply(translation(10, 20, 30), scaling(2, 3, 4));
  assert.deepEqual(transformPoint(m, [1, 1, 1]), [12, 23, 34]);
  assert.deepEqual(transformDirection(m, [1, 1, 1]), [2, 3, 4]);
  assert.deepEqual(transformDirection(translation(5, 5, 5), [0, 0, 1]), [0, 0, 1]);
});

Deno.test("rotation() is right-handed about each axis", async (t) => {
  const q = Math.PI / 2;
  const third = 2 * Math.PI / 3;
  const cases: [string, Mat4, Vec3, Vec3][] = [
    ["+90° about Z takes X to Y", rotation(q, 0, 0, 1), [1, 0, 0], [0, 1, 0]],
    ["+90° about X takes Y to Z", rotation(q, 1, 0, 0), [0, 1, 0], [0, 0, 1]],
    ["+90° about Y takes Z to X", rotation(q, 0, 1, 0), [0, 0, 1], [1, 0, 0]],
    ["-90° about Z takes X to -Y", rotation(-q, 0, 0, 1), [1, 0, 0], [0, -1, 0]],
    ["120° about (1,1,1) takes X to Y", rotation(third, ...unit(1, 1, 1)), [1, 0, 0], [0, 1, 0]],
    ["180° about Z negates X", rotation(Math.PI, 0, 0, 1), [1, 0, 0], [-1, 0, 0]],
  ];
  for (const [name, m, v, expected] of cases) {
    await t.step(name, () => assertClose(transformDirection(m, v), expected));
  }
});

Deno.test("rotation() is orthonormal: its inverse is its transpose", () => {
  const r = rotation(1.1, ...unit(2, -1, 3));
  const inv = invert(r)!;
  for (let c = 0; c < 3; c++) {
    for (let row = 0; row < 3; row++) {
      assert.ok(Math.abs(inv[c * 4 + row] - r[row * 4 + c]) < 1e-12);
    }
  }
});

Deno.test("equals() compares all 16 numbers exactly", () => {
  assert.ok(equals(A, A.slice()));
  const b = A.slice();
  b[15] += 1e-15;
  assert.ok(!equals(A, b));
});

function unit(x: number, y: number, z: number): [number, number, number] {
  const l = Math.hypot(x, y, z);
  return [x / l, y / l, z / l];
}
