import assert from "node:assert/strict";
import {
  ConflictError,
  FormatError,
  InvalidInputError,
  IoError,
  NotFoundError,
} from "../core/errors.ts";
import { Volume } from "../core/volume.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import { toRpcError } from "./rpc_errors.ts";

/** A context whose only member is a logBug spy. */
function spyContext(): { ctx: DaemonContext; bugs: [string, unknown][] } {
  const bugs: [string, unknown][] = [];
  const ctx = { logBug: (method: string, err: unknown) => bugs.push([method, err]) };
  return { ctx: ctx as unknown as DaemonContext, bugs };
}

Deno.test("toRpcError() maps expected failures to application codes with their data", async (t) => {
  const cases: [string, Error, number, Record<string, unknown>][] = [
    ["NotFoundError", new NotFoundError("no layer 3"), ErrorCode.NOT_FOUND, {
      reason: "not_found",
    }],
    ["ConflictError", new ConflictError("clone layer"), ErrorCode.CONFLICT, {
      reason: "conflict",
    }],
    ["InvalidInputError", new InvalidInputError("bad format"), ErrorCode.INVALID_INPUT, {
      reason: "invalid_input",
    }],
    ["FormatError", new FormatError("vox", 132, "truncated chunk"), ErrorCode.FORMAT, {
      reason: "format",
      format: "vox",
      offset: 132,
    }],
    ["IoError", new IoError("/tmp/a.gox", "Cannot read"), ErrorCode.IO, {
      reason: "io",
      path: "/tmp/a.gox",
    }],
  ];
  for (const [name, err, code, data] of cases) {
    await t.step(name, () => {
      const { ctx, bugs } = spyContext();
      assert.deepEqual(toRpcError(err, ctx, "goxel.x"), { code, message: err.message, data });
      assert.deepEqual(bugs, [], "expected failures are not bugs");
    });
  }
});

Deno.test("toRpcError() codes match protocol/jsonrpc.ts and stay outside the reserved range", () => {
  const codes = [
    ErrorCode.NOT_FOUND,
    ErrorCode.CONFLICT,
    ErrorCode.INVALID_INPUT,
    ErrorCode.FORMAT,
    ErrorCode.IO,
  ];
  assert.deepEqual(codes, [-1020, -1102, -1101, -1103, -1104]);
  for (const code of codes) assert.ok(code > -32000 || code < -32768);
});

Deno.test("toRpcError() passes an RpcError's code and data through", async (t) => {
  const cases: [string, RpcError, Record<string, unknown>][] = [
    ["with data", new RpcError(ErrorCode.LIMIT, "too many", { limit: "max_batch", max: 5 }), {
      code: ErrorCode.LIMIT,
      message: "too many",
      data: { limit: "max_batch", max: 5 },
    }],
    ["without data", new RpcError(ErrorCode.BUSY, "busy"), {
      code: ErrorCode.BUSY,
      message: "busy",
    }],
  ];
  for (const [name, err, expected] of cases) {
    await t.step(name, () => {
      const { ctx, bugs } = spyContext();
      const out = toRpcError(err, ctx, "goxel.x");
      assert.deepEqual(out, expected);
      assert.equal("data" in out, "data" in expected);
      assert.deepEqual(bugs, []);
    });
  }
});

Deno.test("toRpcError() treats out-of-range coordinates as invalid input, not a bug", () => {
  const { ctx, bugs } = spyContext();
  let err: unknown;
  try {
    new Volume().set(1, 2, 3000000, 1);
  } catch (e) {
    err = e;
  }
  assert.deepEqual(toRpcError(err, ctx, "goxel.add_voxel"), {
    code: ErrorCode.INVALID_INPUT,
    message: "Voxel (1, 2, 3000000) is outside ±1048576 or not integer",
    data: { reason: "invalid_input" },
  });
  assert.deepEqual(bugs, []);
});

Deno.test("toRpcError() turns unexpected errors into -32603 and logs them as bugs", async (t) => {
  const cases: [string, unknown, string][] = [
    ["TypeError", new TypeError("x is undefined"), "x is undefined"],
    ["other RangeError", new RangeError("Maximum call stack size exceeded"), "Maximum call stack"],
    ["thrown string", "plain string", "plain string"],
  ];
  for (const [name, err, text] of cases) {
    await t.step(name, () => {
      const { ctx, bugs } = spyContext();
      const out = toRpcError(err, ctx, "goxel.get_voxel");
      assert.equal(out.code, -32603);
      assert.equal(out.code, ErrorCode.INTERNAL_ERROR);
      assert.match(out.message, /^Internal error in goxel\.get_voxel: /);
      assert.ok(out.message.includes(text), out.message);
      assert.deepEqual(out.data, { reason: "internal" });
      assert.equal(bugs.length, 1);
      assert.equal(bugs[0][0], "goxel.get_voxel");
      assert.equal(bugs[0][1], err);
    });
  }
});
