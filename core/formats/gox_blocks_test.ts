import { deepEqual, equal, notEqual } from "node:assert/strict";
import { Volume } from "../volume.ts";
import { BlockDecoder, BlockEncoder, tileBounds } from "./gox_blocks.ts";
import { decodeBlockPng } from "./gox_block_png.ts";
import { decodePng, encodePngStb } from "./png.ts";

function randomTile(seed: number, fill: number): Uint32Array {
  const t = new Uint32Array(4096);
  for (let i = 0; i < 4096; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    if (seed % 100 < fill) t[i] = (seed * 7919) >>> 0 | (1 + (seed % 255)) << 24;
    else if (seed % 7 === 0) t[i] = 0x00abcdef; // colour without alpha: empty
  }
  return t;
}

Deno.test("tileBounds() equals the bbox of the tile's voxels with alpha ≠ 0", async (t) => {
  for (const [seed, fill] of [[1, 0], [2, 1], [3, 30], [4, 100], [5, 3]]) {
    await t.step(`seed ${seed}, ${fill}% full`, () => {
      const tile = randomTile(seed, fill);
      const v = new Volume();
      v.writeTile(0, 0, 0).set(tile);
      const b = v.bbox();
      deepEqual(tileBounds(tile), b ? [...b.min, ...b.max] : []);
    });
  }
});

Deno.test("BlockEncoder encodes equal tiles once, to Goxel's exact PNG", () => {
  const coder = new BlockEncoder();
  const a = randomTile(9, 40), b = a.slice(), c = randomTile(10, 40);
  const pa = coder.encode(a);
  equal(coder.encode(b), pa, "same content, same bytes object");
  notEqual(coder.encode(c), pa);
  deepEqual(pa, encodePngStb(64, 64, new Uint8Array(a.buffer)));
});

Deno.test("the BL16 fast path decodes what the general PNG decoder decodes", async (t) => {
  for (const [seed, fill] of [[11, 0], [12, 5], [13, 60], [14, 100]]) {
    await t.step(`seed ${seed}`, () => {
      const png = encodePngStb(64, 64, new Uint8Array(randomTile(seed, fill).buffer));
      deepEqual(new Uint8Array(decodeBlockPng(png)!.buffer), decodePng(png).rgba);
    });
  }
  equal(decodeBlockPng(encodePngStb(32, 32, new Uint8Array(32 * 32 * 4))), null, "other sizes");
});

Deno.test("BlockDecoder decodes each distinct payload once", () => {
  let calls = 0;
  const dec = new BlockDecoder(() => (calls++, new Uint32Array(4096)));
  const p = Uint8Array.of(1, 2, 3);
  equal(dec.get(p), dec.get(p.slice()));
  dec.get(Uint8Array.of(1, 2, 4));
  equal(calls, 2);
});
