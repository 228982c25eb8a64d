import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { Volume } from "../volume.ts";
import { FACE_CORNERS, FACE_NORMALS, meshVolume } from "./cube_mesher.ts";

const RED = packRgba(255, 0, 0), BLUE = packRgba(0, 0, 255);

/** Builds a volume from [x, y, z, colour] entries. */
function volumeOf(voxels: [number, number, number, number][]): Volume {
  const v = new Volume();
  for (const [x, y, z, c] of voxels) v.set(x, y, z, c);
  return v;
}

/** Returns a filled box of `size`³ voxels at `origin`. */
function cube(size: number, origin = [0, 0, 0], color = RED): Volume {
  const v = new Volume();
  for (let z = 0; z < size; z++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) v.set(origin[0] + x, origin[1] + y, origin[2] + z, color);
    }
  }
  return v;
}

/** A small deterministic pseudo-random generator for test volumes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A random blob of two colours straddling tile boundaries. */
function randomVolume(seed: number): Volume {
  const rnd = lcg(seed), v = new Volume();
  for (let i = 0; i < 3000; i++) {
    const x = Math.floor(rnd() * 24) - 12, y = Math.floor(rnd() * 24) - 4;
    const z = Math.floor(rnd() * 20);
    v.set(x, y, z, rnd() < 0.7 ? RED : BLUE);
  }
  return v;
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

Deno.test("meshVolume() emits one quad per exposed face", async (t) => {
  const cases: [string, Volume, number, number][] = [
    ["single voxel", volumeOf([[0, 0, 0, RED]]), 6, 6],
    ["two adjacent voxels", volumeOf([[0, 0, 0, RED], [1, 0, 0, RED]]), 10, 6],
    ["two voxels across a tile edge", volumeOf([[15, 3, 3, RED], [16, 3, 3, RED]]), 10, 6],
    ["two colours side by side", volumeOf([[0, 0, 0, RED], [0, 0, 1, BLUE]]), 10, 10],
    ["3×3×3 cube", cube(3), 54, 6],
    ["3×3×3 cube at negative coordinates", cube(3, [-17, -2, -30]), 54, 6],
    ["empty volume", new Volume(), 0, 0],
  ];
  for (const [name, volume, quads, greedyQuads] of cases) {
    await t.step(name, () => {
      assert.equal(meshVolume(volume).count, quads);
      assert.equal(meshVolume(volume, { greedy: true }).count, greedyQuads);
    });
  }
});

Deno.test("meshVolume() treats alpha ≥ 127 as solid and forces alpha to 255", () => {
  const v = volumeOf([[0, 0, 0, packRgba(1, 2, 3, 127)], [1, 0, 0, packRgba(9, 9, 9, 126)]]);
  const mesh = meshVolume(v);
  assert.equal(mesh.count, 6);
  assert.ok(mesh.colors.every((c) => c === packRgba(1, 2, 3, 255)));
});

Deno.test("meshVolume() follows Goxel's face and corner order for a single voxel", () => {
  const mesh = meshVolume(volumeOf([[5, -3, 7, RED]]));
  assert.deepEqual([...mesh.faces], [0, 1, 2, 3, 4, 5]);
  for (let f = 0; f < 6; f++) {
    const expected = FACE_CORNERS[f].map((c, i) => c + [5, -3, 7][i % 3]);
    assert.deepEqual([...mesh.positions.subarray(f * 12, f * 12 + 12)], expected);
    assert.deepEqual([...mesh.normals.subarray(f * 3, f * 3 + 3)], [...FACE_NORMALS[f]]);
  }
});

Deno.test("meshVolume() visits voxels z-outer, then y, then x within a tile", () => {
  const mesh = meshVolume(volumeOf([[2, 0, 2, RED], [0, 2, 0, RED], [2, 0, 0, RED]]));
  // Face 0's first corner is the voxel's own position.
  const owners = [0, 6, 12].map((q) => [...mesh.positions.subarray(q * 12, q * 12 + 3)]);
  assert.deepEqual(owners, [[2, 0, 0], [0, 2, 0], [2, 0, 2]]);
});

Deno.test("meshVolume() visits tiles in insertion order", () => {
  const mesh = meshVolume(volumeOf([[40, 0, 0, RED], [0, 0, 0, BLUE]]));
  assert.equal(mesh.colors[0], RED);
  assert.equal(mesh.colors[6], BLUE);
});

Deno.test("meshVolume() quads are counter-clockwise seen from outside, normals outward", async (t) => {
  const volume = randomVolume(7);
  for (const greedy of [false, true]) {
    await t.step(greedy ? "greedy" : "culled cubes", () => {
      const mesh = meshVolume(volume, { greedy });
      for (let q = 0; q < mesh.count; q++) {
        const p = mesh.positions.subarray(q * 12, q * 12 + 12);
        const n = [...mesh.normals.subarray(q * 3, q * 3 + 3)];
        for (const [a, b, c] of [[0, 1, 2], [2, 3, 0]]) {
          const e1 = [0, 1, 2].map((i) => p[b * 3 + i] - p[a * 3 + i]);
          const e2 = [0, 1, 2].map((i) => p[c * 3 + i] - p[a * 3 + i]);
          const cr = cross(e1, e2);
          assert.ok(cr[0] * n[0] + cr[1] * n[1] + cr[2] * n[2] > 0, `quad ${q} winds clockwise`);
        }
        // Outward: just outside the first unit cell is empty, just inside is solid.
        const cell = [0, 1, 2].map((a) => Math.min(p[a], p[a + 3], p[a + 6], p[a + 9]));
        const inside = cell.map((c, a) => (n[a] > 0 ? c - 1 : c));
        const outside = inside.map((c, a) => c + n[a]);
        assert.ok(volume.get(inside[0], inside[1], inside[2]) >>> 24 >= 127);
        assert.ok(volume.get(outside[0], outside[1], outside[2]) >>> 24 < 127);
      }
    });
  }
});

Deno.test("meshVolume() finds the same faces as a brute-force scan", () => {
  const volume = randomVolume(11);
  let expected = 0;
  volume.forEachVoxel((x, y, z, c) => {
    if (c >>> 24 < 127) return;
    for (const [dx, dy, dz] of FACE_NORMALS) {
      if (volume.get(x + dx, y + dy, z + dz) >>> 24 < 127) expected++;
    }
  });
  assert.equal(meshVolume(volume).count, expected);
});
