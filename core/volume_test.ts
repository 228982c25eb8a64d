import assert from "node:assert/strict";
import { InvalidInputError } from "./errors.ts";
import { packRgba } from "./color.ts";
import { tileKey, tileOrigin, Volume } from "./volume.ts";

Deno.test("Volume keeps voxels at negative coordinates across tile borders", async (t) => {
  const points: [number, number, number][] = [
    [-1, -1, -1],
    [-16, 0, 15],
    [-17, -16, 16],
    [0, -33, -32],
    [-1048576, 1048575, 7],
  ];
  const v = new Volume();
  points.forEach(([x, y, z], i) => v.set(x, y, z, packRgba(i + 1, 0, 0, 255)));
  for (const [i, [x, y, z]] of points.entries()) {
    await t.step(`(${x}, ${y}, ${z})`, () => {
      assert.equal(v.get(x, y, z), packRgba(i + 1, 0, 0, 255));
      assert.equal(v.get(x + 1, y, z), 0);
    });
  }
  assert.equal(v.count(), points.length);
  assert.throws(() => v.set(0.5, 0, 0, 1), InvalidInputError);
});

Deno.test("tileKey() and tileOrigin() round-trip", async (t) => {
  const origins: [number, number, number][] = [[0, 0, 0], [-16, 32, -48], [
    -1048576,
    1048560,
    -16,
  ]];
  for (const o of origins) {
    await t.step(o.join(","), () => assert.deepEqual(tileOrigin(tileKey(...o)), o));
  }
});

Deno.test("Volume.copy() is copy-on-write and keeps untouched tiles shared", () => {
  const a = new Volume();
  a.set(0, 0, 0, 0xffffffff);
  a.set(20, 0, 0, 0xff00ff00);
  const b = a.copy();
  assert.equal(b.key, a.key);
  b.set(1, 0, 0, 0xff0000ff);
  assert.equal(a.get(1, 0, 0), 0, "the original is unchanged");
  assert.equal(b.get(1, 0, 0), 0xff0000ff);
  assert.notEqual(b.tileDataId(0, 0, 0), a.tileDataId(0, 0, 0));
  assert.equal(b.tileDataId(16, 0, 0), a.tileDataId(16, 0, 0), "untouched tile stays shared");
  a.set(21, 0, 0, 0xffff0000);
  assert.equal(b.get(21, 0, 0), 0, "writes to the original do not leak into the copy");
  b.deleteTile(16, 0, 0);
  assert.equal(a.get(20, 0, 0), 0xff00ff00);
});

Deno.test("Volume keeps RGB of alpha-0 voxels and ignores them in count and bbox", () => {
  const v = new Volume();
  v.set(3, 4, 5, packRgba(255, 0, 0, 0));
  assert.equal(v.get(3, 4, 5), packRgba(255, 0, 0, 0));
  assert.equal(v.tileCount, 1);
  assert.equal(v.count(), 0);
  assert.equal(v.bbox(), null);
  assert.equal(v.isEmpty(), true);
});

Deno.test("Volume.bbox() is exact and half-open", () => {
  const v = new Volume();
  v.set(-17, 2, 30, 0xffffffff);
  v.set(5, -3, 31, 0x01000000);
  assert.deepEqual(v.bbox(), { min: [-17, -3, 30], max: [6, 3, 32] });
});

Deno.test("Volume.removeEmptyTiles() deletes only fully transparent tiles", () => {
  const v = new Volume();
  v.set(0, 0, 0, 0x00ffffff);
  v.set(16, 0, 0, 0xffffffff);
  v.set(32, 0, 0, 0);
  v.removeEmptyTiles();
  assert.deepEqual([...v.tiles()].map(([x]) => x), [16]);
});

Deno.test("Volume.key changes on every write", () => {
  const v = new Volume();
  const k0 = v.key;
  v.set(0, 0, 0, 1);
  const k1 = v.key;
  assert.notEqual(k1, k0);
  assert.equal(v.key, k1, "reading does not change the key");
  v.writeTile(0, 0, 0);
  assert.notEqual(v.key, k1);
});

Deno.test("Volume.crc32() is stable and depends on content", () => {
  const make = () => {
    const v = new Volume();
    v.set(1, 2, 3, packRgba(10, 20, 30, 255));
    v.set(-5, 0, 40, packRgba(1, 2, 3, 4));
    v.set(7, 7, 7, packRgba(9, 9, 9, 0));
    return v;
  };
  const a = make(), b = make();
  assert.equal(a.crc32(), b.crc32());
  assert.equal(new Volume().crc32(), 0);
  b.set(7, 7, 7, packRgba(9, 9, 9, 1));
  assert.notEqual(a.crc32(), b.crc32());
});

Deno.test("Volume.forEachVoxel() limits the walk to a region and stops when asked", () => {
  const v = new Volume();
  for (let x = -20; x < 20; x++) v.set(x, 0, 0, 0xff0000ff);
  const seen: number[] = [];
  v.forEachVoxel((x) => {
    seen.push(x);
  }, { min: [-3, 0, 0], max: [17, 1, 1] });
  assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i - 3));
  let n = 0;
  v.forEachVoxel(() => ++n < 5);
  assert.equal(n, 5);
});

Deno.test("Volume.bbox() matches a voxel-by-voxel scan (random sparse and solid volumes)", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 30; round++) {
    const v = new Volume();
    const n = 1 + Math.floor(rand() * 200);
    for (let i = 0; i < n; i++) {
      const p = [0, 1, 2].map(() => Math.floor(rand() * 120) - 60);
      v.set(p[0], p[1], p[2], rand() < 0.2 ? 0x00ffffff : 0xff0000ff);
    }
    if (round % 3 === 0) v.set(200, 0, 0, 0); // an existing tile with nothing visible
    const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    v.forEachVoxel((x, y, z) => {
      [x, y, z].forEach((c, a) => {
        min[a] = Math.min(min[a], c);
        max[a] = Math.max(max[a], c + 1);
      });
    });
    const expected = min[0] === Infinity ? null : { min, max };
    assert.deepEqual(v.bbox(), expected, `round ${round}`);
  }
});

Deno.test("Volume's change log holds the writes that changed a voxel and the tiles created", () => {
  const v = new Volume();
  v.set(1, 2, 3, 0xff0000ff);
  v.startChangeLog();
  v.set(1, 2, 3, 0xff0000ff); // the value it holds: left out
  assert.deepEqual(v.takeChangeLog(), { entries: [], complete: true });
  v.startChangeLog();
  v.set(1, 2, 3, 0xff00ff00);
  v.set(40, 0, 0, 0); // a new tile, even for the value 0
  const key = tileKey(0, 0, 0), created = tileKey(32, 0, 0);
  const index = 1 | 2 << 4 | 3 << 8;
  assert.deepEqual(v.takeChangeLog(), {
    entries: [key, index, 0xff0000ff, created, -1, 0],
    complete: true,
  });
});
