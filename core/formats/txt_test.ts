import assert from "node:assert/strict";
import { LimitError, WorkBudget } from "../budget.ts";
import { packRgba } from "../color.ts";
import { FormatError } from "../errors.ts";
import { mergedVisibleVolume } from "../image.ts";
import { hasFixtures, readFixture } from "./corrupt_testing.ts";
import { decodeQubicle } from "./qubicle.ts";
import { decodeTxt, encodeTxt } from "./txt.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("decodeTxt() tolerates spacing, tabs, CRLF, comments and #colours", () => {
  const img = decodeTxt(text("# c\n\n 1  2\t3 ff0000\r\n  # x\n-4 5 -6 #00ff0080\n7 8 9 0000ff\n"));
  const v = img.layers[0].volume;
  assert.equal(v.count(), 3);
  assert.equal(v.get(1, 2, 3), packRgba(255, 0, 0));
  assert.equal(v.get(-4, 5, -6), packRgba(0, 255, 0, 128));
  assert.equal(v.get(7, 8, 9), packRgba(0, 0, 255));
});

Deno.test("decodeTxt() reports the first malformed line with its byte offset", async (t) => {
  const cases: [string, number, RegExp][] = [
    ["1 2 3 ff0000\n1 2 ff0000\n", 13, /line 2 .*: it has 3 fields/],
    ["1 2 3 fg0000\n", 0, /the colour is not 6 or 8 hex digits/],
    ["1 2 3 ff0000 extra\n", 0, /it has 5 fields/],
    ["1.5 2 3 ff0000\n", 0, /: x not an integer/],
    ["1 a b ff0000\n", 0, /: y, z not an integer/],
    ["99999999 2 3 ff0000\n", 0, /a coordinate is out of range/],
  ];
  for (const [src, offset, why] of cases) {
    await t.step(JSON.stringify(src), () => {
      assert.throws(
        () => decodeTxt(text(src)),
        (e) => e instanceof FormatError && e.offset === offset && why.test(e.message),
      );
    });
  }
  assert.throws(() => decodeTxt(Uint8Array.of(0xff, 0xfe)), FormatError);
});

Deno.test("encodeTxt() writes Goxel's header and lower-case hex for alpha ≥ 127", () => {
  const img = decodeTxt(text("1 2 3 ABCDEF\n4 5 6 11223300\n7 8 9 1122337f\n"));
  assert.equal(
    new TextDecoder().decode(encodeTxt(img)),
    "# Goxel 0.15.2\n# One line per voxel\n# X Y Z RRGGBB\n1 2 3 abcdef\n7 8 9 112233\n",
  );
});

Deno.test("encodeTxt() writes negative, large and zero-padded values like printf", () => {
  const img = decodeTxt(text("-1048576 0 1048575 000a0b\n-10 -200 -3000 f00d0e\n"));
  assert.equal(
    new TextDecoder().decode(encodeTxt(img)).split("\n").slice(3).sort().join("\n"),
    "\n-10 -200 -3000 f00d0e\n-1048576 0 1048575 000a0b",
  );
});

Deno.test({
  name: "encodeTxt() round-trips a real model with the same CRC",
  ignore: !hasFixtures("txt_test"),
  fn: () => {
    const src = decodeQubicle(readFixture("vengi/qubicle.qb"));
    const first = decodeTxt(encodeTxt(src));
    assert.equal(first.layers[0].volume.count(), mergedVisibleVolume(src).count(127));
    const second = decodeTxt(encodeTxt(first));
    assert.equal(second.layers[0].volume.crc32(), first.layers[0].volume.crc32());
  },
});

Deno.test("decodeTxt() charges every voxel and new tile to the budget before placing it", () => {
  // 100 lines, each in its own tile: over a 50-tile budget before the 51st tile exists.
  const lines = Array.from({ length: 100 }, (_, i) => `${i * 16} 0 0 ff0000`).join("\n");
  const bytes = new TextEncoder().encode(lines);
  assert.throws(
    () => decodeTxt(bytes, { budget: new WorkBudget({ maxTiles: 50 }) }),
    (e) => e instanceof LimitError && e.limit === "limits.max_tiles_per_request",
  );
  assert.equal(
    decodeTxt(bytes, { budget: new WorkBudget({ maxTiles: 100 }) }).layers[0].volume.count(),
    100,
  );
});
