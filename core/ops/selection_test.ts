import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { newImage } from "../image.ts";
import { Volume } from "../volume.ts";
import { floodFill } from "./fill.ts";
import { replaceColor } from "./replace_color.ts";
import {
  addSelection,
  fuzzySelect,
  resetSelection,
  selectByColor,
  selectionClip,
  setSelectionBox,
  subSelection,
} from "./selection.ts";

const RED = packRgba(255, 0, 0), BLUE = packRgba(0, 0, 255), GREEN = packRgba(0, 255, 0);

/** An image whose layer holds a row x = 0..7 at y = z = 0: red for x < 4, blue after. */
function rowImage() {
  const image = newImage();
  for (let x = 0; x < 8; x++) image.layers[0].volume.set(x, 0, 0, x < 4 ? RED : BLUE);
  return image;
}

const box = (min: number[], max: number[]) => boxFromAabb({ min, max } as never);

Deno.test("selectionClip() prefers a non-empty mask, then the box", async (t) => {
  const image = rowImage();
  await t.step(
    "nothing selected",
    () => assert.deepEqual(selectionClip(image), { mask: null, box: null }),
  );
  setSelectionBox(image, box([0, 0, 0], [2, 1, 1]));
  await t.step("box only", () => assert.ok(selectionClip(image).box));
  image.selectionMask = new Volume();
  await t.step("an empty mask falls back to the box", () => {
    assert.equal(selectionClip(image).mask, null);
    assert.ok(selectionClip(image).box);
  });
  image.selectionMask.set(0, 0, 0, 0xffffffff);
  await t.step("a non-empty mask wins", () => {
    const clip = selectionClip(image);
    assert.equal(clip.mask, image.selectionMask);
    assert.equal(clip.box, null);
  });
  resetSelection(image);
  assert.equal(image.selectionMask, null);
  assert.equal(image.selectionBox, null);
});

Deno.test("addSelection() and subSelection() edit the mask through the box", () => {
  const image = rowImage();
  assert.equal(addSelection(image), false, "no box, nothing to add");
  setSelectionBox(image, box([0, 0, 0], [3, 1, 1]));
  assert.equal(addSelection(image), true);
  assert.equal(image.selectionMask!.count(), 3);
  assert.equal(image.selectionMask!.get(0, 0, 0), 0xffffffff);
  assert.equal(addSelection(image, box([6, 0, 0], [8, 1, 1])), true);
  assert.equal(image.selectionMask!.count(), 5);
  assert.equal(subSelection(image, box([1, 0, 0], [7, 1, 1])), true);
  assert.equal(image.selectionMask!.count(), 2);
  assert.equal(image.selectionMask!.get(7, 0, 0) >>> 24, 255);
});

Deno.test("fuzzySelect() merges with replace, add and sub", async (t) => {
  const image = rowImage();
  const layer = image.layers[0];
  const cases: [string, number[], "replace" | "add" | "sub", number][] = [
    ["replace picks the red run", [0, 0, 0], "replace", 4],
    ["add takes the blue run too", [7, 0, 0], "add", 8],
    ["sub removes the red run", [1, 0, 0], "sub", 4],
    ["replace again starts over", [5, 0, 0], "replace", 4],
  ];
  for (const [name, start, mode, count] of cases) {
    await t.step(name, () => {
      assert.equal(fuzzySelect(image, layer, start as never, 0, mode), count);
    });
  }
  await t.step("selectByColor() takes unconnected voxels too", () => {
    layer.volume.set(0, 5, 0, RED);
    assert.equal(selectByColor(image, layer, [0, 0, 0], 0, "replace"), 5);
  });
});

Deno.test("edits limited by the selection leave unselected voxels alone", async (t) => {
  await t.step("replaceColor within the selection box", () => {
    const image = rowImage();
    setSelectionBox(image, box([2, 0, 0], [6, 1, 1]));
    const volume = image.layers[0].volume;
    assert.equal(replaceColor(volume, RED, GREEN, { clip: selectionClip(image) }), 2);
    assert.deepEqual([0, 1, 2, 3].map((x) => volume.get(x, 0, 0)), [RED, RED, GREEN, GREEN]);
  });
  await t.step("floodFill within the selection mask", () => {
    const image = rowImage();
    fuzzySelect(image, image.layers[0], [4, 0, 0], 0, "replace");
    subSelection(image, box([6, 0, 0], [8, 1, 1]));
    const volume = image.layers[0].volume;
    const { mask } = selectionClip(image);
    assert.equal(floodFill(volume, [4, 0, 0], GREEN, { mask }), 2);
    assert.deepEqual([4, 5, 6, 7].map((x) => volume.get(x, 0, 0)), [GREEN, GREEN, BLUE, BLUE]);
  });
});
