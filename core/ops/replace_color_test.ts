import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { Volume } from "../volume.ts";
import { replaceColor } from "./replace_color.ts";

const RED = packRgba(255, 0, 0), NEAR = packRgba(250, 5, 0), BLUE = packRgba(0, 0, 255);
const GREEN = packRgba(0, 255, 0);

function sample(): Volume {
  const v = new Volume();
  v.set(0, 0, 0, RED);
  v.set(1, 0, 0, NEAR);
  v.set(2, 0, 0, BLUE);
  v.set(3, 0, 0, RED & 0xffffff); // transparent, RGB kept
  v.set(40, 0, 0, RED);
  return v;
}

Deno.test("replaceColor() swaps matching solid voxels", async (t) => {
  const cases: [string, number, number, number[]][] = [
    ["exact match", 0, 2, [GREEN, NEAR, BLUE]],
    ["tolerance 5 includes the near colour", 5, 3, [GREEN, GREEN, BLUE]],
    ["tolerance 255 replaces every solid voxel", 255, 4, [GREEN, GREEN, GREEN]],
  ];
  for (const [name, tolerance, changed, expected] of cases) {
    await t.step(name, () => {
      const v = sample();
      assert.equal(replaceColor(v, RED, GREEN, { tolerance }), changed);
      assert.deepEqual([0, 1, 2].map((x) => v.get(x, 0, 0)), expected);
      assert.equal(v.get(3, 0, 0), RED & 0xffffff, "empty voxels are never replaced");
    });
  }
  assert.throws(() => replaceColor(sample(), RED, GREEN, { tolerance: -1 }), InvalidInputError);
});

Deno.test("replaceColor() honours a clip box", () => {
  const v = sample();
  const clip = { mask: null, box: boxFromAabb({ min: [30, -1, -1], max: [50, 1, 1] }) };
  assert.equal(replaceColor(v, RED, GREEN, { clip }), 1);
  assert.equal(v.get(0, 0, 0), RED);
  assert.equal(v.get(40, 0, 0), GREEN);
});
