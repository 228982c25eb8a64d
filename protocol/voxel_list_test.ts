import assert from "node:assert/strict";
import {
  decodePackedVoxels,
  encodePackedFlat,
  encodePackedVoxels,
  forEachPackedVoxel,
  PACKED_RECORD_BYTES,
  PackedVoxels,
  PositionItem,
  VoxelItem,
} from "./voxel_list.ts";

/** Decodes packed text back to `[x, y, z, r, g, b, a]` tuples. */
function unpack(text: string): number[][] {
  const bytes = decodePackedVoxels(text);
  assert.ok(bytes, `${text} decodes`);
  const out: number[][] = [];
  forEachPackedVoxel(bytes, (x, y, z, rgba) => {
    out.push([x, y, z, rgba & 0xff, (rgba >>> 8) & 0xff, (rgba >>> 16) & 0xff, rgba >>> 24]);
  });
  return out;
}

/** Base64 of n zero bytes. */
function zeroBase64(n: number): string {
  return btoa("\0".repeat(n));
}

Deno.test("packed voxels round-trip through encode and decode", async (t) => {
  const cases: [string, number[][]][] = [
    ["no voxels", []],
    ["one red voxel", [[0, 0, 0, 255, 0, 0, 255]]],
    ["negative coordinates", [[-1, -2, -3, 1, 2, 3, 4], [-100000, 5, -7, 0, 0, 0, 0]]],
    ["int32 limits", [[-2147483648, 2147483647, 0, 255, 255, 255, 255]]],
    ["several voxels", [[1, 2, 3, 10, 20, 30, 40], [4, 5, 6, 50, 60, 70, 80], [
      7,
      8,
      9,
      0,
      1,
      2,
      3,
    ]]],
  ];
  for (const [label, voxels] of cases) {
    await t.step(label, () => {
      const text = encodePackedVoxels(voxels);
      assert.equal(decodePackedVoxels(text)!.length, voxels.length * PACKED_RECORD_BYTES);
      assert.deepEqual(unpack(text), voxels);
    });
  }
});

Deno.test("encodePackedVoxels() writes little-endian records and defaults alpha to 255", () => {
  assert.equal(encodePackedVoxels([[0, 0, 0, 255, 0, 0, 255]]), "AAAAAAAAAAAAAAAA/wAA/w==");
  assert.equal(encodePackedVoxels([[0, 0, 0, 255, 0, 0]]), "AAAAAAAAAAAAAAAA/wAA/w==");
  const bytes = decodePackedVoxels(encodePackedVoxels([[1, -1, 258, 1, 2, 3, 4]]))!;
  assert.deepEqual(
    [...bytes],
    [1, 0, 0, 0, 255, 255, 255, 255, 2, 1, 0, 0, 1, 2, 3, 4],
  );
});

Deno.test("encodePackedVoxels() accepts any iterable", () => {
  function* voxels() {
    yield [-1, 0, 1, 9, 8, 7, 6];
  }
  assert.deepEqual(unpack(encodePackedVoxels(voxels())), [[-1, 0, 1, 9, 8, 7, 6]]);
});

Deno.test("forEachPackedVoxel() reports the colour as r | g<<8 | b<<16 | a<<24 unsigned", () => {
  const seen: number[] = [];
  forEachPackedVoxel(
    decodePackedVoxels(encodePackedVoxels([[0, 0, 0, 0x11, 0x22, 0x33, 0xff]]))!,
    (_x, _y, _z, rgba) => seen.push(rgba),
  );
  assert.deepEqual(seen, [0xff332211]);
});

Deno.test("decodePackedVoxels() returns null for invalid base64 or partial records", async (t) => {
  const sixteen = encodePackedVoxels([[1, 2, 3, 4, 5, 6, 7]]);
  const cases: [string, string][] = [
    ["length not a multiple of 4", sixteen.slice(0, -1)],
    ["15 bytes", zeroBase64(15)],
    ["17 bytes", zeroBase64(17)],
    ["a character outside base64", "AAAA!AAAAAAAAAAAAAAAAAA="],
    ["url-safe alphabet", "AAAAAAAAAAAAAAAA_wAA-w=="],
    ["padding in the middle", "AA==AAAAAAAAAAAAAAAAAAAA"],
    ["three padding characters", "AAAAAAAAAAAAAAAAAAAAA==="],
    ["whitespace", "AAAAAAAAAAAAAAAA /wAA/w="],
  ];
  for (const [label, text] of cases) {
    await t.step(label, () => assert.equal(decodePackedVoxels(text), null));
  }
});

Deno.test("PackedVoxels parses base64 records and explains a bad value", () => {
  const ok = PackedVoxels.safeParse("AAAAAAAAAAAAAAAA/wAA/w==");
  assert.ok(ok.success);
  assert.equal(ok.data.length, 16);
  const bad = PackedVoxels.safeParse("AAAA");
  assert.equal(bad.success, false);
  assert.match(bad.error!.issues[0].message, /16-byte records/);
});

Deno.test("VoxelItem normalises every voxel form to [x, y, z, r, g, b, a]", async (t) => {
  const cases: [unknown, number[]][] = [
    [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 255]],
    [[-1, -2, -3, 4, 5, 6, 7], [-1, -2, -3, 4, 5, 6, 7]],
    [{ x: 1, y: 2, z: 3, color: "#0a0b0c" }, [1, 2, 3, 10, 11, 12, 255]],
    [{ x: 1, y: 2, z: 3, color: [1, 2, 3, 4] }, [1, 2, 3, 1, 2, 3, 4]],
    [{ x: 1, y: 2, z: 3, r: 7, g: 8, b: 9 }, [1, 2, 3, 7, 8, 9, 255]],
    [{ x: 1, y: 2, z: 3, r: 7, g: 8, b: 9, a: 0 }, [1, 2, 3, 7, 8, 9, 0]],
    [{ x: 0, y: 0, z: 0 }, [0, 0, 0, 255, 255, 255, 255]],
  ];
  for (const [input, expected] of cases) {
    await t.step(JSON.stringify(input), () => assert.deepEqual(VoxelItem.parse(input), expected));
  }
});

Deno.test("VoxelItem rejects mixed, partial, fractional and out-of-range voxels", async (t) => {
  const cases: unknown[] = [
    { x: 0, y: 0, z: 0, color: "#ffffff", r: 1 },
    { x: 0, y: 0, z: 0, color: "#ffffff", a: 1 },
    { x: 0, y: 0, z: 0, r: 1, g: 2 },
    { x: 0, y: 0, z: 0, a: 1, r: 1 },
    { x: 0.5, y: 0, z: 0 },
    { x: 0, y: 0, z: 0, w: 1 },
    { x: 0, y: 0, z: 0, color: "#fff" },
    [0, 0, 0, 256, 0, 0],
    [0, 0, 0.5, 1, 2, 3],
    [0, 0, 0, 1, 2],
    [0, 0, 0, 1, 2, 3, 4, 5],
    [2147483648, 0, 0, 1, 2, 3],
    "0,0,0",
  ];
  for (const input of cases) {
    await t.step(
      JSON.stringify(input),
      () => assert.equal(VoxelItem.safeParse(input).success, false),
    );
  }
});

Deno.test("PositionItem reads {x, y, z} and [x, y, z, ...] as a position", async (t) => {
  const cases: [unknown, number[] | null][] = [
    [{ x: 1, y: -2, z: 3 }, [1, -2, 3]],
    [{ x: 1, y: 2, z: 3, color: "#ffffff" }, [1, 2, 3]],
    [[4, 5, 6], [4, 5, 6]],
    [[4, 5, 6, 255, 0, 0], [4, 5, 6]],
    [[4, 5], null],
    [{ x: 1, y: 2 }, null],
    [[1.5, 0, 0], null],
  ];
  for (const [input, expected] of cases) {
    await t.step(JSON.stringify(input), () => {
      const r = PositionItem.safeParse(input);
      assert.deepEqual(r.success ? r.data : null, expected);
    });
  }
});

Deno.test("encodePackedFlat() writes the same records as encodePackedVoxels()", () => {
  const voxels = [[-5, 7, 2147483647, 255, 128, 0, 255], [0, -2147483648, 3, 1, 2, 3, 4]];
  const flat = voxels.flatMap((
    v,
  ) => [v[0], v[1], v[2], v[3] | v[4] << 8 | v[5] << 16 | v[6] << 24]);
  assert.equal(encodePackedFlat(flat), encodePackedVoxels(voxels));
  assert.equal(encodePackedFlat([]), "");
});
