import { equal } from "node:assert/strict";
import { packRgba } from "../color.ts";
import { magicaDefaultPalette } from "./magica_palette.ts";

Deno.test("magicaDefaultPalette() matches the published table at known indices", async (t) => {
  const pal = magicaDefaultPalette();
  const cases: [number, number][] = [
    [0, 0],
    [1, packRgba(0xff, 0xff, 0xff)],
    [2, packRgba(0xff, 0xff, 0xcc)],
    [7, packRgba(0xff, 0xcc, 0xff)],
    [215, packRgba(0x00, 0x00, 0x33)],
    [216, packRgba(0xee, 0, 0)],
    [225, packRgba(0x11, 0, 0)],
    [226, packRgba(0, 0xee, 0)],
    [236, packRgba(0, 0, 0xee)],
    [246, packRgba(0xee, 0xee, 0xee)],
    [255, packRgba(0x11, 0x11, 0x11)],
  ];
  for (const [index, color] of cases) {
    await t.step(`entry ${index}`, () => equal(pal[index], color));
  }
});

Deno.test("magicaDefaultPalette() has 255 distinct opaque colours after the empty entry", () => {
  const pal = magicaDefaultPalette();
  equal(pal.length, 256);
  equal(new Set(pal.subarray(1)).size, 255);
  for (let i = 1; i < 256; i++) equal(pal[i] >>> 24, 255);
});
