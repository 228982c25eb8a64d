import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { packRgba } from "../color.ts";
import { FormatError } from "../errors.ts";
import { decodeSlab6, emptyBounds } from "./slab6.ts";
import { decodeVox } from "./vox.ts";
import { FIXTURES, haveFixtures } from "../../tests/fixtures_testing.ts";

const HAVE_FIXTURES = haveFixtures("slab6_test");

/** A 1×2×3 file whose only voxel is file (0, 0, 0) with colour index 1 = (63, 0, 32). */
function tinyFile(): Uint8Array {
  const bytes = new Uint8Array(12 + 6 + 768);
  new DataView(bytes.buffer).setInt32(0, 1, true);
  new DataView(bytes.buffer).setInt32(4, 2, true);
  new DataView(bytes.buffer).setInt32(8, 3, true);
  bytes.fill(255, 12, 18);
  bytes[12] = 1;
  bytes.set([63, 0, 32], 18 + 3);
  return bytes;
}

Deno.test("decodeSlab6() flips y and z like Goxel's KV6/KVX import and rescales 6-bit colours", () => {
  const box = emptyBounds();
  const v = decodeSlab6(tinyFile(), box);
  equal(v.count(), 1);
  // file (0,0,0) → (0, 2−1−0, 3−1−0) − floor(size/2) = (0, 0, 1)
  equal(v.get(0, 0, 1), packRgba(255, 0, 130));
  deepEqual(box, [0, 0, 1, 0, 0, 1]);
});

Deno.test("decodeSlab6() rejects files whose sizes do not match their length", async (t) => {
  const good = tinyFile();
  const cases: [string, Uint8Array][] = [
    ["too short", good.subarray(0, 100)],
    ["one byte missing", good.subarray(0, good.length - 1)],
    ["one byte extra", new Uint8Array([...good, 0])],
    [
      "negative size",
      (() => {
        const b = good.slice();
        new DataView(b.buffer).setInt32(0, -1, true);
        return b;
      })(),
    ],
  ];
  for (const [name, bytes] of cases) {
    await t.step(name, () => throws(() => decodeVox(bytes), FormatError));
  }
});

Deno.test({
  name: "decodeVox() reads the Slab6 fixture through the vox codec",
  ignore: !HAVE_FIXTURES,
  fn: () => {
    const image = decodeVox(Deno.readFileSync(new URL("vengi/slab6_vox_test.vox", FIXTURES)));
    equal(image.layers.length, 1);
    const v = image.layers[0].volume;
    ok(v.count() > 1531, "solid model holds more voxels than the KV6 surface");
    const b = v.bbox()!;
    ok(b.max[0] - b.min[0] <= 39 && b.max[1] - b.min[1] <= 13 && b.max[2] - b.min[2] <= 43);
  },
});
