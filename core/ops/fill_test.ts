import assert from "node:assert/strict";
import { LimitError } from "../budget.ts";
import { boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import type { Vec3 } from "../mat4.ts";
import { Volume } from "../volume.ts";
import { floodFill, fuzzySelectMask } from "./fill.ts";

const RED = packRgba(255, 0, 0), BLUE = packRgba(0, 0, 255), PINK = packRgba(255, 10, 10);

function fillBlock(v: Volume, min: number[], max: number[], color: number): Volume {
  for (let z = min[2]; z < max[2]; z++) {
    for (let y = min[1]; y < max[1]; y++) {
      for (let x = min[0]; x < max[0]; x++) v.set(x, y, z, color);
    }
  }
  return v;
}

/** A 5³ hollow shell of red at 0..4 with an empty 3³ interior. */
function shell(): Volume {
  const v = fillBlock(new Volume(), [0, 0, 0], [5, 5, 5], RED);
  fillBlock(v, [1, 1, 1], [4, 4, 4], 0);
  v.removeEmptyTiles();
  return v;
}

/** A row x = 0..5: red red pink red | blue blue. */
function row(): Volume {
  const v = new Volume();
  [RED, RED, PINK, RED, BLUE, BLUE].forEach((c, x) => v.set(x, 0, 0, c));
  return v;
}

Deno.test("floodFill() recolours the connected solid region within the colour threshold", async (t) => {
  const cases: [string, number, number, number[]][] = [
    ["exact colour stops at the pink voxel", 0, 2, [1, 1, 0, 0, 0, 0]],
    ["threshold 10 passes the pink voxel", 10, 4, [1, 1, 1, 1, 0, 0]],
    ["threshold 255 ignores colour", 255, 6, [1, 1, 1, 1, 1, 1]],
  ];
  const GREEN = packRgba(0, 255, 0);
  for (const [name, threshold, changed, filled] of cases) {
    await t.step(name, () => {
      const v = row();
      assert.equal(floodFill(v, [0, 0, 0], GREEN, { threshold }), changed);
      assert.deepEqual(filled.map((_, x) => (v.get(x, 0, 0) === GREEN ? 1 : 0)), filled);
    });
  }
  await t.step("filling with the same colour changes nothing", () => {
    assert.equal(floodFill(row(), [0, 0, 0], RED), 0);
  });
});

Deno.test("floodFill() of empty space is bounded", async (t) => {
  const GREEN = packRgba(0, 255, 0);
  const cases: [string, Vec3, number][] = [
    ["the enclosed interior", [2, 2, 2], 27],
    ["the outside, inside the bbox grown by one", [-1, 0, 0], 7 * 7 * 7 - 125],
    ["a point outside the bounds fills nothing", [-5, 0, 0], 0],
  ];
  for (const [name, start, count] of cases) {
    await t.step(name, () => {
      const v = shell();
      const crc = v.crc32();
      assert.equal(floodFill(v, start, GREEN), count);
      assert.equal(v.count(), 98 + count);
      if (count === 0) assert.equal(v.crc32(), crc);
    });
  }
  await t.step("a limit box bounds the outside fill", () => {
    const v = shell();
    const limitBox = boxFromAabb({ min: [-2, 0, 0], max: [0, 5, 5] });
    assert.equal(floodFill(v, [-1, 0, 0], GREEN, { limitBox }), 50);
  });
  await t.step("a mask limits the fill", () => {
    const v = shell();
    const mask = fillBlock(new Volume(), [1, 1, 1], [4, 4, 2], 0xffffffff);
    assert.equal(floodFill(v, [2, 2, 1], GREEN, { mask }), 9);
  });
  await t.step("an empty volume needs a limit box", () => {
    assert.throws(() => floodFill(new Volume(), [0, 0, 0], GREEN), InvalidInputError);
    const limitBox = boxFromAabb({ min: [0, 0, 0], max: [2, 3, 4] });
    assert.equal(floodFill(new Volume(), [0, 0, 0], GREEN, { limitBox }), 24);
  });
});

Deno.test("floodFill() beyond maxVoxels throws and leaves the volume unchanged", () => {
  const v = shell();
  const crc = v.crc32(), tiles = v.tileCount;
  assert.throws(
    () => floodFill(v, [-1, 0, 0], BLUE, { maxVoxels: 100 }),
    (e) => e instanceof LimitError && /more than 100 voxels/.test(e.message),
  );
  assert.equal(v.crc32(), crc);
  assert.equal(v.tileCount, tiles);
  assert.equal(floodFill(v, [2, 2, 2], BLUE, { maxVoxels: 27 }), 27);
  assert.throws(() => floodFill(v, [0, 0, 0], BLUE, { threshold: 256 }), InvalidInputError);
});

Deno.test("fuzzySelectMask() grows through neighbours step by step", async (t) => {
  // A gradient where each voxel differs from the previous one by 5 in red.
  const v = new Volume();
  for (let x = 0; x < 6; x++) v.set(x, 0, 0, packRgba(100 + 5 * x, 0, 0));
  v.set(0, 1, 0, BLUE);
  const cases: [string, number, Vec3, number][] = [
    ["step within threshold chains along the gradient", 5, [0, 0, 0], 6],
    ["step above threshold keeps the start only", 4, [0, 0, 0], 1],
    ["threshold 255 takes every connected solid voxel", 255, [3, 0, 0], 7],
    ["an empty start selects nothing", 255, [9, 9, 9], 0],
  ];
  for (const [name, threshold, start, count] of cases) {
    await t.step(name, () => {
      const mask = fuzzySelectMask(v, start, threshold);
      assert.equal(mask.count(), count);
      if (count) assert.equal(mask.get(start[0], start[1], start[2]), 0xffffffff);
    });
  }
});
