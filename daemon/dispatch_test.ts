import assert from "node:assert/strict";
import { ErrorCode } from "../protocol/mod.ts";
import type { CallInfo } from "./dispatch.ts";
import { harness } from "./dispatch_testing.ts";

const CALL: CallInfo = { connectionId: 1, transport: "unix" };

function request(method: string, params?: unknown, id: string | number | null = 1) {
  return params === undefined
    ? { jsonrpc: "2.0", method, id }
    : { jsonrpc: "2.0", method, params, id };
}

function notification(method: string, params?: unknown) {
  return params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params };
}

Deno.test("Dispatcher answers a single request synchronously", async () => {
  const h = await harness();
  const reply = h.dispatcher.handleText(JSON.stringify(request("subtract", [42, 23], 7)), CALL);
  assert.equal(typeof reply, "string", "a synchronous handler answers without a Promise");
  assert.deepEqual(JSON.parse(reply as string), { jsonrpc: "2.0", result: 19, id: 7 });
});

Deno.test("Dispatcher runs the conformance methods with positional and named params", async (t) => {
  const h = await harness();
  const cases: [string, unknown, unknown][] = [
    ["subtract positional", request("subtract", [42, 23]), 19],
    ["subtract positional reversed", request("subtract", [23, 42]), -19],
    ["subtract named", request("subtract", { subtrahend: 23, minuend: 42 }), 19],
    ["subtract named reordered", request("subtract", { minuend: 42, subtrahend: 23 }), 19],
    ["sum", request("sum", [1, 2, 4]), 7],
    ["get_data", request("get_data"), ["hello", 5]],
  ];
  for (const [name, message, result] of cases) {
    await t.step(name, async () => {
      assert.deepEqual(await h.send(message), { jsonrpc: "2.0", result, id: 1 });
    });
  }
});

Deno.test("Dispatcher keeps the request id of each type", async (t) => {
  const h = await harness();
  for (const id of [0, "abc", null, 3.5]) {
    await t.step(JSON.stringify(id), async () => {
      assert.deepEqual(await h.send(request("sum", [1], id)), { jsonrpc: "2.0", result: 1, id });
    });
  }
});

Deno.test("Dispatcher sends no reply to a notification but still runs it", async () => {
  const h = await harness();
  assert.equal(h.dispatcher.handleText(JSON.stringify(notification("update", [1, 2])), CALL), null);
  assert.equal(await h.send(notification("goxel.create_project", ["n", 8, 8, 8])), null);
  assert.equal(h.ctx.projects.current?.name, "n");
  assert.deepEqual(h.requests.map((r) => r[0]), ["update", "goxel.create_project"]);
});

Deno.test("Dispatcher answers a mixed batch with one reply per request", async () => {
  const h = await harness();
  const reply = await h.send([
    { jsonrpc: "2.0", method: "sum", params: [1, 2, 4], id: "1" },
    { jsonrpc: "2.0", method: "notify_hello", params: [7] },
    { jsonrpc: "2.0", method: "subtract", params: [42, 23], id: "2" },
    { foo: "boo" },
    { jsonrpc: "2.0", method: "foo.get", params: { name: "myself" }, id: "5" },
    { jsonrpc: "2.0", method: "get_data", id: "9" },
  ]) as { id: unknown; result?: unknown; error?: { code: number } }[];
  assert.ok(Array.isArray(reply));
  assert.deepEqual(reply.map((r) => [r.id, r.result ?? r.error?.code]), [
    ["1", 7],
    ["2", 19],
    [null, ErrorCode.INVALID_REQUEST],
    ["5", ErrorCode.METHOD_NOT_FOUND],
    ["9", ["hello", 5]],
  ]);
});

Deno.test("Dispatcher answers invalid batch entries one by one", async () => {
  const h = await harness();
  const reply = await h.send([1, 2, 3]) as { error: { code: number }; id: unknown }[];
  assert.equal(reply.length, 3);
  for (const r of reply) {
    assert.equal(r.error.code, ErrorCode.INVALID_REQUEST);
    assert.equal(r.id, null);
  }
});

Deno.test("Dispatcher sends nothing for a batch of notifications only", async () => {
  const h = await harness();
  const text = JSON.stringify([
    notification("notify_sum", [1, 2, 4]),
    notification("notify_hello", [7]),
  ]);
  assert.equal(h.dispatcher.handleText(text, CALL), null);
  assert.equal(h.requests.length, 2);
});

Deno.test("Dispatcher rejects malformed messages with id null", async (t) => {
  const h = await harness();
  const cases: [string, string, number, RegExp][] = [
    [
      "parse error",
      '{"jsonrpc":"2.0","method":"foobar,"params":"bar","baz]',
      ErrorCode.PARSE_ERROR,
      /^Parse error: /,
    ],
    ["empty batch", "[]", ErrorCode.INVALID_REQUEST, /empty batch/],
    ["not an object", "1", ErrorCode.INVALID_REQUEST, /must be a JSON object/],
    [
      "wrong jsonrpc version",
      '{"jsonrpc":"1.0","method":"sum"}',
      ErrorCode.INVALID_REQUEST,
      /"jsonrpc"/,
    ],
    [
      "method not a string",
      '{"jsonrpc":"2.0","method":1,"params":"bar"}',
      ErrorCode.INVALID_REQUEST,
      /"method"/,
    ],
  ];
  for (const [name, text, code, message] of cases) {
    await t.step(name, async () => {
      const reply = await h.send(text) as { error: { code: number; message: string }; id: unknown };
      assert.equal(reply.error.code, code);
      assert.match(reply.error.message, message);
      assert.equal(reply.id, null);
    });
  }
  assert.equal(h.metrics.get("goxel_rejected_total", '{limit="parse"}'), 1);
});

Deno.test("Dispatcher refuses a batch over limits.max_batch", async () => {
  const h = await harness();
  h.ctx.config.limits.max_batch = 3;
  const ok = await h.send([request("sum", [1], 1), request("sum", [2], 2), request("sum", [3], 3)]);
  assert.equal((ok as unknown[]).length, 3);
  const reply = await h.send(Array.from({ length: 4 }, (_, i) => request("sum", [i], i))) as {
    error: { code: number; message: string; data: unknown };
    id: unknown;
  };
  assert.equal(reply.error.code, ErrorCode.INVALID_REQUEST);
  assert.match(reply.error.message, /batch of 4 exceeds the limit of 3/);
  assert.deepEqual(reply.error.data, { limit: "max_batch", max: 3 });
  assert.equal(reply.id, null);
  assert.equal(h.metrics.get("goxel_rejected_total", '{limit="batch"}'), 1);
  assert.equal(h.requests.length, 3, "no request of the refused batch runs");
});

Deno.test("Dispatcher refuses JSON nested deeper than limits.max_depth", async () => {
  const h = await harness();
  const max = h.ctx.config.limits.max_depth;
  const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
  const deep = `{"jsonrpc":"2.0","method":"update","params":${nested(max)},"id":1}`;
  const reply = await h.send(deep) as { error: { code: number; data: unknown }; id: unknown };
  assert.equal(reply.error.code, ErrorCode.INVALID_REQUEST);
  assert.deepEqual(reply.error.data, { limit: "max_depth", max });
  assert.equal(reply.id, null);
  assert.equal(h.metrics.get("goxel_rejected_total", '{limit="depth"}'), 1);
  const shallow = `{"jsonrpc":"2.0","method":"update","params":[${nested(max - 3)}],"id":1}`;
  assert.deepEqual(await h.send(shallow), { jsonrpc: "2.0", result: null, id: 1 });
});

Deno.test("Dispatcher names the methods nearest a mistyped one, and how to reach test methods", async () => {
  const h = await harness({ conformance: false });
  const send = async (method: string) =>
    (await h.send(request(method)) as {
      error: { code: number; message: string; data?: { did_you_mean: string[] } };
    }).error;
  const typo = await send("goxel.creat_project");
  assert.equal(typo.code, ErrorCode.METHOD_NOT_FOUND);
  assert.deepEqual(typo.data, { did_you_mean: ["goxel.create_project"] });
  assert.match(typo.message, /did you mean goxel\.create_project\?/);
  assert.deepEqual((await send("add_voxle")).data, { did_you_mean: ["add_voxel", "add_voxels"] });
  const test = await send("subtract");
  assert.match(test.message, /conformance test method.*--conformance/);
  assert.equal(test.data, undefined);
});

Deno.test("Dispatcher answers unknown methods with -32601", async (t) => {
  const h = await harness();
  for (const method of ["foobar", "goxel.no_such_method", "rpc.nothing"]) {
    await t.step(method, async () => {
      const reply = await h.send(request(method)) as { error: { code: number; message: string } };
      assert.equal(reply.error.code, ErrorCode.METHOD_NOT_FOUND);
      assert.equal(reply.error.message, `Method not found: ${method}`);
    });
  }
  assert.equal(h.metrics.get("goxel_requests_total", '{method="(unknown)",outcome="error"}'), 3);
  // One metrics label, but the log names what was sent.
  assert.deepEqual(h.requests.map(([m]) => m), [
    '(unknown) "foobar"',
    '(unknown) "goxel.no_such_method"',
    '(unknown) "rpc.nothing"',
  ]);
});

Deno.test("Dispatcher hides the conformance methods without --conformance", async () => {
  const h = await harness({ conformance: false });
  const reply = await h.send(request("subtract", [42, 23])) as { error: { code: number } };
  assert.equal(reply.error.code, ErrorCode.METHOD_NOT_FOUND);
});

Deno.test("Dispatcher answers invalid params with -32602 and the issues", async (t) => {
  const h = await harness();
  const cases: [string, unknown][] = [
    ["wrong type", ["a", 1]],
    ["missing named param", { minuend: 1 }],
    ["unknown named param", { minuend: 1, subtrahend: 2, extra: 3 }],
    ["too many positional params", [1, 2, 3]],
  ];
  for (const [name, params] of cases) {
    await t.step(name, async () => {
      const reply = await h.send(request("subtract", params)) as {
        error: { code: number; message: string; data: { issues: { message: string }[] } };
      };
      assert.equal(reply.error.code, ErrorCode.INVALID_PARAMS);
      assert.match(reply.error.message, /^Invalid params for subtract: /);
      assert.ok(Array.isArray(reply.error.data.issues));
      assert.ok(reply.error.data.issues.length > 0);
      for (const issue of reply.error.data.issues) assert.equal(typeof issue.message, "string");
    });
  }
  assert.deepEqual(h.bugs, []);
});

Deno.test("Dispatcher serves rpc.discover with every method", async () => {
  const h = await harness();
  const reply = await h.send(request("rpc.discover")) as {
    result: { openrpc: string; info: { version: string }; methods: { name: string }[] };
  };
  assert.match(reply.result.openrpc, /^1\./);
  assert.equal(reply.result.info.version, "0.0.0-test");
  const names = reply.result.methods.map((m) => m.name);
  for (const name of ["goxel.add_voxel", "goxel.create_project", "subtract"]) {
    assert.ok(names.includes(name), name);
  }
  const listed = await h.send(request("goxel.list_methods")) as { result: { count: number } };
  assert.equal(names.length, listed.result.count, "the same methods as goxel.list_methods");
  assert.equal(new Set(names).size, names.length);
});

Deno.test("Dispatcher returns a Promise for an async handler", async () => {
  const h = await harness();
  const pending = h.dispatcher.handleText(
    JSON.stringify(request("goxel.reload_config", [], 4)),
    CALL,
  );
  assert.ok(pending instanceof Promise);
  const reply = JSON.parse((await pending)!);
  assert.equal(reply.id, 4);
  assert.equal(reply.result.success, true);
  assert.deepEqual(reply.result.changed, ["log.level"]);
});

Deno.test("Dispatcher batch with an async handler resolves with every reply in order", async () => {
  const h = await harness();
  const pending = h.dispatcher.handleText(
    JSON.stringify([request("goxel.reload_config", [], "a"), request("sum", [5], "b")]),
    CALL,
  );
  assert.ok(pending instanceof Promise);
  const reply = JSON.parse((await pending)!) as { id: string }[];
  assert.deepEqual(reply.map((r) => r.id), ["a", "b"]);
});

Deno.test("Dispatcher maps a handler's expected failure to its application code", async () => {
  const h = await harness();
  const reply = await h.send(request("goxel.get_voxel", { x: 0, y: 0, z: 0, project: "nope" })) as {
    error: { code: number; data: { reason: string } };
  };
  assert.equal(reply.error.code, ErrorCode.NOT_FOUND);
  assert.equal(reply.error.data.reason, "not_found");
  assert.deepEqual(h.bugs, []);
});

Deno.test("Dispatcher edits the current project through project methods", async () => {
  const h = await harness();
  await h.send(request("goxel.create_project", ["box", 16, 16, 16]));
  const added = await h.send(request("goxel.add_voxel", [1, 2, 3, 255, 0, 0, 255])) as {
    result: { success: boolean };
  };
  assert.equal(added.result.success, true);
  const got = await h.send(request("goxel.get_voxel", [1, 2, 3])) as {
    result: { exists: boolean; color: number[] };
  };
  assert.deepEqual(got.result, { x: 1, y: 2, z: 3, exists: true, color: [255, 0, 0, 255] });
});

Deno.test("Dispatcher counts requests per method and outcome", async () => {
  const h = await harness();
  await h.send(request("subtract", [3, 1]));
  await h.send(request("subtract", [3, 1]));
  await h.send(request("subtract", ["x"]));
  await h.send(notification("update"));
  const cases: [string, number][] = [
    ['{method="subtract",outcome="ok"}', 2],
    ['{method="subtract",outcome="error"}', 1],
    ['{method="update",outcome="ok"}', 1],
  ];
  for (const [labels, expected] of cases) {
    assert.equal(h.metrics.get("goxel_requests_total", labels), expected, labels);
  }
  const text = h.metrics.render();
  assert.ok(text.includes('goxel_request_duration_seconds_count{method="subtract"} 3\n'), text);
  assert.deepEqual(h.requests, [
    ["subtract", undefined],
    ["subtract", undefined],
    ["subtract", ErrorCode.INVALID_PARAMS],
    ["update", undefined],
  ]);
});
