import assert from "node:assert/strict";
import { UsageError } from "./errors.ts";
import { parseSize } from "./offline.ts";

Deno.test("parseSize() reads WxH and a single N as a square", async (t) => {
  const cases: [string, { width: number; height: number }][] = [
    ["512", { width: 512, height: 512 }],
    ["640x480", { width: 640, height: 480 }],
    ["1X1", { width: 1, height: 1 }],
    ["4096x1", { width: 4096, height: 1 }],
    ["1x4096", { width: 1, height: 4096 }],
    [" 32x16 ", { width: 32, height: 16 }],
    ["0064x8", { width: 64, height: 8 }],
  ];
  for (const [text, expected] of cases) {
    await t.step(JSON.stringify(text), () => assert.deepEqual(parseSize(text), expected));
  }
});

Deno.test("parseSize() rejects sizes outside 1..4096 and garbage, naming the value", async (t) => {
  const cases = [
    "0",
    "0x10",
    "10x0",
    "4097",
    "4096x4097",
    "abc",
    "",
    "10x",
    "x10",
    "1.5x2",
    "-1x2",
  ];
  for (const text of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(() => parseSize(text), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.ok(err.message.includes(`"${text}"`), err.message);
        assert.match(err.message, /1\.\.4096/);
        return true;
      });
    });
  }
});
