import assert from "node:assert/strict";
import { ShadowMap } from "./shadow_map.ts";
import { mergeFaceRects } from "./face_rects.ts";
import { meshFaces, volumeFromTiles } from "./raster_scene.ts";
import { Volume } from "../volume.ts";
import type { Vec3 } from "../mat4.ts";

/** A floor (z = 0) with a floating slab above x, y ∈ [−2, 2) at z = 6. */
function faces() {
  const v = new Volume();
  for (let y = -8; y < 8; y++) for (let x = -8; x < 8; x++) v.set(x, y, 0, 0xff808080);
  for (let y = -2; y < 2; y++) for (let x = -2; x < 2; x++) v.set(x, y, 6, 0xff808080);
  const tiles = [...v.tiles()].map(([x, y, z, voxels]) => ({
    origin: [x, y, z] as [number, number, number],
    voxels,
  }));
  return mergeFaceRects(meshFaces(volumeFromTiles(tiles)));
}

const BOX = { min: [-8, -8, 0] as Vec3, max: [8, 8, 7] as Vec3 };
const UP: Vec3 = [0, 0, 1];
/** N·L per face number for a light straight above: only +Z faces (3) face it. */
const NDL = [0, 0, -1, 1, 0, 0];

Deno.test("ShadowMap shadows the floor under a slab and nowhere else", () => {
  const map = new ShadowMap(faces(), BOX, UP, NDL);
  assert.ok(map.size > 16 && map.texel > 0);
  assert.equal(map.isShadowed(0.5, 0.5, 1.01, 0.01), true, "under the slab");
  assert.equal(map.isShadowed(5.5, 5.5, 1.01, 0.01), false, "open floor");
  assert.equal(map.isShadowed(0.5, 0.5, 7.01, 0.01), false, "the slab's own top");
});

Deno.test("ShadowMap follows a slanted light", () => {
  const l: Vec3 = [Math.SQRT1_2, 0, Math.SQRT1_2];
  const map = new ShadowMap(faces(), BOX, l, [0, 0, -l[2], l[2], l[0], -l[0]]);
  // The slab at z 6..7 throws its shadow 5–6 voxels towards −x onto the floor (z = 1). The
  // floor is slanted to the light: look up one texel above it with a bias for its slope.
  const z = 1 + map.texel, bias = map.texel;
  assert.equal(map.isShadowed(-5.5, 0.5, z, bias), true);
  assert.equal(map.isShadowed(2.5, 0.5, z, bias), false);
  assert.equal(map.isShadowed(-5.5, 5.5, z, bias), false);
});
