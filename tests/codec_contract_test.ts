/**
 * One contract for every registered codec: importers round-trip a real file (decode → encode →
 * decode keeps the voxels), exporters produce well-formed output for the same model, and every
 * decoder turns truncated and bit-flipped input into a FormatError, never a crash or a hang.
 */
import assert from "node:assert/strict";
import { FormatError } from "../core/errors.ts";
import type { Codec } from "../core/formats/codec.ts";
import { CODECS } from "../core/formats/mod.ts";
import { decodePng } from "../core/formats/png.ts";
import { type Image, mergedVisibleVolume } from "../core/image.ts";
import { FIXTURES, haveFixtures } from "./fixtures_testing.ts";

const HAVE_FIXTURES = haveFixtures("codec_contract_test");

/** A real file for each codec that imports; every importer must be listed. */
const SAMPLE: Record<string, string> = {
  gox: "gnome-wizard/untitled.gox",
  vox: "ephtracy/chr_knight.vox",
  qubicle: "vengi/qubicle.qb",
  kv6: "vengi/test2.kv6",
  kvx: "vengi/slab6_vox_test.kvx",
  vxl: "vengi/aceofspades.vxl",
  txt: "",
  mts: "",
  obj: "vengi/cube.obj",
};

/** The model every exporter is run on. */
function sampleImage(): Image {
  const vox = CODECS.find((c) => c.name === "vox")!;
  return vox.decode!(Deno.readFileSync(new URL("ephtracy/chr_knight.vox", FIXTURES)));
}

/** Format-specific well-formedness checks of an export's main file. */
const WELL_FORMED: Record<string, (data: Uint8Array) => void> = {
  obj: (d) => assert.match(new TextDecoder().decode(d), /^v [-\d.]+ [-\d.]+ [-\d.]+/m),
  ply: (d) => assert.match(new TextDecoder().decode(d.subarray(0, 200)), /^ply\nformat ascii 1\.0/),
  stl: (d) =>
    assert.equal(d.length, 84 + 50 * new DataView(d.buffer, d.byteOffset).getUint32(80, true)),
  gltf: (d) => assert.equal(JSON.parse(new TextDecoder().decode(d)).asset.version, "2.0"),
  glb: (d) => assert.equal(new TextDecoder().decode(d.subarray(0, 4)), "glTF"),
  povray: (d) => assert.match(new TextDecoder().decode(d), /camera\s*\{/),
  png: (d) =>
    assert.ok(decodePng(d).rgba.some((v, i) => i % 4 === 3 && v === 255), "the render is blank"),
  png_slices: (d) => assert.ok(decodePng(d).width > 0),
};

function crcOf(image: Image): number {
  return mergedVisibleVolume(image).crc32();
}

for (const codec of CODECS) {
  Deno.test({
    name: `codec ${codec.name}: ${codec.decode ? "round trip" : "export"} contract`,
    ignore: !HAVE_FIXTURES,
    fn: () => (codec.decode ? checkImporter(codec) : checkExporter(codec)),
  });
}

function checkImporter(codec: Codec): void {
  assert.ok(codec.name in SAMPLE, `codec ${codec.name} imports but has no sample in this contract`);
  const sample = SAMPLE[codec.name]
    ? Deno.readFileSync(new URL(SAMPLE[codec.name], FIXTURES))
    : null;
  const image = sample ? codec.decode!(sample) : sampleImage();
  assert.ok(mergedVisibleVolume(image).count() > 0, "the sample decodes to voxels");
  if (sample) assertRobust(codec, sample);
  if (!codec.encode) return;
  const files = codec.encode(image, { baseName: "sample" });
  const again = codec.decode!(files[0].data);
  if (codec.name === "obj") {
    // A mesh is read back as surface voxels, on the planes of the faces: one voxel further on
    // each far side of the model, and the same colours on its near faces.
    const a = mergedVisibleVolume(image).bbox()!, b = mergedVisibleVolume(again).bbox()!;
    assert.deepEqual(b, { min: a.min, max: a.max.map((v) => v + 1) });
  } else if (codec.name === "kvx") {
    // KVX keeps surface voxels and 6-bit colours: the second round trip is exact.
    const third = codec.decode!(codec.encode(again, {})[0].data);
    assert.equal(crcOf(third), crcOf(again));
  } else {
    assert.equal(mergedVisibleVolume(again).count(), mergedVisibleVolume(image).count());
    assert.equal(crcOf(again), crcOf(image), "decode → encode → decode keeps every voxel");
  }
  assertRobust(codec, files[0].data);
}

function checkExporter(codec: Codec): void {
  const image = sampleImage();
  const files = codec.encode!(image, { baseName: "sample", width: 64, height: 64 });
  assert.equal(files[0].suffix, "", "the main file comes first");
  assert.ok(files[0].data.length > 0);
  const check = WELL_FORMED[codec.name];
  assert.ok(check, `codec ${codec.name} exports but has no well-formedness check in this contract`);
  check(files[0].data);
  const twice = codec.encode!(image, { baseName: "sample", width: 64, height: 64 });
  assert.deepEqual(twice[0].data, files[0].data, "encoding is deterministic");
}

/** Truncations and bit flips of valid bytes give FormatError or a valid image, nothing else. */
function assertRobust(codec: Codec, bytes: Uint8Array): void {
  // About 80 variants; a few for big files (a 2 MB map takes ~0.3 s to decode).
  const variants = bytes.length > 200_000 ? 8 : 40;
  const step = Math.max(1, Math.floor(bytes.length / variants));
  for (let n = 0; n < bytes.length; n += step) tryDecode(codec, bytes.subarray(0, n));
  for (let i = 0; i < bytes.length; i += step) {
    const copy = bytes.slice();
    copy[i] ^= 1 << (i % 8);
    tryDecode(codec, copy);
  }
}

function tryDecode(codec: Codec, bytes: Uint8Array): void {
  try {
    codec.decode!(bytes);
  } catch (err) {
    assert.ok(
      err instanceof FormatError,
      `${codec.name}: ${(err as Error)?.name}: ${(err as Error)?.message}`,
    );
  }
}
