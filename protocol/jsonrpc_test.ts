import assert from "node:assert/strict";
import { ErrorCode, isRequest, RpcError, validateEnvelope } from "./jsonrpc.ts";

const SPEC = new URL("../../shared/spec/jsonrpc_vectors.jsonl", import.meta.url);

Deno.test("validateEnvelope() and isRequest() accept valid requests", async (t) => {
  const cases: [string, unknown][] = [
    ["positional params", { jsonrpc: "2.0", method: "subtract", params: [42, 23], id: 1 }],
    ["named params", { jsonrpc: "2.0", method: "subtract", params: { minuend: 42 }, id: "a" }],
    ["no params", { jsonrpc: "2.0", method: "ping", id: 2 }],
    ["null id", { jsonrpc: "2.0", method: "ping", id: null }],
    ["fractional id", { jsonrpc: "2.0", method: "ping", id: 1.5 }],
    ["notification", { jsonrpc: "2.0", method: "update", params: [1] }],
    ["extra members ignored", { jsonrpc: "2.0", method: "ping", id: 3, extra: true }],
  ];
  for (const [name, msg] of cases) {
    await t.step(name, () => {
      const r = validateEnvelope(msg);
      assert.ok(r.ok, name);
      const m = msg as Record<string, unknown>;
      assert.equal(r.request.method, m.method);
      assert.equal("id" in r.request, "id" in m);
      assert.ok(!("extra" in r.request));
      if ("id" in m) assert.equal(r.request.id, m.id);
      assert.equal(isRequest(msg), true, "isRequest() agrees");
    });
  }
});

Deno.test("validateEnvelope() and isRequest() reject invalid requests with -32600", async (t) => {
  const cases: [string, unknown, unknown][] = [
    ["number", 1, null],
    ["string", "x", null],
    ["null", null, null],
    ["array", [], null],
    ["missing jsonrpc", { method: "x", id: 1 }, 1],
    ["jsonrpc 1.0", { jsonrpc: "1.0", method: "x", id: 1 }, 1],
    ["jsonrpc as number", { jsonrpc: 2.0, method: "x", id: "s" }, "s"],
    ["missing method", { jsonrpc: "2.0", id: 4 }, 4],
    ["method not a string", { jsonrpc: "2.0", method: 1, params: "bar" }, null],
    ["scalar params", { jsonrpc: "2.0", method: "x", params: "bar", id: 5 }, 5],
    ["null params", { jsonrpc: "2.0", method: "x", params: null, id: 6 }, 6],
    ["object id", { jsonrpc: "2.0", method: "x", id: {} }, null],
    ["array id", { jsonrpc: "2.0", method: "x", id: [1] }, null],
    ["boolean id", { jsonrpc: "2.0", method: "x", id: true }, null],
    ["foo boo", { foo: "boo" }, null],
  ];
  for (const [name, msg, id] of cases) {
    await t.step(name, () => {
      const r = validateEnvelope(msg);
      assert.ok(!r.ok);
      assert.equal(r.error.code, ErrorCode.INVALID_REQUEST);
      assert.match(r.error.message, /^Invalid request: /);
      assert.equal(r.id, id);
      assert.equal(isRequest(msg), false, "isRequest() agrees");
    });
  }
});

const SPEC_TEXT = (() => {
  try {
    return Deno.readTextFileSync(SPEC);
  } catch {
    console.log(`Skipping the spec-vector test: ${SPEC.pathname} is absent`);
    return null;
  }
})();

Deno.test({
  name: "validateEnvelope() agrees with the spec vectors on which entries are invalid requests",
  ignore: SPEC_TEXT === null,
}, async (t) => {
  const text = SPEC_TEXT!;
  const vectors = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  for (const v of vectors) {
    let msg: unknown;
    try {
      msg = JSON.parse(v.request);
    } catch {
      continue; // parse errors are the daemon's -32700, not an envelope question
    }
    const items = Array.isArray(msg) ? msg : [msg];
    const expected = Array.isArray(v.response) ? v.response : v.response ? [v.response] : [];
    const invalidExpected = expected.filter((r: { error?: { code: number } }) =>
      r.error?.code === -32600
    ).length;
    if (Array.isArray(msg) && msg.length === 0) continue; // empty batch: server rule
    await t.step(v.name, () => {
      const invalid = items.filter((m) => !validateEnvelope(m).ok).length;
      assert.equal(invalid, invalidExpected);
    });
  }
});

Deno.test("RpcError.toJSON() gives the error member of a response", () => {
  assert.deepEqual(new RpcError(-1107, "Too slow").toJSON(), { code: -1107, message: "Too slow" });
});

Deno.test("application error codes stay outside the reserved range and are unique", () => {
  const codes = Object.entries(ErrorCode);
  const spec = [
    "PARSE_ERROR",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "INVALID_PARAMS",
    "INTERNAL_ERROR",
  ];
  for (const [name, code] of codes) {
    assert.ok(Number.isInteger(code));
    if (!spec.includes(name)) {
      assert.ok(code > -32000 || code < -32768, `${name} ${code} is reserved`);
    }
  }
  assert.equal(new Set(codes.map(([, c]) => c)).size, codes.length);
  assert.equal(ErrorCode.NOT_FOUND, -1020, "C daemon's 'Render not found' code");
});
