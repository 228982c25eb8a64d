import assert from "node:assert/strict";
import { TileMap } from "./tile_map.ts";

Deno.test("TileMap iterates in insertion order; replacing keeps the place, delete + insert moves last", () => {
  const m = new TileMap<string>();
  const keys = [5, 2 ** 40 + 3, 17, 2 ** 34, 99, 1];
  keys.forEach((k, i) => m.set(k, `v${i}`));
  assert.deepEqual([...m.keys()], keys);
  m.set(17, "new");
  assert.deepEqual([...m.keys()], keys);
  assert.equal(m.get(17), "new");
  m.delete(5);
  m.set(5, "back");
  assert.deepEqual([...m.keys()], [...keys.slice(1), 5]);
  assert.equal(m.size, keys.length);
  assert.equal(m.has(99), true);
  assert.equal(m.delete(12345), false);
});

Deno.test("TileMap.fork() shares entries, and later writes on either side stay on that side", () => {
  const a = new TileMap<number>();
  for (let k = 0; k < 1000; k++) a.set(k * 4099, k);
  const b = a.fork();
  b.set(3 * 4099, -3);
  b.delete(4 * 4099);
  b.set(-1, 777);
  a.set(5 * 4099, -5);
  assert.equal(a.get(3 * 4099), 3);
  assert.equal(a.get(4 * 4099), 4);
  assert.equal(a.has(-1), false);
  assert.equal(b.get(5 * 4099), 5);
  assert.equal(b.get(3 * 4099), -3);
  assert.equal(b.size, 1000);
  assert.equal(a.size, 1000);
  assert.deepEqual(b.keys().at(-1), -1);
  assert.deepEqual([...a.keys()].slice(0, 3), [0, 4099, 8198]);
  assert.equal([...a.values()].length, 1000);
});

Deno.test("TileMap keeps a 64×64 plane of tile keys apart across forks", () => {
  const m = new TileMap<number>();
  // One z layer of 64×64 tile keys, laid out like core/volume.ts's tileKey (all in one low word).
  const span = 1 << 17, off = 1 << 16;
  const key = (x: number, y: number) => ((x + off) * span + (y + off)) * span + off;
  for (let x = 0; x < 64; x++) for (let y = 0; y < 64; y++) m.set(key(x, y), x * 64 + y);
  const forks = Array.from({ length: 20 }, (_, i) => {
    const f = m.fork();
    f.set(key(i, i), -1);
    return f;
  });
  forks.forEach((f, i) => {
    assert.equal(f.get(key(i, i)), -1);
    assert.equal(f.get(key(i + 1, i)), (i + 1) * 64 + i);
  });
  for (let i = 0; i < 20; i++) {
    assert.equal(m.get(key(i, i)), i * 64 + i, "the original is untouched");
  }
  assert.equal(m.size, 4096);
});
