import assert from "node:assert/strict";
import { History, stepBytes } from "./history.ts";
import { copyImage, type Image, newImage } from "./image.ts";
import { diffImage } from "./journal/image_delta.ts";
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

/** Applies `op` to `image` and records it as one step, the way the daemon's commits do. */
function step(history: History, image: Image, op: (image: Image) => void): void {
  const before = copyImage(image);
  op(image);
  history.push({
    forward: diffImage(before, image, true),
    inverse: diffImage(image, before, true),
  });
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
  const history = new History();
  const states = [describe(image)];
  for (const [name, op] of STEPS) {
    await t.step(`push after: ${name}`, () => {
      step(history, image, op);
      states.push(describe(image));
      assert.notEqual(states.at(-1), states.at(-2));
    });
  }
  assert.equal(history.size, STEPS.length + 1);
  await t.step("undo walks back to the start", () => {
    for (let i = states.length - 2; i >= 0; i--) {
      image = history.undo(image)!;
      assert.equal(describe(image), states[i], `undo to state ${i}`);
    }
    assert.equal(history.undo(image), null);
    assert.equal(history.canUndo, false);
  });
  await t.step("redo walks forward to the end", () => {
    for (let i = 1; i < states.length; i++) {
      image = history.redo(image)!;
      assert.equal(describe(image), states[i], `redo to state ${i}`);
    }
    assert.equal(history.redo(image), null);
    assert.equal(history.canRedo, false);
  });
});

Deno.test("History.push() after undo drops the redo branch", () => {
  let image = newImage();
  const history = new History();
  step(history, image, (img) => img.layers[0].volume.set(1, 0, 0, 0xffffffff));
  step(history, image, (img) => img.layers[0].volume.set(2, 0, 0, 0xffffffff));
  image = history.undo(image)!;
  step(history, image, (img) => img.layers[0].volume.set(3, 0, 0, 0xffffffff));
  assert.equal(history.canRedo, false);
  assert.equal(history.size, 3);
  image = history.undo(image)!;
  assert.equal(image.layers[0].volume.count(), 1);
});

Deno.test("History with a limit drops the oldest steps", () => {
  let image = newImage();
  const history = new History({ limit: 3 });
  for (let i = 1; i <= 5; i++) {
    step(history, image, (img) => img.layers[0].volume.set(i, 0, 0, 0xffffffff));
  }
  assert.equal(history.size, 3);
  image = history.undo(image)!;
  assert.equal(image.layers[0].volume.count(), 4);
  image = history.undo(image)!;
  assert.equal(image.layers[0].volume.count(), 3);
  assert.equal(history.undo(image), null);
  assert.throws(() => new History({ limit: 0 }), RangeError);
});

Deno.test("History.undo() keeps the live camera pose when the camera names match", () => {
  let image = newImage();
  const history = new History();
  step(history, image, (img) => {
    img.layers[0].volume.set(0, 0, 0, 0xffffffff);
    img.activeCamera!.dist = 7;
  });
  image.activeCamera!.dist = 42;
  image = history.undo(image)!;
  assert.equal(image.activeCamera!.dist, 42);
  assert.equal(image.layers[0].volume.count(), 0);
});

Deno.test("History.seek() and restart() move and clear the cursor", () => {
  const image = newImage();
  const history = new History();
  step(history, image, (img) => img.layers[0].volume.set(0, 0, 0, 0xffffffff));
  history.seek(0);
  assert.equal(history.canRedo, true);
  assert.throws(() => history.seek(5), RangeError);
  history.restart();
  assert.equal(history.size, 1);
  assert.equal(history.canUndo, false);
});

Deno.test("History.unpush() restores the redo branch and the oldest step a push dropped", () => {
  let image = newImage();
  const history = new History({ limit: 3 });
  const set = (x: number) => (img: Image) => img.layers[0].volume.set(x, 0, 0, 0xffffffff);
  step(history, image, set(1));
  step(history, image, set(2));
  image = history.undo(image)!; // steps [1, 2], cursor 1: step 2 is the redo branch
  const before = copyImage(image);
  const forward = (() => {
    set(3)(image);
    return diffImage(before, image, true);
  })();
  const undo = history.push({ forward, inverse: diffImage(image, before, true) });
  assert.equal(history.canRedo, false);
  history.unpush(undo);
  assert.deepEqual([history.position, history.size, history.canRedo], [1, 3, true]);
  // Past the limit: the push forgets the oldest step; unpush brings it back.
  image = history.redo(before)!;
  const full = copyImage(image);
  set(4)(image);
  const dropOldest = history.push({
    forward: diffImage(full, image, true),
    inverse: diffImage(image, full, true),
  });
  assert.equal(history.size, 3);
  history.unpush(dropOldest);
  image = full;
  assert.deepEqual([history.position, history.size], [2, 3]);
  image = history.undo(image)!;
  image = history.undo(image)!;
  assert.equal(image.layers[0].volume.count(), 0, "both original steps undo again");
});

Deno.test("History.unpush() with a limit of one state leaves the history empty again", () => {
  const image = newImage();
  const history = new History({ limit: 1 });
  const before = copyImage(image);
  image.layers[0].volume.set(1, 0, 0, 0xffffffff);
  const undo = history.push({
    forward: diffImage(before, image, true),
    inverse: diffImage(image, before, true),
  });
  assert.deepEqual([history.size, history.canUndo], [1, false]);
  history.unpush(undo);
  assert.deepEqual([history.size, history.canUndo, history.canRedo], [1, false, false]);
});

Deno.test("History drops the oldest steps past maxBytes, keeps the newest, and unpush restores them", () => {
  // Each step paints one voxel in a tile of its own: 16 KiB plus its encoded tile.
  let image = newImage();
  const probe = new History();
  step(probe, image, (img) => img.layers[0].volume.set(0, 0, 0, 0xffffffff));
  const one = probe.bytes;
  assert.ok(one > 16384 && one < 16384 + 64, `one step weighs ${one}`);
  image = newImage();
  const history = new History({ maxBytes: 3 * one });
  const paint = (k: number) => (img: Image) => img.layers[0].volume.set(k * 16, 0, 0, 0xffffffff);
  for (let k = 0; k < 3; k++) step(history, image, paint(k));
  assert.deepEqual([history.size, history.bytes], [4, 3 * one]);
  const before = copyImage(image);
  paint(3)(image);
  const undo = history.push({
    forward: diffImage(before, image, true),
    inverse: diffImage(image, before, true),
  });
  assert.deepEqual([history.size, history.bytes, undo.shifted.length], [4, 3 * one, 1]);
  // Undo reaches back three steps: the first paint stays.
  let back = image;
  while (history.canUndo) back = history.undo(back)!;
  assert.equal(back.layers[0].volume.count(), 1);
  while (history.canRedo) back = history.redo(back)!;
  history.unpush(undo);
  assert.deepEqual([history.size, history.bytes, history.position], [4, 3 * one, 3]);
  // A step heavier than the cap alone is still kept (the latest edit can always be undone).
  const tiny = new History({ maxBytes: 10 });
  image = newImage();
  step(tiny, image, paint(0));
  step(tiny, image, paint(1));
  assert.deepEqual([tiny.size, tiny.bytes], [2, one]);
  assert.throws(() => new History({ maxBytes: -1 }), RangeError);
});

Deno.test("stepBytes() charges a removed layer's tiles, which its delta does not list", () => {
  const image = newImage();
  const layer = addLayer(image);
  for (let k = 0; k < 3; k++) layer.volume.set(k * 16, 0, 0, 0xffffffff);
  const before = copyImage(image);
  deleteLayer(image, image.layers.find((l) => l.id === layer.id)!);
  const forward = diffImage(before, image, true);
  assert.equal(forward.volumes.length, 0, "the delta lists none of its tiles");
  assert.equal(stepBytes({ forward, before }), 3 * 16384);
  const history = new History({ maxBytes: 2 * 16384 });
  history.push({ forward, before });
  assert.equal(history.bytes, 3 * 16384);
});
