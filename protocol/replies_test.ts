import assert from "node:assert/strict";
import { clip, errorReply, errorReplyOf, idText, MAX_ERROR_BYTES, resultReply } from "./replies.ts";

Deno.test("resultReply() and errorReply() build JSON-RPC replies around the id text", () => {
  assert.equal(resultReply("7", { a: 1 }), '{"jsonrpc":"2.0","result":{"a":1},"id":7}');
  assert.equal(resultReply(idText("x"), undefined), '{"jsonrpc":"2.0","result":null,"id":"x"}');
  assert.deepEqual(JSON.parse(errorReplyOf("null", -32600, "bad", { why: 1 })), {
    jsonrpc: "2.0",
    error: { code: -32600, message: "bad", data: { why: 1 } },
    id: null,
  });
  assert.throws(() => resultReply("1", () => 1), TypeError);
});

Deno.test("errorReply() cuts an oversized error down to a short message without its data", () => {
  const issues = Array.from({ length: 50000 }, (_, i) => ({ path: [i], message: "bad" }));
  const text = errorReply("1", { code: -32602, message: "x".repeat(100000), data: { issues } });
  assert.ok(text.length < 2000, `${text.length} bytes`);
  const reply = JSON.parse(text);
  assert.equal(reply.error.code, -32602);
  assert.equal(reply.error.data.truncated, true);
  assert.ok(MAX_ERROR_BYTES >= 1024);
});

Deno.test("clip() keeps short input and shortens long input with its length", () => {
  assert.equal(clip("abc"), "abc");
  assert.equal(clip("abcdef", 3), "abc… (6 chars)");
});
