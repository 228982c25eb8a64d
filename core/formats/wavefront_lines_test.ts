import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { meshVolume } from "../mesh/cube_mesher.ts";
import { Volume } from "../volume.ts";
import { buildWavefrontLines } from "./wavefront_lines.ts";

/** Goxel's lines_add done naively: search the last 1024 vertex lines from the newest. */
function naiveIndices(positions: number[][], colors: number[]): number[] {
  const lines: string[] = [], out: number[] = [];
  positions.forEach((p, i) => {
    const key = `${p.join(",")}/${colors[i]}`;
    let found = -1;
    for (let j = lines.length - 1; j >= 0 && j > lines.length - 1 - 1024; j--) {
      if (lines[j] === key) {
        found = j;
        break;
      }
    }
    if (found < 0) found = lines.push(key) - 1;
    out.push(found);
  });
  return out;
}

Deno.test("buildWavefrontLines() reuses vertices only within the last 1024 lines", () => {
  // Two edge-sharing voxels in different tiles with 2400 vertex lines emitted in between,
  // next to a striped slab whose repeats stay inside the window.
  const v = new Volume(), red = packRgba(255, 0, 0);
  v.set(15, 0, 0, red);
  for (let i = 0; i < 300; i++) v.set(100 + 2 * (i % 10), 2 * Math.floor(i / 10), 0, red);
  v.set(16, 1, 0, red);
  for (let x = 0; x < 40; x++) {
    for (let y = 0; y < 3; y++) v.set(x, y, -40, packRgba(x % 3 ? 255 : 0, 0, 0));
  }
  const mesh = meshVolume(v);
  const lines = buildWavefrontLines(mesh, true);
  const positions: number[][] = [], colors: number[] = [];
  for (let q = 0; q < mesh.count; q++) {
    for (let k = 0; k < 4; k++) {
      const [x, y, z] = mesh.positions.subarray(q * 12 + k * 3, q * 12 + k * 3 + 3);
      positions.push([x, z, -y + 0]);
      colors.push(mesh.colors[q]);
    }
  }
  const expected = naiveIndices(positions, colors);
  assert.deepEqual([...lines.faceVertices], expected);
  assert.equal(lines.vertexCount, Math.max(...expected) + 1);
  assert.ok(lines.vertexCount > new Set(positions.map((p, i) => `${p}/${colors[i]}`)).size);
});

Deno.test("buildWavefrontLines() lists each normal once in first-use order", () => {
  const v = new Volume();
  v.set(0, 0, 0, packRgba(1, 2, 3));
  const lines = buildWavefrontLines(meshVolume(v), false);
  assert.deepEqual(lines.normals, [[0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1], [1, 0, 0], [
    -1,
    0,
    0,
  ]]);
  assert.deepEqual([...lines.faceNormals], [0, 1, 2, 3, 4, 5]);
});
