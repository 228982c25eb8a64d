import assert from "node:assert/strict";
import { newImage } from "../core/image.ts";
import { newLayer } from "../core/layer.ts";
import { TILE_VOXELS } from "../core/volume.ts";
import { base64ToBytes, decodeTiles } from "../protocol/mod.ts";
import { diffImage, encodeTiles, markImage, MAX_LISTED_TILES } from "./changes_tiles.ts";

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

Deno.test("diffImage() reports changed tiles, layer, material, camera and box changes", async (t) => {
  const image = newImage();
  const layer = image.layers[0];
  layer.volume.set(1, 1, 1, 0xff0000ff);
  let mark = markImage(image);
  await t.step("nothing changed", () => {
    const r = diffImage(mark, image);
    assert.deepEqual(r.diff, {});
    mark = r.mark;
  });
  await t.step("a voxel and a new layer", () => {
    layer.volume.set(17, 1, 1, 0xff00ff00);
    const extra = newLayer(9, "Extra");
    extra.volume.set(0, 0, 0, 0xffffffff);
    image.layers.push(extra);
    const r = diffImage(mark, image);
    assert.deepEqual(r.diff.tiles, [[layer.id, 16, 0, 0], [9, 0, 0, 0]]);
    assert.equal(r.diff.layers, true);
    mark = r.mark;
  });
  await t.step("visibility, material, camera and box", () => {
    image.layers[1].visible = false;
    image.materials[0].metallic = 0.5;
    image.cameras[0].dist = 7;
    image.box = null;
    const r = diffImage(mark, image);
    assert.deepEqual(r.diff, { layers: true, materials: true, cameras: true, box: true });
  });
  await t.step(`more than ${MAX_LISTED_TILES} tiles are reported as full`, () => {
    mark = markImage(image);
    for (let i = 0; i <= MAX_LISTED_TILES; i++) layer.volume.set(i * 16, 100, 0, 0xff0000ff);
    assert.equal(diffImage(mark, image).diff.full, true);
  });
});
