import assert from "node:assert/strict";
import { RpcError } from "../protocol/mod.ts";
import { cancelEarly, queuedIdKey, RunningRequests, throwIfCancelled } from "./cancels.ts";

Deno.test("a running request whose client leaves stops with 'its client left', not a bug", () => {
  const connection = new AbortController();
  const running = new RunningRequests(connection.signal);
  const { signal, done } = running.start(7);
  connection.abort();
  assert.ok(signal.reason instanceof RpcError);
  assert.deepEqual(signal.reason.data, { reason: "cancelled" });
  assert.throws(() => throwIfCancelled(signal), /its client left/);
  done();
  assert.equal(running.cancel(7), false, "a settled request is forgotten");
});

Deno.test("queuedIdKey() reads the id as written, however it is spelled", () => {
  assert.equal(queuedIdKey('{"jsonrpc":"2.0","id":1e0,"method":"m"}'), queuedIdKey('{"id":1}'));
  assert.equal(queuedIdKey('{"id":"\\u0073","method":"m"}'), queuedIdKey('{"id":"s"}'));
  assert.equal(queuedIdKey('{"id":9007199254740993}'), queuedIdKey('{"id":9007199254740992}'));
  assert.notEqual(queuedIdKey('{"id":"1"}'), queuedIdKey('{"id":1}'));
  assert.equal(queuedIdKey('{"method":"notify"}'), undefined);
  assert.equal(queuedIdKey('[{"id":1}]'), undefined, "a batch is not one request");
});

Deno.test("cancelEarly() leaves malformed envelopes to the usual error reply", () => {
  const running = new RunningRequests();
  const queue = { answerQueued: () => false };
  for (
    const text of [
      '{"jsonrpc":"1.0","id":5,"method":"goxel.cancel_request","params":{"id":1}}',
      '{"id":5,"method":"goxel.cancel_request","params":{"id":1}}',
      '{"jsonrpc":"2.0","id":{"x":1},"method":"goxel.cancel_request","params":{"id":1}}',
      '{"jsonrpc":"2.0","id":5,"method":"goxel.cancel_request","params":{"id":[1]}}',
      '[{"jsonrpc":"2.0","id":5,"method":"goxel.cancel_request","params":{"id":1}}]',
    ]
  ) assert.equal(cancelEarly(text, running, queue), undefined, text);
  const counted: string[] = [];
  const ok = cancelEarly(
    '{"jsonrpc":"2.0","id":5,"method":"cancel_request","params":[1]}',
    running,
    queue,
    (m) => counted.push(m),
  );
  assert.deepEqual(JSON.parse(ok as string), {
    jsonrpc: "2.0",
    id: 5,
    result: { cancelled: false, state: "not_found" },
  });
  assert.deepEqual(counted, ["goxel.cancel_request"], "the cancel counts as a request");
});
