import assert from "node:assert/strict";
import { xxh32 } from "./xxh32.ts";

Deno.test("xxh32() matches the reference vectors", async (t) => {
  const enc = new TextEncoder();
  const cases: [string, Uint8Array, number, number][] = [
    ["empty input, seed 0", new Uint8Array(0), 0, 0x02cc5d05],
    ['"abc", seed 0', enc.encode("abc"), 0, 0x32d153ff],
  ];
  for (const [name, data, seed, want] of cases) {
    await t.step(name, () => assert.equal(xxh32(data, seed), want));
  }
});

Deno.test("xxh32() depends on seed and on every byte of long inputs", () => {
  const data = new Uint8Array(37).map((_, i) => i * 7);
  const h = xxh32(data, 0);
  assert.notEqual(xxh32(data, 1), h);
  for (const i of [0, 15, 16, 33, 36]) {
    const other = data.slice();
    other[i] ^= 1;
    assert.notEqual(xxh32(other, 0), h, `byte ${i}`);
  }
});
