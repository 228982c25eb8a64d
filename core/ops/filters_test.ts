import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { packRgba, unpackRgba } from "../color.ts";
import { ConflictError, InvalidInputError } from "../errors.ts";
import { type Image, newImage } from "../image.ts";
import { Volume } from "../volume.ts";
import { adjustColors, type Axis, mirror, wrap } from "./filters.ts";
import { adjustColor, hslToSrgb, srgbToHsl } from "./hsl.ts";
import { addLayer, cloneLayer } from "./layers.ts";
import { setSelectionBox } from "./selection.ts";

/** Deterministic pseudo-random voxels inside the default image box, on two layers. */
function scatteredImage(): Image {
  const image = newImage();
  const second = addLayer(image);
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 400; i++) {
    const [x, y, z] = [
      Math.floor(next() * 32) - 16,
      Math.floor(next() * 32) - 16,
      Math.floor(next() * 32),
    ];
    const c = packRgba(next() * 256, next() * 256, next() * 256, i % 7 === 0 ? 0 : 255);
    (i % 2 ? second : image.layers[0]).volume.set(x, y, z, c);
  }
  return image;
}

const crcs = (image: Image) => image.layers.map((l) => l.volume.crc32());

Deno.test("mirror() twice and wrap() there and back are identities", async (t) => {
  for (const axis of [0, 1, 2] as Axis[]) {
    await t.step(`mirror axis ${axis}`, () => {
      const image = scatteredImage();
      const before = crcs(image);
      assert.equal(mirror(image, axis), 2);
      assert.notDeepEqual(crcs(image), before);
      mirror(image, axis);
      assert.deepEqual(crcs(image), before);
    });
    await t.step(`wrap axis ${axis} +1 then -1`, () => {
      const image = scatteredImage();
      const before = crcs(image);
      wrap(image, axis, 1);
      assert.notDeepEqual(crcs(image), before);
      wrap(image, axis, -1);
      assert.deepEqual(crcs(image), before);
    });
  }
});

Deno.test("mirror() and wrap() move voxels inside the filter box", async (t) => {
  const make = () => {
    const image = newImage();
    setSelectionBox(image, boxFromAabb({ min: [0, 0, 0], max: [4, 1, 1] }));
    image.layers[0].volume.set(0, 0, 0, 0xff0000ff);
    image.layers[0].volume.set(8, 0, 0, 0xff00ff00); // outside the box
    return image;
  };
  const cases: [string, (img: Image) => void, number][] = [
    ["mirror sends offset 0 to size-1", (img) => mirror(img, 0), 3],
    ["wrap -1 sends offset 0 to the end", (img) => wrap(img, 0, -1), 3],
    ["wrap +1 sends offset 0 to 1", (img) => wrap(img, 0, 1), 1],
  ];
  for (const [name, op, x] of cases) {
    await t.step(name, () => {
      const image = make();
      op(image);
      const v = image.layers[0].volume;
      assert.equal(v.get(x, 0, 0), 0xff0000ff);
      assert.equal(v.count(), 2);
      assert.equal(v.get(8, 0, 0), 0xff00ff00);
    });
  }
  await t.step("the active layer only, and not when it is hidden", () => {
    const image = make();
    const other = addLayer(image);
    other.volume.set(0, 0, 0, 0xffffffff);
    assert.equal(mirror(image, 0, { allLayers: false }), 1);
    assert.equal(other.volume.get(3, 0, 0), 0xffffffff);
    assert.equal(image.layers[0].volume.get(0, 0, 0), 0xff0000ff);
    other.visible = false;
    assert.equal(mirror(image, 0, { allLayers: false }), 0);
  });
  await t.step("bad arguments", () => {
    assert.throws(() => mirror(make(), 3 as Axis), InvalidInputError);
    assert.throws(() => wrap(make(), 0, 2 as 1), InvalidInputError);
    const image = make();
    image.selectionBox = null;
    image.box = null;
    assert.throws(() => mirror(image, 0), InvalidInputError);
  });
});

Deno.test("adjustColors() with zero sliders is an identity", () => {
  const image = scatteredImage();
  const before = crcs(image);
  assert.equal(adjustColors(image, image.layers[0], {}), 0);
  assert.equal(
    adjustColors(image, image.layers[1], { hue: 0, saturation: 0, lightness: 0, contrast: 0 }),
    0,
  );
  assert.deepEqual(crcs(image), before);
});

Deno.test("adjustColors() follows Goxel's HSL arithmetic", async (t) => {
  const cases: [string, number[], Partial<Parameters<typeof adjustColor>[1]>, number[]][] = [
    ["hue +120 turns red green", [255, 0, 0], { hue: 120 }, [0, 255, 0]],
    ["hue -120 turns red blue", [255, 0, 0], { hue: -120 }, [0, 0, 255]],
    ["lightness +100 gives white", [10, 200, 30], { lightness: 100 }, [255, 255, 255]],
    ["lightness -100 gives black", [10, 200, 30], { lightness: -100 }, [0, 0, 0]],
    ["saturation -100 gives grey", [200, 100, 0], { saturation: -100 }, [100, 100, 100]],
    ["contrast -100 gives linear mid grey", [0, 255, 30], { contrast: -100 }, [188, 188, 188]],
  ];
  for (const [name, rgb, adj, expected] of cases) {
    await t.step(name, () => {
      const full = { hue: 0, saturation: 0, lightness: 0, contrast: 0, ...adj };
      const out = adjustColor(packRgba(rgb[0], rgb[1], rgb[2], 200), full);
      assert.deepEqual(unpackRgba(out), [...expected, 200]);
    });
  }
  await t.step("HSL of pure colours", () => {
    assert.deepEqual(srgbToHsl(0, 0, 255), [240, 1, 0.5]);
    assert.deepEqual(hslToSrgb([240, 1, 0.5]), [0, 0, 255]);
  });
});

Deno.test("adjustColors() is limited to the selection and refuses clone layers", () => {
  const image = newImage();
  const layer = image.layers[0];
  layer.volume.set(0, 0, 0, packRgba(255, 0, 0));
  layer.volume.set(5, 0, 0, packRgba(255, 0, 0));
  setSelectionBox(image, boxFromAabb({ min: [4, -1, -1], max: [6, 1, 1] }));
  assert.equal(adjustColors(image, layer, { hue: 120 }), 1);
  assert.equal(layer.volume.get(0, 0, 0), packRgba(255, 0, 0));
  assert.equal(layer.volume.get(5, 0, 0), packRgba(0, 255, 0));
  image.selectionMask = new Volume();
  image.selectionMask.set(0, 0, 0, 0xffffffff);
  assert.equal(adjustColors(image, layer, { hue: 120 }), 1, "the mask wins over the box");
  assert.equal(layer.volume.get(0, 0, 0), packRgba(0, 255, 0));
  assert.throws(() => adjustColors(image, cloneLayer(image, layer), { hue: 10 }), ConflictError);
  assert.throws(() => adjustColors(image, layer, { hue: 181 }), InvalidInputError);
});
