import assert from "node:assert/strict";
import { NotRunningError, RpcError } from "./client.ts";
import { CliError, EXIT, exitCodeFor, UsageError } from "./errors.ts";
import { SocketPermissionError } from "./link.ts";
import { NotAnsweringError } from "./socket.ts";

Deno.test("EXIT names the documented exit codes", () => {
  assert.deepEqual({ ...EXIT }, { OK: 0, FAILURE: 1, USAGE: 2, NOT_RUNNING: 3, INTERRUPTED: 130 });
});

Deno.test("exitCodeFor() maps each error kind to its exit code", async (t) => {
  const cases: [string, unknown, number][] = [
    ["CliError with a chosen code", new CliError("not running", EXIT.NOT_RUNNING), 3],
    ["CliError with code 7", new CliError("x", 7), 7],
    ["CliError by default", new CliError("failed"), 1],
    ["UsageError", new UsageError("bad flag"), 2],
    ["RpcError", new RpcError(-32602, "Invalid params"), 1],
    ["NotRunningError", new NotRunningError("goxel is not running"), 1],
    ["SocketPermissionError (never 3)", new SocketPermissionError("/nonexistent/s.sock"), 1],
    ["NotAnsweringError (never 3)", new NotAnsweringError("/s.sock", "goxel.status", 3000), 1],
    ["plain Error", new Error("boom"), 1],
    ["a thrown non-error", "boom", 1],
  ];
  for (const [label, err, code] of cases) {
    await t.step(label, () => assert.equal(exitCodeFor(err), code));
  }
});

Deno.test("UsageError is a CliError with exit code 2 and keeps its message", () => {
  const err = new UsageError("bad flag");
  assert.ok(err instanceof CliError);
  assert.equal(err.exitCode, EXIT.USAGE);
  assert.equal(err.message, "bad flag");
  assert.equal(new CliError("x").name, "CliError");
});

Deno.test("CliError keeps the error it was raised from as its cause", () => {
  const cause = new Error("EPERM");
  const err = new CliError("Cannot stop goxel", EXIT.FAILURE, { cause });
  assert.equal(err.cause, cause);
  assert.equal(err.exitCode, 1);
});
