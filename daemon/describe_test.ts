import assert from "node:assert/strict";
import { BlendMode } from "../core/blend.ts";
import { boxFromAabb } from "../core/box.ts";
import { newCamera } from "../core/camera.ts";
import { packRgba } from "../core/color.ts";
import { type Image, newImage } from "../core/image.ts";
import { newLayer } from "../core/layer.ts";
import { newMaterial } from "../core/material.ts";
import { describeImage, describeLayer } from "./describe.ts";

const RED = packRgba(255, 0, 0);
const GREEN = packRgba(0, 255, 0);

/** An image with a painted volume layer, a clone of it and a hidden shape layer. */
function sampleImage(): Image {
  const image = newImage();
  const base = image.layers[0];
  base.volume.set(1, 2, 3, RED);
  base.volume.set(5, -4, 0, GREEN);
  const clone = newLayer(3, "Clone", null);
  clone.baseId = base.id;
  clone.mode = BlendMode.SUB;
  const shape = newLayer(4, "Ball", image.materials[0]);
  shape.shape = "sphere";
  shape.color = packRgba(0x12, 0x34, 0x56, 0x78);
  shape.visible = false;
  shape.volume.set(100, 100, 100, RED);
  image.layers.push(clone, shape);
  return image;
}

Deno.test("describeLayer() reports a volume layer with an inclusive bbox", () => {
  const image = sampleImage();
  const layer = image.layers[0];
  assert.deepEqual(describeLayer(image, layer), {
    id: 2,
    name: "Layer.1",
    visible: true,
    active: true,
    kind: "volume",
    mode: "over",
    voxels: 2,
    bbox: { min: [1, -4, 0], max: [5, 2, 3] },
    material: "Material.1",
  });
});

Deno.test("describeLayer() reports clone and shape layers with their extra fields", async (t) => {
  const image = sampleImage();
  await t.step("clone", () => {
    const d = describeLayer(image, image.layers[1]);
    assert.equal(d.kind, "clone");
    assert.equal(d.base_id, 2);
    assert.equal(d.mode, "sub");
    assert.equal(d.active, false);
    assert.equal(d.material, null);
    assert.equal(d.voxels, 0);
    assert.equal(d.bbox, null, "an empty layer has no bbox");
    assert.equal("shape" in d, false);
    assert.equal("color" in d, false);
  });
  await t.step("shape", () => {
    const d = describeLayer(image, image.layers[2]);
    assert.equal(d.kind, "shape");
    assert.equal(d.shape, "sphere");
    assert.equal(d.color, "#12345678");
    assert.equal(d.visible, false);
    assert.equal("base_id" in d, false);
    assert.deepEqual(d.bbox, { min: [100, 100, 100], max: [100, 100, 100] });
  });
});

Deno.test("describeLayer() names every blend mode", async (t) => {
  const cases: [BlendMode, string][] = [
    [BlendMode.OVER, "over"],
    [BlendMode.SUB, "sub"],
    [BlendMode.SUB_CLAMP, "sub_clamp"],
    [BlendMode.PAINT, "paint"],
    [BlendMode.MAX, "max"],
    [BlendMode.INTERSECT, "intersect"],
    [BlendMode.INTERSECT_FILL, "intersect_fill"],
    [BlendMode.MULT_ALPHA, "mult_alpha"],
    [BlendMode.REPLACE, "replace"],
  ];
  const image = newImage();
  for (const [mode, name] of cases) {
    await t.step(name, () => {
      image.layers[0].mode = mode;
      assert.equal(describeLayer(image, image.layers[0]).mode, name);
    });
  }
});

Deno.test("describeImage() reports the box inclusively with its size", async (t) => {
  const cases: [string, Image["box"], unknown, unknown][] = [
    ["Goxel's default box", boxFromAabb({ min: [-16, -16, 0], max: [16, 16, 32] }), {
      min: [-16, -16, 0],
      max: [15, 15, 31],
    }, [32, 32, 32]],
    ["odd box", boxFromAabb({ min: [-2, -3, 0], max: [3, 4, 5] }), {
      min: [-2, -3, 0],
      max: [2, 3, 4],
    }, [5, 7, 5]],
    ["no box", null, null, null],
    ["null box", new Float64Array(16), null, null],
  ];
  for (const [name, box, expectedBox, size] of cases) {
    await t.step(name, () => {
      const image = newImage();
      image.box = box;
      const d = describeImage(image);
      assert.deepEqual(d.box, expectedBox);
      assert.deepEqual(d.size, size);
    });
  }
});

Deno.test("describeImage() counts visible voxels and describes each layer", () => {
  const image = sampleImage();
  const d = describeImage(image);
  assert.equal(d.voxels, 2, "the hidden shape layer does not count");
  assert.deepEqual(d.layers.map((l) => [l.id, l.kind]), [[2, "volume"], [3, "clone"], [
    4,
    "shape",
  ]]);
  assert.deepEqual(d.layers[0], describeLayer(image, image.layers[0]));
});

Deno.test("describeImage() gives the CRC as 8 lower-case hex digits", async (t) => {
  const empty = describeImage(newImage());
  await t.step("empty image", () => assert.equal(empty.crc32, "00000000"));
  const crcs = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const image = newImage();
    image.layers[0].volume.set(i, -i, i * 3, packRgba(i * 6, 255 - i, 7, 255));
    const crc = describeImage(image).crc32;
    assert.match(crc, /^[0-9a-f]{8}$/, `voxel ${i}: ${crc}`);
    crcs.add(crc);
  }
  await t.step("different content gives different CRCs", () => assert.equal(crcs.size, 40));
  await t.step("equal content gives equal CRCs", () => {
    const a = sampleImage(), b = sampleImage();
    assert.equal(describeImage(a).crc32, describeImage(b).crc32);
    b.layers[0].volume.set(1, 2, 3, GREEN);
    assert.notEqual(describeImage(a).crc32, describeImage(b).crc32);
  });
  await t.step("hidden layers do not change the CRC", () => {
    const a = sampleImage(), b = sampleImage();
    b.layers[2].volume.set(7, 7, 7, GREEN);
    assert.equal(describeImage(a).crc32, describeImage(b).crc32);
  });
});

Deno.test("describeImage() lists materials as copies and marks the active camera", () => {
  const image = newImage();
  const extra = newMaterial("Shiny");
  extra.metallic = 1;
  image.materials.push(extra);
  const side = newCamera("Side");
  side.ortho = true;
  side.dist = 50;
  image.cameras.push(side);
  image.activeCamera = side;
  const d = describeImage(image);
  assert.deepEqual(d.materials.map((m) => [m.name, m.metallic]), [["Material.1", 0.2], [
    "Shiny",
    1,
  ]]);
  assert.notEqual(d.materials[1], extra);
  assert.deepEqual(d.cameras, [
    { name: "Camera.1", ortho: false, dist: 128, active: false },
    { name: "Side", ortho: true, dist: 50, active: true },
  ]);
});
