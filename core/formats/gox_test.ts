import assert from "node:assert/strict";
import { BlendMode } from "../blend.ts";
import { aabbFromBox, boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { type Image, mergedVisibleVolume, newImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { fromValues } from "../mat4.ts";
import { newMaterial } from "../material.ts";
import { newCamera } from "../camera.ts";
import { decodeGox, encodeGox, GOX_CODEC } from "./gox.ts";
import { GoxWriter, readGoxChunks } from "./gox_chunks.ts";
import { decodePng } from "./png.ts";
import { FILES, fixture, goxFile, hasFixtures } from "./gox_testing.ts";

const bl16s = (bytes: Uint8Array) =>
  readGoxChunks(bytes).chunks.filter((c) => c.type === "BL16").map((c) => c.data);

/** The voxels a file's LAYR records produce, computed independently: last write wins. */
function expectedVoxels(bytes: Uint8Array): Map<string, number> {
  const { version, chunks } = readGoxChunks(bytes);
  const blocks = chunks.filter((c) => c.type === "BL16").map((c) => decodePng(c.data).rgba);
  const out = new Map<string, number>();
  for (const c of chunks.filter((c) => c.type === "LAYR")) {
    const v = new DataView(c.data.buffer, c.data.byteOffset);
    for (let r = 0; r < v.getInt32(0, true); r++) {
      const [index, x, y, z] = [0, 1, 2, 3].map((k) => v.getInt32(4 + 20 * r + 4 * k, true));
      const shift = version === 1 ? 8 : 0, px = new DataView(blocks[index].buffer);
      for (let i = 0; i < 4096; i++) {
        const key = `${x - shift + (i & 15)},${y - shift + ((i >> 4) & 15)},${
          z - shift + (i >> 8)
        }`;
        out.set(key, px.getUint32(4 * i, true));
      }
    }
  }
  return new Map([...out].filter(([, c]) => c >>> 24));
}

Deno.test("decodeGox() loads every fixture with the manifest's layer and voxel counts", {
  ignore: !hasFixtures,
}, async (t) => {
  for (const [path, layers, voxels] of FILES) {
    await t.step(path, () => {
      const image = decodeGox(fixture(path));
      assert.equal(image.layers.length, layers);
      if (voxels !== null) assert.equal(mergedVisibleVolume(image).count(), voxels);
    });
  }
});

Deno.test("decodeGox() reproduces Goxel's own test CRCs (v1 with −8 offset and v2)", {
  ignore: !hasFixtures,
}, async (t) => {
  for (
    const [path, crc] of [["goxel/goxel_test.v2.gox", 0xc7c4c9ff], [
      "goxel/goxel_test.v1.gox",
      0xb5e8d973,
    ]] as const
  ) {
    await t.step(path, () => {
      const image = decodeGox(fixture(path));
      assert.equal(image.activeLayer!.volume.crc32(), crc);
      assert.equal(mergedVisibleVolume(image).crc32(), crc);
    });
  }
});

Deno.test("decodeGox() blits blocks voxel by voxel at any position, later records winning", {
  ignore: !hasFixtures,
}, async (t) => {
  for (const path of ["vengi/rgb.gox", "goxel/example1.gox", "gnome-wizard/untitled.gox"]) {
    await t.step(path, () => {
      const bytes = fixture(path), expected = expectedVoxels(bytes);
      const volume = decodeGox(bytes).layers[0].volume;
      assert.equal(volume.count(), expected.size);
      for (const [key, c] of expected) {
        const [x, y, z] = key.split(",").map(Number);
        assert.equal(volume.get(x, y, z), c, key);
      }
      for (const [, , , voxels] of volume.tiles()) assert.ok(voxels.some((c) => c >>> 24));
    });
  }
});

Deno.test(
  "decodeGox() and encodeGox() keep the RGB of alpha-0 voxels",
  { ignore: !hasFixtures },
  () => {
    const image = decodeGox(fixture("gnome-wizard/untitled.gox"));
    const tiles = [...image.layers[0].volume.tiles()];
    const hidden = tiles.flatMap(([, , , v]) => [...v]).filter((c) => c >>> 24 === 0 && c !== 0);
    assert.ok(hidden.length > 0);
    const again = [...decodeGox(encodeGox(image)).layers[0].volume.tiles()];
    assert.deepEqual(again, tiles);
  },
);

Deno.test("decode → encode → decode keeps layers and the CRC of every fixture", {
  ignore: !hasFixtures,
}, async (t) => {
  for (const [path] of FILES) {
    await t.step(path, () => {
      const image = decodeGox(fixture(path));
      const again = decodeGox(GOX_CODEC.encode!(image, {})[0].data);
      assert.equal(mergedVisibleVolume(again).crc32(), mergedVisibleVolume(image).crc32());
      assert.deepEqual(
        again.layers.map((l) => [l.name, l.id, l.volume.crc32()]),
        image.layers.map((l) => [l.name, l.id, l.volume.crc32()]),
      );
    });
  }
});

Deno.test("encodeGox() rewrites the BL16 chunks of Goxel v2 files byte for byte", {
  ignore: !hasFixtures,
}, async (t) => {
  for (const path of ["goxel/goxel_test.v2.gox", "gnome-wizard/untitled.gox", "vengi/test.gox"]) {
    await t.step(path, () => {
      const bytes = fixture(path);
      assert.deepEqual(bl16s(encodeGox(decodeGox(bytes))), bl16s(bytes));
    });
  }
});

Deno.test("encodeGox() reproduces untitled.gox (Goxel 0.15) byte for byte except PREV", {
  ignore: !hasFixtures,
}, () => {
  const bytes = fixture("gnome-wizard/untitled.gox");
  const prev = readGoxChunks(bytes).chunks.find((c) => c.type === "PREV")!;
  const withoutPrev = new Uint8Array([
    ...bytes.subarray(0, prev.offset),
    ...bytes.subarray(prev.offset + 12 + prev.data.length),
  ]);
  assert.deepEqual(encodeGox(decodeGox(bytes)), withoutPrev);
});

Deno.test("decodeGox() ignores unknown chunks, unknown keys and size-mismatched values", {
  ignore: !hasFixtures,
}, () => {
  const shapes = decodeGox(fixture("vengi/gox-shape-3-layers.gox"));
  assert.deepEqual(shapes.layers.map((l) => [l.id, l.shape]), [[4, "cylinder"], [3, "cube"], [
    2,
    "sphere",
  ], [1, null]]);
  assert.deepEqual([...shapes.layers[0].mat], [4, 0, 0, 0, 0, 4, 0, 0, 0, 0, 4, 0, 0, -11, 16, 1]);
  const knight = decodeGox(fixture("vengi/chr_knight.gox"));
  assert.deepEqual(knight.materials.map((m) => [m.name, m.baseColor]), [["mat16", [1, 1, 1, 1]]]);
});

Deno.test("decodeGox() names and numbers layers without a name or id like Goxel", () => {
  const i32 = (v: number) => new Uint8Array(new Int32Array([v]).buffer);
  const layer = (entries: [string, Uint8Array][]) => (w: GoxWriter) => {
    w.int32(0); // no blocks
    for (const [k, v] of entries) w.entry(k, v);
    w.int32(0); // end of the dictionary
  };
  const image = decodeGox(goxFile(2, [
    ["LAYR", layer([])],
    ["LAYR", layer([["name", new TextEncoder().encode("layer.1\0")], ["id", i32(5)]])],
    ["LAYR", layer([["id", i32(0)]])],
    ["LAYR", layer([["name", new Uint8Array([0])], ["id", i32(2)]])],
    ["LAYR", layer([])],
  ]));
  assert.deepEqual(
    image.layers.map((l) => [l.name, l.id]),
    [["Layer.1", 1], ["layer.1", 5], ["Layer.2", 2], ["", 2], ["Layer.3", 3]],
  );
  assert.equal(image.activeLayer, image.layers[4]);
});

Deno.test("decodeGox() adds Goxel's defaults: a fitted camera, the content box, no extra layer", async (t) => {
  await t.step("file without chunks", () => {
    const image = decodeGox(goxFile(2, []));
    assert.equal(image.layers.length, 0);
    assert.deepEqual(aabbFromBox(image.box!), { min: [-16, -16, 0], max: [16, 16, 32] });
    assert.deepEqual(image.cameras.map((c) => [c.name, c.dist]), [["Camera.1", 128]]);
    assert.equal(image.activeCamera, image.cameras[0]);
  });
  await t.step({
    name: "goxel_test.v2.gox (no IMG box, no camera, no material)",
    ignore: !hasFixtures,
    fn: () => {
      const image = decodeGox(fixture("goxel/goxel_test.v2.gox"));
      assert.deepEqual(aabbFromBox(image.box!), image.layers[0].volume.bbox());
      assert.equal(image.cameras.length, 1);
      assert.equal(image.layers[0].material, null);
      assert.equal(image.activeLayer, image.layers[0]);
    },
  });
});

/** An image using every saved field, with values exact in float32. */
function richImage(): Image {
  const image = newImage();
  image.materials[0].metallic = 0.25;
  const extra = newMaterial("Shiny");
  Object.assign(extra, {
    metallic: 0.75,
    roughness: 0.25,
    baseColor: [0.5, 0.25, 1, 0.5],
    emission: [1, 0.5, 0],
  });
  image.materials.push(extra);
  const base = image.layers[0];
  Object.assign(base, {
    name: "Body ✓",
    id: 7,
    visible: false,
    mode: BlendMode.SUB,
    material: extra,
  });
  base.mat = fromValues([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 3.5, -2, 1, 1]);
  base.box = boxFromAabb({ min: [-4, -4, 0], max: [4, 4, 8] });
  base.imagePath = "/tmp/ref.png";
  for (let i = 0; i < 40; i++) base.volume.set(i - 20, i % 5, 2 * i, packRgba(i, 255 - i, 3, 255));
  base.volume.set(100, 100, 100, packRgba(9, 9, 9, 0));
  const clone = { ...newLayer(8, "Body clone", extra), baseId: 7, volume: base.volume.copy() };
  const shape = {
    ...newLayer(9, "shape", null),
    shape: "cube" as const,
    color: packRgba(1, 2, 3, 4),
  };
  shape.volume.set(0, 0, 0, packRgba(1, 2, 3, 4));
  image.layers.push(clone, shape);
  const cam = newCamera("Side");
  Object.assign(cam, { ortho: true, dist: 42.5 });
  image.cameras.push(cam);
  image.activeCamera = cam;
  image.light = { pitch: 0.5, yaw: 1.5, intensity: 3, fixed: true, ambient: 0.25, shadow: 0.75 };
  return image;
}

Deno.test("encodeGox() writes every layer, material, camera and light field back", () => {
  const image = richImage();
  const again = decodeGox(encodeGox(image));
  const layerFields = (i: Image) =>
    i.layers.map((l) => [
      l.name,
      l.id,
      l.visible,
      l.mode,
      l.baseId,
      l.shape,
      l.color,
      l.imagePath,
      [...l.mat],
      l.box && [...l.box],
      l.material && i.materials.indexOf(l.material),
    ]);
  assert.deepEqual(layerFields(again), [...layerFields(image).slice(0, 2), [
    ...layerFields(image)[2].slice(0, 10),
    0,
  ]]);
  assert.deepEqual(again.materials, image.materials);
  assert.deepEqual(
    again.cameras.map((c) => [c.name, c.ortho, c.dist]),
    image.cameras.map((c) => [c.name, c.ortho, c.dist]),
  );
  assert.equal(again.activeCamera, again.cameras[1]);
  assert.deepEqual(again.light, image.light);
  assert.deepEqual([...again.box!], [...image.box!]);
  assert.equal(again.layers[0].volume.crc32(), image.layers[0].volume.crc32());
  assert.equal(again.layers[1].volume.tileCount, 0, "clone layers reference no blocks");
});

Deno.test("encodeGox() writes one BL16 per distinct tile data, clone and shape blocks included", () => {
  const image = richImage();
  const base = image.layers[0].volume;
  const chunks = readGoxChunks(encodeGox(image)).chunks;
  assert.equal(chunks.filter((c) => c.type === "BL16").length, base.tileCount + 1);
  const twin = { ...newLayer(10, "twin"), volume: base.copy() };
  image.layers.push(twin);
  const layr = readGoxChunks(encodeGox(image)).chunks.filter((c) => c.type === "LAYR");
  assert.deepEqual(
    layr[3].data.subarray(0, 4 + 20 * base.tileCount),
    layr[0].data.subarray(0, 4 + 20 * base.tileCount),
  );
  twin.volume.set(-20, 0, 0, 0);
  const count = readGoxChunks(encodeGox(image)).chunks.filter((c) => c.type === "BL16").length;
  assert.equal(count, base.tileCount + 2, "a written tile stops sharing");
});
