import assert from "node:assert/strict";
import { FormatError } from "../errors.ts";
import { assertOnlyFormatErrors, hasFixtures, readFixture } from "./corrupt_testing.ts";
import { decodeKv6, readKv6 } from "./kv6.ts";

const ok = hasFixtures("kv6_test");

Deno.test({
  name: "readKv6()/decodeKv6() read every fixture: surface records and filled interiors",
  ignore: !ok,
  fn: async (t) => {
    const cases: [string, number, number][] = [
      ["test.kv6", 5, 5],
      ["test2.kv6", 102, 176],
      ["slab6_vox_test.kv6", 1531, 2612],
      ["voxlap5.kv6", 2480, 4416],
    ];
    for (const [file, records, filled] of cases) {
      await t.step(file, () => {
        const bytes = readFixture(`vengi/${file}`);
        assert.equal(readKv6(bytes).columns.reduce((n, c) => n + c.length, 0), records);
        const v = decodeKv6(bytes).layers[0].volume;
        assert.equal(v.count(), filled);
        v.forEachVoxel((_x, _y, _z, c) => assert.equal(c >>> 24, 255));
      });
    }
  },
});

Deno.test({
  name: "decodeKv6() fills the same solid model as the Slab6 .vox of slab6_vox_test",
  ignore: !ok,
  fn: () => {
    const vox = readFixture("vengi/slab6_vox_test.vox");
    const dv = new DataView(vox.buffer);
    const n = dv.getInt32(0, true) * dv.getInt32(4, true) * dv.getInt32(8, true);
    const solid = vox.subarray(12, 12 + n).filter((c) => c !== 255).length;
    const v = decodeKv6(readFixture("vengi/slab6_vox_test.kv6")).layers[0].volume;
    assert.equal(v.count(), solid);
    assert.deepEqual(v.bbox(), { min: [-19, -6, -21], max: [20, 7, 22] });
  },
});

Deno.test({
  name: "decodeKv6() rejects truncated and bit-flipped files only with FormatError",
  ignore: !ok,
  fn: () => {
    for (const f of ["test2.kv6", "slab6_vox_test.kv6", "voxlap5.kv6"]) {
      assert.ok(assertOnlyFormatErrors(decodeKv6, readFixture(`vengi/${f}`)) > 0);
    }
    assert.throws(() => decodeKv6(new TextEncoder().encode("Kvxl")), FormatError);
    assert.throws(() => decodeKv6(new TextEncoder().encode("nope")), FormatError);
  },
});
