import assert from "node:assert/strict";
import { BlendMode } from "./blend.ts";
import { boxFromAabb } from "./box.ts";
import { newCamera } from "./camera.ts";
import { packRgba } from "./color.ts";
import { type Image, newImage } from "./image.ts";
import { newLayer } from "./layer.ts";
import { newMaterial } from "./material.ts";
import {
  imageFromPlain,
  imageToPlain,
  plainBuffers,
  plainTiles,
  volumeFromPlain,
  volumeToPlain,
} from "./plain_image.ts";
import { Volume } from "./volume.ts";

const tileOrder = (v: Volume) => [...v.tiles()].map(([x, y, z]) => [x, y, z]);

/** An image with three layers (one hidden, one without material), tiles out of order, etc. */
function richImage(): Image {
  const img = newImage();
  const base = img.layers[0];
  base.volume.set(40, 0, 0, packRgba(255, 0, 0));
  base.volume.set(-1, -1, -1, packRgba(0, 255, 0, 100));
  base.volume.set(0, 17, 3, packRgba(0, 0, 255));
  const second = newLayer(1, "Hidden", null);
  second.visible = false;
  second.mode = BlendMode.SUB;
  second.volume.set(5, 5, 5, 0xffffffff);
  const shape = newLayer(3, "shape", null);
  shape.shape = "sphere";
  shape.color = packRgba(1, 2, 3);
  shape.box = boxFromAabb({ min: [0, 0, 0], max: [4, 4, 4] });
  shape.mat[12] = 2;
  img.layers.push(second, shape);
  img.materials.push(newMaterial("Shiny"));
  img.materials[1].roughness = 0.1;
  shape.material = img.materials[1];
  img.cameras.push(newCamera("Side"));
  img.cameras[1].ortho = true;
  img.activeLayer = second;
  img.activeMaterial = img.materials[1];
  img.activeCamera = img.cameras[1];
  img.selectionBox = boxFromAabb({ min: [-2, -2, -2], max: [3, 3, 3] });
  img.selectionMask = new Volume();
  img.selectionMask.set(33, 0, 0, 0xffffffff);
  img.selectionMask.set(0, 0, 0, 0xffffffff);
  img.light.yaw = 1.25;
  return img;
}

Deno.test("imageFromPlain(structuredClone(imageToPlain())) rebuilds the same image", async (t) => {
  const img = richImage();
  const back = imageFromPlain(structuredClone(imageToPlain(img)));

  await t.step("layers keep names, ids, flags and matrices in order", () => {
    const fields = (i: Image) =>
      i.layers.map((l) => [l.name, l.id, l.visible, l.mode, l.shape, l.color, l.baseId]);
    assert.deepEqual(fields(back), fields(img));
    for (let i = 0; i < img.layers.length; i++) {
      assert.deepEqual(back.layers[i].mat, img.layers[i].mat);
      assert.deepEqual(back.layers[i].box, img.layers[i].box);
    }
  });
  await t.step("volumes keep their voxels and tile order", () => {
    for (let i = 0; i < img.layers.length; i++) {
      assert.equal(back.layers[i].volume.crc32(), img.layers[i].volume.crc32());
      assert.deepEqual(tileOrder(back.layers[i].volume), tileOrder(img.layers[i].volume));
    }
    assert.deepEqual(tileOrder(back.layers[0].volume), [[32, 0, 0], [-16, -16, -16], [0, 16, 0]]);
  });
  await t.step("layer materials point into the rebuilt material list", () => {
    assert.equal(back.layers[0].material, back.materials[0]);
    assert.equal(back.layers[1].material, null);
    assert.equal(back.layers[2].material, back.materials[1]);
    assert.deepEqual(back.materials, img.materials);
  });
  await t.step("active layer, material and camera are kept", () => {
    assert.equal(back.activeLayer, back.layers[1]);
    assert.equal(back.activeMaterial, back.materials[1]);
    assert.equal(back.activeCamera, back.cameras[1]);
    assert.deepEqual(back.cameras, img.cameras);
  });
  await t.step("box, selection and light are kept", () => {
    assert.deepEqual(back.box, img.box);
    assert.deepEqual(back.selectionBox, img.selectionBox);
    assert.equal(back.selectionMask!.crc32(), img.selectionMask!.crc32());
    assert.deepEqual(tileOrder(back.selectionMask!), tileOrder(img.selectionMask!));
    assert.deepEqual(back.light, img.light);
  });
});

Deno.test("imageToPlain() uses indexes for material and active items, -1 for none", () => {
  const img = richImage();
  img.activeMaterial = null;
  const plain = imageToPlain(img);
  assert.deepEqual(plain.layers.map((l) => l.material), [0, -1, 1]);
  assert.equal(plain.activeLayer, 1);
  assert.equal(plain.activeMaterial, -1);
  assert.equal(plain.activeCamera, 1);
  assert.equal(imageFromPlain(plain).activeMaterial, null);
  for (const l of plain.layers) assert.ok(!("sourceKey" in l));
});

Deno.test("imageToPlain() copies tile buffers so a transfer cannot empty the image", () => {
  const img = richImage();
  const plain = imageToPlain(img);
  const buffers = plainBuffers(plain);
  assert.equal(buffers.length, 2 * img.layers.length + (plain.selectionMask ? 2 : 0));
  for (const [x, y, z, voxels] of img.layers[0].volume.tiles()) {
    assert.ok(!buffers.includes(voxels.buffer as ArrayBuffer), `tile ${x},${y},${z}`);
  }
  const crc = img.layers[0].volume.crc32();
  plain.layers[0].volume.voxels.fill(0);
  structuredClone(plain, { transfer: buffers });
  assert.equal(img.layers[0].volume.crc32(), crc);
});

Deno.test("imageFromPlain() volumes do not share buffers with a later edit of the plain data", () => {
  const plain = imageToPlain(richImage());
  const img = imageFromPlain(plain);
  const crc = img.layers[0].volume.crc32();
  plain.layers[0].volume.voxels.fill(0xffffffff);
  assert.equal(img.layers[0].volume.crc32(), crc);
});

Deno.test("volumeToPlain() and volumeFromPlain() round-trip empty tiles and order", () => {
  const v = new Volume();
  v.set(100, 0, 0, 0);
  v.set(-20, 3, 3, packRgba(4, 5, 6, 7));
  const back = volumeFromPlain(structuredClone(volumeToPlain(v)));
  assert.equal(back.tileCount, 2);
  assert.deepEqual(tileOrder(back), [[96, 0, 0], [-32, 0, 0]]);
  assert.equal(back.get(-20, 3, 3), packRgba(4, 5, 6, 7));
  const empty = volumeToPlain(new Volume());
  assert.deepEqual([empty.origins.length, empty.voxels.length], [0, 0]);
});

Deno.test("plainTiles views the packed tiles in order, shared or not, without copying", () => {
  const v = new Volume();
  v.set(40, 0, 0, packRgba(255, 0, 0));
  v.set(-1, -1, -1, packRgba(0, 255, 0));
  for (const shared of [false, true]) {
    const plain = volumeToPlain(v, shared);
    assert.equal(plain.voxels.buffer instanceof SharedArrayBuffer, shared);
    const tiles = plainTiles(plain);
    assert.deepEqual(tiles.map((t) => t.origin), tileOrder(v));
    for (const [i, [x, y, z, data]] of [...v.tiles()].entries()) {
      assert.deepEqual(tiles[i].origin, [x, y, z]);
      assert.deepEqual(tiles[i].voxels, data);
      assert.equal(tiles[i].voxels.buffer, plain.voxels.buffer);
    }
  }
});

Deno.test("volumeToPlain() with a region copies only the tiles that meet it", () => {
  const v = new Volume();
  for (let k = 0; k < 5; k++) v.set(k * 16 + 3, 0, 0, packRgba(k * 40, 0, 0));
  const region = {
    min: [17, 0, 0] as [number, number, number],
    max: [40, 1, 1] as [number, number, number],
  };
  assert.equal(v.tilesMeeting(region), 2);
  const plain = volumeToPlain(v, false, region);
  assert.deepEqual(plainTiles(plain).map((t) => t.origin), [[16, 0, 0], [32, 0, 0]]);
  assert.equal(volumeFromPlain(plain).get(35, 0, 0), packRgba(80, 0, 0));
});
