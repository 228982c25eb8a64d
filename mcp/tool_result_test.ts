import assert from "node:assert/strict";
import { RpcError } from "../protocol/mod.ts";
import { DaemonUnavailableError } from "./daemon_link.ts";
import { PathRefusedError } from "./root.ts";
import { failureResult, jsonResult, MAX_RESULT_CHARS } from "./tool_result.ts";

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
  assert.deepEqual(jsonResult("t", { a: 1 }).structuredContent, { a: 1 });
  assert.equal(jsonResult("t", "text").structuredContent, undefined);
  assert.equal(text(jsonResult("t", [1])), "[1]");
});

Deno.test("jsonResult() refuses a result too big for a client to take, saying how to ask for less", () => {
  const voxels = Array.from({ length: MAX_RESULT_CHARS / 10 }, (_, i) => [i, 0, 0, "#ff0000"]);
  const r = jsonResult("get_layer_voxels", { voxels });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent, undefined);
  assert.match(text(r), /^get_layer_voxels: the result is \d+\.\d MB of JSON, over the 1\.0 MB/);
  assert.match(text(r), /paging with offset/);
  assert.ok(text(r).length < 400);
});
