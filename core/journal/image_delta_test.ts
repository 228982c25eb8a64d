import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { copyImage, emptyImage, type Image, newImage } from "../image.ts";
import { addLayer, duplicateLayer } from "../ops/layers.ts";
import { applyDelta, diffImage, fullDelta, TileEncoding } from "./image_delta.ts";

const RED = packRgba(255, 0, 0, 255);

/** A project whose first layer fills 2×2×2 tiles and whose second is a copy with one change. */
function duplicated(): { before: Image; after: Image } {
  const before = newImage();
  const layer = before.layers[0];
  for (let x = 0; x < 32; x++) {
    for (let y = 0; y < 32; y++) for (let z = 0; z < 32; z++) layer.volume.set(x, y, z, RED);
  }
  const after = copyImage(before);
  const copy = duplicateLayer(after, after.layers[0]);
  copy.volume.set(0, 0, 0, packRgba(0, 0, 255, 255));
  return { before, after };
}

/** How many of layer `b`'s tiles share their data with layer `a`'s tile at the same origin. */
function sharedTiles(image: Image, a: number, b: number): number {
  const [va, vb] = [image.layers[a].volume, image.layers[b].volume];
  return vb.tileOrder().filter((o) => va.tileDataId(...o) === vb.tileDataId(...o)).length;
}

Deno.test("diffImage() and applyDelta() keep a duplicated layer's tiles shared", async (t) => {
  const { before, after } = duplicated();
  assert.equal(sharedTiles(after, 0, 1), 7, "live: the written tile is the copy's own");
  await t.step("a duplicate rebuilt from its delta (redo)", () => {
    const rebuilt = applyDelta(copyImage(before), diffImage(before, after));
    assert.equal(sharedTiles(rebuilt, 0, 1), 7);
    assert.equal(rebuilt.layers[1].volume.get(0, 0, 0), packRgba(0, 0, 255, 255));
    assert.equal(rebuilt.layers[0].volume.get(0, 0, 0), RED);
  });
  await t.step("a whole project rebuilt from nothing (replay after a restart)", () => {
    const rebuilt = applyDelta(emptyImage(), fullDelta(after));
    assert.equal(sharedTiles(rebuilt, 0, 1), 7);
  });
  await t.step("a write into a shared tile afterwards changes one layer only", () => {
    const rebuilt = applyDelta(emptyImage(), fullDelta(after));
    rebuilt.layers[0].volume.set(20, 20, 20, 0);
    assert.equal(rebuilt.layers[0].volume.get(20, 20, 20), 0);
    assert.equal(rebuilt.layers[1].volume.get(20, 20, 20), RED);
    assert.equal(sharedTiles(rebuilt, 0, 1), 6);
  });
});

Deno.test("layers with equal tiles that never shared them stay apart", () => {
  const image = newImage();
  const second = addLayer(image, "second");
  for (const layer of image.layers) layer.volume.set(1, 2, 3, RED);
  const rebuilt = applyDelta(emptyImage(), fullDelta(image));
  assert.equal(sharedTiles(rebuilt, 0, 1), 0);
  assert.equal(rebuilt.layers[1].id, second.id);
});

Deno.test("applyDelta() refuses a SHARE tile whose layer has no tile there", () => {
  const image = newImage();
  const delta = {
    meta: null,
    volumes: [{
      id: image.layers[0].id,
      tiles: [{
        origin: [0, 0, 0] as [number, number, number],
        encoding: TileEncoding.SHARE,
        data: Uint8Array.of(77, 0, 0, 0),
      }],
    }],
  };
  assert.throws(() => applyDelta(image, delta), /names layer 77, which has no such tile/);
});
