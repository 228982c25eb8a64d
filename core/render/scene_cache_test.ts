import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { defaultLight } from "../image.ts";
import { Volume } from "../volume.ts";
import type { PlainTile } from "./raycast.ts";
import { type RenderOptions, renderRanges } from "./render.ts";
import { MAX_KEPT_BYTES, SceneCache } from "./scene_cache.ts";

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
  kept: { cache: SceneCache; content: string } | null,
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
