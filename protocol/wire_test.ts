import assert from "node:assert/strict";
import {
  BlendModeName,
  Box,
  Byte,
  CameraPreset,
  Color,
  Int32,
  LayerId,
  PositiveSize,
  RequiredLayerId,
  Shape,
  Symmetry,
} from "./wire.ts";

Deno.test("Color normalises every accepted spelling to [r, g, b, a]", async (t) => {
  const cases: [unknown, number[]][] = [
    ["#ff0000", [255, 0, 0, 255]],
    ["#00FF7f", [0, 255, 127, 255]],
    ["#01020380", [1, 2, 3, 128]],
    ["#FFFFFF00", [255, 255, 255, 0]],
    [[1, 2, 3], [1, 2, 3, 255]],
    [[1, 2, 3, 4], [1, 2, 3, 4]],
    [[0, 0, 0, 0], [0, 0, 0, 0]],
    [{ r: 10, g: 20, b: 30 }, [10, 20, 30, 255]],
    [{ r: 10, g: 20, b: 30, a: 0 }, [10, 20, 30, 0]],
  ];
  for (const [input, expected] of cases) {
    await t.step(JSON.stringify(input), () => assert.deepEqual(Color.parse(input), expected));
  }
});

Deno.test("Color rejects fractions, out-of-range channels, wrong lengths and short hex", async (t) => {
  const cases: unknown[] = [
    "#fff",
    "#ffff",
    "#fffff",
    "#fffffff",
    "#fffffffff",
    "ff0000",
    "#gg0000",
    "red",
    "",
    [0.5, 0, 0],
    [1.0001, 0, 0, 255],
    [256, 0, 0],
    [0, 0, 0, 256],
    [-1, 0, 0],
    [1, 2],
    [1, 2, 3, 4, 5],
    [],
    { r: 1, g: 2 },
    { r: 1, g: 2, b: 3, alpha: 4 },
    { r: 0.5, g: 0, b: 0 },
    255,
    null,
  ];
  for (const input of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.equal(Color.safeParse(input).success, false);
    });
  }
});

Deno.test("Color explains the accepted spellings when a string is wrong", () => {
  const r = Color.safeParse("#fff");
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0].message, /Expected a colour: "#rrggbb", "#rrggbbaa"/);
});

Deno.test("Byte, Int32 and size types enforce their integer ranges", async (t) => {
  const cases: [string, { safeParse(v: unknown): { success: boolean } }, unknown, boolean][] = [
    ["Byte 0", Byte, 0, true],
    ["Byte 255", Byte, 255, true],
    ["Byte 256", Byte, 256, false],
    ["Byte -1", Byte, -1, false],
    ["Byte 1.5", Byte, 1.5, false],
    ["Int32 min", Int32, -2147483648, true],
    ["Int32 max", Int32, 2147483647, true],
    ["Int32 max + 1", Int32, 2147483648, false],
    ["Int32 min - 1", Int32, -2147483649, false],
    ["Int32 string", Int32, "1", false],
    ["LayerId omitted", LayerId, undefined, true],
    ["LayerId 0", LayerId, 0, true],
    ["LayerId -1", LayerId, -1, false],
    ["RequiredLayerId 0", RequiredLayerId, 0, false],
    ["RequiredLayerId 1", RequiredLayerId, 1, true],
    ["PositiveSize 0", PositiveSize, 0, false],
    ["PositiveSize 16384", PositiveSize, 16384, true],
    ["PositiveSize 16385", PositiveSize, 16385, false],
  ];
  for (const [label, schema, input, ok] of cases) {
    await t.step(label, () => assert.equal(schema.safeParse(input).success, ok));
  }
});

Deno.test("Box accepts inclusive boxes and rejects min above max on any axis", async (t) => {
  const cases: [string, unknown, boolean][] = [
    ["a single voxel", { min: [0, 0, 0], max: [0, 0, 0] }, true],
    ["negative corners", { min: [-5, -5, -5], max: [-1, 0, 3] }, true],
    ["min above max on x", { min: [2, 0, 0], max: [1, 5, 5] }, false],
    ["min above max on y", { min: [0, 6, 0], max: [5, 5, 5] }, false],
    ["min above max on z", { min: [0, 0, 9], max: [5, 5, 5] }, false],
    ["a fraction", { min: [0, 0, 0.5], max: [1, 1, 1] }, false],
    ["a missing corner", { min: [0, 0, 0] }, false],
    ["an extra key", { min: [0, 0, 0], max: [1, 1, 1], size: 2 }, false],
    ["two coordinates", { min: [0, 0], max: [1, 1] }, false],
  ];
  for (const [label, input, ok] of cases) {
    await t.step(label, () => assert.equal(Box.safeParse(input).success, ok));
  }
});

Deno.test("Box explains a min above max", () => {
  const r = Box.safeParse({ min: [3, 0, 0], max: [1, 1, 1] });
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0].message, /box\.min must not exceed box\.max/);
});

Deno.test("Shape normalises aliases to cube, sphere or cylinder", async (t) => {
  const cases: [string, string | null][] = [
    ["cube", "cube"],
    ["box", "cube"],
    ["sphere", "sphere"],
    ["ellipsoid", "sphere"],
    ["cylinder", "cylinder"],
    ["cone", null],
    ["Cube", null],
  ];
  for (const [input, expected] of cases) {
    await t.step(input, () => {
      const r = Shape.safeParse(input);
      assert.equal(r.success ? r.data : null, expected);
    });
  }
});

Deno.test("enum wire types accept only their names", async (t) => {
  const cases: [string, { safeParse(v: unknown): { success: boolean } }, unknown, boolean][] = [
    ["blend add", BlendModeName, "add", true],
    ["blend sub_clamp", BlendModeName, "sub_clamp", true],
    ["blend multiply", BlendModeName, "multiply", false],
    ["camera isometric", CameraPreset, "isometric", true],
    ["camera diagonal", CameraPreset, "diagonal", false],
    ["symmetry x, y", Symmetry, ["x", "y"], true],
    ["symmetry w", Symmetry, ["w"], false],
    ["symmetry four axes", Symmetry, ["x", "y", "z", "x"], false],
  ];
  for (const [label, schema, input, ok] of cases) {
    await t.step(label, () => assert.equal(schema.safeParse(input).success, ok));
  }
});
