import assert from "node:assert/strict";
import { aabbFromBox } from "../box.ts";
import { packRgba } from "../color.ts";
import { FormatError } from "../errors.ts";
import { emptyImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { assertOnlyFormatErrors, hasFixtures, readFixture } from "./corrupt_testing.ts";
import { decodeVxl, encodeVxl } from "./vxl.ts";

const ok = hasFixtures("vxl_test");

Deno.test({
  name: "decodeVxl() consumes aceofspades.vxl and encodeVxl() writes it back byte for byte",
  ignore: !ok,
  fn: () => {
    const bytes = readFixture("vengi/aceofspades.vxl");
    const img = decodeVxl(bytes);
    const v = img.layers[0].volume;
    assert.equal(v.count(), 2664236);
    assert.deepEqual(aabbFromBox(img.box!), { min: [-256, -256, -32], max: [256, 256, 32] });
    const again = encodeVxl(img);
    assert.equal(again.length, bytes.length);
    assert.ok(again.every((b, i) => b === bytes[i]), "re-encoded map differs");
    assert.equal(decodeVxl(again).layers[0].volume.crc32(), v.crc32());
    // Extra bytes after the last column are an error.
    assert.throws(() => decodeVxl(Uint8Array.from([...bytes.subarray(0, 8), 0])), FormatError);
  },
});

Deno.test("encodeVxl() maps voxels back to the same place (no one-voxel shift)", () => {
  const img = emptyImage();
  const layer = newLayer(1, "a");
  const red = packRgba(200, 10, 10);
  layer.volume.set(255, -256, 31, red); // map cell (0, 0, 0)
  layer.volume.set(-256, 255, -32, red); // map cell (511, 511, 63)
  layer.volume.set(10, 20, 0, packRgba(1, 2, 3));
  img.layers.push(layer);
  const back = decodeVxl(encodeVxl(img)).layers[0].volume;
  assert.equal(back.count(), 3);
  assert.equal(back.get(255, -256, 31), red);
  assert.equal(back.get(-256, 255, -32), red);
  assert.equal(back.get(10, 20, 0), packRgba(1, 2, 3));
});

Deno.test({
  name: "decodeVxl() rejects truncated and bit-flipped maps only with FormatError",
  ignore: !ok,
  fn: () => {
    const bytes = readFixture("vengi/aceofspades.vxl").subarray(0, 200000);
    // Decoding stops at the first error, so cutting the map keeps each attempt short.
    assert.ok(assertOnlyFormatErrors(decodeVxl, bytes, 6) > 0);
    assert.throws(() => decodeVxl(new Uint8Array(3)), FormatError);
  },
});
