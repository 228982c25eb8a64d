/** .gox files that are malformed, truncated, bit-flipped or place too many blocks. */
import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { LimitError, WorkBudget } from "../budget.ts";
import { FormatError } from "../errors.ts";
import { newImage } from "../image.ts";
import { decodeGox, encodeGox, MAX_BLOCK_PLACEMENTS } from "./gox.ts";
import { GoxWriter, readGoxChunks } from "./gox_chunks.ts";
import { encodePngStb } from "./png.ts";
import { FILES, fixture, goxFile, hasFixtures } from "./gox_testing.ts";

Deno.test("decodeGox() rejects malformed files with a FormatError naming the problem", async (t) => {
  const png32 = encodePngStb(32, 32, new Uint8Array(32 * 32 * 4));
  const png64 = encodePngStb(64, 64, new Uint8Array(64 * 64 * 4).fill(255));
  const record = (w: GoxWriter, index: number, x = 0) =>
    [1, index, x, 0, 0, 0].forEach((v) => w.int32(v));
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty file", new Uint8Array(0), /does not start with "GOX "/],
    ["other magic", new TextEncoder().encode("VOX 1234"), /does not start with "GOX "/],
    ["newer version", goxFile(3, []), /version 3/],
    [
      "chunk longer than the file",
      goxFile(2, [["BL16", (w) => w.bytes(png64)]]).subarray(0, 100),
      /chunk BL16 at byte 8 is truncated/,
    ],
    [
      "BL16 that is not a PNG",
      goxFile(2, [["BL16", (w) => w.int32(5)]]),
      /chunk BL16 at byte 8 holds a bad PNG/,
    ],
    [
      "BL16 of the wrong size",
      goxFile(2, [["BL16", (w) => w.bytes(png32)]]),
      /32×32 image, not 64×64/,
    ],
    [
      "LAYR using a missing block",
      goxFile(2, [["LAYR", (w) => record(w, 0)]]),
      /uses missing block 0/,
    ],
    [
      "LAYR block far away",
      goxFile(2, [["BL16", (w) => w.bytes(png64)], ["LAYR", (w) => record(w, 0, 1 << 30)]]),
      /puts a block at/,
    ],
    [
      "LAYR with too many blocks",
      goxFile(2, [["LAYR", (w) => w.int32(1000)]]),
      /declares 1000 blocks/,
    ],
    ["DICT key too long", goxFile(2, [["CAMR", (w) => w.int32(300)]]), /bad key length 300/],
    [
      "DICT value past the chunk",
      goxFile(2, [["CAMR", (w) => w.entry("name", new Uint8Array(4))]]).map((b, i) =>
        i === 24 ? 99 : b
      ),
      /bad value length 99/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await t.step(name, () => {
      assert.throws(
        () => decodeGox(bytes),
        (e) => e instanceof FormatError && e.format === "gox" && message.test(e.message),
      );
    });
  }
});

Deno.test("truncated and bit-flipped fixtures give a FormatError or an image, nothing else", {
  ignore: !hasFixtures,
}, () => {
  const check = (bytes: Uint8Array, what: string) => {
    try {
      decodeGox(bytes);
    } catch (e) {
      assert.ok(e instanceof FormatError, `${what}: ${e}`);
    }
  };
  for (const [path] of FILES) {
    const bytes = fixture(path);
    // A prefix ending exactly between chunks is a valid (shorter) file.
    const ends = new Set(readGoxChunks(bytes).chunks.map((c) => c.offset + 12 + c.data.length));
    for (let n = 0; n < bytes.length; n += 97) {
      if (ends.has(n)) check(bytes.subarray(0, n), `${path} cut at ${n}`);
      else assert.throws(() => decodeGox(bytes.subarray(0, n)), FormatError, `${path} cut at ${n}`);
    }
    for (let i = 0; i < bytes.length; i += 53) {
      const copy = bytes.slice();
      copy[i] ^= 1 << (i % 8);
      check(copy, `${path} bit flip at ${i}`);
    }
  }
});

Deno.test("decodeGox() refuses files that place more blocks than MAX_BLOCK_PLACEMENTS", () => {
  // A real one-block file, then a LAYR chunk that reuses that block MAX + 1 times (20 bytes each).
  const image = newImage();
  image.layers[0].volume.set(0, 0, 0, packRgba(255, 0, 0));
  const base = encodeGox(image);
  const bl16 = findChunk(base, "BL16");
  const w = new GoxWriter();
  w.tag("GOX ");
  w.int32(2);
  w.bytes(bl16);
  w.beginChunk("LAYR");
  w.int32(MAX_BLOCK_PLACEMENTS + 1);
  for (let i = 0; i <= MAX_BLOCK_PLACEMENTS; i++) {
    for (const v of [0, (i % 64) * 16, Math.floor(i / 64) * 16, 0, 0]) {
      w.int32(v);
    }
  }
  w.endChunk();
  const unlimited = new WorkBudget({ maxVoxels: 2 ** 40, maxTiles: 2 ** 30 });
  assert.throws(
    () => decodeGox(w.result(), { budget: unlimited }),
    (err: Error) => err instanceof FormatError && /more than 65536 blocks/.test(err.message),
  );
  // With the default request budget the same file fails before any block is placed.
  assert.throws(
    () => decodeGox(w.result()),
    (err: Error) =>
      err instanceof LimitError && err.limit === "limits.max_voxels_per_request" &&
      /Cannot decode \.gox blocks: it would touch 268439552 voxels/.test(err.message),
  );
});

/** Returns a whole chunk (type, length, data, crc) of a .gox file. */
function findChunk(bytes: Uint8Array, type: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 8 <= bytes.length;) {
    const len = view.getInt32(at + 4, true);
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) === type) {
      return bytes.slice(at, at + 12 + len);
    }
    at += 12 + len;
  }
  throw new Error(`no ${type} chunk`);
}
