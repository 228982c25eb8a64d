import assert from "node:assert/strict";
import { BlendMode } from "../blend.ts";
import { aabbFromBox, boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { InvalidInputError, NotFoundError } from "../errors.ts";
import { type Image, newImage } from "../image.ts";
import { type Layer, newLayer } from "../layer.ts";
import { translation } from "../mat4.ts";
import { Volume } from "../volume.ts";
import {
  addLayer,
  addShapeLayer,
  autoResizeImage,
  cloneLayer,
  deleteLayer,
  duplicateLayer,
  layerBoundingBox,
  mergeLayerDown,
  mergeVisibleLayers,
  moveLayer,
  renameLayer,
  selectParentLayer,
  setActiveLayer,
  setLayerVisible,
  uncloneLayer,
  uniqueLayerIds,
  updateImage,
} from "./layers.ts";

const RED = packRgba(255, 0, 0), GREEN = packRgba(0, 255, 0), BLUE = packRgba(0, 0, 255);

function fillBlock(v: Volume, min: number[], max: number[], color: number): Volume {
  for (let z = min[2]; z < max[2]; z++) {
    for (let y = min[1]; y < max[1]; y++) {
      for (let x = min[0]; x < max[0]; x++) v.set(x, y, z, color);
    }
  }
  return v;
}

const names = (img: Image) => img.layers.map((l) => l.name);

Deno.test("addLayer() names 'Layer.N', takes the smallest free id and becomes active", async (t) => {
  const img = newImage();
  const cases: [string | undefined, string, number][] = [
    [undefined, "Layer.2", 1],
    [undefined, "Layer.3", 3],
    ["Trees", "Trees", 4],
    ["trees", "trees.1", 5],
  ];
  for (const [name, expected, id] of cases) {
    await t.step(`${name ?? "(default)"} -> ${expected}`, () => {
      const layer = addLayer(img, name);
      assert.equal(layer.name, expected);
      assert.equal(layer.id, id);
      assert.equal(layer.material, img.activeMaterial);
      assert.equal(img.activeLayer, layer);
    });
  }
  assert.throws(() => addLayer(img, ""), InvalidInputError);
  assert.throws(() => addLayer(img, "x".repeat(256)), InvalidInputError);
});

Deno.test("deleteLayer() picks the last layer as active and never leaves the image empty", () => {
  const img = newImage();
  const a = img.layers[0], b = addLayer(img), c = addLayer(img);
  setActiveLayer(img, a);
  deleteLayer(img, b);
  assert.equal(img.activeLayer, a, "deleting another layer keeps the active one");
  deleteLayer(img, a);
  assert.equal(img.activeLayer, c);
  deleteLayer(img, c);
  assert.deepEqual(names(img), ["unnamed"]);
  assert.equal(img.layers[0].visible, true);
  assert.equal(img.layers[0].id, 1);
  assert.equal(img.activeLayer, img.layers[0]);
  assert.throws(() => deleteLayer(img, c), NotFoundError);
});

Deno.test("duplicateLayer() shares tiles, and later edits do not leak", async (t) => {
  const img = newImage();
  const base = img.layers[0];
  fillBlock(base.volume, [0, 0, 0], [20, 4, 4], RED);
  base.visible = false;
  const crc = base.volume.crc32();
  const dup = duplicateLayer(img, base);
  await t.step("copies name, id, visibility", () => {
    assert.equal(dup.name, "Layer.2");
    assert.equal(dup.id, 1);
    assert.equal(dup.visible, true);
    assert.equal(img.activeLayer, dup);
  });
  await t.step("shares tile data", () => {
    for (const [x, y, z] of base.volume.tiles()) {
      assert.equal(dup.volume.tileDataId(x, y, z), base.volume.tileDataId(x, y, z));
    }
  });
  await t.step("edits to either side stay on that side", () => {
    dup.volume.set(1, 1, 1, BLUE);
    assert.equal(base.volume.crc32(), crc);
    assert.notEqual(dup.volume.tileDataId(0, 0, 0), base.volume.tileDataId(0, 0, 0));
    assert.equal(dup.volume.tileDataId(16, 0, 0), base.volume.tileDataId(16, 0, 0));
    base.volume.set(17, 1, 1, GREEN);
    assert.equal(dup.volume.get(17, 1, 1), RED);
  });
  assert.equal(duplicateLayer(img, dup).name, "Layer.3");
});

Deno.test("clone layers follow their base after updateImage()", async (t) => {
  const img = newImage();
  const base = img.layers[0];
  base.volume.set(1, 2, 3, RED);
  const clone = cloneLayer(img, base);
  await t.step("starts as a linked copy", () => {
    assert.equal(clone.name, "Layer.1 clone");
    assert.equal(clone.baseId, base.id);
    assert.equal(clone.volume.crc32(), base.volume.crc32());
    assert.equal(updateImage(img), false, "nothing to recompute right after cloning");
  });
  await t.step("follows base edits", () => {
    base.volume.set(5, 5, 5, GREEN);
    assert.equal(updateImage(img), true);
    assert.equal(clone.volume.crc32(), base.volume.crc32());
  });
  await t.step("applies its own matrix", () => {
    clone.mat = translation(10, 0, 0);
    updateImage(img);
    assert.equal(clone.volume.get(11, 2, 3), RED);
    assert.equal(clone.volume.get(1, 2, 3), 0);
  });
  await t.step("a clone of a clone settles in one call", () => {
    const second = cloneLayer(img, clone);
    base.volume.set(0, 0, 0, BLUE);
    updateImage(img);
    assert.equal(second.volume.get(10, 0, 0), BLUE);
  });
  await t.step("selectParentLayer() activates the base", () => {
    assert.equal(selectParentLayer(img, clone), base);
    assert.throws(() => selectParentLayer(img, base), NotFoundError);
  });
  await t.step("deleting the base unclones, keeping voxels", () => {
    const crc = clone.volume.crc32();
    deleteLayer(img, base);
    assert.equal(clone.baseId, 0);
    assert.equal(clone.volume.crc32(), crc);
  });
});

Deno.test("shape layers regenerate when their box, colour or shape changes", async (t) => {
  const img = newImage();
  const layer = addShapeLayer(img, "cube", RED, boxFromAabb({ min: [0, 0, 0], max: [4, 4, 4] }));
  await t.step("is created filled, named 'shape', without material", () => {
    assert.equal(layer.name, "shape");
    assert.equal(layer.material, null);
    assert.equal(layer.volume.count(), 64);
    assert.equal(layer.volume.get(3, 3, 3), RED);
  });
  const box = (min: number[], max: number[]) => boxFromAabb({ min, max } as never);
  // [step, edit, voxel count (-1: between 1 and 511), probe voxel, colour at the probe]
  const cases: [string, (l: Layer) => void, number, number[], number][] = [
    ["new colour", (l) => (l.color = GREEN), 64, [1, 1, 1], GREEN],
    ["bigger box", (l) => (l.mat = box([0, 0, 0], [6, 4, 4])), 96, [5, 3, 3], GREEN],
    [
      "box clipped by the image box",
      (l) => (l.mat = box([0, 0, -4], [2, 2, 4])),
      16,
      [1, 1, 1],
      GREEN,
    ],
    ["sphere", (l) => (l.shape = "sphere", l.mat = box([0, 0, 0], [8, 8, 8])), -1, [0, 0, 0], 0],
  ];
  for (const [name, edit, count, [x, y, z], color] of cases) {
    await t.step(name, () => {
      edit(layer);
      assert.equal(updateImage(img), true);
      if (count >= 0) assert.equal(layer.volume.count(), count);
      else assert.ok(layer.volume.count() > 0 && layer.volume.count() < 512);
      assert.equal(layer.volume.get(x, y, z), color);
      assert.equal(updateImage(img), false);
    });
  }
  await t.step("unclone freezes the voxels", () => {
    uncloneLayer(img, layer);
    const crc = layer.volume.crc32();
    layer.color = RED;
    updateImage(img);
    assert.equal(layer.volume.crc32(), crc);
  });
});

Deno.test("mergeLayerDown() merges with the upper layer's mode", async (t) => {
  const cases: [string, number, number, number][] = [
    ["OVER adds", BlendMode.OVER, 2, GREEN],
    ["SUB removes", BlendMode.SUB, 0, 0],
  ];
  for (const [name, mode, count, at] of cases) {
    await t.step(name, () => {
      const img = newImage();
      const lower = img.layers[0];
      lower.volume.set(0, 0, 0, RED);
      const upper = addLayer(img);
      upper.volume.set(0, 0, 0, GREEN);
      upper.volume.set(1, 0, 0, GREEN);
      upper.mode = mode as BlendMode;
      assert.equal(mergeLayerDown(img, upper), lower);
      assert.deepEqual(names(img), ["Layer.1"]);
      assert.equal(img.activeLayer, lower);
      assert.equal(lower.volume.count(), count);
      assert.equal(lower.volume.get(0, 0, 0) >>> 24 ? lower.volume.get(0, 0, 0) : 0, at);
    });
  }
  const img = newImage();
  assert.equal(mergeLayerDown(img, img.layers[0]), null);
});

Deno.test("mergeVisibleLayers() keeps the last visible layer's name and skips hidden ones", () => {
  const img = newImage();
  const a = img.layers[0];
  a.volume.set(0, 0, 0, RED);
  const hidden = addLayer(img, "Hidden");
  hidden.volume.set(1, 0, 0, BLUE);
  setLayerVisible(img, hidden, false);
  const top = addLayer(img, "Top");
  top.volume.set(2, 0, 0, GREEN);
  const clone = cloneLayer(img, a);
  setLayerVisible(img, clone, false);
  setActiveLayer(img, a);
  const merged = mergeVisibleLayers(img);
  assert.equal(merged, top);
  assert.deepEqual(names(img), ["Hidden", "Top", "Layer.1 clone"]);
  assert.equal(img.activeLayer, top);
  assert.equal(top.volume.count(), 2);
  assert.equal(top.volume.get(0, 0, 0), RED);
  assert.equal(hidden.volume.count(), 1);
  assert.equal(clone.baseId, 0, "clones of a merged-away layer are unlinked");
});

Deno.test("moveLayer() moves towards the head for negative deltas and clamps", async (t) => {
  const img = newImage();
  const [a, b, c] = [img.layers[0], addLayer(img), addLayer(img)];
  const cases: [Layer, number, number, string[]][] = [
    [c, -1, 1, ["Layer.1", "Layer.3", "Layer.2"]],
    [c, -5, 0, ["Layer.3", "Layer.1", "Layer.2"]],
    [a, 1, 2, ["Layer.3", "Layer.2", "Layer.1"]],
    [b, 0, 1, ["Layer.3", "Layer.2", "Layer.1"]],
  ];
  for (const [layer, delta, index, order] of cases) {
    await t.step(`${layer.name} by ${delta}`, () => {
      assert.equal(moveLayer(img, layer, delta), index);
      assert.deepEqual(names(img), order);
    });
  }
});

Deno.test("renameLayer() keeps names unique ignoring case", async (t) => {
  const img = newImage();
  const other = addLayer(img, "Rock");
  const cases: [string, string][] = [["Layer.1", "Layer.1"], ["ROCK", "ROCK.1"], ["Sky", "Sky"]];
  for (const [name, expected] of cases) {
    await t.step(
      `${name} -> ${expected}`,
      () => assert.equal(renameLayer(img, img.layers[0], name), expected),
    );
  }
  assert.equal(other.name, "Rock");
});

Deno.test("autoResizeImage() fits the image box to the layers", () => {
  const img = newImage();
  fillBlock(img.layers[0].volume, [2, 3, 4], [6, 8, 10], RED);
  const bounded = addLayer(img);
  bounded.box = boxFromAabb({ min: [-5, 0, 0], max: [0, 1, 1] });
  autoResizeImage(img);
  assert.deepEqual(aabbFromBox(img.box!), { min: [-5, 0, 0], max: [6, 8, 10] });
  assert.deepEqual(aabbFromBox(layerBoundingBox(img.layers[0])), {
    min: [2, 3, 4],
    max: [6, 8, 10],
  });
});

Deno.test("addShapeLayer() names a box out of range by its inclusive corners", () => {
  const img = newImage();
  // The user's box [0,0,0]–[2000000,1,1], inclusive: its aabb ends one past that.
  const box = boxFromAabb({ min: [0, 0, 0], max: [2000001, 2, 2] });
  assert.throws(
    () => addShapeLayer(img, "cube", RED, box),
    (err: Error) =>
      err instanceof InvalidInputError &&
      err.message ===
        "Cannot add a shape layer: the box [0, 0, 0]–[2000000, 1, 1] reaches outside ±1048576",
  );
  assert.equal(img.layers.length, 1, "no layer was added");
});

Deno.test("uniqueLayerIds() renumbers later layers that repeat an id, keeping the first", () => {
  const image = newImage();
  const a = image.layers[0];
  const b = newLayer(a.id, "b"), c = newLayer(7, "c"), d = newLayer(7, "d");
  image.layers.push(b, c, d);
  assert.equal(uniqueLayerIds(image), 2);
  const ids = image.layers.map((l) => l.id);
  assert.equal(new Set(ids).size, 4);
  assert.deepEqual([ids[0], ids[2]], [a.id, 7], "the first of each id keeps it");
  assert.equal(uniqueLayerIds(image), 0);
});
