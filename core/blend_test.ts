import assert from "node:assert/strict";
import { BlendMode, combine, mergeVolumes, tint } from "./blend.ts";
import { packRgba } from "./color.ts";
import { Volume } from "./volume.ts";

const A = packRgba(100, 150, 200, 128);
const B = packRgba(10, 20, 250, 64);

Deno.test("combine() reproduces Goxel's integer results", async (t) => {
  const cases: [string, number, number, BlendMode, number][] = [
    // OVER: D = 255·64 + 128·191 = 40768; r = (255·10·64 + 100·128·191) / D = 2608000 / D = 63.
    ["OVER", A, B, BlendMode.OVER, packRgba(63, 97, 220, 159)],
    ["OVER on empty destination", 0, B, BlendMode.OVER, packRgba(10, 20, 250, 64)],
    [
      "OVER with both alphas 0 keeps a",
      packRgba(1, 2, 3, 0),
      packRgba(9, 9, 9, 0),
      BlendMode.OVER,
      packRgba(1, 2, 3, 0),
    ],
    ["OVER opaque source", A, packRgba(1, 2, 3, 255), BlendMode.OVER, packRgba(1, 2, 3, 255)],
    ["SUB", A, B, BlendMode.SUB, packRgba(100, 150, 200, 64)],
    ["SUB below zero", B, A, BlendMode.SUB, packRgba(10, 20, 250, 0)],
    ["SUB_CLAMP", A, packRgba(0, 0, 0, 200), BlendMode.SUB_CLAMP, packRgba(100, 150, 200, 55)],
    // PAINT: t = 64/255; r = trunc(0.749·100 + 0.251·10) = 77.
    ["PAINT", A, B, BlendMode.PAINT, packRgba(77, 117, 212, 128)],
    [
      "PAINT into an empty voxel keeps alpha 0",
      0,
      packRgba(255, 0, 0, 255),
      BlendMode.PAINT,
      packRgba(255, 0, 0, 0),
    ],
    ["MAX", A, B, BlendMode.MAX, packRgba(10, 20, 250, 128)],
    ["INTERSECT", A, B, BlendMode.INTERSECT, packRgba(100, 150, 200, 64)],
    ["INTERSECT_FILL", A, B, BlendMode.INTERSECT_FILL, packRgba(10, 20, 250, 64)],
    [
      "INTERSECT_FILL to 0 keeps rgb",
      A,
      packRgba(1, 1, 1, 0),
      BlendMode.INTERSECT_FILL,
      packRgba(100, 150, 200, 0),
    ],
    // MULT_ALPHA: x·64/255 → 25, 37, 50, 32.
    ["MULT_ALPHA", A, B, BlendMode.MULT_ALPHA, packRgba(25, 37, 50, 32)],
    ["REPLACE", A, B, BlendMode.REPLACE, B],
  ];
  for (const [name, a, b, mode, want] of cases) {
    await t.step(name, () => assert.equal(combine(a, b, mode), want));
  }
});

Deno.test("tint() multiplies all four channels", () => {
  assert.equal(
    tint(packRgba(255, 128, 10, 200), packRgba(255, 0, 128, 128)),
    packRgba(255, 0, 5, 100),
  );
});

Deno.test("mergeVolumes() merges tile by tile like volume_merge", async (t) => {
  await t.step("OVER into an empty tile shares the source data", () => {
    const dst = new Volume(), src = new Volume();
    src.set(1, 1, 1, B);
    mergeVolumes(dst, src, BlendMode.OVER);
    assert.equal(dst.get(1, 1, 1), B);
    assert.equal(dst.tileDataId(0, 0, 0), src.tileDataId(0, 0, 0));
  });
  await t.step("OVER with a tint scales the source", () => {
    const dst = new Volume(), src = new Volume();
    src.set(-1, 0, 0, packRgba(255, 255, 255, 255));
    mergeVolumes(dst, src, BlendMode.OVER, packRgba(255, 0, 0, 128));
    assert.equal(dst.get(-1, 0, 0), packRgba(255, 0, 0, 128));
  });
  await t.step("SUB removes where the source is", () => {
    const dst = new Volume(), src = new Volume();
    dst.set(0, 0, 0, A);
    dst.set(40, 0, 0, A);
    src.set(0, 0, 0, packRgba(0, 0, 0, 255));
    mergeVolumes(dst, src, BlendMode.SUB);
    assert.equal(dst.count(), 1);
    assert.equal(dst.get(0, 0, 0), packRgba(100, 150, 200, 0));
  });
  await t.step("REPLACE returns a copy of the source", () => {
    const dst = new Volume(), src = new Volume();
    dst.set(5, 5, 5, A);
    src.set(0, 0, 0, B);
    const out = mergeVolumes(dst, src, BlendMode.REPLACE);
    assert.equal(out.count(), 1);
    assert.equal(out.get(0, 0, 0), B);
  });
  await t.step("INTERSECT empties destination tiles without a source tile", () => {
    const dst = new Volume(), src = new Volume();
    dst.set(0, 0, 0, A);
    dst.set(40, 0, 0, A);
    src.set(0, 0, 0, packRgba(0, 0, 0, 255));
    mergeVolumes(dst, src, BlendMode.INTERSECT);
    assert.equal(dst.count(), 1);
    assert.equal(dst.tileCount, 2, "empty results are not removed");
  });
});
