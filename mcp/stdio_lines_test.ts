import assert from "node:assert/strict";
import { type LineEvent, LineReader } from "./stdio_lines.ts";

const enc = new TextEncoder();

function readAll(reader: LineReader, pieces: (string | Uint8Array)[]): LineEvent[] {
  const events: LineEvent[] = [];
  for (const p of pieces) events.push(...reader.push(typeof p === "string" ? enc.encode(p) : p));
  return [...events, ...reader.end()];
}

Deno.test("LineReader cuts chunks into lines", async (t) => {
  const cases: [string, string[], LineEvent[]][] = [
    ["several lines in one chunk", ["a\nb\n"], [{ kind: "line", text: "a" }, {
      kind: "line",
      text: "b",
    }]],
    ["a line over several chunks", ["ab", "c", "d\n"], [{ kind: "line", text: "abcd" }]],
    ["CRLF endings", ["a\r\nb\r", "\n"], [{ kind: "line", text: "a" }, {
      kind: "line",
      text: "b",
    }]],
    ["a last line without newline", ["a\nb"], [{ kind: "line", text: "a" }, {
      kind: "line",
      text: "b",
    }]],
    ["empty lines are lines", ["\n\n"], [{ kind: "line", text: "" }, { kind: "line", text: "" }]],
    ["multi-byte characters split across chunks", ["\u00e9"], [{ kind: "line", text: "\u00e9" }]],
  ];
  for (const [name, pieces, want] of cases) {
    await t.step(name, () => assert.deepEqual(readAll(new LineReader(100), pieces), want));
  }
  await t.step("a UTF-8 sequence split across chunks", () => {
    const bytes = enc.encode("\u00e9\n");
    const got = readAll(new LineReader(100), [bytes.subarray(0, 1), bytes.subarray(1)]);
    assert.deepEqual(got, [{ kind: "line", text: "\u00e9" }]);
  });
  await t.step("invalid UTF-8 is reported, not replaced", () => {
    const got = readAll(new LineReader(100), [new Uint8Array([0x22, 0xff, 0x22, 0x0a])]);
    assert.deepEqual(got, [{ kind: "undecodable", bytes: 3 }]);
  });
});

Deno.test("LineReader skips a line over the limit, reports its size and envelope, and goes on", () => {
  const reader = new LineReader(16);
  const long = `{"method":"m","params":"${"x".repeat(40)}","id":5}`;
  const got = readAll(reader, [long.slice(0, 10), long.slice(10, 30), long.slice(30) + "\nok\n"]);
  assert.deepEqual(got, [
    { kind: "oversize", bytes: long.length, envelope: { id: 5, hasMethod: true } },
    { kind: "line", text: "ok" },
  ]);
  assert.deepEqual(readAll(reader, ["0123456789abcdef\n"]), [{
    kind: "line",
    text: "0123456789abcdef",
  }]);
  assert.deepEqual(readAll(reader, ["0123456789abcdefg"]), [
    { kind: "oversize", bytes: 17, envelope: { hasMethod: false } },
  ]);
});

Deno.test("LineReader does not count a CRLF's carriage return against the limit", () => {
  const reader = new LineReader(4);
  assert.deepEqual(readAll(reader, ["abcd\r", "\nabcde\r\n"]), [
    { kind: "line", text: "abcd" },
    { kind: "oversize", bytes: 6, envelope: { hasMethod: false } },
  ]);
  assert.deepEqual(readAll(reader, ["abcde"]), [
    { kind: "oversize", bytes: 5, envelope: { hasMethod: false } },
  ]);
});

Deno.test("LineReader keeps its own copy of a chunk it has not finished with", () => {
  const reader = new LineReader(100);
  const chunk = enc.encode("abc");
  reader.push(chunk);
  chunk.fill(0x7a);
  assert.deepEqual(reader.push(enc.encode("\n")), [{ kind: "line", text: "abc" }]);
});

Deno.test("LineReader refuses a limit that is not positive", () => {
  assert.throws(() => new LineReader(0), RangeError);
});
