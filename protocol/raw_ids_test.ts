import assert from "node:assert/strict";
import { needsRawId, rawIds } from "./raw_ids.ts";

Deno.test("rawIds() returns the id member's source text of a request or of each batch element", async (t) => {
  const cases: [string, string, (string | undefined)[]][] = [
    ["big integer", '{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}', [
      "9007199254740993",
    ]],
    ["id after nested params", '{"params":{"id":1,"s":"}\\"id\\":2"},"id" : 1.50 }', ["1.50"]],
    ["no id", '{"method":"ping","params":[1,[2,{"id":3}]]}', [undefined]],
    ["escaped key", '{"\\u0069d":-1e400}', ["-1e400"]],
    ["batch", ' [ {"id":12345678901234567890}, 5, {"method":"x"}, {"id":"a"} ] ', [
      "12345678901234567890",
      undefined,
      undefined,
      '"a"',
    ]],
  ];
  for (const [name, text, ids] of cases) {
    await t.step(name, () => assert.deepEqual(rawIds(text), ids));
  }
});

Deno.test("needsRawId() is true only for numbers a double may have rounded", () => {
  assert.equal(needsRawId(9007199254740993), true);
  assert.equal(needsRawId(1.5), true);
  assert.equal(needsRawId(42), false);
  assert.equal(needsRawId("9007199254740993"), false);
  assert.equal(needsRawId(null), false);
});
