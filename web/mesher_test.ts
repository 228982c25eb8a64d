import assert from "node:assert/strict";
import { meshTile } from "./mesher.ts";
import { tileId } from "./model.ts";

function tileWith(voxels: [number, number, number][], color = 0xff0000ff): Uint32Array {
  const t = new Uint32Array(4096);
  for (const [x, y, z] of voxels) t[x | y << 4 | z << 8] = color;
  return t;
}

Deno.test("meshTile() culls faces between solid voxels, also across tile borders", async (t) => {
  await t.step("one voxel has six faces", () => {
    const tiles = new Map([[tileId(0, 0, 0), tileWith([[3, 4, 5]])]]);
    const m = meshTile(tiles, [0, 0, 0]);
    assert.equal(m.indices.length, 6 * 6);
    assert.equal(m.voxels, 1);
    assert.deepEqual([m.min, m.max], [[3, 4, 5], [4, 5, 6]]);
  });
  await t.step("two touching voxels share no face", () => {
    const tiles = new Map([[tileId(0, 0, 0), tileWith([[3, 4, 5], [4, 4, 5]])]]);
    assert.equal(meshTile(tiles, [0, 0, 0]).indices.length, 10 * 6);
  });
  await t.step("a neighbour in the next tile hides the border face", () => {
    const tiles = new Map([
      [tileId(0, 0, 0), tileWith([[15, 0, 0]])],
      [tileId(16, 0, 0), tileWith([[0, 0, 0]])],
    ]);
    assert.equal(meshTile(tiles, [0, 0, 0]).indices.length, 5 * 6);
    assert.equal(meshTile(tiles, [16, 0, 0]).indices.length, 5 * 6);
  });
  await t.step("colours are shaded per face, top face at full brightness", () => {
    const tiles = new Map([[tileId(0, 0, 0), tileWith([[0, 0, 0]], 0xff0000c8)]]);
    const m = meshTile(tiles, [0, 0, 0]);
    const reds = new Set<number>();
    for (let i = 0; i < m.colors.length; i += 3) reds.add(m.colors[i]);
    assert.ok(reds.has(200) && reds.size > 2, [...reds].join());
  });
  await t.step("a missing or empty tile has no geometry", () => {
    assert.equal(meshTile(new Map(), [0, 0, 0]).voxels, 0);
    assert.equal(meshTile(new Map(), [0, 0, 0]).min, null);
  });
});
