import assert from "node:assert/strict";
import { RpcError } from "../protocol/mod.ts";
import { DaemonUnavailableError } from "./daemon_link.ts";
import { PathRefusedError } from "./root.ts";
import { failureResult, jsonResult } from "./tool_result.ts";

function text(r: { content: unknown[] }): string {
  return (r.content[0] as { text: string }).text;
}

Deno.test("failureResult() turns every failure into an error result naming the tool", () => {
  const cases: [unknown, RegExp][] = [
    [
      new RpcError(-32602, "Invalid params", {
        issues: [{ path: ["x"], code: "invalid_type", message: "required" }],
      }),
      /^Invalid arguments for t: x: required$/,
    ],
    [
      new RpcError(-1020, "Layer 9 does not exist"),
      /^t failed: Layer 9 does not exist \(error -1020\)$/,
    ],
    [new PathRefusedError('Refused path "../a"'), /^t: Refused path/],
    [new DaemonUnavailableError("goxel is not running"), /^t: goxel is not running/],
    [new Error("boom"), /^t failed unexpectedly: boom$/],
  ];
  for (const [err, pattern] of cases) {
    const r = failureResult("t", err);
    assert.equal(r.isError, true);
    assert.match(text(r), pattern);
  }
});

Deno.test("jsonResult() adds structured content only for objects", () => {
  assert.deepEqual(jsonResult({ a: 1 }).structuredContent, { a: 1 });
  assert.equal(jsonResult("text").structuredContent, undefined);
  assert.equal(text(jsonResult([1])), "[1]");
});
