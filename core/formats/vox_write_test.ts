import { deepEqual, equal, ok } from "node:assert/strict";
import { packRgba } from "../color.ts";
import { type Image, mergedVisibleVolume, newImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { decodeVox } from "./vox.ts";
import { encodeVox } from "./vox_write.ts";
import { FIXTURES, haveFixtures } from "../../tests/fixtures_testing.ts";

const HAVE_FIXTURES = haveFixtures("vox_write_test");

/** Returns [id, content size, first three int32 of content] of every MAIN child. */
function chunks(bytes: Uint8Array): [string, number, number[]][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const out: [string, number, number[]][] = [];
  for (let o = 20; o < bytes.length;) {
    const n = view.getInt32(o + 4, true);
    const ints = n >= 12 ? [0, 4, 8].map((k) => view.getInt32(o + 12 + k, true)) : [];
    out.push([new TextDecoder().decode(bytes.subarray(o, o + 4)), n, ints]);
    o += 12 + n + view.getInt32(o + 8, true);
  }
  return out;
}

function colors(image: Image): Set<number> {
  const out = new Set<number>();
  mergedVisibleVolume(image).forEachVoxel((_x, _y, _z, c) => out.add(c));
  return out;
}

Deno.test({
  name: "encodeVox() round-trips fixtures: same voxel count and merged-volume CRC",
  ignore: !HAVE_FIXTURES,
  fn: async (t) => {
    const names = [
      "vengi/test_material.vox",
      "ephtracy/monu9.vox",
      "vengi/8ontop.vox",
      "vengi/test-transform.vox",
      "vengi/robo.vox",
      "ephtracy/chr_cat.vox",
      "vengi/slab6_vox_test.vox",
    ];
    for (const name of names) {
      await t.step(name, () => {
        const image = decodeVox(Deno.readFileSync(new URL(name, FIXTURES)));
        const again = decodeVox(encodeVox(image));
        const a = mergedVisibleVolume(image), b = mergedVisibleVolume(again);
        equal(b.count(), a.count());
        equal(b.crc32(), a.crc32());
        deepEqual(
          again.layers.map((l) => l.name),
          image.layers.filter((l) => !l.volume.isEmpty()).map((l) => l.name),
        );
      });
    }
  },
});

Deno.test("encodeVox() writes the documented chunk layout", () => {
  const image = newImage();
  image.layers[0].volume.set(3, 4, 5, packRgba(1, 2, 3));
  image.layers[0].volume.set(4, 4, 5, packRgba(1, 2, 3));
  const bytes = encodeVox(image);
  equal(new TextDecoder().decode(bytes.subarray(0, 4)), "VOX ");
  const list = chunks(bytes);
  deepEqual(list.map((c) => c[0]), [
    "SIZE",
    "XYZI",
    "nTRN",
    "nGRP",
    "nTRN",
    "nSHP",
    "LAYR",
    "RGBA",
  ]);
  deepEqual(list[0][2], [2, 1, 1]);
  equal(list[1][1], 4 + 2 * 4);
  equal(list[7][1], 1024);
});

Deno.test("encodeVox() splits a layer wider than 256 into models that read back as one layer", () => {
  const image = newImage();
  const v = image.layers[0].volume;
  image.layers[0].name = "long";
  for (let x = -100; x < 500; x++) v.set(x, 0, x & 7, packRgba(x & 63, 7, 9));
  for (let z = 0; z < 300; z++) v.set(0, 3, z, packRgba(200, 100, z & 63));
  const bytes = encodeVox(image);
  const sizes = chunks(bytes).filter((c) => c[0] === "SIZE").map((c) => c[2]);
  ok(sizes.length > 1);
  ok(sizes.every((s) => s.every((n) => n >= 1 && n <= 256)));
  const again = decodeVox(bytes);
  deepEqual(again.layers.map((l) => l.name), ["long"]);
  const got = again.layers[0].volume;
  equal(got.count(), v.count());
  v.forEachVoxel((x, y, z, c) => equal(got.get(x, y, z), c));
});

Deno.test("encodeVox() quantises more than 255 colours to at most 255", () => {
  const image = newImage();
  const v = image.layers[0].volume;
  for (let i = 0; i < 1000; i++) {
    v.set(
      i % 10,
      Math.floor(i / 10) % 10,
      Math.floor(i / 100),
      packRgba(i & 255, (i * 7) & 255, i >> 2),
    );
  }
  equal(colors(image).size, 1000);
  const again = decodeVox(encodeVox(image));
  equal(again.layers[0].volume.count(), 1000);
  const got = colors(again);
  ok(got.size <= 255 && got.size > 200, `${got.size} colours`);
});

Deno.test("encodeVox() keeps hidden and empty layers and skips voxels with alpha below 127", () => {
  const image = newImage();
  const hidden = newLayer(5, "hidden");
  hidden.visible = false;
  hidden.volume.set(9, 9, 9, packRgba(1, 1, 1));
  image.layers.push(hidden, newLayer(6, "empty"));
  image.layers[0].volume.set(0, 0, 0, packRgba(5, 5, 5, 126));
  image.layers[0].volume.set(1, 0, 0, packRgba(5, 5, 5, 127));
  const again = decodeVox(encodeVox(image));
  deepEqual(again.layers.map((l) => [l.name, l.visible, l.volume.count()]), [
    ["Layer.1", true, 1],
    ["hidden", false, 1],
    ["empty", true, 0],
  ]);
  equal(again.layers[0].volume.get(1, 0, 0), packRgba(5, 5, 5, 127));
});

Deno.test("encodeVox() writes an empty image as one empty model", () => {
  const again = decodeVox(encodeVox(newImage()));
  equal(again.layers.length, 1);
  ok(again.layers[0].volume.isEmpty());
});
