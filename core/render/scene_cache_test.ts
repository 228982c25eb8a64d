import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { defaultLight } from "../image.ts";
import { Volume } from "../volume.ts";
import type { PlainTile } from "./raycast.ts";
import { type RenderOptions, renderRanges } from "./render.ts";
import { MAX_KEPT_BYTES, SceneCache } from "./scene_cache.ts";
import { meshFaces, volumeFromTiles } from "./raster_scene.ts";
import { buildRayScene } from "./raycast.ts";
import { occlusionMask } from "./shade.ts";

function tilesOf(v: Volume): PlainTile[] {
  return [...v.tiles()].map(([x, y, z, voxels]) => ({ origin: [x, y, z], voxels }));
}

/** Steps and a pillar: faces with occlusion, shadows and several colours. */
function model(): Volume {
  const v = new Volume();
  for (let x = -6; x < 6; x++) {
    for (let y = -6; y < 6; y++) {
      for (let z = 0; z < 1 + ((x + 6) >> 2); z++) v.set(x, y, z, packRgba(200, 120 + z * 20, 60));
    }
  }
  for (let z = 0; z < 9; z++) v.set(0, 0, z, packRgba(40, 90, 220));
  return v;
}

const render = (
  tiles: PlainTile[],
  options: Partial<RenderOptions>,
  kept: { cache: SceneCache; content: string; numbers?: number[] } | null,
) =>
  renderRanges(
    tiles,
    null,
    defaultLight(),
    { width: 48, height: 40, ...options },
    [[0, 40]],
    kept,
  )[0];

Deno.test("SceneCache keeps one content's ray scene and mesh, and rebuilds for another", () => {
  const cache = new SceneCache(), tiles = tilesOf(model());
  const scene = cache.rayScene("1", tiles, false), mesh = cache.mesh("1", tiles);
  assert.equal(cache.rayScene("1", tiles, false), scene);
  assert.equal(cache.mesh("1", tiles), mesh);
  // The ray tracer needs empty-space distances: a scene without them is rebuilt, then serves both.
  const withDistances = cache.rayScene("1", tiles, true);
  assert.notEqual(withDistances, scene);
  assert.equal(cache.rayScene("1", tiles, false), withDistances);
  assert.equal(cache.mesh("1", tiles), mesh, "the mesh does not depend on distances");
  // Another content number drops both.
  const other = new Volume();
  other.set(0, 0, 0, packRgba(255, 0, 0));
  assert.notEqual(cache.mesh("2", tilesOf(other)), mesh);
  assert.equal(cache.mesh("2", tilesOf(other)).count, 6);
  assert.equal(cache.key, "2");
  // Without a number nothing is kept.
  assert.notEqual(cache.mesh(null, tiles), cache.mesh(null, tiles));
  assert.equal(cache.key, null);
});

Deno.test("SceneCache does not keep parts bigger than MAX_KEPT_BYTES", () => {
  // A sparse diagonal of voxels 1000 apart spans a brick grid of 250³ ints (62.5 MB).
  const v = new Volume();
  v.set(0, 0, 0, packRgba(255, 0, 0));
  v.set(999, 999, 999, packRgba(255, 0, 0));
  const cache = new SceneCache(), tiles = tilesOf(v);
  const scene = cache.rayScene("7", tiles, false);
  assert.ok(scene.grid.byteLength > MAX_KEPT_BYTES);
  assert.equal(cache.key, null);
  assert.notEqual(cache.rayScene("7", tiles, false), scene);
});

Deno.test("renders through a kept scene equal renders without one, for other views and sizes", () => {
  const tiles = tilesOf(model()), cache = new SceneCache();
  for (
    const options of [
      { camera: "isometric" },
      { camera: "front" },
      { camera: "isometric", width: 64, height: 40 },
      { camera: "top", quality: "path" as const },
      { camera: "left" },
    ]
  ) {
    const fresh = render(tiles, options, null);
    const kept = render(tiles, options, { cache, content: "5" });
    assert.deepEqual(kept, fresh, JSON.stringify(options));
  }
  assert.equal(cache.key, "5");
});

Deno.test("a render after the content changed shows the change, not the kept mesh", () => {
  const v = model(), cache = new SceneCache();
  const before = render(tilesOf(v), { camera: "front" }, { cache, content: "1" });
  v.set(0, -7, 4, packRgba(255, 255, 0));
  const after = render(tilesOf(v), { camera: "front" }, { cache, content: "2" });
  assert.notDeepEqual(after, before);
  assert.deepEqual(after, render(tilesOf(v), { camera: "front" }, null));
});

Deno.test("after edits, renders through meshes kept tile by tile equal fresh renders", () => {
  // A slab over four tiles in x and y (two voxels thick), edited at tile borders and corners:
  // faces across a border and occlusion across a corner depend on the neighbour tile.
  const v = new Volume();
  for (let x = -16; x < 32; x++) {
    for (let y = -16; y < 32; y++) {
      for (let z = 0; z < 2; z++) v.set(x, y, z, packRgba(90, 160, 60));
    }
  }
  const red = packRgba(220, 40, 40);
  const edits: [number, number, number, number][] = [
    [15, 3, 1, 0], // exposes the -x face of (16, 3, 1), in the next tile
    [15, 15, 2, red], // shades the +z face of (16, 16, 1), in the diagonal tile
    [16, 16, 1, 0],
    [-1, 0, 2, red],
    [0, -1, 1, 0],
    [15, 15, 2, 0],
  ];
  let seed = 11;
  const rand = (n: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
  for (let i = 0; i < 12; i++) {
    const c = () => [-17, -16, -1, 0, 1, 15, 16, 17][rand(8)];
    edits.push([c(), c(), rand(3), rand(3) === 0 ? 0 : packRgba(rand(256), 200, 90)]);
  }
  const cache = new SceneCache();
  for (const [round, [x, y, z, color]] of [[0, 0, -5, red] as const, ...edits].entries()) {
    v.set(x, y, z, color);
    // As a render's merge does: it shares the tiles, so the next write to one copies it.
    const snap = v.copy(), tiles = tilesOf(snap);
    const numbers = tiles.map((t) => snap.tileDataId(t.origin[0], t.origin[1], t.origin[2]) ?? 0);
    for (const camera of ["top", "isometric", "left"]) {
      const kept = render(tiles, { camera }, { cache, content: `r${round}`, numbers });
      assert.deepEqual(kept, render(tiles, { camera }, null), `round ${round}, ${camera}`);
    }
    // Faces hidden inside the model would not show in a picture: the mesh itself must match.
    const mesh = cache.mesh(`r${round}`, tiles, numbers);
    const fresh = meshFaces(volumeFromTiles(tiles));
    assert.deepEqual(mesh.faces, fresh.faces, `round ${round}`);
    assert.deepEqual(mesh.voxels, fresh.voxels);
    assert.deepEqual(mesh.colors, fresh.colors);
    const scene = buildRayScene(tiles, false), o = scene.origin;
    let checked = 0;
    for (let f = 0; f < mesh.count; f++) {
      if (!mesh.known[f]) continue;
      const [x, y, z] = mesh.voxels.subarray(f * 3, f * 3 + 3);
      const want = occlusionMask(scene, x - o[0], y - o[1], z - o[2], mesh.faces[f]);
      assert.equal(mesh.masks[f], want, `round ${round}, face ${f}`);
      checked++;
    }
    assert.ok(checked > 0);
  }
});

Deno.test("TileMeshes meshes only the tiles an edit reaches and keeps the rest's masks", () => {
  const v = new Volume();
  for (let x = 0; x < 64; x += 2) v.set(x, 0, 0, packRgba(255, 0, 0));
  const cache = new SceneCache();
  const mesh = (content: string) => {
    const snap = v.copy(), tiles = tilesOf(snap);
    const numbers = tiles.map((t) => snap.tileDataId(t.origin[0], t.origin[1], t.origin[2]) ?? 0);
    render(tiles, { camera: "top" }, { cache, content, numbers });
    return cache.mesh(content, tiles, numbers);
  };
  const before = mesh("a");
  const known = before.known.reduce((n, k) => n + k, 0);
  assert.ok(known > 0, "the render shaded faces");
  // A voxel in the last tile (x 48..63): the first two tiles are four and more tiles away.
  v.set(62, 1, 0, packRgba(0, 255, 0));
  const after = mesh("b");
  assert.equal(after.count, before.count + 4, "the new voxel's four side faces");
  // Faces of the first tile (x < 16) kept their masks: they come first in the mesh.
  const first = 8 * 6;
  assert.deepEqual(after.known.subarray(0, first), before.known.subarray(0, first));
  assert.deepEqual(after.masks.subarray(0, first), before.masks.subarray(0, first));
});
