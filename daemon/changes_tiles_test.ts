import assert from "node:assert/strict";
import { newImage } from "../core/image.ts";
import { newLayer } from "../core/layer.ts";
import { TILE_VOXELS } from "../core/volume.ts";
import { base64ToBytes, decodeTiles } from "../protocol/mod.ts";
import { encodeTiles, markMeta, metaFlags } from "./changes_tiles.ts";

Deno.test("encodeTiles() round-trips solid, noisy and gone tiles through decodeTiles()", () => {
  const solid = new Uint32Array(TILE_VOXELS).fill(0xff0000ff);
  const noisy = Uint32Array.from({ length: TILE_VOXELS }, (_, i) => (0xff000000 | i * 7919) >>> 0);
  const empty = new Uint32Array(TILE_VOXELS);
  const tiles = decodeTiles(base64ToBytes(encodeTiles([
    { layer: 1, x: 0, y: -16, z: 32, voxels: solid },
    { layer: 2, x: 16, y: 0, z: 0, voxels: noisy },
    { layer: 1, x: 48, y: 0, z: 0, voxels: null },
    { layer: 1, x: 64, y: 0, z: 0, voxels: empty },
  ])));
  assert.deepEqual(tiles[0], { layer: 1, origin: [0, -16, 32], voxels: solid });
  assert.deepEqual(tiles[1].voxels, noisy);
  assert.equal(tiles[2].voxels, null);
  assert.equal(tiles[3].voxels, null, "an all-transparent tile is sent as gone");
});

Deno.test("metaFlags() tells layer, material, camera and box changes apart", async (t) => {
  const image = newImage();
  let mark = markMeta(image);
  await t.step("nothing changed", () => assert.deepEqual(metaFlags(mark, markMeta(image)), {}));
  await t.step("a new layer, then a hidden one", () => {
    image.layers.push(newLayer(9, "Extra"));
    assert.deepEqual(metaFlags(mark, mark = markMeta(image)), { layers: true });
    image.layers[1].visible = false;
    assert.deepEqual(metaFlags(mark, mark = markMeta(image)), { layers: true });
  });
  await t.step("material, camera and box", () => {
    image.materials[0].metallic = 0.5;
    image.cameras[0].dist = 7;
    image.box = null;
    assert.deepEqual(metaFlags(mark, markMeta(image)), {
      materials: true,
      cameras: true,
      box: true,
    });
  });
});
