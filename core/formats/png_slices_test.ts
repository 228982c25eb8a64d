import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { emptyImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { codecForPath, findCodec } from "./mod.ts";
import { decodePng } from "./png.ts";
import { encodePngSlices } from "./png_slices.ts";

Deno.test("encodePngSlices() lays z-slices side by side, row 0 = lowest y", () => {
  const img = emptyImage();
  const layer = newLayer(1, "a");
  layer.volume.set(0, 0, 0, packRgba(1, 2, 3, 4));
  layer.volume.set(2, 1, 3, packRgba(9, 8, 7, 255));
  img.layers.push(layer);
  img.box = boxFromAabb({ min: [0, 0, 0], max: [3, 2, 4] });
  const png = decodePng(encodePngSlices(img));
  assert.equal(png.width, 12);
  assert.equal(png.height, 2);
  const px = (
    col: number,
    row: number,
  ) => [...png.rgba.subarray((row * 12 + col) * 4, (row * 12 + col) * 4 + 4)];
  assert.deepEqual(px(0, 0), [1, 2, 3, 4]);
  assert.deepEqual(px(3 * 3 + 2, 1), [9, 8, 7, 255]);
  assert.equal(png.rgba.filter((b) => b !== 0).length, 8);
});

Deno.test("encodePngSlices() uses the voxel bbox without an image box and refuses empty images", () => {
  const img = emptyImage();
  const layer = newLayer(1, "a");
  layer.volume.set(5, 5, 5, packRgba(1, 1, 1));
  layer.volume.set(6, 7, 5, packRgba(1, 1, 1));
  img.layers.push(layer);
  const png = decodePng(encodePngSlices(img));
  assert.deepEqual([png.width, png.height], [2, 3]);
  assert.throws(() => encodePngSlices(emptyImage()), InvalidInputError);
});

Deno.test("png_slices is reachable by name only, never by the .png extension", () => {
  assert.equal(findCodec("png_slices", "encode")?.name, "png_slices");
  assert.notEqual(codecForPath("shot.png", "encode")?.name, "png_slices");
});

Deno.test("encodePngSlices() grows the image box to voxels outside it instead of dropping them", () => {
  const img = emptyImage();
  const layer = newLayer(1, "a");
  layer.volume.set(0, 0, 0, packRgba(1, 2, 3));
  layer.volume.set(-1, 2, 1, packRgba(4, 5, 6));
  img.layers.push(layer);
  img.box = boxFromAabb({ min: [0, 0, 0], max: [2, 2, 1] });
  const png = decodePng(encodePngSlices(img));
  // Grown to (−1, 0, 0)–(2, 3, 2): w = 3, h = 3, d = 2.
  assert.deepEqual([png.width, png.height], [6, 3]);
  const px = (
    col: number,
    row: number,
  ) => [...png.rgba.subarray((row * 6 + col) * 4, (row * 6 + col) * 4 + 4)];
  assert.deepEqual(px(1, 0), [1, 2, 3, 255]);
  assert.deepEqual(px(3, 2), [4, 5, 6, 255]);
});
