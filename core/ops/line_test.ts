import assert from "node:assert/strict";
import { BlendMode } from "../blend.ts";
import { packRgba } from "../color.ts";
import { Volume } from "../volume.ts";
import { drawLine, lineBox } from "./line.ts";
import { defaultPainter } from "./paint.ts";

Deno.test("lineBox() spans the segment with radius-long side axes", () => {
  const m = lineBox([0, 0, 0], [10, 0, 0], 2);
  assert.deepEqual([...m.slice(8, 11)], [5, 0, 0]);
  assert.deepEqual([...m.slice(12, 15)], [5, 0, 0]);
  assert.equal(Math.hypot(m[0], m[1], m[2]), 2);
  assert.equal(Math.hypot(m[4], m[5], m[6]), 2);
  assert.equal(m[0] * 5 + m[1] * 0, 0, "perpendicular");
});

Deno.test("lineBox() uses a single permuted dab for segments shorter than 0.5", () => {
  const m = lineBox([1, 2, 3], [1.2, 2, 3], 3);
  assert.deepEqual([...m], [0, 0, 3, 0, 3, 0, 0, 0, 0, 3, 0, 0, 1, 2, 3, 1]);
});

Deno.test("drawLine() draws a rod between voxel centres", async (t) => {
  const cases: [string, "cube" | "cylinder" | "sphere", number][] = [
    ["cylinder includes both ends", "cylinder", 11],
    ["cube leaves out the far end (half-open box)", "cube", 10],
  ];
  for (const [name, shape, count] of cases) {
    await t.step(name, () => {
      const v = new Volume();
      drawLine(v, { ...defaultPainter(), shape, color: 0xff0000ff }, [0, 0, 0], [10, 0, 0], 0.5);
      assert.equal(v.count(), count);
      assert.equal(v.get(0, 0, 0), 0xff0000ff);
    });
  }
  await t.step("SUB mode removes the rod", () => {
    const v = new Volume();
    drawLine(v, defaultPainter(), [0, 0, 0], [0, 0, 20], 1.5);
    const n = v.count();
    assert.ok(n > 100);
    drawLine(v, { ...defaultPainter(), mode: BlendMode.SUB }, [0, 0, 0], [0, 0, 20], 1.5);
    assert.equal(v.count(), 0);
  });
});

Deno.test("drawLine() with MAX or REPLACE changes only the rod's voxels", () => {
  const red = packRgba(255, 0, 0), green = packRgba(0, 255, 0, 200);
  for (const mode of [BlendMode.MAX, BlendMode.REPLACE]) {
    const v = new Volume();
    for (let x = 0; x < 16; x++) for (let y = 0; y < 16; y++) v.set(x, y, 0, red);
    drawLine(v, { ...defaultPainter(), mode, color: green }, [2, 2, 1], [12, 2, 1], 0.5);
    assert.equal(v.get(4, 8, 0), red, `mode ${mode}: a voxel away from the rod is untouched`);
    assert.equal(v.get(4, 2, 0), red, "the slab under the rod too");
    assert.equal(v.get(6, 2, 1) >>> 24, 200, "the rod is drawn");
    assert.equal(v.get(6, 2, 1) & 0xffffff, green & 0xffffff);
    assert.equal(v.count(), 256 + 10, `mode ${mode}: the slab and the rod (end voxel excluded)`);
  }
});
