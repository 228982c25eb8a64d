import assert from "node:assert/strict";
import { parseHostPort } from "./http.ts";

Deno.test("parseHostPort() reads host:port and bracketed IPv6, refuses the rest", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:8765"), { host: "127.0.0.1", port: 8765 });
  assert.deepEqual(parseHostPort("[::1]:0"), { host: "::1", port: 0 });
  for (const bad of ["8765", "host:", "host:99999", "a:b"]) {
    assert.throws(() => parseHostPort(bad), /--http wants host:port/);
  }
});
