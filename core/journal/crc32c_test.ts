import assert from "node:assert/strict";
import { crc32c } from "./crc32c.ts";

Deno.test("crc32c() matches the RFC 3720 check values", async (t) => {
  const cases: [string, Uint8Array, number][] = [
    ["'123456789'", new TextEncoder().encode("123456789"), 0xe3069283],
    ["32 zero bytes", new Uint8Array(32), 0x8a9136aa],
    ["32 0xff bytes", new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ["0..31 ascending", Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
    ["empty", new Uint8Array(0), 0],
  ];
  for (const [name, bytes, want] of cases) {
    await t.step(name, () => assert.equal(crc32c(bytes), want));
  }
});

Deno.test("crc32c() continues across chunks", () => {
  const bytes = Uint8Array.from({ length: 1001 }, (_, i) => (i * 31) & 0xff);
  assert.equal(crc32c(bytes.subarray(500), crc32c(bytes.subarray(0, 500))), crc32c(bytes));
});
