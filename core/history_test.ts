import assert from "node:assert/strict";
import { History } from "./history.ts";
import { type Image, newImage } from "./image.ts";
import {
  addLayer,
  deleteLayer,
  duplicateLayer,
  mergeLayerDown,
  renameLayer,
} from "./ops/layers.ts";

/** A compact, comparable description of an image: layer names, voxel CRCs, active layer. */
function describe(image: Image): string {
  const layers = image.layers.map((l) => `${l.name}=${l.volume.crc32().toString(16)}`);
  return `${layers.join(",")} active=${image.activeLayer?.name}`;
}

const STEPS: [string, (image: Image) => void][] = [
  ["paint into Layer.1", (img) => img.layers[0].volume.set(1, 2, 3, 0xff0000ff)],
  ["add a layer and paint it", (img) => addLayer(img).volume.set(4, 4, 4, 0xff00ff00)],
  ["duplicate the first layer", (img) => void duplicateLayer(img, img.layers[0])],
  ["paint the duplicate", (img) => img.activeLayer!.volume.set(9, 9, 9, 0xffffffff)],
  ["merge the duplicate down", (img) => void mergeLayerDown(img, img.activeLayer!)],
  ["rename a layer", (img) => void renameLayer(img, img.layers[0], "Ground")],
  ["delete the first layer", (img) => deleteLayer(img, img.layers[0])],
];

Deno.test("History undoes and redoes layer operations step by step", async (t) => {
  let image = newImage();
  const history = new History(image);
  const states = [describe(image)];
  for (const [name, op] of STEPS) {
    await t.step(`push after: ${name}`, () => {
      op(image);
      assert.equal(history.push(image), true);
      states.push(describe(image));
      assert.notEqual(states.at(-1), states.at(-2));
    });
  }
  assert.equal(history.size, STEPS.length + 1);
  await t.step("undo walks back to the start", () => {
    for (let i = states.length - 2; i >= 0; i--) {
      image = history.undo()!;
      assert.equal(describe(image), states[i], `undo to state ${i}`);
    }
    assert.equal(history.undo(), null);
    assert.equal(history.canUndo, false);
  });
  await t.step("redo walks forward to the end", () => {
    for (let i = 1; i < states.length; i++) {
      image = history.redo()!;
      assert.equal(describe(image), states[i], `redo to state ${i}`);
    }
    assert.equal(history.redo(), null);
    assert.equal(history.canRedo, false);
  });
});

Deno.test("History snapshots stay untouched when the live image is edited", () => {
  const image = newImage();
  image.layers[0].volume.set(0, 0, 0, 0xff0000ff);
  const history = new History(image);
  const before = describe(image);
  image.layers[0].volume.set(0, 0, 0, 0xff00ff00);
  image.layers[0].name = "Edited";
  assert.equal(history.push(image), true);
  const live = history.undo()!;
  assert.equal(describe(live), before);
  live.layers[0].volume.set(5, 5, 5, 0xffffffff);
  live.layers.push(live.layers[0]);
  assert.equal(
    describe(history.redo()!),
    "Edited=" + image.layers[0].volume.crc32().toString(16) +
      " active=Edited",
  );
  assert.equal(describe(history.undo()!), before);
});

Deno.test("History.push() ignores an unchanged image", async (t) => {
  const image = newImage();
  const history = new History(image);
  await t.step("same image twice", () => assert.equal(history.push(image), false));
  await t.step("an edit adds one step, pushing it again adds none", () => {
    image.layers[0].volume.set(0, 0, 0, 0xffffffff);
    assert.equal(history.push(image), true);
    assert.equal(history.push(image), false);
  });
  await t.step("an undone image pushed again adds no step", () => {
    const restored = history.undo()!;
    assert.equal(history.push(restored), false);
    assert.equal(history.canRedo, true);
  });
  assert.equal(history.size, 2);
});

Deno.test("History.push() after undo drops the redo branch", () => {
  const image = newImage();
  const history = new History(image);
  image.layers[0].visible = false;
  history.push(image);
  const restored = history.undo()!;
  restored.layers[0].name = "Other";
  assert.equal(history.push(restored), true);
  assert.equal(history.canRedo, false);
  assert.equal(history.size, 2);
});

Deno.test("History with a limit drops the oldest snapshots", () => {
  const image = newImage();
  const history = new History(image, { limit: 3 });
  for (let i = 1; i <= 5; i++) {
    image.layers[0].volume.set(i, 0, 0, 0xffffffff);
    history.push(image);
  }
  assert.equal(history.size, 3);
  assert.equal(history.undo()!.layers[0].volume.count(), 4);
  assert.equal(history.undo()!.layers[0].volume.count(), 3);
  assert.equal(history.undo(), null);
  assert.throws(() => new History(image, { limit: 0 }), RangeError);
});

Deno.test("History.undo() keeps the live camera pose when the camera names match", () => {
  const image = newImage();
  const history = new History(image);
  image.layers[0].volume.set(0, 0, 0, 0xffffffff);
  history.push(image);
  image.activeCamera!.dist = 42;
  const restored = history.undo(image)!;
  assert.equal(restored.activeCamera!.dist, 42);
  assert.equal(restored.layers[0].volume.count(), 0);
});
