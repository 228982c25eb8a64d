import assert from "node:assert/strict";
import { z } from "zod";
import { defineMethod, formatPath, namedParams, parseParams } from "./method.ts";
import { Color } from "./wire.ts";

const move = defineMethod({
  name: "goxel.test_move",
  summary: "Test method.",
  params: z.strictObject({ x: z.int(), y: z.int().optional(), label: z.string().optional() }),
  positional: ["x", "y"],
  result: z.null(),
  flags: { project: true },
});

const total = defineMethod({
  name: "goxel.test_total",
  summary: "Test method with a rest param.",
  params: z.strictObject({ scale: z.number().optional(), values: z.array(z.number()) }),
  positional: ["scale", "...values"],
  result: z.number(),
});

Deno.test("parseParams() maps positional and named params to the same value", async (t) => {
  const cases: [string, unknown, Record<string, unknown>][] = [
    ["absent params", undefined, { error: true }],
    ["positional", [1, 2], { x: 1, y: 2 }],
    ["positional, trailing optional omitted", [1], { x: 1 }],
    ["positional null counts as omitted", [1, null], { x: 1 }],
    ["named", { y: 2, x: 1 }, { x: 1, y: 2 }],
    ["named-only param by name", { x: 1, label: "a" }, { x: 1, label: "a" }],
    ["project param added by the flag", { x: 1, project: "p1" }, { x: 1, project: "p1" }],
  ];
  for (const [name, raw, expected] of cases) {
    await t.step(name, () => {
      const r = parseParams(move, raw);
      if (expected.error) assert.ok(!r.ok);
      else assert.deepEqual(r, { ok: true, value: expected });
    });
  }
});

Deno.test("parseParams() collects a rest param from the remaining positional args", () => {
  assert.deepEqual(parseParams(total, [2, 1, 2, 3]), {
    ok: true,
    value: { scale: 2, values: [1, 2, 3] },
  });
  assert.deepEqual(parseParams(total, [2]), {
    ok: false,
    message: "values: required",
    issues: [
      { path: ["values"], code: "invalid_type", message: "required" },
    ],
  });
  assert.deepEqual(namedParams(total, [1]), { scale: 1 });
});

Deno.test("parseParams() rejects bad params with a clear message and issues", async (t) => {
  const cases: [string, unknown, RegExp, (string | number)[]][] = [
    ["too many positional", [1, 2, 3], /takes at most 2 positional params \(x, y\), got 3/, []],
    ["float for an integer", [1.5], /^x: expected an integer, got 1\.5$/, ["x"]],
    ["string for an integer", { x: "1" }, /^x: expected a number, got string$/, ["x"]],
    ["missing required", { y: 1 }, /^x: required$/, ["x"]],
    ["unknown key", { x: 1, z: 3 }, /^unknown param "z" \(known: x, y, label, project\)$/, []],
    [
      "misspelt key",
      { x: 1, lable: "a" },
      /^unknown param "lable" \(did you mean label\?\) \(known: x, y, label, project\)$/,
      [],
    ],
    ["scalar params", 7, /params must be an array or an object/, []],
  ];
  for (const [name, raw, message, path] of cases) {
    await t.step(name, () => {
      const r = parseParams(move, raw);
      assert.ok(!r.ok);
      assert.match(r.message, message);
      assert.deepEqual(r.issues[0].path, path);
      assert.ok(r.issues.every((i) => typeof i.code === "string" && typeof i.message === "string"));
      assert.doesNotThrow(() => JSON.stringify(r.issues));
    });
  }
});

Deno.test("a misspelt param is reported before the required ones it explains", () => {
  const r = parseParams(move, { X: 1 });
  assert.ok(!r.ok);
  assert.match(r.message, /^unknown param "X".*; x: required$/);
});

Deno.test("defineMethod() refuses positional names that are not params", () => {
  assert.throws(() =>
    defineMethod({
      name: "goxel.bad",
      summary: "Bad.",
      params: z.strictObject({ a: z.int() }),
      positional: ["b"],
      result: z.null(),
    }), /positional param "b"/);
});

Deno.test("Color accepts every documented form and normalises to [r, g, b, a]", async (t) => {
  const ok: [unknown, number[]][] = [
    ["#ff8000", [255, 128, 0, 255]],
    ["#FF800080", [255, 128, 0, 128]],
    [[1, 2, 3], [1, 2, 3, 255]],
    [[1, 2, 3, 4], [1, 2, 3, 4]],
    [{ r: 1, g: 2, b: 3 }, [1, 2, 3, 255]],
    [{ r: 1, g: 2, b: 3, a: 0 }, [1, 2, 3, 0]],
  ];
  for (const [input, rgba] of ok) {
    await t.step(
      `accepts ${JSON.stringify(input)}`,
      () => assert.deepEqual(Color.parse(input), rgba),
    );
  }
  const bad = ["red", "#fff", "#12345", [1, 2], [1, 2, 3, 4, 5], [0.5, 0.5, 0.5], [256, 0, 0], {
    r: 1,
    g: 2,
  }, {
    r: 1,
    g: 2,
    b: 3,
    x: 1,
  }];
  for (const input of bad) {
    await t.step(
      `rejects ${JSON.stringify(input)}`,
      () => assert.ok(!Color.safeParse(input).success),
    );
  }
});

Deno.test("formatPath() renders nested issue paths", () => {
  assert.equal(formatPath(["voxels", 3, "color"]), "voxels[3].color");
  assert.equal(formatPath([]), "");
});
