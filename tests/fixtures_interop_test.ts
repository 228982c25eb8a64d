/**
 * Every third-party file in ../shared/fixtures, read through the same path users take
 * (the codec registry by extension, derived layers computed), checked against MANIFEST.txt's facts
 * and against Goxel's own exports where the fixtures include one.
 */
import assert from "node:assert/strict";
import { codecForPath, requireCodec } from "../core/formats/mod.ts";
import { readKv6 } from "../core/formats/kv6.ts";
import { readKvx } from "../core/formats/kvx.ts";
import { type Image, mergedVisibleVolume } from "../core/image.ts";
import { parseGpl } from "../core/palette.ts";
import { decodeImage } from "../daemon/worker_jobs.ts";
import { FIXTURES, haveFixtures } from "./fixtures_testing.ts";

const ROOT = FIXTURES;
const present = haveFixtures("fixtures_interop_test");

function load(path: string): Image {
  const codec = codecForPath(path, "decode");
  assert.ok(codec, `no importer for ${path}`);
  return decodeImage(codec, Deno.readFileSync(new URL(path, ROOT)));
}

/** [file, layers, voxels (merged visible), crc or null]; MANIFEST facts are marked. */
const FACTS: [string, number, number, number | null][] = [
  ["goxel/example1.gox", 1, 1580, null], // MANIFEST: 1580 voxels, 1 LAYR
  ["goxel/goxel_test.v2.gox", 1, 14, 0xc7c4c9ff], // MANIFEST + Goxel's own test CRC
  ["goxel/goxel_test.v1.gox", 1, 8, 0xb5e8d973], // MANIFEST + Goxel's own test CRC
  ["gnome-wizard/untitled.gox", 1, 503, null], // MANIFEST: 503 voxels
  ["vengi/test.gox", 1, 98, null], // MANIFEST: 98 voxels
  ["vengi/chr_knight.gox", 19, 1316, null], // MANIFEST: 19 layers
  ["vengi/gox-shape-3-layers.gox", 4, 1208, null], // 3 shape layers + 1 empty; 1208 = Goxel's .vox export
  ["vengi/rgb.gox", 1, 99, null],
  ["vengi/test_material.vox", 12, 768000, null], // MANIFEST: 12 × 40³ = 768000
  ["ephtracy/monu9.vox", 1, 32832, null], // MANIFEST: 32832
  ["ephtracy/teapot.vox", 1, 28411, null], // MANIFEST: 28411
  ["ephtracy/deer.vox", 4, 742, null], // MANIFEST: 4 frames → 4 layers
  ["ephtracy/T-Rex.vox", 8, 1655, null], // MANIFEST: 8 frames
  ["ephtracy/chr_knight.vox", 1, 398, null],
  ["ephtracy/chr_cat.vox", 1, 563, null],
  ["ephtracy/maze2D.vox", 1, 7938, null],
  ["vengi/gox-shape-3-layers.vox", 1, 1208, null],
  ["vengi/rgb_small.vox", 1, 3, null], // MANIFEST: 3 voxels
  ["vengi/rgb.vox", 1, 99, null],
  ["vengi/testao.vox", 1, 2, null], // MANIFEST: 2 voxels
  ["vengi/robo.vox", 3, 1291, null], // MANIFEST: 3 models
  ["vengi/crabby.vox", 2, 100, null], // MANIFEST: 2 models
  ["vengi/8ontop.vox", 72, 8946, null], // MANIFEST: 72 nSHP, every instance placed
  ["vengi/vox_character.vox", 16, 4260, null], // MANIFEST: 16 models
  ["vengi/test-transform.vox", 20, 621096, null],
  ["vengi/animation.0.99.7.1.vox", 1, 9911, null],
  ["vengi/vox_glasses.vox", 1, 50, null],
  ["vengi/teardown.vox", 1, 0, null], // MANIFEST: TDCZ data, Goxel imports nothing
  ["vengi/slab6_vox_test.vox", 1, 2612, null],
  ["vengi/rgb_small.qb", 1, 3, null], // MANIFEST: 3 voxels
  ["vengi/rgb.qb", 1, 99, null], // MANIFEST: 99 voxels
  ["vengi/robo.qb", 3, 1291, null], // MANIFEST: 3 matrices
  ["vengi/chr_knight.qb", 17, 2612, null], // MANIFEST: 17 matrices
  ["vengi/qubicle.qb", 10, 708, null], // MANIFEST: 10 matrices (771 voxels before overlaps merge)
  ["vengi/test.kv6", 1, 5, null], // MANIFEST: 5 voxels
  ["vengi/test2.kv6", 1, 176, null], // 102 surface voxels, interior filled
  ["vengi/slab6_vox_test.kv6", 1, 2612, null], // 1531 surface voxels, same model as the .vox
  ["vengi/voxlap5.kv6", 1, 4416, null],
  ["vengi/slab6_vox_test.kvx", 1, 2612, null], // same model as the .vox and .kv6
  ["vengi/test.kvx", 1, 13138, null], // 10858 slab voxels, interior filled
  ["vengi/aceofspades.vxl", 1, 2664236, null], // 512×512×64 map
  ["vengi/cube.obj", 1, 26, null], // a 2-unit cube's faces voxelised: a 3³ shell, as in Goxel
];

Deno.test({
  name: "every fixture loads with the facts of MANIFEST.txt",
  ignore: !present,
  fn: async (t) => {
    for (const [path, layers, voxels, crc] of FACTS) {
      await t.step(path, () => {
        const image = load(path);
        const merged = mergedVisibleVolume(image);
        assert.equal(image.layers.length, layers, "layers");
        assert.equal(merged.count(), voxels, "voxels");
        if (crc !== null) assert.equal(merged.crc32(), crc, "crc");
      });
    }
  },
});

Deno.test({
  name: "files that describe the same model agree across formats",
  ignore: !present,
  fn: () => {
    const crcs = ["vengi/slab6_vox_test.vox", "vengi/slab6_vox_test.kv6"].map((p) =>
      mergedVisibleVolume(load(p)).count()
    );
    assert.deepEqual(crcs, [2612, 2612]);
    const kv6 = readKv6(Deno.readFileSync(new URL("vengi/slab6_vox_test.kv6", ROOT)));
    const records = kv6.columns.reduce((n, c) => n + c.length, 0);
    assert.equal(records, 1531, "MANIFEST: 1531 voxels in the KV6 records");
    assert.equal(
      readKvx(Deno.readFileSync(new URL("vengi/test.kvx", ROOT))).slabVoxels,
      10858,
      "MANIFEST: 10858 slab voxels",
    );
    const shapes = mergedVisibleVolume(load("vengi/gox-shape-3-layers.gox"));
    const goxelExport = mergedVisibleVolume(load("vengi/gox-shape-3-layers.vox"));
    assert.equal(
      shapes.count(),
      goxelExport.count(),
      "shape layers regenerate to what Goxel exported",
    );
  },
});

Deno.test({
  name: "every fixture file is accounted for: loaded, parsed as a palette, or refused clearly",
  ignore: !present,
  fn: () => {
    const known = new Set(FACTS.map((f) => f[0]));
    for (const dir of ["goxel", "gnome-wizard", "vengi", "ephtracy"]) {
      for (const e of Deno.readDirSync(new URL(`${dir}/`, ROOT))) {
        const path = `${dir}/${e.name}`;
        if (e.name.endsWith(".gpl")) {
          assert.ok(
            parseGpl(Deno.readTextFileSync(new URL(path, ROOT))).entries.length >= 16,
            path,
          );
        } else if (!known.has(path)) {
          // No importer (a glTF written by Goxel, the broken-in-Goxel .qbcl): a clear refusal.
          assert.throws(
            () => requireCodec(path, "decode"),
            /Cannot read ".*": (goxel cannot read|its name has no extension)/,
            path,
          );
        }
      }
    }
  },
});

Deno.test({
  name: "palettes parse with their names and entry counts",
  ignore: !present,
  fn: () => {
    const cases: [string, string, number][] = [
      ["goxel/db32.gpl", "DB32", 32],
      ["goxel/MagicaVoxel.gpl", "MagicaVoxel", 256],
      ["goxel/Pico8.gpl", "Pico8", 16],
      ["goxel/Tango-Palette.gpl", "Tango icons", 29],
      ["goxel/Minetest.gpl", "Minetest", 424],
    ];
    for (const [path, name, count] of cases) {
      const p = parseGpl(Deno.readTextFileSync(new URL(path, ROOT)));
      assert.equal(p.entries.length, count, path);
      assert.match(p.name, new RegExp(name, "i"), path);
    }
  },
});
