import assert from "node:assert/strict";
import { Volume } from "../volume.ts";
import { type FaceRects, mergeFaceRects } from "./face_rects.ts";
import { meshFaces, volumeFromTiles } from "./raster_scene.ts";
import { TileMeshes } from "./tile_meshes.ts";
import { FACE_AXIS, FACE_SIGN } from "./shade.ts";
import type { FaceList } from "./shadow_map.ts";

function facesOf(v: Volume) {
  const tiles = [...v.tiles()].map(([x, y, z, voxels]) => ({
    origin: [x, y, z] as [number, number, number],
    voxels,
  }));
  return meshFaces(volumeFromTiles(tiles));
}

/** Each face as "face x y z", sorted. */
function faceCells(list: FaceList): string[] {
  const out: string[] = [];
  for (let f = 0; f < list.count; f++) {
    out.push(`${list.faces[f]} ${list.voxels.subarray(f * 3, f * 3 + 3).join(" ")}`);
  }
  return out.sort();
}

/** Each rectangle split into the voxel faces it covers, as "face x y z", sorted. */
function rectCells(rects: FaceRects): string[] {
  const out: string[] = [];
  for (let r = 0; r < rects.count; r++) {
    const c = rects.corners.subarray(r * 12, r * 12 + 12), f = rects.faces[r];
    const min = [0, 1, 2].map((a) => Math.min(c[a], c[a + 3], c[a + 6], c[a + 9]));
    const max = [0, 1, 2].map((a) => Math.max(c[a], c[a + 3], c[a + 6], c[a + 9]));
    // Along the normal the face lies on one plane: its voxel is below it for a +face.
    const a = FACE_AXIS[f];
    min[a] -= FACE_SIGN[f] > 0 ? 1 : 0;
    max[a] = min[a] + 1;
    for (let z = min[2]; z < max[2]; z++) {
      for (let y = min[1]; y < max[1]; y++) {
        for (let x = min[0]; x < max[0]; x++) out.push(`${f} ${x} ${y} ${z}`);
      }
    }
  }
  return out.sort();
}

Deno.test("mergeFaceRects covers every face exactly once, across tiles and signs", () => {
  for (const seed of [1, 2, 3]) {
    let s = seed;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const v = new Volume();
    for (let i = 0; i < 3000; i++) {
      const x = Math.floor(rnd() * 40) - 20, y = Math.floor(rnd() * 40) - 20;
      v.set(x, y, Math.floor(rnd() * 30) - 10, 0xff000000 | Math.floor(rnd() * 3));
    }
    // A solid block too, whose faces merge into large rectangles.
    for (let z = 0; z < 12; z++) {
      for (let y = -5; y < 25; y++) for (let x = -9; x < 9; x++) v.set(x, y, z, 0xff808080);
    }
    const list = facesOf(v), rects = mergeFaceRects(list);
    assert.deepEqual(rectCells(rects), faceCells(list), `seed ${seed}`);
    assert.ok(rects.count < list.count, `${rects.count} rectangles for ${list.count} faces`);
  }
});

Deno.test("mergeFaceRects merges a flat slab into one rectangle per tile and side", () => {
  const v = new Volume();
  for (let y = 0; y < 32; y++) for (let x = 0; x < 16; x++) v.set(x, y, 0, 0xff808080);
  const rects = mergeFaceRects(facesOf(v));
  const bySide = new Map<number, number>();
  for (const f of rects.faces) bySide.set(f, (bySide.get(f) ?? 0) + 1);
  // Top and bottom: 16 × 16 in each of the two tiles; the four edges: 1 × 16 per tile side.
  const sides = [...bySide].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(sides, [[0, 1], [1, 1], [2, 2], [3, 2], [4, 2], [5, 2]]);
  const none = { count: 0, voxels: new Int32Array(0), faces: new Uint8Array(0) };
  assert.equal(mergeFaceRects(none).count, 0);
});

Deno.test("meshes kept tile by tile carry rectangles that cover their faces, after edits too", () => {
  const v = new Volume();
  for (let z = 0; z < 20; z++) {
    for (let y = -6; y < 20; y++) for (let x = -6; x < 20; x++) v.set(x, y, z, 0xff808080);
  }
  const meshes = new TileMeshes();
  const plain = () => {
    // As a render's merge does: it shares the tiles, so the next write to one copies it and
    // gives it a new number (read from the live volume, the numbers would never change).
    const snap = v.copy();
    const tiles = [...snap.tiles()].map(([x, y, z, voxels]) => ({
      origin: [x, y, z] as [number, number, number],
      voxels,
    }));
    return { tiles, numbers: tiles.map((t) => snap.tileDataId(...t.origin) ?? 0) };
  };
  let before = plain();
  meshes.mesh(before.tiles, before.numbers);
  for (const [x, y, z] of [[0, 0, 19], [15, 15, 5], [-6, 3, 0]]) {
    v.set(x, y, z, 0);
    const now = plain();
    assert.notDeepEqual(now.numbers, before.numbers, "the edited tile has a new number");
    const mesh = meshes.mesh(now.tiles, now.numbers);
    assert.deepEqual(rectCells(mesh.rects!), faceCells(mesh), `after clearing ${x},${y},${z}`);
    assert.deepEqual(faceCells(mesh), faceCells(meshFaces(volumeFromTiles(now.tiles))));
    before = now;
  }
});
