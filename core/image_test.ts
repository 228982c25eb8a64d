import assert from "node:assert/strict";
import { BlendMode, combine } from "./blend.ts";
import { aabbFromBox, boxFromAabb } from "./box.ts";
import { packRgba } from "./color.ts";
import {
  copyImage,
  emptyImage,
  findLayer,
  type Image,
  imageFingerprint,
  makeUniqueName,
  mergedVisibleName,
  mergedVisibleVolume,
  newImage,
  nextLayerId,
  sameFingerprint,
} from "./image.ts";
import { newLayer } from "./layer.ts";
import { newCamera } from "./camera.ts";
import { newMaterial } from "./material.ts";
import { Volume } from "./volume.ts";

const RED = packRgba(255, 0, 0), BLUE = packRgba(0, 0, 255);

/** A new image with a second layer "Top" (id 1) holding a few voxels, a second material and camera. */
function sampleImage(): Image {
  const img = newImage();
  img.layers[0].volume.set(0, 0, 0, RED);
  img.layers[0].volume.set(20, -3, 5, BLUE);
  const top = newLayer(1, "Top", null);
  top.volume.set(1, 1, 1, BLUE);
  img.layers.push(top);
  img.materials.push(newMaterial("Shiny"));
  img.cameras.push(newCamera("Side"));
  img.selectionMask = new Volume();
  img.selectionMask.set(0, 0, 0, 0xffffffff);
  return img;
}

Deno.test("newImage() makes Goxel's default document", () => {
  const img = newImage();
  assert.deepEqual(aabbFromBox(img.box!), { min: [-16, -16, 0], max: [16, 16, 32] });
  assert.equal(img.layers.length, 1);
  const layer = img.layers[0];
  assert.equal(layer.name, "Layer.1");
  assert.equal(layer.id, 2);
  assert.equal(layer.visible, true);
  assert.ok(layer.volume.isEmpty());
  assert.deepEqual(img.materials.map((m) => m.name), ["Material.1"]);
  assert.equal(layer.material, img.materials[0]);
  assert.deepEqual(img.cameras.map((c) => c.name), ["Camera.1"]);
  assert.equal(img.activeLayer, layer);
  assert.equal(img.activeMaterial, img.materials[0]);
  assert.equal(img.activeCamera, img.cameras[0]);
  assert.equal(img.selectionBox, null);
  assert.equal(img.selectionMask, null);
});

Deno.test("emptyImage() has no box, layers, materials or cameras", () => {
  const img = emptyImage();
  assert.equal(img.box, null);
  assert.deepEqual([img.layers, img.materials, img.cameras], [[], [], []]);
  assert.equal(img.activeLayer, null);
});

Deno.test("makeUniqueName() follows Goxel's make_uniq_name", async (t) => {
  const cases: [string, string, string[], string][] = [
    ["appends .1 to a plain base", "Layer", [], "Layer.1"],
    ["skips taken suffixes", "Layer", ["Layer.1", "Layer.2"], "Layer.3"],
    ["fills the first free suffix", "Layer", ["Layer.2"], "Layer.1"],
    ["keeps a free .N name", "Foo.3", ["Foo.1"], "Foo.3"],
    ["continues a taken .N suffix", "Foo.3", ["Foo.3"], "Foo.4"],
    ["continues past several", "Foo.3", ["Foo.3", "Foo.4", "Foo.5"], "Foo.6"],
    ["ignores case when comparing", "Foo.3", ["FOO.3", "foo.4"], "Foo.5"],
    ["ignores case for plain bases", "layer", ["LAYER.1"], "layer.2"],
    ["keeps the case of the base", "Tree", ["tree"], "Tree.1"],
    ["treats only a final .N as suffix", "a.1.b", ["a.1.b"], "a.1.b.1"],
    ["keeps a dot without digits", "v.", ["v."], "v..1"],
  ];
  for (const [name, base, names, expected] of cases) {
    await t.step(name, () => assert.equal(makeUniqueName(base, names), expected));
  }
});

Deno.test("nextLayerId() returns the smallest unused positive id", async (t) => {
  const cases: [number[], number][] = [
    [[], 1],
    [[2], 1],
    [[1, 2], 3],
    [[1, 3], 2],
    [[3, 1, 2, 5], 4],
  ];
  for (const [ids, expected] of cases) {
    await t.step(`[${ids}] -> ${expected}`, () => {
      const img = emptyImage();
      img.layers = ids.map((id) => newLayer(id, `L${id}`));
      assert.equal(nextLayerId(img), expected);
    });
  }
});

Deno.test("findLayer() finds a layer by id", () => {
  const img = sampleImage();
  assert.equal(findLayer(img, 1), img.layers[1]);
  assert.equal(findLayer(img, 2), img.layers[0]);
  assert.equal(findLayer(img, 3), undefined);
});

Deno.test("copyImage() shares voxel tiles with the original", () => {
  const img = sampleImage();
  const copy = copyImage(img);
  for (let i = 0; i < img.layers.length; i++) {
    const a = img.layers[i].volume, b = copy.layers[i].volume;
    for (const [x, y, z] of a.tiles()) {
      assert.ok(a.tileDataId(x, y, z));
      assert.equal(b.tileDataId(x, y, z), a.tileDataId(x, y, z));
    }
    assert.equal(b.crc32(), a.crc32());
  }
});

Deno.test("copyImage() remaps materials and active items to the copies", () => {
  const img = sampleImage();
  img.activeMaterial = img.materials[1];
  img.activeCamera = img.cameras[1];
  img.activeLayer = img.layers[1];
  const copy = copyImage(img);
  assert.equal(copy.layers[0].material, copy.materials[0]);
  assert.notEqual(copy.materials[0], img.materials[0]);
  assert.deepEqual(copy.materials, img.materials);
  assert.equal(copy.layers[1].material, null);
  assert.equal(copy.activeMaterial, copy.materials[1]);
  assert.equal(copy.activeCamera, copy.cameras[1]);
  assert.equal(copy.activeLayer, copy.layers[1]);
  assert.deepEqual(copy.light, img.light);
});

Deno.test("copyImage() edits never reach the original", async (t) => {
  const edits: [string, (img: Image) => void][] = [
    ["voxel", (img) => img.layers[0].volume.set(0, 0, 0, BLUE)],
    ["new tile", (img) => img.layers[0].volume.set(100, 100, 100, BLUE)],
    ["layer name", (img) => (img.layers[0].name = "Renamed")],
    ["layer matrix", (img) => (img.layers[0].mat[12] = 7)],
    ["layer list", (img) => img.layers.pop()],
    ["image box", (img) => (img.box![0] = 99)],
    ["camera matrix", (img) => (img.cameras[0].mat[13] = 5)],
    ["material colour", (img) => (img.materials[0].baseColor[0] = 0.25)],
    ["selection mask", (img) => img.selectionMask!.set(3, 3, 3, RED)],
    ["light", (img) => (img.light.intensity = 9)],
  ];
  for (const [name, edit] of edits) {
    await t.step(name, () => {
      const img = sampleImage();
      const before = imageFingerprint(img);
      const crcs = img.layers.map((l) => l.volume.crc32());
      const json = JSON.stringify({ ...img, layers: img.layers.map((l) => ({ ...l, volume: 0 })) });
      edit(copyImage(img));
      assert.ok(sameFingerprint(imageFingerprint(img), before));
      assert.deepEqual(img.layers.map((l) => l.volume.crc32()), crcs);
      assert.equal(img.selectionMask!.count(), 1);
      assert.equal(
        JSON.stringify({ ...img, layers: img.layers.map((l) => ({ ...l, volume: 0 })) }),
        json,
      );
    });
  }
});

Deno.test("imageFingerprint() is equal for a copy", () => {
  const img = sampleImage();
  assert.ok(sameFingerprint(imageFingerprint(img), imageFingerprint(copyImage(img))));
  assert.ok(sameFingerprint(imageFingerprint(img), imageFingerprint(img)));
});

Deno.test("imageFingerprint() changes after any edit", async (t) => {
  const edits: [string, (img: Image) => void][] = [
    ["voxel", (img) => img.layers[0].volume.set(0, 0, 0, BLUE)],
    ["layer name", (img) => (img.layers[0].name = "Renamed")],
    ["layer visibility", (img) => (img.layers[1].visible = false)],
    ["layer id", (img) => (img.layers[1].id = 9)],
    ["layer blend mode", (img) => (img.layers[1].mode = BlendMode.SUB)],
    ["layer material", (img) => (img.layers[1].material = img.materials[1])],
    ["layer matrix", (img) => (img.layers[0].mat[12] = 1)],
    ["layer order", (img) => img.layers.reverse()],
    ["active layer", (img) => (img.activeLayer = img.layers[1])],
    ["camera matrix", (img) => (img.cameras[0].mat[12] += 1)],
    ["camera dist", (img) => (img.cameras[0].dist = 10)],
    ["camera ortho", (img) => (img.cameras[1].ortho = true)],
    ["camera name", (img) => (img.cameras[1].name = "Other")],
    ["material name", (img) => (img.materials[0].name = "Matte")],
    ["material roughness", (img) => (img.materials[1].roughness = 0.9)],
    ["material colour", (img) => (img.materials[0].baseColor[2] = 0.5)],
    ["material emission", (img) => (img.materials[0].emission[1] = 0.5)],
    ["image box", (img) => (img.box = boxFromAabb({ min: [0, 0, 0], max: [8, 8, 8] }))],
    [
      "selection box",
      (img) => (img.selectionBox = boxFromAabb({ min: [0, 0, 0], max: [1, 1, 1] })),
    ],
    ["selection mask", (img) => img.selectionMask!.set(1, 0, 0, 0xffffffff)],
    ["new layer", (img) => img.layers.push(newLayer(5, "New"))],
  ];
  for (const [name, edit] of edits) {
    await t.step(name, () => {
      const img = sampleImage();
      const copy = copyImage(img);
      edit(copy);
      assert.ok(!sameFingerprint(imageFingerprint(img), imageFingerprint(copy)));
    });
  }
});

Deno.test("sameFingerprint() compares element by element", () => {
  const key = Symbol("k");
  assert.ok(sameFingerprint([1, "a", key, null], [1, "a", key, null]));
  assert.ok(!sameFingerprint([1, key], [1, Symbol("k")]));
  assert.ok(!sameFingerprint([1, 2], [1, 2, 3]));
});

Deno.test("mergedVisibleVolume() skips hidden layers and blends the rest with OVER", () => {
  const img = emptyImage();
  const half = packRgba(0, 255, 0, 128);
  const bottom = newLayer(1, "bottom"), middle = newLayer(2, "middle"), top = newLayer(3, "top");
  bottom.volume.set(0, 0, 0, RED);
  bottom.volume.set(5, 0, 0, RED);
  middle.volume.set(0, 0, 0, BLUE);
  middle.volume.set(7, 0, 0, BLUE);
  middle.visible = false;
  top.volume.set(0, 0, 0, half);
  top.volume.set(9, 9, 9, half);
  img.layers.push(bottom, middle, top);

  const merged = mergedVisibleVolume(img);
  assert.equal(merged.get(0, 0, 0), combine(RED, half, BlendMode.OVER));
  assert.notEqual(merged.get(0, 0, 0), half);
  assert.equal(merged.get(5, 0, 0), RED);
  assert.equal(merged.get(7, 0, 0), 0);
  assert.equal(merged.get(9, 9, 9), half);
  assert.equal(merged.count(), 3);
});

Deno.test("mergedVisibleVolume() is empty when every layer is hidden and leaves layers unchanged", () => {
  const img = sampleImage();
  const crc = img.layers[0].volume.crc32();
  const merged = mergedVisibleVolume(img);
  merged.set(0, 0, 0, 0);
  assert.equal(img.layers[0].volume.crc32(), crc);
  for (const l of img.layers) l.visible = false;
  assert.ok(mergedVisibleVolume(img).isEmpty());
});

Deno.test("visibleVoxel() gives what mergedVisibleVolume() holds, voxel by voxel", async () => {
  const { visibleVoxel } = await import("./image.ts");
  const { packRgba } = await import("./color.ts");
  const { addLayer } = await import("./ops/layers.ts");
  const image = newImage();
  const a = image.layers[0], b = addLayer(image), hidden = addLayer(image);
  a.volume.set(0, 0, 0, packRgba(255, 0, 0, 255));
  a.volume.set(1, 0, 0, packRgba(9, 8, 7, 0)); // alpha 0 keeps its RGB
  b.volume.set(0, 0, 0, packRgba(0, 0, 255, 128));
  b.volume.set(20, 0, 0, packRgba(1, 2, 3, 255));
  hidden.volume.set(2, 0, 0, packRgba(5, 5, 5, 255));
  hidden.visible = false;
  const merged = mergedVisibleVolume(image);
  for (const [x, y, z] of [[0, 0, 0], [1, 0, 0], [2, 0, 0], [20, 0, 0], [40, 40, 40]]) {
    assert.equal(visibleVoxel(image, x, y, z), merged.get(x, y, z), `${x},${y},${z}`);
  }
});

Deno.test("mergedVisibleVolume() reuses a merge only while the visible layers are unchanged", () => {
  const img = emptyImage();
  const a = newLayer(1, "a"), b = newLayer(2, "b");
  img.layers.push(a, b);
  const red = packRgba(255, 0, 0, 255), blue = packRgba(0, 0, 255, 255);
  a.volume.set(0, 0, 0, red);
  b.volume.set(1, 0, 0, blue);
  const at = (v: Volume) => [v.get(0, 0, 0), v.get(1, 0, 0), v.get(2, 0, 0), v.get(40, 0, 0)];
  assert.deepEqual(at(mergedVisibleVolume(img)), [red, blue, 0, 0]);
  // A caller writing into its merge changes neither the layers nor later merges.
  mergedVisibleVolume(img).set(2, 0, 0, red);
  assert.deepEqual(at(mergedVisibleVolume(img)), [red, blue, 0, 0]);
  assert.equal(a.volume.get(2, 0, 0), 0);
  // Each kind of change is seen: a voxel, a tile written in place, visibility, order, a layer.
  b.volume.set(0, 0, 0, blue);
  assert.deepEqual(at(mergedVisibleVolume(img)), [blue, blue, 0, 0]);
  b.volume.writeTile(32, 0, 0)[8] = red;
  assert.deepEqual(at(mergedVisibleVolume(img)), [blue, blue, 0, red]);
  b.visible = false;
  assert.deepEqual(at(mergedVisibleVolume(img)), [red, 0, 0, 0]);
  b.visible = true;
  img.layers.reverse();
  assert.deepEqual(at(mergedVisibleVolume(img)), [red, blue, 0, red]);
  img.layers.push(newLayer(3, "c"));
  img.layers[2].volume.set(2, 0, 0, blue);
  assert.deepEqual(at(mergedVisibleVolume(img)), [red, blue, blue, red]);
});

Deno.test("mergedVisibleName() is shared by copies and changes with every change of the merge", () => {
  const img = emptyImage();
  const a = newLayer(1, "a"), b = newLayer(2, "b");
  img.layers.push(a, b);
  a.volume.set(0, 0, 0, packRgba(255, 0, 0, 255));
  const names = new Set<string>();
  const name = mergedVisibleName(img);
  names.add(name);
  assert.equal(mergedVisibleName(img), name);
  assert.equal(mergedVisibleName(copyImage(img)), name, "a snapshot has the same voxels");
  const seen = (what: string) => {
    const n = mergedVisibleName(img);
    assert.ok(!names.has(n), `${what}: ${n} was seen before`);
    names.add(n);
  };
  b.volume.set(1, 0, 0, packRgba(0, 0, 255, 255));
  seen("a voxel");
  b.volume.writeTile(32, 0, 0)[8] = 1;
  seen("a tile written in place");
  b.visible = false;
  seen("a layer hidden");
  b.visible = true;
  img.layers.reverse();
  seen("layers reordered");
  img.layers.push(newLayer(3, "c"));
  seen("a layer added");
  // Another image with equal voxels built separately has a name of its own (names are cheap
  // identities, not hashes of the voxels).
  const other = emptyImage();
  other.layers.push(newLayer(1, "a"));
  other.layers[0].volume.set(0, 0, 0, packRgba(255, 0, 0, 255));
  assert.ok(!names.has(mergedVisibleName(other)));
});
