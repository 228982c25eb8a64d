import assert from "node:assert/strict";
import { Volume } from "../volume.ts";
import { buildRayScene, type RayScene, solidAt } from "./raycast.ts";
import { TileRayScene } from "./tile_ray_scene.ts";

/** Every voxel of the box around the model (and a margin) as solidAt answers, world-indexed. */
function lookups(s: RayScene, lo: number[], hi: number[]): number[] {
  const out: number[] = [];
  for (let z = lo[2]; z < hi[2]; z++) {
    for (let y = lo[1]; y < hi[1]; y++) {
      for (let x = lo[0]; x < hi[0]; x++) {
        out.push(solidAt(s, x - s.origin[0], y - s.origin[1], z - s.origin[2]));
      }
    }
  }
  return out;
}

Deno.test("TileRayScene after edits answers as a grid built anew", () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return Math.floor(seed / 2 ** 32 * n);
  };
  const v = new Volume();
  for (let z = 0; z < 20; z++) {
    for (let y = -10; y < 22; y++) for (let x = -10; x < 22; x++) v.set(x, y, z, 0xff0000ff | z);
  }
  const kept = new TileRayScene();
  const steps: [string, () => void][] = [
    ["nothing", () => {}],
    ["one voxel", () => v.set(3, 3, 19, 0)],
    ["a faint voxel (not solid)", () => v.set(4, 4, 4, 0x100000ff)],
    ["voxels here and there", () => {
      for (let i = 0; i < 40; i++) v.set(rnd(32) - 10, rnd(32) - 10, rnd(20), 0xff00ff00);
    }],
    ["a whole tile emptied", () => {
      for (let z = 0; z < 16; z++) {
        for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) v.set(x, y, z, 0);
      }
    }],
    ["a tile refilled", () => v.set(5, 5, 5, 0xff123456)],
    ["the box grown", () => v.set(40, -30, 25, 0xffabcdef)],
    ["the box shrunk back", () => v.set(40, -30, 25, 0)],
  ];
  for (const [name, edit] of steps) {
    edit();
    // As a render's merge does: it shares the tiles, so the next write to one copies it.
    const snap = v.copy();
    const tiles = [...snap.tiles()].map(([x, y, z, voxels]) => ({
      origin: [x, y, z] as [number, number, number],
      voxels,
    }));
    const numbers = tiles.map((t) => snap.tileDataId(...t.origin) ?? 0);
    const got = kept.scene(tiles, numbers), fresh = buildRayScene(tiles, false);
    assert.deepEqual(got.bbox, fresh.bbox, name);
    assert.deepEqual([got.origin, got.bricks, got.size], [fresh.origin, fresh.bricks, fresh.size]);
    const lo = fresh.bbox!.min.map((m) => m - 2), hi = fresh.bbox!.max.map((m) => m + 2);
    assert.deepEqual(lookups(got, lo, hi), lookups(fresh, lo, hi), name);
  }
  assert.equal(kept.scene([], []).bbox, null, "no tiles, no box");
});
