import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { packRgba } from "../color.ts";
import { LimitError, WorkBudget } from "../budget.ts";
import { FormatError } from "../errors.ts";
import { ByteWriter } from "./bytes.ts";
import { assertOnlyFormatErrors } from "./corrupt_testing.ts";
import { decodeMts, nodeColor } from "./mts.ts";

/** Builds a schematic (version 4, big-endian) from node names and ids in z, y, x order. */
function schematic(size: [number, number, number], names: string[], ids: number[]): Uint8Array {
  const w = new ByteWriter(false);
  w.bytes(new TextEncoder().encode("MTSM"));
  w.u16(4);
  for (const s of size) w.u16(s);
  for (let y = 0; y < size[1]; y++) w.u8(127);
  w.u16(names.length);
  for (const n of names) {
    const b = new TextEncoder().encode(n);
    w.u16(b.length);
    w.bytes(b);
  }
  const data = new ByteWriter(false);
  for (const id of ids) data.u16(id);
  for (let i = 0; i < ids.length * 2; i++) data.u8(0);
  w.bytes(deflateSync(data.finish()));
  return w.finish();
}

Deno.test("decodeMts() places node (x, y, z) at voxel (x, z, y) coloured by name", () => {
  // 2×1×2: ids for (0,0,0), (1,0,0), (0,0,1), (1,0,1).
  const bytes = schematic([2, 1, 2], ["air", "default:stone", "Default:Dirt", "mymod:thing"], [
    1,
    0,
    2,
    3,
  ]);
  const v = decodeMts(bytes).layers[0].volume;
  assert.equal(v.count(), 3);
  assert.equal(v.get(0, 0, 0), nodeColor("default:stone"));
  assert.equal(v.get(0, 1, 0), nodeColor("default:dirt"));
  assert.equal(v.get(1, 1, 0), nodeColor("mymod:thing"));
});

Deno.test("nodeColor() uses the Minetest palette, stairs materials, and name hashes", () => {
  assert.equal(nodeColor("air"), 0);
  assert.equal(nodeColor("ignore"), 0);
  assert.equal(nodeColor("default:stone"), packRgba(0x61, 0x5e, 0x5d));
  assert.equal(nodeColor("stairs:slab_stone"), nodeColor("default:stone"));
  assert.equal(nodeColor("stairs:stair_inner_wood"), nodeColor("default:wood"));
  assert.equal(nodeColor("mod:a"), nodeColor("MOD:A"));
  assert.notEqual(nodeColor("mod:a"), nodeColor("mod:b"));
  assert.equal(nodeColor("mod:a") >>> 24, 255);
});

Deno.test("decodeMts() rejects bad, truncated and bit-flipped files only with FormatError", () => {
  const bytes = schematic([3, 2, 2], ["air", "default:stone"], [
    0,
    1,
    1,
    0,
    1,
    1,
    0,
    0,
    1,
    1,
    1,
    1,
  ]);
  assert.equal(decodeMts(bytes).layers[0].volume.count(), 8);
  assert.ok(assertOnlyFormatErrors(decodeMts, bytes) > 0);
  assert.throws(() => decodeMts(new TextEncoder().encode("MTSX")), FormatError);
  // A huge declared size with little data fails fast.
  const big = bytes.slice();
  new DataView(big.buffer).setUint16(6, 0xffff, false);
  const unlimited = new WorkBudget({ maxVoxels: 2 ** 40, maxTiles: 2 ** 30 });
  assert.throws(() => decodeMts(big, { budget: unlimited }), FormatError);
  // Under the default request budget it is refused before anything is inflated or placed.
  assert.throws(() => decodeMts(big), LimitError);
});
