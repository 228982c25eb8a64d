import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { emptyImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { assertOnlyFormatErrors, hasFixtures, readFixture, voxelList } from "./corrupt_testing.ts";
import { decodeQubicle, encodeQubicle, type QubicleOptions } from "./qubicle.ts";
import { aabbFromBox, boxFromAabb } from "../box.ts";
import { FormatError, InvalidInputError } from "../errors.ts";

const ok = hasFixtures("qubicle_test");
const FILES: [string, number, number][] = [
  ["rgb_small.qb", 1, 3],
  ["rgb.qb", 1, 99],
  ["qubicle.qb", 10, 771],
  ["robo.qb", 3, 1291],
  ["chr_knight.qb", 17, 2721],
];
const total = (img: ReturnType<typeof decodeQubicle>) =>
  img.layers.reduce((n, l) => n + l.volume.count(), 0);

Deno.test({
  name: "decodeQubicle() reads every fixture with its matrix and voxel counts",
  ignore: !ok,
  fn: async (t) => {
    for (const [file, matrices, voxels] of FILES) {
      await t.step(file, () => {
        const img = decodeQubicle(readFixture(`vengi/${file}`));
        assert.equal(img.layers.length, matrices);
        assert.equal(total(img), voxels);
      });
    }
  },
});

Deno.test({
  name: "decodeQubicle() names layers after matrices and boxes them at their position",
  ignore: !ok,
  fn: () => {
    const img = decodeQubicle(readFixture("vengi/qubicle.qb"));
    assert.deepEqual(img.layers.map((l) => l.name).slice(0, 3), ["Legs", "Body", "Left arm"]);
    // Right-handed: matrix size (5, 10, 3) at (-2, 0, -2) becomes x, z, y.
    assert.deepEqual(aabbFromBox(img.layers[0].box!), { min: [-2, -2, 0], max: [3, 1, 10] });
    for (const l of img.layers) {
      const bb = l.volume.bbox()!, box = aabbFromBox(l.box!);
      for (let a = 0; a < 3; a++) assert.ok(bb.min[a] >= box.min[a] && bb.max[a] <= box.max[a]);
    }
  },
});

Deno.test({
  name: "decodeQubicle() maps the left-handed rgb_small.qb with z negated",
  ignore: !ok,
  fn: () => {
    const img = decodeQubicle(readFixture("vengi/rgb_small.qb"));
    const v = img.layers[0].volume;
    assert.deepEqual(aabbFromBox(img.layers[0].box!), { min: [0, 0, 0], max: [3, 1, 1] });
    assert.equal(v.count(), 3);
    assert.deepEqual(v.bbox(), { min: [0, 0, 0], max: [3, 1, 1] });
  },
});

const VARIANTS: QubicleOptions[] = [
  {},
  { compressed: true },
  { leftHanded: true },
  { leftHanded: true, compressed: true, bgra: true },
  { bgra: true },
];

Deno.test({
  name: "encodeQubicle() round-trips every fixture in every layout",
  ignore: !ok,
  fn: async (t) => {
    for (const [file] of FILES) {
      const first = decodeQubicle(readFixture(`vengi/${file}`));
      for (const o of VARIANTS) {
        await t.step(`${file} ${JSON.stringify(o)}`, () => {
          const again = decodeQubicle(encodeQubicle(first, o));
          assert.deepEqual(again.layers.map((l) => l.name), first.layers.map((l) => l.name));
          first.layers.forEach((l, i) => {
            assert.equal(voxelList(again.layers[i].volume), voxelList(l.volume));
            assert.deepEqual(aabbFromBox(again.layers[i].box!), aabbFromBox(l.box!));
          });
          const third = decodeQubicle(encodeQubicle(again, o));
          third.layers.forEach((l, i) =>
            assert.equal(l.volume.crc32(), again.layers[i].volume.crc32())
          );
        });
      }
    }
  },
});

Deno.test("encodeQubicle() writes Goxel's header and counts only written matrices", () => {
  const img = emptyImage();
  const a = newLayer(1, "a"), empty = newLayer(2, "empty");
  a.volume.set(1, 2, 3, packRgba(10, 20, 30));
  img.layers.push(a, empty);
  const bytes = encodeQubicle(img);
  const v = new DataView(bytes.buffer);
  assert.deepEqual([0, 4, 8, 12, 16, 20].map((o) => v.getUint32(o, true)), [0x101, 0, 1, 0, 0, 1]);
  const back = decodeQubicle(bytes);
  assert.equal(back.layers.length, 1);
  assert.equal(back.layers[0].volume.get(1, 2, 3), packRgba(10, 20, 30));
});

Deno.test("decodeQubicle() honours BGRA and the visibility mask", () => {
  const img = emptyImage();
  const a = newLayer(1, "a");
  a.volume.set(0, 0, 0, packRgba(1, 2, 3, 200));
  img.layers.push(a);
  const bytes = encodeQubicle(img, { bgra: true });
  assert.equal(decodeQubicle(bytes).layers[0].volume.get(0, 0, 0), packRgba(1, 2, 3, 200));
  new DataView(bytes.buffer).setUint32(16, 1, true);
  assert.equal(decodeQubicle(bytes).layers[0].volume.get(0, 0, 0), packRgba(1, 2, 3, 255));
});

Deno.test("encodeQubicle() keeps colours equal to the RLE flags intact", () => {
  const img = emptyImage();
  const a = newLayer(1, "a");
  a.volume.set(0, 0, 0, 0xff000000);
  a.volume.set(1, 0, 0, 2); // alpha 0: equals CODEFLAG but is skipped on read
  a.volume.set(2, 0, 0, packRgba(6, 0, 0, 255));
  img.layers.push(a);
  const back = decodeQubicle(encodeQubicle(img, { compressed: true })).layers[0].volume;
  assert.equal(back.get(0, 0, 0), 0xff000000);
  assert.equal(back.get(2, 0, 0), packRgba(6, 0, 0, 255));
});

Deno.test({
  name: "decodeQubicle() rejects truncated and bit-flipped files only with FormatError",
  ignore: !ok,
  fn: () => {
    for (const [file] of FILES) {
      assert.ok(assertOnlyFormatErrors(decodeQubicle, readFixture(`vengi/${file}`)) > 0);
    }
    assert.throws(() => decodeQubicle(new Uint8Array(10)), FormatError);
  },
});

Deno.test("encodeQubicle() grows a matrix to voxels drawn outside the layer box", async (t) => {
  for (const leftHanded of [false, true]) {
    await t.step(leftHanded ? "left-handed" : "right-handed", () => {
      const img = emptyImage();
      const a = newLayer(1, "a");
      a.box = boxFromAabb({ min: [0, 0, 0], max: [3, 1, 1] });
      a.volume.set(1, 0, 0, packRgba(1, 2, 3));
      a.volume.set(-5, 7, 9, packRgba(4, 5, 6));
      img.layers.push(a);
      const back = decodeQubicle(encodeQubicle(img, { leftHanded, compressed: true }));
      assert.equal(voxelList(back.layers[0].volume), voxelList(a.volume));
      assert.deepEqual(aabbFromBox(back.layers[0].box!), { min: [-5, 0, 0], max: [3, 8, 10] });
    });
  }
});

Deno.test("encodeQubicle() refuses a matrix too big to write or read back", async (t) => {
  const cases: [string, [number, number, number]][] = [
    ["a side over 4096", [5000, 0, 0]],
    ["over 2^26 cells", [4095, 4095, 4]],
  ];
  for (const [what, far] of cases) {
    await t.step(what, () => {
      const img = emptyImage();
      const a = newLayer(1, "far apart");
      a.volume.set(0, 0, 0, packRgba(1, 2, 3));
      a.volume.set(...far, packRgba(1, 2, 3));
      img.layers.push(a);
      assert.throws(() => encodeQubicle(img), (e) => {
        assert.ok(e instanceof InvalidInputError);
        assert.match(e.message, /^Cannot export qb: layer "far apart" spans /);
        return true;
      });
    });
  }
});

Deno.test("encodeQubicle() cuts long names to 255 bytes without splitting a character", () => {
  const img = emptyImage();
  const a = newLayer(1, "x".repeat(254) + "é and more");
  a.volume.set(0, 0, 0, packRgba(1, 2, 3));
  img.layers.push(a);
  const bytes = encodeQubicle(img);
  assert.equal(bytes[24], 254);
  assert.equal(decodeQubicle(bytes).layers[0].name, "x".repeat(254));
});
