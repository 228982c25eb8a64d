import assert from "node:assert/strict";
import { encodePng } from "../core/formats/png.ts";
import { decodePng } from "../core/formats/png_decode.ts";
import { contactSheet, decodePicture, encodePicture } from "./png.ts";

function picture(width: number, height: number, seed: number) {
  const rgba = new Uint8Array(width * height * 4).map((_, i) => (i * seed + (i >> 6)) & 0xff);
  return { width, height, rgba };
}

Deno.test("decodePicture() reads what the core encoder writes, every filter included", () => {
  const pic = picture(37, 23, 7);
  const back = decodePicture(encodePng(pic.width, pic.height, pic.rgba));
  assert.deepEqual(back, pic);
});

Deno.test("encodePicture() writes a PNG the core decoder reads back exactly", () => {
  const pic = picture(19, 11, 13);
  const back = decodePng(encodePicture(pic));
  assert.equal(back.width, 19);
  assert.deepEqual(new Uint8Array(back.rgba), pic.rgba);
});

Deno.test("contactSheet() places pictures row by row", () => {
  const red = { width: 2, height: 2, rgba: new Uint8Array(16).fill(255) };
  const sheet = contactSheet([red, red, red], 2, 2);
  assert.equal(sheet.width, 4);
  assert.equal(sheet.height, 4);
  const at = (x: number, y: number) => sheet.rgba[(y * 4 + x) * 4];
  assert.deepEqual([at(0, 0), at(3, 1), at(1, 3), at(3, 3)], [255, 255, 255, 255]);
  const alpha = (x: number, y: number) => sheet.rgba[(y * 4 + x) * 4 + 3];
  assert.equal(alpha(3, 3), 255, "the empty cell takes the background, not transparency");
});

Deno.test("contactSheet() fills an empty cell with the first picture's edge, row by row", () => {
  // A vertical gradient: row y is grey y * 100.
  const rgba = new Uint8Array(2 * 2 * 4);
  for (let y = 0; y < 2; y++) rgba.fill(y * 100, y * 8, y * 8 + 8);
  const sheet = contactSheet(
    [{ width: 2, height: 2, rgba }, { width: 2, height: 2, rgba }, {
      width: 2,
      height: 2,
      rgba,
    }],
    2,
    2,
  );
  const px = (x: number, y: number) => sheet.rgba[(y * 4 + x) * 4];
  assert.deepEqual([px(2, 2), px(3, 2), px(2, 3), px(3, 3)], [0, 0, 100, 100]);
});
