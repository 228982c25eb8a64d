import assert from "node:assert/strict";
import { parseListen } from "./http_control.ts";

Deno.test("parseListen() reads HOST:PORT, [v6]:PORT and PORT, and refuses the rest", async (t) => {
  const good: [string, { host: string; port: number }][] = [
    ["127.0.0.1:7891", { host: "127.0.0.1", port: 7891 }],
    ["[::1]:80", { host: "::1", port: 80 }],
    ["8080", { host: "127.0.0.1", port: 8080 }],
    [":0", { host: "127.0.0.1", port: 0 }],
  ];
  for (const [text, want] of good) {
    await t.step(text, () => assert.deepEqual(parseListen(text), want));
  }
  for (const bad of ["host", "a:b", "1.2.3.4:70000", ""]) {
    await t.step(
      `refuses "${bad}"`,
      () => assert.throws(() => parseListen(bad), /expected HOST:PORT/),
    );
  }
});
