import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { Volume } from "../volume.ts";
import { cropVolume } from "./crop.ts";
import { boxFromCorners, defaultPainter, paint } from "./paint.ts";

Deno.test("cropVolume() keeps exactly the voxels inside the box", async (t) => {
  const cases: [string, [number, number, number], [number, number, number], number][] = [
    ["inner box", [-3, -3, -3], [2, 2, 2], 216],
    ["box across tile borders", [-20, 10, 0], [30, 30, 5], 40 * 21 * 6],
    ["box outside everything", [100, 100, 100], [110, 110, 110], 0],
  ];
  for (const [name, a, b, count] of cases) {
    await t.step(name, () => {
      const v = new Volume();
      paint(v, defaultPainter(), boxFromCorners([-20, -20, -20], [19, 39, 19]));
      cropVolume(v, boxFromCorners(a, b));
      assert.equal(v.count(), count);
    });
  }
  await t.step("tiles outside the box are deleted", () => {
    const v = new Volume();
    paint(v, defaultPainter(), boxFromCorners([-40, 0, 0], [40, 0, 0]));
    cropVolume(v, boxFromAabb({ min: [0, 0, 0], max: [16, 16, 16] }));
    assert.equal(v.tileCount, 1);
    assert.equal(v.count(), 16);
  });
});
