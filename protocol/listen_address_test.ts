import assert from "node:assert/strict";
import { isLoopbackHost, parseHostPort } from "./listen_address.ts";

Deno.test("parseHostPort() reads HOST:PORT, [v6]:PORT and PORT, and refuses the rest", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:7891"), { host: "127.0.0.1", port: 7891 });
  assert.deepEqual(parseHostPort("[::1]:80"), { host: "::1", port: 80 });
  assert.deepEqual(parseHostPort("8080"), { host: "127.0.0.1", port: 8080 });
  assert.deepEqual(parseHostPort(":8080"), { host: "127.0.0.1", port: 8080 });
  assert.deepEqual(parseHostPort("localhost:0"), { host: "localhost", port: 0 });
  for (const bad of ["127.0.0.1:99999", "host", "a:b", "", "1:2:3", "127.0.0.1:123456"]) {
    assert.equal(parseHostPort(bad), null, bad);
  }
  // Where a host is required.
  assert.equal(parseHostPort("8080", null), null);
  assert.equal(parseHostPort(":8080", null), null);
  assert.deepEqual(parseHostPort("h:1", null), { host: "h", port: 1 });
});

Deno.test("isLoopbackHost() accepts loopback names and addresses only", () => {
  for (const h of ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) {
    assert.ok(isLoopbackHost(h), h);
  }
  // Names that merely start like a loopback address resolve wherever DNS says (rebinding).
  for (
    const h of [
      "0.0.0.0",
      "example.com",
      "10.0.0.1",
      "localhost.evil.example",
      "127.attacker.example",
      "127.0.0.1.attacker.example",
      "127.0.0.1.",
      "127.0.0.256",
      "127.0.0",
    ]
  ) {
    assert.ok(!isLoopbackHost(h), h);
  }
});
