import assert from "node:assert/strict";
import { checkDepth, type FrameEvent, NdjsonDecoder } from "./framing.ts";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const texts = (events: FrameEvent[]) =>
  events.map((e) => e.kind === "message" ? e.text : `<oversize ${e.bytes}>`);

function decodeAll(chunks: Uint8Array[], max = 1024): string[] {
  const d = new NdjsonDecoder({ maxMessageBytes: max });
  return texts([...chunks.flatMap((c) => d.push(c)), ...d.end()]);
}

Deno.test("NdjsonDecoder splits lines and handles CRLF, blanks and a missing final newline", async (t) => {
  const cases: [string, string, string[]][] = [
    ["two messages in one chunk", '{"a":1}\n{"b":2}\n', ['{"a":1}', '{"b":2}']],
    ["CRLF stripped", '{"a":1}\r\n{"b":2}\r\n', ['{"a":1}', '{"b":2}']],
    ["empty and blank lines skipped", '\n\r\n  \t\n{"a":1}\n\n', ['{"a":1}']],
    ["last line without newline", '{"a":1}\n{"b":2}', ['{"a":1}', '{"b":2}']],
    ["only a message without newline", "[1,2]", ["[1,2]"]],
    ["inner spaces kept", ' {"a": 1} \n', [' {"a": 1} ']],
    ["multi-byte UTF-8", '{"s":"héllo → ✓"}\n', ['{"s":"héllo → ✓"}']],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => assert.deepEqual(decodeAll([bytes(input)]), expected));
  }
});

Deno.test("NdjsonDecoder reassembles messages split byte by byte", () => {
  const input = bytes('{"s":"héllo"}\r\n[1,2,3]\n{"t":"✓"}');
  const chunks = Array.from(input, (b) => Uint8Array.of(b));
  assert.deepEqual(decodeAll(chunks), ['{"s":"héllo"}', "[1,2,3]", '{"t":"✓"}']);
});

Deno.test("NdjsonDecoder does not keep references to the caller's buffer", () => {
  const d = new NdjsonDecoder({ maxMessageBytes: 100 });
  const buf = bytes('{"a":');
  d.push(buf);
  buf.fill(0x20);
  assert.deepEqual(texts(d.push(bytes("1}\n"))), ['{"a":1}']);
});

Deno.test("NdjsonDecoder drops an oversize line once and still decodes the next one", async (t) => {
  await t.step("within one chunk", () => {
    assert.deepEqual(decodeAll([bytes(`${"x".repeat(20)}\n{"ok":1}\n`)], 10), [
      "<oversize 20>",
      '{"ok":1}',
    ]);
  });
  await t.step("across many chunks, reported as soon as it is too long", () => {
    const d = new NdjsonDecoder({ maxMessageBytes: 10 });
    const events: FrameEvent[] = [];
    for (let i = 0; i < 100; i++) events.push(...d.push(bytes("yyyyy")));
    assert.equal(events.length, 1);
    assert.equal(events[0].kind, "oversize");
    events.push(...d.push(bytes("yy\n[1]\n")), ...d.end());
    assert.deepEqual(texts(events).slice(1), ["[1]"]);
  });
  await t.step("a line of exactly the limit passes, with or without CR", () => {
    assert.deepEqual(decodeAll([bytes("1234567890\n1234567890\r\n")], 10), [
      "1234567890",
      "1234567890",
    ]);
    assert.deepEqual(decodeAll([bytes("12345678901\n")], 10), ["<oversize 11>"]);
  });
  await t.step("an oversize tail at end of stream", () => {
    assert.deepEqual(decodeAll([bytes("[1]\n"), bytes("z".repeat(50))], 10), [
      "[1]",
      "<oversize 50>",
    ]);
  });
});

Deno.test("NdjsonDecoder decodes many small messages and one big message in linear time", () => {
  const small = bytes('{"jsonrpc":"2.0","method":"ping","id":1}\n'.repeat(50_000));
  let t0 = performance.now();
  const d = new NdjsonDecoder({ maxMessageBytes: 1 << 20 });
  assert.equal(d.push(small).length, 50_000);
  const smallMs = performance.now() - t0;

  const big = bytes(`[${"1234567,".repeat(1_000_000)}0]\n`); // ≈ 8 MB
  const bigDecoder = new NdjsonDecoder({ maxMessageBytes: 16 << 20 });
  t0 = performance.now();
  const events: FrameEvent[] = [];
  for (let i = 0; i < big.length; i += 65536) {
    events.push(...bigDecoder.push(big.subarray(i, i + 65536)));
  }
  const bigMs = performance.now() - t0;
  assert.equal(events.length, 1);
  assert.equal(events[0].kind === "message" && events[0].text.length, big.length - 1);
  console.log(
    `50k small messages: ${smallMs.toFixed(1)} ms; 8 MB in 64 KiB chunks: ${bigMs.toFixed(1)} ms`,
  );
  // Quadratic joining of 123 chunks would copy ~500 MB; linear work takes a few tens of ms.
  assert.ok(bigMs < 1000, `big message took ${bigMs} ms`);
  assert.ok(smallMs < 1000, `small messages took ${smallMs} ms`);
});

Deno.test("NdjsonDecoder gives the same lines whatever the reads (whole-chunk decoding)", () => {
  // A seeded stream of lines: CRLF, blanks, multi-byte and invalid UTF-8, lines over the limit.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pieces = [
    "{}",
    "\r",
    " ",
    "\t",
    "é",
    "€",
    "😀",
    "\xff",
    "ab",
    "[1,2]",
    "x".repeat(30),
    "\ufeff",
  ];
  const bytes: number[] = [];
  for (let line = 0; line < 400; line++) {
    const n = Math.floor(random() * 6);
    for (let k = 0; k < n; k++) {
      const p = pieces[Math.floor(random() * pieces.length)];
      if (p === "\xff") bytes.push(0xff);
      else bytes.push(...new TextEncoder().encode(p));
    }
    bytes.push(0x0a);
  }
  const stream = new Uint8Array(bytes);
  const MAX = 40;
  // Reference: the whole stream split at newlines, each line judged on its own.
  const expected: string[] = [];
  let start = 0;
  for (let i = 0; i < stream.length; i++) {
    if (stream[i] !== 0x0a) continue;
    let end = i;
    if (end > start && stream[end - 1] === 0x0d) end--;
    const line = stream.subarray(start, end);
    start = i + 1;
    if (line.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)) continue;
    expected.push(line.length > MAX ? "(oversize)" : new TextDecoder().decode(line));
  }
  const seen = (ev: FrameEvent) => ev.kind === "message" ? ev.text : "(oversize)";
  for (const size of [1, 3, 7, 40, 41, 64, 500, stream.length]) {
    const decoder = new NdjsonDecoder({ maxMessageBytes: MAX });
    const got: string[] = [];
    for (let at = 0; at < stream.length; at += size) {
      got.push(...decoder.push(stream.slice(at, at + size)).map(seen));
    }
    assert.deepEqual(got, expected, `reads of ${size} bytes`);
  }
});

Deno.test("NdjsonDecoder rejects a non-positive limit", () => {
  assert.throws(() => new NdjsonDecoder({ maxMessageBytes: 0 }), RangeError);
});

Deno.test("checkDepth() counts nesting outside strings only", async (t) => {
  const cases: [string, string, number, boolean][] = [
    ["flat object", '{"a":1}', 1, true],
    ["two levels over a limit of one", '{"a":[1]}', 1, false],
    ["exactly at the limit", "[[[]]]", 3, true],
    ["one over the limit", "[[[[]]]]", 3, false],
    ["brackets inside a string", '{"a":"[[[[{{{{"}', 1, true],
    ["escaped quote keeps the string open", '{"a":"\\"[[[["}', 1, true],
    ["escaped backslash closes the string", '{"a":"\\\\","b":[[1]]}', 2, false],
    ["siblings do not add up", '[[1],[2],{"a":3}]', 2, true],
    ["unterminated string", '["[[[[', 1, true],
  ];
  for (const [name, text, max, ok] of cases) {
    await t.step(name, () => assert.equal(checkDepth(text, max), ok));
  }
  await t.step("hostile nesting is refused without recursion", () => {
    const deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
    assert.equal(checkDepth(deep, 64), false);
    assert.equal(checkDepth(deep, 2_000_000), true);
  });
});
