import assert from "node:assert/strict";
import {
  alphaOf,
  formatHex,
  linearToSrgb,
  packRgba,
  parseHex,
  srgbToLinear,
  unpackRgba,
} from "./color.ts";

Deno.test("packRgba() stores R, G, B, A as little-endian bytes of an unsigned number", async (t) => {
  const cases: [[number, number, number, number], number][] = [
    [[0, 0, 0, 0], 0],
    [[255, 0, 0, 255], 0xff0000ff],
    [[0x12, 0x34, 0x56, 0x78], 0x78563412],
    [[255, 255, 255, 255], 0xffffffff],
    [[1, 2, 3, 128], 0x80030201],
  ];
  for (const [channels, packed] of cases) {
    await t.step(`${channels} -> 0x${packed.toString(16)}`, () => {
      const c = packRgba(...channels);
      assert.equal(c, packed);
      assert.ok(c >= 0);
      assert.deepEqual(unpackRgba(c), channels);
      assert.deepEqual([...new Uint8Array(new Uint32Array([c]).buffer)], channels);
    });
  }
});

Deno.test("packRgba() defaults alpha to 255 and keeps only the low byte of each channel", () => {
  assert.equal(packRgba(10, 20, 30), packRgba(10, 20, 30, 255));
  assert.deepEqual(unpackRgba(packRgba(256 + 7, -1, 0x1ff, 0)), [7, 255, 255, 0]);
});

Deno.test("unpackRgba() and packRgba() round-trip every alpha", () => {
  for (let a = 0; a < 256; a++) {
    const c = packRgba(a, 255 - a, a ^ 0x55, a);
    assert.deepEqual(unpackRgba(c), [a, 255 - a, a ^ 0x55, a]);
    assert.equal(alphaOf(c), a);
  }
});

Deno.test("formatHex() writes #rrggbbaa, or #rrggbb when short and opaque", async (t) => {
  const cases: [number, boolean, string][] = [
    [packRgba(255, 0, 16, 255), false, "#ff0010ff"],
    [packRgba(255, 0, 16, 255), true, "#ff0010"],
    [packRgba(1, 2, 3, 4), true, "#01020304"],
    [packRgba(1, 2, 3, 254), false, "#010203fe"],
    [0, true, "#00000000"],
  ];
  for (const [c, short, text] of cases) {
    await t.step(`${text} (short ${short})`, () => assert.equal(formatHex(c, short), text));
  }
});

Deno.test("parseHex() accepts #rgb, #rgba, #rrggbb and #rrggbbaa with or without #", async (t) => {
  const cases: [string, number][] = [
    ["#abc", packRgba(0xaa, 0xbb, 0xcc, 255)],
    ["abc", packRgba(0xaa, 0xbb, 0xcc, 255)],
    ["#abcd", packRgba(0xaa, 0xbb, 0xcc, 0xdd)],
    ["F0A8", packRgba(0xff, 0x00, 0xaa, 0x88)],
    ["#1a2B3c", packRgba(0x1a, 0x2b, 0x3c, 255)],
    ["1a2b3c", packRgba(0x1a, 0x2b, 0x3c, 255)],
    ["#1a2b3c4d", packRgba(0x1a, 0x2b, 0x3c, 0x4d)],
    ["00000000", 0],
    ["#FFFFFFFF", 0xffffffff],
  ];
  for (const [text, expected] of cases) {
    await t.step(text, () => assert.equal(parseHex(text), expected));
  }
});

Deno.test("parseHex() returns null for malformed colours", async (t) => {
  const cases = [
    "",
    "#",
    "##abc",
    "#a",
    "#ab",
    "#abcde",
    "#abcdefa",
    "#abcdef012",
    "#ggg",
    "#12345z",
    " #abc",
    "#abc ",
    "0xabc",
    "-abc",
    "#ab c",
  ];
  for (const text of cases) {
    await t.step(JSON.stringify(text), () => assert.equal(parseHex(text), null));
  }
});

Deno.test("formatHex() output parses back to the same colour", () => {
  for (const c of [0, 0xffffffff, packRgba(9, 80, 160, 255), packRgba(200, 100, 50, 3)]) {
    assert.equal(parseHex(formatHex(c)), c);
    assert.equal(parseHex(formatHex(c, true)), c);
  }
});

Deno.test("srgbToLinear() uses the linear segment up to 0.04045 inclusive", async (t) => {
  const cases: [number, number][] = [
    [0, 0],
    [0.02, 0.02 / 12.92],
    [0.04045, 0.04045 / 12.92],
    [0.5, Math.pow(0.555 / 1.055, 2.4)],
    [1, 1],
  ];
  for (const [c, expected] of cases) {
    await t.step(`${c}`, () => assert.ok(Math.abs(srgbToLinear(c) - expected) < 1e-15));
  }
  assert.ok(Math.abs(srgbToLinear(0.5) - 0.21404114) < 1e-8);
});

Deno.test("linearToSrgb() uses the linear segment up to 0.0031308 inclusive", async (t) => {
  const cases: [number, number][] = [
    [0, 0],
    [0.001, 0.01292],
    [0.0031308, 0.0031308 * 12.92],
    [0.21404114, 1.055 * Math.pow(0.21404114, 1 / 2.4) - 0.055],
    [1, 1],
  ];
  for (const [c, expected] of cases) {
    await t.step(`${c}`, () => assert.ok(Math.abs(linearToSrgb(c) - expected) < 1e-15));
  }
  assert.ok(Math.abs(linearToSrgb(0.21404114) - 0.5) < 1e-8);
});

Deno.test("linearToSrgb() inverts srgbToLinear() within 1e-9 over 0..1", () => {
  for (let i = 0; i <= 1000; i++) {
    const c = i / 1000;
    assert.ok(Math.abs(linearToSrgb(srgbToLinear(c)) - c) < 1e-9, `sRGB ${c}`);
    assert.ok(Math.abs(srgbToLinear(linearToSrgb(c)) - c) < 1e-9, `linear ${c}`);
  }
  for (const c of [0.04, 0.0405, 0.0031, 0.0031308, 0.0032]) {
    assert.ok(Math.abs(linearToSrgb(srgbToLinear(c)) - c) < 1e-9, `sRGB ${c}`);
    assert.ok(Math.abs(srgbToLinear(linearToSrgb(c)) - c) < 1e-9, `linear ${c}`);
  }
});

Deno.test("the sRGB branch points disagree by less than 1e-7, as the standard's constants do", () => {
  // 0.04045 / 12.92 = 0.00313080495… lies just above 0.0031308, so a value at the sRGB
  // threshold comes back through the power segment.
  assert.ok(srgbToLinear(0.04045) > 0.0031308);
  const err = Math.abs(linearToSrgb(srgbToLinear(0.04045)) - 0.04045);
  assert.ok(err > 0 && err < 1e-7, `error ${err}`);
});
