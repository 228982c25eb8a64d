import assert from "node:assert/strict";
import { LimitError, WorkBudget } from "../budget.ts";
import { unpackRgba } from "../color.ts";
import { FormatError } from "../errors.ts";
import { mergedVisibleVolume, newImage } from "../image.ts";
import { assertOnlyFormatErrors, hasFixtures, readFixture } from "./corrupt_testing.ts";
import { encodeObj } from "./obj.ts";
import { decodeObj } from "./obj_decode.ts";

const enc = (text: string) => new TextEncoder().encode(text);

Deno.test({
  name: "decodeObj() voxelises the faces of vengi's cube.obj as a white shell, Z up",
  ignore: !hasFixtures("obj_decode_test"),
  fn: () => {
    const bytes = readFixture("vengi/cube.obj");
    const volume = decodeObj(bytes).layers[0].volume;
    // A 2-unit cube: faces on the planes 0 and 2 give voxels 0..2, all but the centre.
    assert.equal(volume.count(), 26);
    assert.deepEqual(volume.bbox(), { min: [0, -2, 0], max: [3, 1, 3] });
    assert.equal(volume.get(1, -1, 1), 0, "the inside stays empty");
    volume.forEachVoxel((_x, _y, _z, c) => assert.deepEqual(unpackRgba(c), [255, 255, 255, 255]));
    assert.ok(assertOnlyFormatErrors(decodeObj, bytes) > 0);
  },
});

Deno.test("decodeObj() reads fans, negative indices, slashes and vertex colours", () => {
  const text = [
    "# a red quad, listed as one polygon, and a blue triangle by relative indices",
    "v 0 0 0 1 0 0",
    "v 4 0 0 1 0 0",
    "v 4 0 -4 1 0 0",
    "v 0 0 -4 1 0 0",
    "f 1/1/1 2//1 3/2 4",
    "v 10 0 0 0 0 1",
    "v 12 0 0 0 0 1",
    "v 10 0 -2 0 0 1",
    "f -3 -2 -1",
  ].join("\r\n");
  const v = decodeObj(enc(text)).layers[0].volume;
  assert.deepEqual(unpackRgba(v.get(2, 2, 0)), [255, 0, 0, 255], "(x, y, z) → (x, −z, y)");
  assert.deepEqual(unpackRgba(v.get(10, 0, 0)), [0, 0, 255, 255]);
  assert.equal(v.get(2, 2, 1), 0);
});

Deno.test("decodeObj() refuses what is not a mesh, naming the line, and holds the budget", () => {
  const bad: [string, RegExp][] = [
    ["v 1 2\n", /line 1 is not a vertex/],
    ["v 0 0 0\nv 1 0 0\nf 1 2 3\n", /line 3 is not a face of at least three known vertices/],
    ["v 0 0 0\nf 1 1\n", /line 2/],
    ["v 1e9 0 0\n", /line 1 has a vertex outside/],
    ["v nan 0 0\n", /line 1 is not a vertex/],
  ];
  for (const [text, message] of bad) {
    assert.throws(
      () => decodeObj(enc(text)),
      (e: unknown) => e instanceof FormatError && message.test(e.message),
      text,
    );
  }
  assert.throws(() => decodeObj(new Uint8Array([0xff, 0xfe])), FormatError);
  const huge = "v 0 0 0\nv 100000 0 0\nv 0 100000 0\nf 1 2 3\n";
  assert.throws(
    () => decodeObj(enc(huge), { budget: new WorkBudget({ maxVoxels: 1e6 }) }),
    LimitError,
  );
});

Deno.test("an OBJ export read back covers the model, one voxel further on each far side", () => {
  const image = newImage();
  for (let x = 0; x < 3; x++) image.layers[0].volume.set(x, 1, 2, 0xff2040ff);
  const obj = encodeObj(image, { baseName: "m" })[0].data;
  const back = mergedVisibleVolume(decodeObj(obj));
  assert.deepEqual(back.bbox(), { min: [0, 1, 2], max: [4, 3, 4] });
  assert.deepEqual(unpackRgba(back.get(1, 1, 2)), [0xff, 0x40, 0x20, 255]);
});
