import assert from "node:assert/strict";
import { PassThrough, Writable } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { StdioTransport } from "./stdio_transport.ts";

function setup(opts: { maxLineBytes?: number; eofGraceMs?: number } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: unknown[] = [];
  let text = "";
  output.on("data", (d: Uint8Array) => {
    text += new TextDecoder().decode(d);
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
      lines.push(JSON.parse(text.slice(0, nl)));
      text = text.slice(nl + 1);
    }
  });
  const logs: string[] = [];
  const transport = new StdioTransport({ input, output, log: (m) => logs.push(m), ...opts });
  const received: JSONRPCMessage[] = [];
  let closes = 0;
  transport.onmessage = (m) => received.push(m);
  transport.onclose = () => closes++;
  return { input, output, lines, logs, transport, received, closes: () => closes };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const ping = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "ping" }) + "\n";

Deno.test("StdioTransport answers bad lines and keeps reading", async () => {
  const s = setup({ maxLineBytes: 64 });
  await s.transport.start();
  const big = JSON.stringify({
    jsonrpc: "2.0",
    method: "x",
    params: { a: "y".repeat(100) },
    id: 8,
  });
  s.input.write("{\n[]\n" + big.slice(0, 50));
  s.input.write(big.slice(50) + "\n" + ping(1));
  await until("the ping", () => s.received.length === 1);
  await until("three replies", () => s.lines.length === 3);
  assert.deepEqual(s.received, [{ jsonrpc: "2.0", id: 1, method: "ping" }]);
  assert.deepEqual(
    s.lines.map((l) => [(l as { id: unknown }).id, (l as { error: { code: number } }).error.code]),
    [[null, -32700], [null, -32600], [8, -32700]],
  );
  assert.equal(s.logs.length, 3);
  await s.transport.close();
});

Deno.test("StdioTransport closes at end of input once the requests in flight are answered", async () => {
  const s = setup();
  await s.transport.start();
  s.input.end(ping(1) + ping(2));
  await until("both pings", () => s.received.length === 2);
  await s.transport.send({ jsonrpc: "2.0", id: 1, result: {} });
  assert.equal(s.closes(), 0, "still open while ping 2 is unanswered");
  await s.transport.send({ jsonrpc: "2.0", id: 2, result: {} });
  assert.equal(await s.transport.closed, undefined);
  assert.equal(s.closes(), 1);
  assert.deepEqual(s.lines.map((l) => (l as { id: number }).id), [1, 2]);
});

Deno.test("StdioTransport closes at end of input when nothing is in flight", async () => {
  const s = setup();
  await s.transport.start();
  s.input.end();
  assert.equal(await s.transport.closed, undefined);
  assert.equal(s.closes(), 1);
  await s.transport.close();
  assert.equal(s.closes(), 1, "close() after closing reports nothing more");
  await assert.rejects(s.transport.send({ jsonrpc: "2.0", id: 1, result: {} }), /is closed/);
});

Deno.test("StdioTransport stops waiting for unanswered requests after the grace period", async () => {
  const s = setup({ eofGraceMs: 50 });
  await s.transport.start();
  s.input.end(ping(1));
  assert.equal(await s.transport.closed, undefined);
  assert.match(s.logs.join("\n"), /1 request\(s\) still unanswered/);
});

Deno.test("StdioTransport stops waiting for a request the host cancelled", async () => {
  const s = setup();
  await s.transport.start();
  const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } };
  s.input.end(ping(1) + JSON.stringify(cancel) + "\n");
  assert.equal(await s.transport.closed, undefined);
  assert.equal(s.received.length, 2);
});

Deno.test("StdioTransport closes with an error when stdout fails", async () => {
  const input = new PassThrough();
  const output = new Writable({ write: (_c, _e, cb) => cb(new Error("write EPIPE")) });
  const transport = new StdioTransport({ input, output });
  const errors: Error[] = [];
  transport.onerror = (e) => errors.push(e);
  await transport.start();
  await assert.rejects(transport.send({ jsonrpc: "2.0", id: 1, result: {} }), /EPIPE/);
  const reason = await transport.closed;
  assert.match(reason?.message ?? "", /^Cannot write MCP messages to stdout: write EPIPE$/);
  assert.deepEqual(errors, [reason]);
});

Deno.test("StdioTransport closes with an error when stdin fails", async () => {
  const s = setup();
  await s.transport.start();
  s.input.destroy(new Error("EIO"));
  const reason = await s.transport.closed;
  assert.equal(reason?.message, "Cannot read MCP messages from stdin: EIO");
  assert.equal(s.closes(), 1);
});
