import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { Volume } from "../volume.ts";
import { buildRayScene, type PlainTile, RayCaster, type RayScene, solidAt } from "./raycast.ts";

const RED = packRgba(255, 0, 0);

function sceneOf(volume: Volume): RayScene {
  const tiles: PlainTile[] = [];
  for (const [x, y, z, voxels] of volume.tiles()) tiles.push({ origin: [x, y, z], voxels });
  return buildRayScene(tiles);
}

function sceneWith(points: [number, number, number][], color = RED): RayScene {
  const v = new Volume();
  for (const [x, y, z] of points) v.set(x, y, z, color);
  return sceneOf(v);
}

/** Deterministic pseudo-random numbers (tests must not use Math.random in core, nor here). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

Deno.test("castRay hits a single voxel through the face facing the ray", async (t) => {
  const scene = sceneWith([[3, -2, 5]]);
  const [ox, oy, oz] = scene.origin;
  const cases: [string, number[], number[], number][] = [
    ["from −Y", [3.5, -20, 5.5], [0, 1, 0], 0],
    ["from +Y", [3.5, 20, 5.5], [0, -1, 0], 1],
    ["from −Z", [3.5, -1.5, -20], [0, 0, 1], 2],
    ["from +Z", [3.5, -1.5, 20], [0, 0, -1], 3],
    ["from +X", [20, -1.5, 5.5], [-1, 0, 0], 4],
    ["from −X", [-20, -1.5, 5.5], [1, 0, 0], 5],
  ];
  for (const [name, p, d, face] of cases) {
    await t.step(name, () => {
      const c = new RayCaster(scene);
      assert.ok(c.cast(p[0] - ox, p[1] - oy, p[2] - oz, d[0], d[1], d[2]));
      assert.deepEqual([c.x + ox, c.y + oy, c.z + oz], [3, -2, 5]);
      assert.equal(c.face, face);
      assert.equal(c.color, RED);
      const hit = [0, 1, 2].map((a) => p[a] + d[a] * c.t);
      assert.ok(Math.abs(hit[0] - 3.5) <= 0.5 + 1e-9 && Math.abs(hit[2] - 5.5) <= 0.5 + 1e-9);
    });
  }
});

Deno.test("castRay misses when the ray passes beside the model or points away", () => {
  const scene = sceneWith([[0, 0, 0]]);
  const c = new RayCaster(scene);
  assert.equal(c.cast(1.5, -10, 0.5, 0, 1, 0), false);
  assert.equal(c.cast(0.5, -10, 0.5, 0, -1, 0), false);
});

Deno.test("buildRayScene keeps only voxels with alpha ≥ 127", () => {
  const v = new Volume();
  v.set(0, 0, 0, packRgba(1, 2, 3, 126));
  v.set(5, 0, 0, packRgba(1, 2, 3, 127));
  const scene = sceneOf(v);
  assert.deepEqual(scene.bbox, { min: [5, 0, 0], max: [6, 1, 1] });
  const c = new RayCaster(scene);
  assert.ok(c.cast(-10 - scene.origin[0], 0.5, 0.5, 1, 0, 0));
  assert.equal(c.x + scene.origin[0], 5);
});

Deno.test("buildRayScene of an empty or transparent volume has no bbox and no hits", () => {
  const v = new Volume();
  v.set(1, 1, 1, packRgba(255, 0, 0, 0));
  const scene = sceneOf(v);
  assert.equal(scene.bbox, null);
  assert.equal(new RayCaster(scene).cast(-5, 0.5, 0.5, 1, 0, 0), false);
});

Deno.test("buildRayScene rejects tiles whose origin is not a multiple of 16", () => {
  const voxels = new Uint32Array(4096).fill(RED);
  assert.throws(() => buildRayScene([{ origin: [3, 0, 0], voxels }]), RangeError);
});

Deno.test("castRay agrees with a brute-force search on random scenes and rays", () => {
  const rand = lcg(7);
  for (let round = 0; round < 6; round++) {
    const points: [number, number, number][] = [];
    for (let i = 0; i < 40; i++) {
      points.push([
        Math.floor(rand() * 70) - 35,
        Math.floor(rand() * 70) - 35,
        Math.floor(rand() * 40),
      ]);
    }
    const scene = sceneWith(points);
    const c = new RayCaster(scene);
    for (let r = 0; r < 400; r++) {
      const target = points[Math.floor(rand() * points.length)];
      const p = [rand() * 200 - 100, rand() * 200 - 100, rand() * 200 - 60];
      const d = target.map((v, a) => v + 0.1 + rand() * 0.8 - p[a]);
      const want = bruteForce(points, p, d);
      const o = scene.origin;
      const got = c.cast(p[0] - o[0], p[1] - o[1], p[2] - o[2], d[0], d[1], d[2]);
      assert.equal(got, want !== null);
      assert.deepEqual([c.x + o[0], c.y + o[1], c.z + o[2]], want!.voxel);
      assert.ok(Math.abs(c.t - want!.t) < 1e-9);
    }
  }
});

/** Returns the voxel whose unit cube the ray enters first (t > 0), by testing every voxel. */
function bruteForce(points: number[][], p: number[], d: number[]) {
  let best: { voxel: number[]; t: number } | null = null;
  for (const v of points) {
    let t0 = -Infinity, t1 = Infinity;
    for (let a = 0; a < 3; a++) {
      const ta = (v[a] - p[a]) / d[a], tb = (v[a] + 1 - p[a]) / d[a];
      t0 = Math.max(t0, Math.min(ta, tb));
      t1 = Math.min(t1, Math.max(ta, tb));
    }
    if (t0 < t1 && t0 > 0 && (!best || t0 < best.t)) best = { voxel: v, t: t0 };
  }
  return best;
}

Deno.test("buildRayScene stores the exact Chebyshev brick distance in empty bricks", () => {
  const rand = lcg(11);
  const points: [number, number, number][] = [];
  for (let i = 0; i < 12; i++) {
    points.push([Math.floor(rand() * 90), Math.floor(rand() * 60), Math.floor(rand() * 50)]);
  }
  const scene = sceneWith(points);
  const [bx, by, bz] = scene.bricks;
  const occupied: number[][] = [];
  for (let i = 0; i < scene.grid.length; i++) {
    if (scene.grid[i] >= 0) {
      occupied.push([i % bx, Math.floor(i / bx) % by, Math.floor(i / bx / by)]);
    }
  }
  for (let i = 0; i < scene.grid.length; i++) {
    if (scene.grid[i] >= 0) continue;
    const b = [i % bx, Math.floor(i / bx) % by, Math.floor(i / bx / by)];
    const want = Math.min(...occupied.map((q) => Math.max(...q.map((v, a) => Math.abs(v - b[a])))));
    assert.equal(-scene.grid[i], want, `brick ${b}`);
  }
  assert.ok(bz > 1);
});

Deno.test("castRay from inside a solid region passes through it to the next surface", () => {
  const points: [number, number, number][] = [];
  for (let x = 0; x < 6; x++) points.push([x, 0, 0]);
  points.push([10, 0, 0]);
  const scene = sceneWith(points);
  const c = new RayCaster(scene);
  const o = scene.origin;
  assert.ok(c.cast(2.5 - o[0], 0.5 - o[1], 0.5 - o[2], 1, 0, 0));
  assert.equal(c.x + o[0], 10);
  assert.equal(c.face, 5);
});

Deno.test("solidAt returns the colour of solid voxels and 0 elsewhere", () => {
  const scene = sceneWith([[8, 9, 10]]);
  const [ox, oy, oz] = scene.origin;
  assert.equal(solidAt(scene, 8 - ox, 9 - oy, 10 - oz), RED);
  assert.equal(solidAt(scene, 9 - ox, 9 - oy, 10 - oz), 0);
  assert.equal(solidAt(scene, -1, 0, 0), 0);
  assert.equal(solidAt(scene, 0, 0, 1000), 0);
});
