import assert from "node:assert/strict";
import { decodeBase64, encodeBase64, encodeBase64Js } from "./base64.ts";

Deno.test("encodeBase64() and decodeBase64() match the standard encoding for every length", () => {
  for (let n = 0; n < 40; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 0xff);
    const text = encodeBase64(bytes);
    assert.equal(text, btoa(String.fromCharCode(...bytes)), `length ${n}`);
    assert.equal(encodeBase64Js(bytes), text, `length ${n} (the fallback)`);
    assert.deepEqual(decodeBase64(text), bytes, `length ${n}`);
  }
});

Deno.test("encodeBase64() handles inputs larger than one slice", () => {
  const bytes = Uint8Array.from({ length: 200000 }, (_, i) => i & 0xff);
  assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
  assert.equal(encodeBase64Js(bytes), encodeBase64(bytes));
});

Deno.test("decodeBase64() refuses text that is not padded base64", async (t) => {
  for (const bad of ["A", "AB=", "AAA!", "AA=A", "é===", "A==="]) {
    await t.step(bad, () => assert.equal(decodeBase64(bad), null));
  }
});
