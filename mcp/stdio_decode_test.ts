import assert from "node:assert/strict";
import { decodeLine, type LineOutcome } from "./stdio_decode.ts";

function reply(outcome: LineOutcome): { id: unknown; code: number; message: string } | undefined {
  if (outcome.kind !== "rejected" || !outcome.reply) return undefined;
  const { id, error } = outcome.reply;
  return { id, code: error.code, message: error.message };
}

Deno.test("decodeLine() passes MCP messages through", async (t) => {
  const messages = [
    { jsonrpc: "2.0", id: 1, method: "tools/list" },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: "a", result: {} },
    { jsonrpc: "2.0", id: 2, error: { code: -1, message: "no" } },
  ];
  for (const m of messages) {
    await t.step(JSON.stringify(m), () => {
      const outcome = decodeLine({ kind: "line", text: JSON.stringify(m) }, 100);
      assert.deepEqual(outcome, { kind: "message", message: m });
    });
  }
  await t.step("blank lines are skipped", () => {
    assert.deepEqual(decodeLine({ kind: "line", text: " \t" }, 100), { kind: "blank" });
  });
});

Deno.test("decodeLine() answers malformed lines with -32700 or -32600", async (t) => {
  const cases: [string, number, unknown, RegExp][] = [
    ["{", -32700, null, /^Parse error: /],
    ["nope", -32700, null, /^Parse error: /],
    ["[]", -32600, null, /batches are not supported/],
    ['[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600, null, /batches are not supported/],
    ["null", -32600, null, /not a JSON-RPC 2.0 request/],
    ["42", -32600, null, /not a JSON-RPC 2.0 request/],
    ['{"jsonrpc":"2.0"}', -32600, null, /not a JSON-RPC 2.0 request/],
    ['{"jsonrpc":"1.0","id":3,"method":"ping"}', -32600, 3, /"jsonrpc" must be exactly "2.0"/],
    ['{"jsonrpc":"2.0","id":"q","method":7}', -32600, "q", /"method" must be a string/],
    ['{"jsonrpc":"2.0","id":4,"method":"ping","extra":1}', -32600, 4, /not an MCP request/],
    ['{"jsonrpc":"2.0","id":null,"method":"ping"}', -32600, null, /not an MCP request/],
    // A bad response carries an id of the server's own requests: never answer to it.
    ['{"jsonrpc":"2.0","id":5,"result":3}', -32600, null, /not a JSON-RPC 2.0 request/],
  ];
  for (const [text, code, id, message] of cases) {
    await t.step(text, () => {
      const got = reply(decodeLine({ kind: "line", text }, 100));
      assert.ok(got, "a reply is sent");
      assert.equal(got.code, code);
      assert.equal(got.id, id);
      assert.match(got.message, message);
    });
  }
  await t.step("undecodable bytes", () => {
    assert.deepEqual(reply(decodeLine({ kind: "undecodable", bytes: 3 }, 100)), {
      id: null,
      code: -32700,
      message: "Parse error: the line is not valid UTF-8",
    });
  });
});

Deno.test("decodeLine() answers an oversize request by its id, never a notification", async (t) => {
  const event = (envelope: { id?: string | number; hasMethod: boolean }) =>
    ({ kind: "oversize", bytes: 500, envelope }) as const;
  await t.step("a request gets its own id back", () => {
    const outcome = decodeLine(event({ id: 9, hasMethod: true }), 100);
    assert.equal(outcome.kind, "rejected");
    assert.deepEqual(outcome.kind === "rejected" && outcome.reply, {
      jsonrpc: "2.0",
      id: 9,
      error: {
        code: -32700,
        message: "Parse error: message of 500 bytes exceeds the limit of 100 bytes; " +
          "split the work into smaller calls",
        data: { limit: "max_line_bytes", max: 100 },
      },
    });
  });
  await t.step("a notification is refused silently", () => {
    const outcome = decodeLine(event({ hasMethod: true }), 100);
    assert.equal(outcome.kind, "rejected");
    assert.equal(outcome.kind === "rejected" && outcome.reply, undefined);
    assert.match(outcome.kind === "rejected" ? outcome.problem : "", /500 bytes/);
  });
  await t.step("anything else gets a null id", () => {
    assert.equal(reply(decodeLine(event({ id: 3, hasMethod: false }), 100))?.id, null);
    assert.equal(reply(decodeLine(event({ hasMethod: false }), 100))?.id, null);
  });
});
