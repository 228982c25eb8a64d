import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { Volume } from "../volume.ts";
import { FACE_NORMALS, type Mesh, meshVolume } from "./cube_mesher.ts";
import { meshVolumeGreedy } from "./greedy.ts";

const COLORS = [packRgba(255, 0, 0), packRgba(0, 0, 255), packRgba(0, 200, 0)];

/** A random blob of voxels straddling tile boundaries (deterministic LCG). */
function randomVolume(seed: number, colors = 2): Volume {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const v = new Volume();
  for (let i = 0; i < 4000; i++) {
    const x = Math.floor(rnd() * 24) - 12, y = Math.floor(rnd() * 24) - 4;
    const z = Math.floor(rnd() * 20);
    v.set(x, y, z, COLORS[Math.floor(rnd() * colors)]);
  }
  return v;
}

/** Splits every quad into unit cells "face x y z colour" (the voxel face each cell belongs to). */
function unitCells(mesh: Mesh): string[] {
  const out: string[] = [];
  for (let q = 0; q < mesh.count; q++) {
    const p = mesh.positions.subarray(q * 12, q * 12 + 12);
    const min = [0, 1, 2].map((a) => Math.min(p[a], p[a + 3], p[a + 6], p[a + 9]));
    const max = [0, 1, 2].map((a) => Math.max(p[a], p[a + 3], p[a + 6], p[a + 9]));
    const n = FACE_NORMALS[mesh.faces[q]];
    const lo = min.map((m, a) => (n[a] > 0 ? m - 1 : m));
    const hi = max.map((m, a) => (n[a] !== 0 ? lo[a] + 1 : m));
    for (let z = lo[2]; z < hi[2]; z++) {
      for (let y = lo[1]; y < hi[1]; y++) {
        for (let x = lo[0]; x < hi[0]; x++) {
          out.push(`${mesh.faces[q]} ${x} ${y} ${z} ${mesh.colors[q]}`);
        }
      }
    }
  }
  return out.sort();
}

/** Returns the total quad area per normal direction and colour. */
function areaBy(mesh: Mesh): Map<string, number> {
  const out = new Map<string, number>();
  for (let q = 0; q < mesh.count; q++) {
    const p = mesh.positions.subarray(q * 12, q * 12 + 12);
    const e1 = [p[3] - p[0], p[4] - p[1], p[5] - p[2]];
    const e2 = [p[9] - p[0], p[10] - p[1], p[11] - p[2]];
    const cross = [
      e1[1] * e2[2] - e1[2] * e2[1],
      e1[2] * e2[0] - e1[0] * e2[2],
      e1[0] * e2[1] - e1[1] * e2[0],
    ];
    const key = `${mesh.faces[q]}/${mesh.colors[q]}`;
    out.set(key, (out.get(key) ?? 0) + Math.hypot(...cross));
  }
  return new Map([...out].sort());
}

Deno.test("meshVolumeGreedy() keeps the area per direction and colour", async (t) => {
  for (const [seed, colors] of [[1, 1], [2, 2], [3, 3]]) {
    await t.step(`seed ${seed}, ${colors} colour(s)`, () => {
      const volume = randomVolume(seed, colors);
      const plain = meshVolume(volume), greedy = meshVolumeGreedy(volume);
      assert.ok(greedy.count < plain.count, `${greedy.count} ≥ ${plain.count}`);
      assert.deepEqual(areaBy(greedy), areaBy(plain));
    });
  }
});

Deno.test("meshVolumeGreedy() covers exactly the culled-cube faces, without overlap", () => {
  const volume = randomVolume(4, 3);
  assert.deepEqual(unitCells(meshVolumeGreedy(volume)), unitCells(meshVolume(volume)));
});

Deno.test("meshVolumeGreedy() merges a slab into one quad per side", () => {
  const v = new Volume();
  for (let y = -20; y < 20; y++) for (let x = -3; x < 30; x++) v.set(x, y, 5, COLORS[0]);
  const mesh = meshVolumeGreedy(v);
  assert.equal(mesh.count, 6);
  const top = [...mesh.faces].indexOf(3);
  const zs = [2, 5, 8, 11].map((i) => mesh.positions[top * 12 + i]);
  assert.deepEqual(zs, [6, 6, 6, 6]);
});

Deno.test("meshVolumeGreedy() does not merge faces of different colours", () => {
  const v = new Volume();
  v.set(0, 0, 0, COLORS[0]);
  v.set(1, 0, 0, COLORS[1]);
  assert.equal(meshVolumeGreedy(v).count, 10);
});
