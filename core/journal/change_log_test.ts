import assert from "node:assert/strict";
import { rng } from "../../tests/crash_loop.ts";
import { copyImage, newImage } from "../image.ts";
import { deltasFromLogs } from "./change_log.ts";
import { applyDelta, isEmptyDelta } from "./image_delta.ts";

/** Runs `edit` on a logged copy of a seeded image; checks forward and inverse deltas. */
function check(seed: number, writes: number, spread: number): void {
  const random = rng(seed);
  const image = newImage();
  const volume = image.layers[0].volume;
  for (let i = 0; i < 40; i++) volume.set(i % 8, (i >> 3) % 8, 0, 0xff000000 | i);
  const before = copyImage(image);
  volume.startChangeLog();
  for (let w = 0; w < writes; w++) {
    const x = Math.floor(random() * spread), y = Math.floor(random() * 8);
    // Some writes repeat a voxel, some write the value it already has.
    const value = random() < 0.3 ? volume.get(x, y, 0) : 0xff000000 | Math.floor(random() * 4);
    volume.set(x, y, 0, value);
  }
  const log = volume.takeChangeLog();
  assert.ok(log.complete);
  const { forward, inverse } = deltasFromLogs([{
    id: image.layers[0].id,
    volume,
    entries: log.entries,
  }]);
  const after = copyImage(image);
  const redone = applyDelta(copyImage(before), forward);
  assert.equal(redone.layers[0].volume.crc32(), after.layers[0].volume.crc32(), `forward ${seed}`);
  const undone = applyDelta(copyImage(after), inverse);
  assert.equal(undone.layers[0].volume.crc32(), before.layers[0].volume.crc32(), `inverse ${seed}`);
  // (A write of 0 may create a tile: a change of structure, not of the CRC.)
  if (spread <= 16) {
    const same = before.layers[0].volume.crc32() === after.layers[0].volume.crc32();
    assert.equal(isEmptyDelta(forward), same, `an edit that changed nothing has an empty delta`);
  }
}

Deno.test("deltasFromLogs() redoes and undoes small edits in one tile (the fast path)", () => {
  for (let seed = 1; seed <= 300; seed++) check(seed, 1 + (seed % 16), 8);
});

Deno.test("deltasFromLogs() redoes and undoes edits across tiles and new tiles", () => {
  for (let seed = 1; seed <= 100; seed++) check(seed, 1 + (seed % 40), 40);
});
