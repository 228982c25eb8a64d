import assert from "node:assert/strict";
import { type Envelope, EnvelopeScanner } from "./stdio_envelope.ts";

function scan(text: string, pieceBytes = 3): Envelope {
  const bytes = new TextEncoder().encode(text);
  const scanner = new EnvelopeScanner();
  for (let i = 0; i < bytes.length; i += pieceBytes) {
    scanner.push(bytes.subarray(i, i + pieceBytes));
  }
  return scanner.envelope();
}

Deno.test("EnvelopeScanner finds the top-level id and method in any split of the bytes", async (t) => {
  const big = "x".repeat(5000);
  const cases: [string, string, Envelope][] = [
    [
      "id last, as the TypeScript SDK writes it",
      `{"method":"tools/call","params":{"a":"${big}"},"jsonrpc":"2.0","id":7}`,
      { id: 7, hasMethod: true },
    ],
    [
      "id first, as the Python SDK writes it",
      `{"jsonrpc":"2.0","id":"r-1","method":"x","params":[1,2]}`,
      { id: "r-1", hasMethod: true },
    ],
    ["whitespace between tokens", `{ "id" : 3 , "method" : "m" }`, { id: 3, hasMethod: true }],
    ["nested ids are not the request's", `{"method":"m","params":{"id":9,"x":{"id":8}}}`, {
      hasMethod: true,
    }],
    [
      "quotes and brackets inside strings",
      `{"method":"m","params":{"s":"\\"id\\":5,}]{"},"id":4}`,
      { id: 4, hasMethod: true },
    ],
    [
      "an escaped backslash before a closing quote",
      `{"params":{"s":"a\\\\"},"id":2,"method":"m"}`,
      { id: 2, hasMethod: true },
    ],
    ["a unicode id", `{"id":"ü-\\u00e9","method":"m"}`, { id: "ü-é", hasMethod: true }],
    ["a notification", `{"jsonrpc":"2.0","method":"notifications/x","params":{}}`, {
      hasMethod: true,
    }],
    ["a response", `{"jsonrpc":"2.0","id":1,"result":{}}`, { id: 1, hasMethod: false }],
    ["an object id is no id", `{"id":{"n":1},"method":"m"}`, { hasMethod: true }],
    ["a fractional id is no id", `{"id":1.5,"method":"m"}`, { hasMethod: true }],
    ["a null id is no id", `{"id":null,"method":"m"}`, { hasMethod: true }],
    ["a numeric method is no method", `{"id":1,"method":5}`, { id: 1, hasMethod: false }],
    ["an array is no envelope", `[{"id":1,"method":"m"}]`, { hasMethod: false }],
    ["a truncated message keeps what it saw", `{"id":6,"method":"m","params":{"a":[1,2`, {
      id: 6,
      hasMethod: true,
    }],
    ["what follows the object is ignored", `{"method":"m"} {"id":1}`, { hasMethod: true }],
  ];
  for (const [name, text, want] of cases) {
    await t.step(name, () => {
      assert.deepEqual(scan(text), want);
      assert.deepEqual(scan(text, 1), want);
      assert.deepEqual(scan(text, text.length), want);
    });
  }
});

Deno.test("EnvelopeScanner ignores a key or scalar too long to be an id", () => {
  const longId = `"${"9".repeat(2000)}"`;
  assert.deepEqual(scan(`{"method":"m","id":${longId}}`), { hasMethod: true });
});
