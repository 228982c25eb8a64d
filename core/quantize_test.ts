import { deepEqual, equal, ok } from "node:assert/strict";
import { packRgba, type Rgba } from "./color.ts";
import { nearestColorIndex, quantizeColors } from "./quantize.ts";

Deno.test("quantizeColors() returns the colours unchanged when they fit", () => {
  const counts = new Map<Rgba, number>([[packRgba(1, 2, 3), 5], [packRgba(9, 9, 9), 1]]);
  deepEqual(quantizeColors(counts, 255), [packRgba(1, 2, 3), packRgba(9, 9, 9)]);
});

Deno.test("quantizeColors() reduces many colours to exactly n distinct buckets", async (t) => {
  const counts = new Map<Rgba, number>();
  for (let r = 0; r < 256; r += 8) {
    for (let g = 0; g < 256; g += 16) counts.set(packRgba(r, g, (r * g) & 255), 1 + (r & 7));
  }
  for (const n of [1, 2, 16, 255]) {
    await t.step(`n = ${n}`, () => {
      const out = quantizeColors(counts, n);
      equal(out.length, n);
      for (const c of out) equal(c >>> 24, 255);
    });
  }
});

Deno.test("quantizeColors() splits two clusters at their median", () => {
  const counts = new Map<Rgba, number>([
    [packRgba(0, 0, 0), 10],
    [packRgba(2, 0, 0), 10],
    [packRgba(200, 0, 0), 10],
    [packRgba(202, 0, 0), 10],
  ]);
  const out = quantizeColors(counts, 2).sort((a, b) => a - b);
  deepEqual(out, [packRgba(1, 0, 0), packRgba(201, 0, 0)].sort((a, b) => a - b));
});

Deno.test("quantizeColors() weights the average by voxel count", () => {
  const counts = new Map<Rgba, number>([
    [packRgba(0, 0, 0), 3],
    [packRgba(100, 0, 0), 1],
    [packRgba(250, 250, 250), 1],
    [packRgba(10, 10, 10), 1],
  ]);
  const out = quantizeColors(counts, 3);
  equal(out.length, 3);
  ok(out.every((c) => (c & 255) <= 250));
});

Deno.test("nearestColorIndex() prefers exact matches, then the smallest Manhattan distance", async (t) => {
  const pal = [
    0,
    packRgba(10, 10, 10),
    packRgba(20, 0, 0),
    packRgba(0, 20, 0),
    packRgba(10, 10, 10),
  ];
  const cases: [string, Rgba, number][] = [
    ["exact", packRgba(10, 10, 10), 1],
    ["nearest", packRgba(19, 1, 0), 2],
    ["first wins ties", packRgba(10, 10, 0), 1],
  ];
  for (const [name, color, want] of cases) {
    await t.step(name, () => equal(nearestColorIndex(pal, color, 1), want));
  }
});
