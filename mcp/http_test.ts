import assert from "node:assert/strict";
import { mcpListen } from "./http.ts";

Deno.test("mcpListen() reads host:port and bracketed IPv6, refuses the rest", () => {
  assert.deepEqual(mcpListen("127.0.0.1:8765"), { host: "127.0.0.1", port: 8765 });
  assert.deepEqual(mcpListen("[::1]:0"), { host: "::1", port: 0 });
  for (const bad of ["8765", "host:", "host:99999", "a:b"]) {
    assert.throws(() => mcpListen(bad), /--http wants host:port/);
  }
});
