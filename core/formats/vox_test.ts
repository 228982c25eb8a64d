import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { packRgba } from "../color.ts";
import { WorkBudget } from "../budget.ts";
import { FormatError } from "../errors.ts";
import type { Image } from "../image.ts";
import { findCodec } from "./mod.ts";
import { magicaDefaultPalette } from "./magica_palette.ts";
import { decodeVox } from "./vox.ts";
import { FIXTURES, haveFixtures } from "../../tests/fixtures_testing.ts";

const HAVE_FIXTURES = haveFixtures("vox_test");

function load(name: string): Image {
  return decodeVox(Deno.readFileSync(new URL(name, FIXTURES)));
}

function total(image: Image): number {
  return image.layers.reduce((n, l) => n + l.volume.count(), 0);
}

/** Builds a .vox file from [id, content] chunks (all children of MAIN). */
function buildVox(chunks: [string, number[] | Uint8Array][]): Uint8Array {
  const parts: number[] = [];
  const enc = (s: string) => [...new TextEncoder().encode(s)];
  const i32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];
  for (const [id, body] of chunks) parts.push(...enc(id), ...i32(body.length), ...i32(0), ...body);
  return new Uint8Array([
    ...enc("VOX "),
    ...i32(150),
    ...enc("MAIN"),
    ...i32(0),
    ...i32(parts.length),
    ...parts,
  ]);
}

/** Serialises int32s, strings (as STRING) and dicts (as DICT) for chunk contents. */
function body(...items: (number | string | Record<string, string>)[]): number[] {
  const out: number[] = [];
  const i32 = (v: number) => out.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255);
  const str = (s: string) => (i32(s.length), out.push(...new TextEncoder().encode(s)));
  for (const it of items) {
    if (typeof it === "number") i32(it);
    else if (typeof it === "string") str(it);
    else (i32(Object.keys(it).length), Object.entries(it).forEach(([k, v]) => (str(k), str(v))));
  }
  return out;
}

/** A 2×1×1 model (colour 1 at x=0, colour 2 at x=1) under root nTRN → nGRP → nTRN(frame) → nSHP. */
function twoVoxelScene(
  frame: Record<string, string>,
  attrs: Record<string, string> = {},
  layer: [string, number[]][] = [],
) {
  return buildVox([
    ["SIZE", body(2, 1, 1)],
    ["XYZI", body(2, 0x01000000, 0x02000001)],
    ["nTRN", body(0, {}, 1, -1, -1, 1, {})],
    ["nGRP", body(1, {}, 1, 2)],
    ["nTRN", body(2, attrs, 3, -1, 0, 1, frame)],
    ["nSHP", body(3, {}, 1, 0, {})],
    ...layer,
  ]);
}

Deno.test("the vox codec is registered for .vox in both directions", () => {
  const codec = findCodec(".vox");
  equal(codec?.name, "vox");
  ok(codec?.decode && codec?.encode);
});

Deno.test({
  name: "decodeVox() reads every fixture with the expected layers and voxel counts",
  ignore: !HAVE_FIXTURES,
  fn: async (t) => {
    const cases: [string, number, number][] = [
      ["vengi/test_material.vox", 12, 768000],
      ["ephtracy/monu9.vox", 1, 32832],
      ["ephtracy/teapot.vox", 1, 28411],
      ["ephtracy/chr_knight.vox", 1, 398],
      ["ephtracy/chr_cat.vox", 1, 563],
      ["ephtracy/deer.vox", 4, 1415],
      ["ephtracy/T-Rex.vox", 8, 10219],
      ["ephtracy/maze2D.vox", 1, 7938],
      ["vengi/8ontop.vox", 72, 12096],
      ["vengi/robo.vox", 3, 1291],
      ["vengi/gox-shape-3-layers.vox", 1, 1208],
      ["vengi/rgb_small.vox", 1, 3],
      ["vengi/vox_character.vox", 16, 4598],
      ["vengi/vox_glasses.vox", 1, 50],
      ["vengi/test-transform.vox", 20, 621232],
    ];
    for (const [name, layers, voxels] of cases) {
      await t.step(name, () => {
        const image = load(name);
        equal(image.layers.length, layers);
        equal(total(image), voxels);
      });
    }
  },
});

Deno.test({
  name: "decodeVox() places every instance of a model, not only the first",
  ignore: !HAVE_FIXTURES,
  fn: () => {
    // 8 models of 168 voxels each, each referenced by 9 shapes.
    const image = load("vengi/8ontop.vox");
    ok(total(image) > 8 * 168);
    equal(total(image), 72 * 168);
  },
});

Deno.test({
  name: "decodeVox() follows nested groups, names layers from nTRN and applies translations",
  ignore: !HAVE_FIXTURES,
  fn: async (t) => {
    await t.step("crabby.vox", () => {
      const image = load("vengi/crabby.vox");
      deepEqual(image.layers.map((l) => l.name), ["Matrix", "crabby"]);
      deepEqual(image.layers[1].volume.bbox(), { min: [-5, -4, 0], max: [5, 4, 7] });
    });
    await t.step("robo.vox", () => {
      deepEqual(load("vengi/robo.vox").layers.map((l) => l.name), [
        "Head_Upper",
        "Head_Lower",
        "Head_Neck",
      ]);
    });
    await t.step("rgb.vox: 32³ model at _t -16 16 16", () => {
      deepEqual(load("vengi/rgb.vox").layers[0].volume.bbox(), {
        min: [-32, 0, 0],
        max: [0, 32, 32],
      });
    });
    await t.step("animation: the keyframe at _f 0 (_t 14 -29 20) is used", () => {
      const image = load("vengi/animation.0.99.7.1.vox");
      equal(total(image), 9911);
      deepEqual(image.layers[0].volume.bbox()!.min, [14 - 20, -29 - 20, 20 - 20]);
    });
  },
});

Deno.test({
  name: "decodeVox() handles palettes, PACK, Teardown and the image box",
  ignore: !HAVE_FIXTURES,
  fn: async (t) => {
    await t.step("no RGBA chunk: colours come from the default palette", () => {
      const pal = new Set(magicaDefaultPalette());
      load("ephtracy/chr_cat.vox").layers[0].volume.forEachVoxel((_x, _y, _z, c) => ok(pal.has(c)));
    });
    await t.step("TDCZ models load as an image without voxels", () => {
      const image = load("vengi/teardown.vox");
      equal(total(image), 0);
      equal(image.layers.length, 1);
    });
    await t.step("the image box is the content's bounding box", () => {
      const image = load("ephtracy/monu9.vox");
      const bbox = image.layers[0].volume.bbox()!;
      deepEqual(
        [...image.box!].filter((_, i) => i >= 12 && i < 15),
        bbox.min.map((v, i) => (v + bbox.max[i]) / 2),
      );
    });
  },
});

Deno.test("decodeVox() rotates about the model centre: a mirrored 2-wide model stays in its box", async (t) => {
  const red = (c: number) => c === magicaDefaultPalette()[1];
  await t.step("no rotation: voxel v lands at v − floor(size/2) + t", () => {
    const v = decodeVox(twoVoxelScene({ _t: "5 0 0" })).layers[0].volume;
    ok(red(v.get(4, 0, 0)));
    equal(v.get(5, 0, 0), magicaDefaultPalette()[2]);
  });
  await t.step("_r 20 (x negated): colours swap places inside the same two cells", () => {
    const v = decodeVox(twoVoxelScene({ _r: "20", _t: "5 0 0" })).layers[0].volume;
    ok(red(v.get(5, 0, 0)));
    equal(v.get(4, 0, 0), magicaDefaultPalette()[2]);
  });
  await t.step("_r 17 (x ← −y, y ← x): the row of voxels turns onto the y axis", () => {
    const v = decodeVox(twoVoxelScene({ _r: "17" })).layers[0].volume;
    deepEqual(v.bbox(), { min: [-1, -1, 0], max: [0, 1, 1] });
  });
});

Deno.test("decodeVox() reads names and visibility from nTRN and LAYR", async (t) => {
  const layr = (
    hidden: string,
  ): [string, number[]] => ["LAYR", body(0, { _name: "floor", _hidden: hidden }, -1)];
  const cases: [string, Uint8Array, string, boolean][] = [
    ["nTRN _name wins", twoVoxelScene({}, { _name: "box" }, [layr("0")]), "box", true],
    ["LAYR name when nTRN has none", twoVoxelScene({}, {}, [layr("0")]), "floor", true],
    ["hidden LAYR", twoVoxelScene({}, {}, [layr("1")]), "floor", false],
    ["nTRN _hidden", twoVoxelScene({}, { _hidden: "1" }), "Layer.1", false],
  ];
  for (const [name, bytes, layerName, visible] of cases) {
    await t.step(name, () => {
      const layer = decodeVox(bytes).layers[0];
      equal(layer.name, layerName);
      equal(layer.visible, visible);
    });
  }
});

Deno.test("decodeVox() rejects hostile scene graphs with FormatError", async (t) => {
  const model: [string, number[]][] = [["SIZE", body(1, 1, 1)], ["XYZI", body(1, 0x01000000)]];
  const cases: [string, [string, number[]][]][] = [
    ["a cycle", [["nTRN", body(0, {}, 1, -1, -1, 1, {})], ["nGRP", body(1, {}, 1, 0)]]],
    ["a bad rotation", [["nTRN", body(0, {}, 1, -1, -1, 1, { _r: "3" })], [
      "nSHP",
      body(1, {}, 1, 0, {}),
    ]]],
    ["a bad translation", [["nTRN", body(0, {}, 1, -1, -1, 1, { _t: "1 x 2" })], [
      "nSHP",
      body(1, {}, 1, 0, {}),
    ]]],
    ["a huge translation", [["nTRN", body(0, {}, 1, -1, -1, 1, { _t: "0 0 2000000000" })], [
      "nSHP",
      body(1, {}, 1, 0, {}),
    ]]],
    ["a group of 2^20 children", [["nGRP", body(0, {}, 1 << 20)]]],
  ];
  for (const [name, chunks] of cases) {
    await t.step(name, () => throws(() => decodeVox(buildVox([...model, ...chunks])), FormatError));
  }
  await t.step("more tiles than MAX_TILES", () => {
    // A 256-voxel diagonal touches 16 tiles; 4097 instances of it need 65552 tiles.
    const n = 4097, xyzi = [256];
    for (let k = 0; k < 256; k++) xyzi.push(k | k << 8 | k << 16 | 1 << 24);
    const scene: [string, number[]][] = [
      ["nTRN", body(0, {}, 1, -1, -1, 1, {})],
      ["nGRP", body(1, {}, n, ...Array.from({ length: n }, (_, i) => 2 + 2 * i))],
    ];
    for (let i = 0; i < n; i++) {
      scene.push([
        "nTRN",
        body(2 + 2 * i, {}, 3 + 2 * i, -1, -1, 1, {
          _t: `${(i % 64) * 256} ${Math.floor(i / 64) * 256} 0`,
        }),
      ]);
      scene.push(["nSHP", body(3 + 2 * i, {}, 1, 0, {})]);
    }
    const bytes = buildVox([["SIZE", body(256, 256, 256)], ["XYZI", body(...xyzi)], ...scene]);
    const unlimited = new WorkBudget({ maxVoxels: 2 ** 40, maxTiles: 2 ** 30 });
    throws(() => decodeVox(bytes, { budget: unlimited }), /more than 65536 tiles/);
    throws(() => decodeVox(bytes), /limits\.max_tiles_per_request/);
  });
});

Deno.test({
  name: "decodeVox() answers truncated and bit-flipped files only with FormatError",
  ignore: !HAVE_FIXTURES,
  fn: async (t) => {
    for (
      const name of [
        "vengi/rgb_small.vox",
        "vengi/robo.vox",
        "ephtracy/chr_knight.vox",
        "vengi/crabby.vox",
      ]
    ) {
      await t.step(name, () => {
        const bytes = Deno.readFileSync(new URL(name, FIXTURES));
        const attempt = (b: Uint8Array) => {
          try {
            decodeVox(b);
          } catch (e) {
            if (!(e instanceof FormatError)) throw e;
          }
        };
        for (let n = 0; n < bytes.length; n += 7) {
          throws(() => decodeVox(bytes.subarray(0, n)), FormatError);
        }
        let seed = 12345;
        for (let i = 0; i < 400; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const b = bytes.slice();
          b[seed % b.length] ^= 1 << (seed >>> 29);
          attempt(b);
        }
      });
    }
  },
});

Deno.test("decodeVox() colours voxels from the RGBA chunk (entry k is index k + 1)", () => {
  const rgba = new Uint8Array(1024);
  rgba.set([10, 20, 30, 255], 0);
  const bytes = buildVox([["SIZE", body(1, 1, 1)], ["XYZI", body(1, 0x01000000)], ["RGBA", rgba]]);
  equal(decodeVox(bytes).layers[0].volume.get(0, 0, 0), packRgba(10, 20, 30));
});
