import assert from "node:assert/strict";
import { BlendMode } from "./blend.ts";
import { boxFromAabb } from "./box.ts";
import { packRgba } from "./color.ts";
import { canEditLayer, copyLayer, type Layer, newLayer, SHAPE_NAMES } from "./layer.ts";
import { identity } from "./mat4.ts";
import { newMaterial } from "./material.ts";

Deno.test("newLayer() makes an empty, visible, editable volume layer", () => {
  const layer = newLayer(4, "Trees");
  assert.equal(layer.id, 4);
  assert.equal(layer.name, "Trees");
  assert.equal(layer.visible, true);
  assert.ok(layer.volume.isEmpty());
  assert.equal(layer.volume.tileCount, 0);
  assert.equal(layer.material, null);
  assert.deepEqual(layer.mat, identity());
  assert.equal(layer.box, null);
  assert.equal(layer.mode, BlendMode.OVER);
  assert.equal(layer.baseId, 0);
  assert.equal(layer.shape, null);
  assert.equal(layer.color, 0xffffffff);
  assert.equal(layer.imagePath, null);
  assert.ok(canEditLayer(layer));
});

Deno.test("newLayer() keeps the material it is given and never shares its matrix", () => {
  const material = newMaterial("Material.1");
  const a = newLayer(1, "a", material), b = newLayer(2, "b", material);
  assert.equal(a.material, material);
  a.mat[12] = 3;
  assert.equal(b.mat[12], 0);
  assert.notEqual(a.volume, b.volume);
});

Deno.test("copyLayer() copies the matrix and box arrays", () => {
  const layer = newLayer(1, "a");
  layer.box = boxFromAabb({ min: [0, 0, 0], max: [4, 4, 4] });
  const copy = copyLayer(layer);
  assert.deepEqual(copy.mat, layer.mat);
  assert.deepEqual(copy.box, layer.box);
  copy.mat[12] = 10;
  copy.box![0] = 10;
  assert.equal(layer.mat[12], 0);
  assert.equal(layer.box[0], 2);
});

Deno.test("copyLayer() keeps a null box null and copies the plain fields", () => {
  const layer: Layer = { ...newLayer(7, "s"), shape: "cube", color: packRgba(1, 2, 3), baseId: 0 };
  layer.mode = BlendMode.SUB;
  const copy = copyLayer(layer);
  assert.equal(copy.box, null);
  assert.deepEqual(
    [copy.id, copy.name, copy.visible, copy.mode, copy.shape, copy.color, copy.imagePath],
    [7, "s", true, BlendMode.SUB, "cube", packRgba(1, 2, 3), null],
  );
});

Deno.test("copyLayer() shares voxels copy-on-write: edits on either side stay apart", () => {
  const layer = newLayer(1, "a");
  layer.volume.set(1, 2, 3, packRgba(9, 9, 9));
  const copy = copyLayer(layer);
  assert.equal(copy.volume.tileDataId(0, 0, 0), layer.volume.tileDataId(0, 0, 0));
  copy.volume.set(1, 2, 3, packRgba(5, 5, 5));
  assert.equal(layer.volume.get(1, 2, 3), packRgba(9, 9, 9));
  layer.volume.set(0, 0, 0, packRgba(7, 7, 7));
  assert.equal(copy.volume.get(0, 0, 0), 0);
});

Deno.test("copyLayer() keeps the material by default and remaps it when asked", async (t) => {
  const m1 = newMaterial("m1"), m2 = newMaterial("m2");
  const layer = newLayer(1, "a", m1);
  const cases: [string, Layer, unknown][] = [
    ["default", copyLayer(layer), m1],
    ["remapped", copyLayer(layer, m2), m2],
    ["cleared", copyLayer(layer, null), null],
  ];
  for (const [name, copy, expected] of cases) {
    await t.step(name, () => assert.equal(copy.material, expected));
  }
  assert.equal(layer.material, m1);
});

Deno.test("canEditLayer() is false for clone, shape and image layers", async (t) => {
  const cases: [string, Partial<Layer>, boolean][] = [
    ["volume layer", {}, true],
    ["hidden volume layer", { visible: false }, true],
    ["clone layer", { baseId: 3 }, false],
    ...SHAPE_NAMES.map((shape): [string, Partial<Layer>, boolean] => [
      `${shape} layer`,
      { shape },
      false,
    ]),
    ["image layer", { imagePath: "texture.png" }, false],
    ["image layer with empty path", { imagePath: "" }, false],
  ];
  for (const [name, fields, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(canEditLayer({ ...newLayer(1, "x"), ...fields }), expected),
    );
  }
});
