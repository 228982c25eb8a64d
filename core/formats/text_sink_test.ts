import assert from "node:assert/strict";
import { TextSink } from "./text_sink.ts";

Deno.test("TextSink writes text, integers and bytes, growing as needed", () => {
  const sink = new TextSink(4);
  const ints = [0, 7, -3, 10, 99, 100, -1048576, 123456789012];
  for (const v of ints) {
    sink.int(v);
    sink.char(32);
  }
  sink.text("abc");
  sink.bytes(new Uint8Array([10]));
  const expected = ints.join(" ") + " abc\n";
  assert.equal(new TextDecoder().decode(sink.finish()), expected);
  assert.equal(sink.length, expected.length);
});
