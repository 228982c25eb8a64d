import assert from "node:assert/strict";
import type { ShapeName } from "../layer.ts";
import type { Vec3 } from "../mat4.ts";
import { shapeDistance, shapeMissesAabb } from "./shape.ts";

Deno.test("shapeDistance() follows Goxel's shape functions", async (t) => {
  const cases: [ShapeName, Vec3, Vec3, number, number][] = [
    ["sphere", [0, 0, 0], [2, 3, 4], 0, 4],
    ["sphere", [1, 0, 0], [2, 2, 2], 0, 1],
    ["sphere", [0, 3, 0], [2, 2, 2], 0, -1],
    ["sphere", [0, 0, 5], [1, 1, 4], 0, -1],
    ["cube", [0.5, -1, 0], [1, 1, 1], 0, Infinity],
    ["cube", [1, 0, 0], [1, 1, 1], 0, -Infinity],
    ["cube", [0, 0, 1.5], [1, 1, 1], 1, -0.5],
    ["cube", [0.5, 0.8, 0], [1, 1, 1], 0.5, 0.19999999999999996],
    ["cylinder", [0, 0, 0], [2, 3, 1], 0, 1],
    ["cylinder", [1, 0, 0.5], [2, 2, 4], 0, 1],
    ["cylinder", [0, 0, 3], [2, 2, 4], 0, 1],
    ["cylinder", [3, 0, 0], [2, 2, 4], 0, -1],
  ];
  for (const [shape, p, s, sm, want] of cases) {
    await t.step(`${shape} at ${p} size ${s} smoothness ${sm} = ${want}`, () => {
      assert.equal(shapeDistance(shape, p, s, sm), want);
    });
  }
});

Deno.test("shapeMissesAabb() rejects boxes beyond the shape and keeps touching ones", () => {
  const s: Vec3 = [4, 4, 4];
  assert.equal(shapeMissesAabb("sphere", [3, 3, 3], [5, 5, 5], s, 0), true);
  assert.equal(shapeMissesAabb("cube", [3, 3, 3], [5, 5, 5], s, 0), false);
  assert.equal(shapeMissesAabb("cylinder", [3, 3, -1], [5, 5, 1], s, 0), true);
  assert.equal(shapeMissesAabb("sphere", [2, 2, 2], [5, 5, 5], s, 0), false);
  assert.equal(shapeMissesAabb("cube", [4.5, 0, 0], [5, 1, 1], s, 1), false);
  assert.equal(shapeMissesAabb("cube", [5.5, 0, 0], [6, 1, 1], s, 1), true);
});
