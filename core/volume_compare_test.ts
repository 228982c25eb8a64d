import assert from "node:assert/strict";
import { packRgba } from "./color.ts";
import { Volume } from "./volume.ts";
import { countDifferences } from "./volume_compare.ts";

Deno.test("countDifferences() counts changed, added and removed voxels, in a region or all", () => {
  const before = new Volume();
  for (let x = 0; x < 40; x++) before.set(x, 0, 0, packRgba(255, 0, 0));
  const after = before.copy();
  after.set(1, 0, 0, packRgba(0, 0, 255)); // recoloured
  after.set(2, 0, 0, 0); // removed
  after.set(3, 1, 0, packRgba(0, 255, 0)); // added
  after.set(35, 5, 5, packRgba(0, 255, 0)); // added in the third tile
  after.set(4, 0, 0, packRgba(255, 0, 0, 0) & 0xffffff); // cleared to an alpha-0 value
  assert.deepEqual(countDifferences(before, after), { changed: 5, added: 2, removed: 2 });
  const first = {
    min: [0, 0, 0] as [number, number, number],
    max: [16, 16, 16] as [number, number, number],
  };
  assert.deepEqual(countDifferences(before, after, first), { changed: 4, added: 1, removed: 2 });
  assert.deepEqual(countDifferences(before, before.copy()), { changed: 0, added: 0, removed: 0 });
});
