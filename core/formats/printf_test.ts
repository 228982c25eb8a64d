import assert from "node:assert/strict";
import { formatF, formatG } from "./printf.ts";

Deno.test("formatG() matches C's %g", async (t) => {
  const cases: [number, number, string][] = [
    [0, 6, "0"],
    [-0, 6, "-0"],
    [1, 6, "1"],
    [-4, 6, "-4"],
    [16, 6, "16"],
    [999999, 6, "999999"],
    [1048576, 6, "1.04858e+06"],
    [0.5, 6, "0.5"],
    [0.0001, 6, "0.0001"],
    [0.00001, 6, "1e-05"],
    [1 / 3, 6, "0.333333"],
    [123456789, 6, "1.23457e+08"],
    [Math.fround(0.2), 9, "0.200000003"],
    [Math.fround(0.99999994), 9, "0.99999994"],
    [0.5, 9, "0.5"],
    [-1e-7, 6, "-1e-07"],
  ];
  for (const [value, precision, expected] of cases) {
    await t.step(`${value} with precision ${precision}`, () => {
      assert.equal(formatG(value, precision), expected);
    });
  }
});

Deno.test("formatF() matches C's %f", () => {
  assert.equal(formatF(1), "1.000000");
  assert.equal(formatF(128 / 255), "0.501961");
  assert.equal(formatF(0), "0.000000");
  assert.equal(formatF(-0.5), "-0.500000");
  assert.equal(formatF(-1e-9), "-0.000000");
});
