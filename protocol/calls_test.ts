import assert from "node:assert/strict";
import { PendingCalls } from "./calls.ts";
import { RpcError } from "./jsonrpc.ts";

Deno.test("PendingCalls matches replies to calls by id, in any order", async () => {
  const calls = new PendingCalls();
  const a = calls.start("goxel.ping");
  const b = calls.start("goxel.echo", { x: 1 });
  assert.deepEqual(JSON.parse(b.frame), {
    jsonrpc: "2.0",
    method: "goxel.echo",
    id: 2,
    params: { x: 1 },
  });
  assert.ok(a.frame.endsWith("\n"));
  assert.equal(calls.settle('{"jsonrpc":"2.0","error":{"code":-1,"message":"no"},"id":2}'), true);
  assert.equal(calls.settle('{"jsonrpc":"2.0","result":"pong","id":1}'), true);
  assert.equal(await a.result, "pong");
  await assert.rejects(b.result, (e) => e instanceof RpcError && e.code === -1);
  assert.equal(calls.size, 0);
});

Deno.test("PendingCalls.settle() returns false for lines that answer no call", () => {
  const calls = new PendingCalls();
  calls.start("goxel.ping");
  for (const line of ["not json", '{"id":7,"result":1}', '{"id":null,"error":{}}', "null"]) {
    assert.equal(calls.settle(line), false, line);
  }
  assert.equal(calls.size, 1);
});

Deno.test("PendingCalls.failAll() rejects every waiting call", async () => {
  const calls = new PendingCalls();
  const { result } = calls.start("goxel.ping");
  calls.failAll(new Error("closed"));
  await assert.rejects(result, /closed/);
});
