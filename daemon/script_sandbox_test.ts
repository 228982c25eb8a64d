import assert from "node:assert/strict";
import { newImage } from "../core/image.ts";
import { runSandboxed, type SandboxJob, type SandboxOutcome } from "./script_sandbox.ts";

const JOB: Omit<SandboxJob, "source"> = {
  args: [],
  timeoutMs: 5000,
  memoryMb: 32,
  maxVoxels: 100_000,
  maxTiles: 1000,
};

function run(source: string, job: Partial<SandboxJob> = {}): Promise<SandboxOutcome> {
  return runSandboxed({ ...JOB, source, ...job }, newImage());
}

function failed(outcome: SandboxOutcome) {
  assert.equal(outcome.ok, false, JSON.stringify(outcome).slice(0, 300));
  return outcome as Extract<SandboxOutcome, { ok: false }>;
}

Deno.test("runSandboxed() returns values JSON cannot hold as null, like JSON.stringify", async (t) => {
  const cases: [string, string][] = [
    ["a symbol", "Symbol('s')"],
    ["a function", "(function () {})"],
    ["undefined", "undefined"],
    ["NaN", "NaN"],
  ];
  for (const [name, source] of cases) {
    await t.step(name, async () => {
      const outcome = await run(source);
      assert.deepEqual(outcome, { ok: true, value: null, logs: [] });
    });
  }
});

Deno.test("runSandboxed() refuses a value that is not JSON with a script error", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["a BigInt", "1n", /BigInt/],
    ["a BigInt inside an object", "({ a: 1n })", /BigInt/],
    ["a cycle", "const a = {}; a.self = a; a", /circular/],
  ];
  for (const [name, source, pattern] of cases) {
    await t.step(name, async () => {
      const outcome = failed(await run(source));
      assert.equal(outcome.kind, "error");
      assert.match(outcome.message, /^Cannot return the script's value as JSON: TypeError: /);
      assert.match(outcome.message, pattern);
    });
  }
});

Deno.test("runSandboxed() serializes with its own JSON.stringify, not the script's", async () => {
  const outcome = await run("JSON.stringify = () => 'forged'; ({ a: [1, 2] })");
  assert.deepEqual(outcome, { ok: true, value: { a: [1, 2] }, logs: [] });
});

Deno.test("runSandboxed() stops loops that run after the script's last line", async (t) => {
  const cases: [string, string][] = [
    ["a getter of the returned object", "({ get x() { for (;;) {} } })"],
    ["a toJSON of the returned object", "({ toJSON() { for (;;) {} } })"],
    ["a promise job", "Promise.resolve().then(() => { for (;;) {} }); 3"],
  ];
  for (const [name, source] of cases) {
    await t.step(name, async () => {
      const started = performance.now();
      const outcome = failed(await run(source, { timeoutMs: 300 }));
      assert.equal(outcome.kind, "timeout");
      assert.ok(performance.now() - started < 4000);
    });
  }
});

Deno.test("runSandboxed() settles promises the script returns", async (t) => {
  await t.step("fulfilled", async () => {
    assert.deepEqual(await run("(async () => { await null; return 7; })()"), {
      ok: true,
      value: 7,
      logs: [],
    });
  });
  await t.step("rejected: the script's own stack and position", async () => {
    const outcome = failed(await run("\n  Promise.reject(new TypeError('rej'))"));
    assert.equal(outcome.message, "TypeError: rej");
    assert.deepEqual(outcome.error, { name: "TypeError", message: "rej", line: 2, column: 31 });
    assert.doesNotMatch(outcome.stack ?? "", /file:|\.ts:|\$bunfs/);
  });
  await t.step("never settled", async () => {
    const outcome = failed(await run("new Promise(() => {})"));
    assert.equal(outcome.kind, "error");
    assert.match(outcome.message, /never settled/);
  });
});

Deno.test("runSandboxed() reports where a script error was thrown", async () => {
  const outcome = failed(await run("const a = 1;\nfunction f() {\n  a.b.c = 2;\n}\nf();"));
  assert.equal(outcome.kind, "error");
  assert.deepEqual(outcome.error, {
    name: "TypeError",
    message: "cannot set property 'c' of undefined",
    line: 3,
    column: 6,
  });
});

Deno.test("runSandboxed() turns stack overflows into script errors", async (t) => {
  const cases: [string, string][] = [
    ["plain recursion", "function f() { return f() + 1; } f()"],
    ["caught recursion", "function f() { f(); } try { f(); } catch (e) { String(e) } 1"],
    ["a deeply nested value", "let a = []; for (let i = 0; i < 200000; i++) a = [a]; a"],
  ];
  for (const [name, source] of cases) {
    await t.step(name, async () => {
      const outcome = await run(source);
      if (outcome.ok) return assert.equal(outcome.value, 1);
      assert.equal(outcome.kind, "error");
      assert.equal(outcome.message, "InternalError: stack overflow");
      assert.ok((outcome.stack ?? "").split("\n").length <= 22, "the stack is clipped");
    });
  }
});

Deno.test("runSandboxed() fails a script that caught a budget error and went on", async () => {
  const source = "const v = goxel.image.activeLayer.volume;\n" +
    "for (let i = 0; i < 50; i++) try { v.setAt([i, 0, 0], [1, 2, 3]); } catch (e) {}\n1";
  const outcome = failed(await run(source, { maxVoxels: 10 }));
  assert.equal(outcome.kind, "limit");
  assert.equal(outcome.limit?.limit, "limits.max_voxels_per_request");
});

Deno.test("runSandboxed() charges tiles a copy un-shares to the tile budget", async () => {
  const source = "const v = new Volume();\n" +
    "for (let i = 0; i < 4; i++) v.setAt([i * 16, 0, 0], [1, 2, 3]);\n" +
    "for (let k = 0; k < 10; k++) { const c = v.copy(); for (let i = 0; i < 4; i++) " +
    "c.setAt([i * 16, 0, 0], [k, 0, 0]); }\n1";
  const outcome = failed(await run(source, { maxTiles: 20 }));
  assert.equal(outcome.kind, "limit");
  assert.equal(outcome.limit?.limit, "limits.max_tiles_per_request");
  assert.equal(outcome.limit?.requested, 21);
});

Deno.test("runSandboxed() bounds the volumes a script holds on the host", async () => {
  const started = performance.now();
  const outcome = failed(await run("for (;;) new Volume();", { memoryMb: 1, timeoutMs: 20_000 }));
  assert.equal(outcome.kind, "limit");
  assert.equal(outcome.limit?.limit, "limits.script_memory_mb");
  assert.equal(outcome.limit?.max, 256);
  assert.ok(performance.now() - started < 10_000, "stopped by the limit, not the deadline");
});

Deno.test("print() shows values JSON cannot hold as text", async () => {
  const outcome = await run("const a = {}; a.a = a; print(1n, undefined, Symbol('s'), a); 0");
  assert.deepEqual(outcome, {
    ok: true,
    value: 0,
    logs: ["1 undefined Symbol(s) [object Object]"],
  });
});
