import assert from "node:assert/strict";
import { boxFromAabb } from "./box.ts";
import { packRgba } from "./color.ts";
import { newImage } from "./image.ts";
import { scriptGlobals, ScriptImage, ScriptVolume, Vec } from "./script_api.ts";
import { Volume } from "./volume.ts";

Deno.test("Vec exposes x y z w and r g b a aliases", () => {
  const v = new Vec(1, 2, 3, 4);
  assert.deepEqual([v.x, v.y, v.z, v.w], [1, 2, 3, 4]);
  assert.deepEqual([v.r, v.g, v.b, v.a], [1, 2, 3, 4]);
  assert.deepEqual(v.toJSON(), [1, 2, 3, 4]);
  assert.equal(JSON.stringify({ v }), '{"v":[1,2,3,4]}');
});

Deno.test("Vec throws RangeError when a component is missing", async (t) => {
  const cases: [string, Vec, (v: Vec) => number][] = [
    ["z of a 2-vector", new Vec(1, 2), (v) => v.z],
    ["b of a 2-vector", new Vec(1, 2), (v) => v.b],
    ["w of a 3-vector", new Vec(1, 2, 3), (v) => v.w],
    ["a of a 3-vector", new Vec(1, 2, 3), (v) => v.a],
    ["x of an empty vector", new Vec(), (v) => v.x],
  ];
  for (const [name, vec, read] of cases) {
    await t.step(name, () => assert.throws(() => read(vec), RangeError));
  }
});

Deno.test("Vec.toJSON() returns a copy", () => {
  const v = new Vec(1, 2);
  v.toJSON()[0] = 9;
  assert.equal(v.x, 1);
});

Deno.test("ScriptVolume.setAt() and getAt() write and read RGBA voxels", async (t) => {
  const cases: [string, number[] | Vec, number[] | Vec, number[], number[]][] = [
    ["arrays, opaque by default", [1, 2, 3], [10, 20, 30], [1, 2, 3], [10, 20, 30, 255]],
    ["Vec position and colour", new Vec(-4, 0, 7), new Vec(1, 2, 3, 4), [-4, 0, 7], [1, 2, 3, 4]],
    ["rounds positions", [1.4, 2.6, -0.4], [5, 5, 5, 5], [1, 3, 0], [5, 5, 5, 5]],
    ["alpha 0 clears", [0, 0, 0], [9, 9, 9, 0], [0, 0, 0], [9, 9, 9, 0]],
  ];
  for (const [name, pos, color, at, expected] of cases) {
    await t.step(name, () => {
      const v = new ScriptVolume();
      v.setAt(pos, color);
      const got = v.getAt(at);
      assert.ok(got instanceof Vec);
      assert.deepEqual(got.toJSON(), expected);
      assert.equal(
        v.inner.get(at[0], at[1], at[2]),
        packRgba(...(expected as [number, number, number, number])),
      );
    });
  }
  await t.step("missing voxels read as transparent black", () => {
    assert.deepEqual(new ScriptVolume().getAt([5, 5, 5]).toJSON(), [0, 0, 0, 0]);
  });
});

Deno.test("ScriptVolume.iter() visits every voxel with alpha ≠ 0", () => {
  const v = new ScriptVolume();
  v.setAt([0, 0, 0], [255, 0, 0]);
  v.setAt([20, -1, 3], [0, 255, 0, 1]);
  v.setAt([1, 0, 0], [0, 0, 255, 0]);
  const seen: string[] = [];
  v.iter((pos, color) => seen.push(`${pos.toJSON()}:${color.toJSON()}`));
  assert.deepEqual(seen.sort(), ["0,0,0:255,0,0,255", "20,-1,3:0,255,0,1"]);
  assert.equal(v.count, 2);
});

Deno.test("ScriptVolume.copy() is independent of the original", () => {
  const v = new ScriptVolume();
  v.setAt([0, 0, 0], [1, 1, 1]);
  const c = v.copy();
  c.setAt([0, 0, 0], [2, 2, 2]);
  c.setAt([1, 0, 0], [3, 3, 3]);
  assert.deepEqual(v.getAt([0, 0, 0]).toJSON(), [1, 1, 1, 255]);
  assert.equal(v.count, 1);
  assert.equal(c.count, 2);
  assert.notEqual(c.inner, v.inner);
});

Deno.test("ScriptVolume wraps the volume it is given", () => {
  const inner = new Volume();
  new ScriptVolume(inner).setAt([3, 3, 3], [1, 2, 3]);
  assert.equal(inner.get(3, 3, 3), packRgba(1, 2, 3));
});

Deno.test("ScriptImage.addLayer() adds an active layer to the wrapped image", () => {
  const img = newImage();
  const script = new ScriptImage(img);
  const layer = script.addLayer();
  assert.equal(img.layers.length, 2);
  assert.equal(layer.id, img.layers[1].id);
  assert.equal(layer.name, img.layers[1].name);
  assert.equal(layer.name, "Layer.2");
  assert.equal(script.activeLayer.id, layer.id);
  assert.deepEqual(script.layers.map((l) => l.name), ["Layer.1", "Layer.2"]);
  layer.volume.setAt([1, 2, 3], [4, 5, 6]);
  assert.equal(img.layers[1].volume.get(1, 2, 3), packRgba(4, 5, 6));
});

Deno.test("ScriptImage.activeLayer throws when the image has none", () => {
  const img = newImage();
  img.activeLayer = null;
  assert.throws(() => new ScriptImage(img).activeLayer, Error);
});

Deno.test("ScriptImage.getLayersVolume() merges visible layers into a separate volume", () => {
  const img = newImage();
  const script = new ScriptImage(img);
  script.activeLayer.volume.setAt([0, 0, 0], [255, 0, 0]);
  const hidden = script.addLayer();
  hidden.volume.setAt([5, 0, 0], [0, 255, 0]);
  img.layers[1].visible = false;
  const merged = script.getLayersVolume();
  assert.deepEqual(merged.getAt([0, 0, 0]).toJSON(), [255, 0, 0, 255]);
  assert.deepEqual(merged.getAt([5, 0, 0]).toJSON(), [0, 0, 0, 0]);
  merged.setAt([0, 0, 0], [1, 1, 1]);
  assert.equal(img.layers[0].volume.get(0, 0, 0), packRgba(255, 0, 0));
});

Deno.test("ScriptImage.selectionBox gives inclusive integer bounds, or null", async (t) => {
  const cases: [string, Float64Array | null, unknown][] = [
    ["none", null, null],
    ["null box matrix", new Float64Array(16), null],
    ["unit", boxFromAabb({ min: [0, 0, 0], max: [1, 1, 1] }), { min: [0, 0, 0], max: [0, 0, 0] }],
    ["range", boxFromAabb({ min: [-3, 0, 2], max: [4, 5, 6] }), {
      min: [-3, 0, 2],
      max: [3, 4, 5],
    }],
  ];
  for (const [name, box, expected] of cases) {
    await t.step(name, () => {
      const img = newImage();
      img.selectionBox = box;
      assert.deepEqual(new ScriptImage(img).selectionBox, expected);
    });
  }
});

Deno.test("scriptGlobals() palette colour setter fills missing components with 255", async (t) => {
  const cases: [string, number[] | Vec, number[]][] = [
    ["rgb array", [10, 20, 30], [10, 20, 30, 255]],
    ["rgba array", [10, 20, 30, 40], [10, 20, 30, 40]],
    ["two components", [7, 8], [7, 8, 255, 255]],
    ["empty", [], [255, 255, 255, 255]],
    ["Vec", new Vec(1, 2, 3), [1, 2, 3, 255]],
    ["zeros kept", [0, 0, 0, 0], [0, 0, 0, 0]],
  ];
  for (const [name, value, expected] of cases) {
    await t.step(name, () => {
      const color = { value: [0, 0, 0, 0] };
      const g = scriptGlobals(newImage(), color);
      g.goxel.palette.color = value;
      assert.deepEqual(color.value, expected);
      assert.deepEqual(g.goxel.palette.color.toJSON(), expected);
    });
  }
});

Deno.test("scriptGlobals() exposes the image, Volume and Vec", () => {
  const img = newImage();
  const g = scriptGlobals(img, { value: [1, 2, 3, 4] });
  assert.equal(g.Volume, ScriptVolume);
  assert.equal(g.Vec, Vec);
  assert.deepEqual(g.goxel.palette.color.toJSON(), [1, 2, 3, 4]);
  g.goxel.image.addLayer();
  assert.equal(img.layers.length, 2);
});
