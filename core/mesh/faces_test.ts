import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { Volume } from "../volume.ts";
import {
  FACE_CORNERS,
  FACE_NORMALS,
  forEachFace,
  MeshBuilder,
  QUAD_TRIANGLES,
  QUAD_UVS,
  SOLID_ALPHA,
} from "./faces.ts";

type V = [number, number, number];
const sub = (
  a: readonly number[],
  b: readonly number[],
): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
// `+ 0` turns -0 into 0 so results compare equal to the normal tables.
const cross = (a: V, b: V): V => [
  a[1] * b[2] - a[2] * b[1] + 0,
  a[2] * b[0] - a[0] * b[2] + 0,
  a[0] * b[1] - a[1] * b[0] + 0,
];
const corner = (face: number, i: number) => FACE_CORNERS[face].slice(i * 3, i * 3 + 3);

Deno.test("FACE_NORMALS are six distinct unit axis vectors in Goxel's order", () => {
  const expected = [[0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1], [1, 0, 0], [-1, 0, 0]];
  assert.deepEqual(FACE_NORMALS, expected);
  for (const n of FACE_NORMALS) assert.equal(Math.hypot(...n), 1);
  for (let f = 0; f < 6; f += 2) {
    assert.deepEqual(FACE_NORMALS[f].map((c) => 0 - c), [...FACE_NORMALS[f + 1]]);
  }
});

Deno.test("FACE_CORNERS lie on the face of the unit cube their normal points out of", async (t) => {
  for (let face = 0; face < 6; face++) {
    await t.step(`face ${face}`, () => {
      const n = FACE_NORMALS[face];
      const axis = n.findIndex((c) => c !== 0), side = n[axis] > 0 ? 1 : 0;
      const keys = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const c = corner(face, i);
        assert.ok(c.every((v) => v === 0 || v === 1), `corner ${c}`);
        assert.equal(c[axis], side, `corner ${c}`);
        keys.add(c.join());
      }
      assert.equal(keys.size, 4);
    });
  }
});

Deno.test("FACE_CORNERS run counter-clockwise seen from outside", async (t) => {
  for (let face = 0; face < 6; face++) {
    await t.step(`face ${face}`, () => {
      for (let i = 0; i < 4; i++) {
        const a = corner(face, i), b = corner(face, (i + 1) % 4), c = corner(face, (i + 2) % 4);
        assert.deepEqual(cross(sub(b, a), sub(c, b)), [...FACE_NORMALS[face]], `corner ${i}`);
      }
      // Consecutive corners share an edge: the quad is not a bow-tie.
      for (let i = 0; i < 4; i++) {
        const d = sub(corner(face, (i + 1) % 4), corner(face, i));
        assert.equal(Math.abs(d[0]) + Math.abs(d[1]) + Math.abs(d[2]), 1);
      }
    });
  }
});

Deno.test("QUAD_TRIANGLES splits a quad into two outward-facing triangles", async (t) => {
  assert.deepEqual(QUAD_TRIANGLES, [0, 1, 2, 2, 3, 0]);
  assert.deepEqual([...new Set(QUAD_TRIANGLES)].sort(), [0, 1, 2, 3]);
  for (let face = 0; face < 6; face++) {
    await t.step(`face ${face}`, () => {
      for (let tri = 0; tri < 6; tri += 3) {
        const [a, b, c] = QUAD_TRIANGLES.slice(tri, tri + 3).map((i) => corner(face, i));
        const n = cross(sub(b, a), sub(c, a));
        assert.deepEqual(n, [...FACE_NORMALS[face]]);
      }
    });
  }
});

Deno.test("QUAD_UVS walk the unit square counter-clockwise", () => {
  assert.deepEqual(QUAD_UVS, [[0, 0], [1, 0], [1, 1], [0, 1]]);
});

Deno.test("MeshBuilder.addUnit() offsets a face's corners by the voxel position", () => {
  const b = new MeshBuilder();
  b.addUnit(3, 0xff0000ff, 10, -5, 2);
  const mesh = b.finish();
  assert.equal(mesh.count, 1);
  const expected = FACE_CORNERS[3].map((c, i) => c + [10, -5, 2][i % 3]);
  assert.deepEqual([...mesh.positions], expected);
  assert.deepEqual([...mesh.normals], [0, 0, 1]);
  assert.deepEqual([...mesh.faces], [3]);
  assert.deepEqual([...mesh.colors], [0xff0000ff]);
});

Deno.test("MeshBuilder keeps every quad when it grows past its first capacity", () => {
  const b = new MeshBuilder();
  for (let i = 0; i < 200; i++) {
    if (i % 2) b.addUnit(i % 6, i, i, 0, 0);
    else b.add(i % 6, i, Array.from({ length: 12 }, (_, k) => i * 100 + k));
  }
  const mesh = b.finish();
  assert.equal(mesh.count, 200);
  assert.equal(mesh.positions.length, 200 * 12);
  assert.equal(mesh.normals.length, 200 * 3);
  for (const i of [0, 63, 64, 65, 128, 199]) {
    assert.equal(mesh.faces[i], i % 6);
    assert.equal(mesh.colors[i], i);
    assert.deepEqual([...mesh.normals.slice(i * 3, i * 3 + 3)], [...FACE_NORMALS[i % 6]]);
    if (i % 2 === 0) assert.equal(mesh.positions[i * 12 + 11], i * 100 + 11);
    else assert.equal(mesh.positions[i * 12], i + FACE_CORNERS[i % 6][0]);
  }
});

function collectFaces(v: Volume): string[] {
  const out: string[] = [];
  forEachFace(v, (f, x, y, z, c) => out.push(`${f}@${x},${y},${z}#${c.toString(16)}`));
  return out;
}

Deno.test("forEachFace() visits the six faces of a lone voxel in order, alpha forced opaque", () => {
  const v = new Volume();
  v.set(-3, 4, 17, packRgba(1, 2, 3, 200));
  const c = packRgba(1, 2, 3, 255).toString(16);
  assert.deepEqual(collectFaces(v), [0, 1, 2, 3, 4, 5].map((f) => `${f}@-3,4,17#${c}`));
});

Deno.test("forEachFace() hides faces between solid neighbours, across tiles too", async (t) => {
  const red = packRgba(255, 0, 0);
  const cases: [string, V[], number][] = [
    ["two voxels in a tile", [[0, 0, 0], [1, 0, 0]], 10],
    ["across an x tile edge", [[15, 0, 0], [16, 0, 0]], 10],
    ["across a y tile edge", [[0, -1, 0], [0, 0, 0]], 10],
    ["across a z tile edge", [[3, 3, 31], [3, 3, 32]], 10],
    [
      "2×2×2 block",
      [0, 1].flatMap((z) => [0, 1].flatMap((y) => [[0, y, z], [1, y, z]] as V[])),
      24,
    ],
    ["diagonal neighbours", [[0, 0, 0], [1, 1, 1]], 12],
  ];
  for (const [name, voxels, faces] of cases) {
    await t.step(name, () => {
      const v = new Volume();
      for (const p of voxels) v.set(...p, red);
      assert.equal(collectFaces(v).length, faces);
    });
  }
});

Deno.test("forEachFace() treats alpha below SOLID_ALPHA as empty", () => {
  const v = new Volume();
  v.set(0, 0, 0, packRgba(9, 9, 9, SOLID_ALPHA - 1));
  assert.deepEqual(collectFaces(v), []);
  v.set(1, 0, 0, packRgba(9, 9, 9, SOLID_ALPHA));
  const faces = collectFaces(v);
  assert.equal(faces.length, 6);
  assert.ok(faces.some((f) => f.startsWith("5@1,0,0")), "face towards the faint voxel is shown");
});
