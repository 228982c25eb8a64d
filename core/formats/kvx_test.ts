import assert from "node:assert/strict";
import { aabbFromBox, boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { FormatError } from "../errors.ts";
import { emptyImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { assertOnlyFormatErrors, hasFixtures, readFixture, voxelList } from "./corrupt_testing.ts";
import { decodeKvx, encodeKvx, readKvx } from "./kvx.ts";

const ok = hasFixtures("kvx_test");

Deno.test({
  name: "readKvx()/decodeKvx() read both fixtures with their slab voxels and extents",
  ignore: !ok,
  fn: async (t) => {
    const cases: [string, number, number, object][] = [
      ["test.kvx", 10858, 13138, { min: [-25, -25, -32], max: [25, 25, 32] }],
      ["slab6_vox_test.kvx", 1531, 2612, { min: [-19, -6, -22], max: [20, 7, 21] }],
    ];
    for (const [file, slab, filled, aabb] of cases) {
      await t.step(file, () => {
        const bytes = readFixture(`vengi/${file}`);
        assert.equal(readKvx(bytes).slabVoxels, slab);
        const img = decodeKvx(bytes);
        assert.equal(img.layers[0].volume.count(), filled);
        assert.deepEqual(aabbFromBox(img.box!), aabb);
        assert.deepEqual(aabbFromBox(img.layers[0].box!), aabb);
      });
    }
  },
});

Deno.test({
  name: "encodeKvx() output decodes to the same voxels and is stable after one round trip",
  ignore: !ok,
  fn: async (t) => {
    for (const file of ["test.kvx", "slab6_vox_test.kvx"]) {
      await t.step(file, () => {
        const first = decodeKvx(readFixture(`vengi/${file}`));
        const once = encodeKvx(first);
        const second = decodeKvx(once);
        assert.equal(second.layers[0].volume.count(), first.layers[0].volume.count());
        assert.deepEqual(encodeKvx(second), once);
        const third = decodeKvx(encodeKvx(second));
        assert.equal(third.layers[0].volume.crc32(), second.layers[0].volume.crc32());
      });
    }
    // slab6_vox_test stores only surface voxels, so even the first round trip is exact.
    const s = decodeKvx(readFixture("vengi/slab6_vox_test.kvx"));
    assert.equal(decodeKvx(encodeKvx(s)).layers[0].volume.crc32(), s.layers[0].volume.crc32());
  },
});

Deno.test("encodeKvx() round-trips a solid model with a cavity exactly (colours per column)", () => {
  const img = emptyImage();
  const layer = newLayer(1, "a");
  for (let x = -4; x < 5; x++) {
    for (let y = -3; y < 3; y++) {
      for (let z = 0; z < 7; z++) {
        if (x === 0 && y === 0 && z === 3) continue; // a one-voxel cavity
        // Hidden voxels are rebuilt from the colour above them, so colour by column only.
        layer.volume.set(x, y, z, packRgba(20 * (x + 4), 40 * (y + 3), 7));
      }
    }
  }
  img.layers.push(layer);
  img.box = boxFromAabb({ min: [-4, -3, 0], max: [5, 3, 7] });
  const back = decodeKvx(encodeKvx(img));
  assert.deepEqual(aabbFromBox(back.box!), { min: [-4, -3, 0], max: [5, 3, 7] });
  const norm = (c: number) => {
    const s = (v: number) => Math.round(Math.round(v * 63 / 255) * 255 / 63);
    return packRgba(s(c & 255), s((c >>> 8) & 255), s((c >>> 16) & 255));
  };
  const expected = newLayer(2, "e");
  layer.volume.forEachVoxel((x, y, z, c) => expected.volume.set(x, y, z, norm(c)));
  assert.equal(voxelList(back.layers[0].volume), voxelList(expected.volume));
  assert.equal(back.layers[0].volume.get(0, 0, 3), 0);
});

Deno.test({
  name: "decodeKvx() rejects truncated and bit-flipped files only with FormatError",
  ignore: !ok,
  fn: () => {
    for (const f of ["test.kvx", "slab6_vox_test.kvx"]) {
      assert.ok(assertOnlyFormatErrors(decodeKvx, readFixture(`vengi/${f}`)) > 0);
    }
    assert.throws(() => decodeKvx(new Uint8Array(30)), FormatError);
  },
});

Deno.test("encodeKvx() grows the image box to voxels outside it instead of dropping them", () => {
  const img = emptyImage();
  const layer = newLayer(1, "a");
  layer.volume.set(0, 0, 0, packRgba(255, 0, 0));
  layer.volume.set(3, -20, -2, packRgba(0, 255, 0)); // below and beside a 32³ project box
  img.layers.push(layer);
  img.box = boxFromAabb({ min: [-16, -16, 0], max: [16, 16, 32] });
  const back = decodeKvx(encodeKvx(img));
  assert.equal(voxelList(back.layers[0].volume), voxelList(layer.volume));
  assert.deepEqual(aabbFromBox(back.box!), { min: [-16, -20, -2], max: [16, 16, 32] });
});

Deno.test({
  name:
    "a decoded .kvx is written back as it was, and keeps its pivot (fraction included) when edited",
  ignore: !ok,
  fn: async (t) => {
    for (const file of ["test.kvx", "slab6_vox_test.kvx"]) {
      await t.step(file, () => {
        const bytes = readFixture(`vengi/${file}`);
        const image = decodeKvx(bytes);
        assert.deepEqual(encodeKvx(image), bytes, "unchanged: the same bytes");
        // A voxel recoloured inside the model: the model keeps its place, so its pivot too.
        const v = image.layers[0].volume, b = v.bbox()!;
        let at: number[] | null = null;
        v.forEachVoxel((x, y, z) => void (at ??= [x, y, z]));
        v.set(at![0], at![1], at![2], packRgba(250, 10, 10));
        const out = encodeKvx(image);
        assert.notDeepEqual(out, bytes);
        assert.deepEqual(readKvx(out).pivot, readKvx(bytes).pivot);
        assert.deepEqual(decodeKvx(out).layers[0].volume.bbox(), b);
      });
    }
    // slab6_vox_test.kvx's pivot has a half voxel in z: 21.5, not 21.
    assert.equal(readKvx(readFixture("vengi/slab6_vox_test.kvx")).pivot[2] & 255, 128);
  },
});
