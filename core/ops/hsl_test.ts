import assert from "node:assert/strict";
import { packRgba, unpackRgba } from "../color.ts";
import { adjustColor, type ColorAdjustments, hslToSrgb, srgbToHsl } from "./hsl.ts";

const NONE: ColorAdjustments = { hue: 0, saturation: 0, lightness: 0, contrast: 0 };
const f = Math.fround;

Deno.test("srgbToHsl() and hslToSrgb() map primary, secondary and grey colours exactly", async (t) => {
  const cases: [string, [number, number, number], [number, number, number]][] = [
    ["red", [255, 0, 0], [0, 1, 0.5]],
    ["yellow", [255, 255, 0], [60, 1, 0.5]],
    ["green", [0, 255, 0], [120, 1, 0.5]],
    ["cyan", [0, 255, 255], [180, 1, 0.5]],
    ["blue", [0, 0, 255], [240, 1, 0.5]],
    ["magenta", [255, 0, 255], [300, 1, 0.5]],
    ["black", [0, 0, 0], [0, 0, 0]],
    ["white", [255, 255, 255], [0, 0, 1]],
    ["grey 128", [128, 128, 128], [0, 0, f(128 / 255)]],
    ["grey 51", [51, 51, 51], [0, 0, f(51 / 255)]],
  ];
  for (const [name, rgb, hsl] of cases) {
    await t.step(name, () => {
      assert.deepEqual(srgbToHsl(...rgb), hsl);
      assert.deepEqual(hslToSrgb(hsl), rgb);
    });
  }
});

Deno.test("srgbToHsl() gives hue in [0, 360) and s, l in [0, 1]", () => {
  for (let r = 0; r < 256; r += 17) {
    for (let g = 0; g < 256; g += 17) {
      for (let b = 0; b < 256; b += 17) {
        const [h, s, l] = srgbToHsl(r, g, b);
        assert.ok(h >= 0 && h < 360, `hue ${h} of ${r},${g},${b}`);
        assert.ok(s >= 0 && s <= 1 && l >= 0 && l <= 1, `${s},${l} of ${r},${g},${b}`);
        if (r === g && g === b) assert.equal(s, 0);
      }
    }
  }
});

Deno.test("srgbToHsl() computes hue, saturation and lightness of mixed colours", async (t) => {
  const cases: [[number, number, number], [number, number, number]][] = [
    [[255, 128, 0], [f(f(f(128 / 255) / 1) * 60), 1, 0.5]],
    [[0, 128, 0], [120, 1, f(f(128 / 255) / 2)]],
    [[255, 128, 128], [0, 1, f(f(1 + f(128 / 255)) / 2)]],
  ];
  for (const [rgb, hsl] of cases) {
    await t.step(`${rgb}`, () => {
      const got = srgbToHsl(...rgb);
      hsl.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-5, `${got} vs ${hsl}`));
    });
  }
});

Deno.test("hslToSrgb(srgbToHsl(c)) returns c or truncates a channel by one, like Goxel", () => {
  let exact = 0, total = 0;
  for (let r = 0; r < 256; r += 15) {
    for (let g = 0; g < 256; g += 15) {
      for (let b = 0; b < 256; b += 15) {
        const back = hslToSrgb(srgbToHsl(r, g, b));
        const diff = [back[0] - r, back[1] - g, back[2] - b];
        assert.ok(diff.every((d) => d === 0 || d === -1), `${r},${g},${b} -> ${back}`);
        total++;
        if (diff.every((d) => d === 0)) exact++;
      }
    }
  }
  assert.ok(exact > 0 && exact < total);
});

Deno.test("hslToSrgb() clamps to 0..255", () => {
  for (const hsl of [[0, 1, 1], [90, 1, 0], [200, 0.3, 0.99], [330, 1, 0.5]] as const) {
    for (const v of hslToSrgb([...hsl])) assert.ok(Number.isInteger(v) && v >= 0 && v <= 255);
  }
});

Deno.test("adjustColor() turns hue, saturation and lightness and keeps alpha", async (t) => {
  const cases: [string, [number, number, number], Partial<ColorAdjustments>, number[]][] = [
    ["hue +180 turns red cyan", [255, 0, 0], { hue: 180 }, [0, 255, 255]],
    ["hue -120 turns red blue", [255, 0, 0], { hue: -120 }, [0, 0, 255]],
    ["hue +120 turns blue red", [0, 0, 255], { hue: 120 }, [255, 0, 0]],
    ["lightness +100 gives white", [10, 100, 30], { lightness: 100 }, [255, 255, 255]],
    ["lightness -100 gives black", [10, 100, 30], { lightness: -100 }, [0, 0, 0]],
    ["saturation -100 gives grey", [10, 100, 30], { saturation: -100 }, [55, 55, 55]],
    ["contrast -100 gives linear mid grey", [100, 120, 140], { contrast: -100 }, [188, 188, 188]],
    ["contrast +100 pushes away from mid grey", [100, 120, 140], { contrast: 100 }, [0, 0, 43]],
  ];
  for (const [name, rgb, adj, expected] of cases) {
    await t.step(name, () => {
      for (const alpha of [0, 77, 255]) {
        const out = adjustColor(packRgba(...rgb, alpha), { ...NONE, ...adj });
        assert.deepEqual(unpackRgba(out), [...expected, alpha]);
      }
    });
  }
});
