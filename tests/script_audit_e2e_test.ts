/**
 * execute_script against a real daemon (found by a scripts audit): values that are not JSON,
 * stack overflows and caught budget errors get clear errors instead of internal ones or a
 * partial success, script errors say where they were thrown, and a script's edits come back
 * after a restart.
 */
import assert from "node:assert/strict";
import { haveFixtures } from "./fixtures_testing.ts";
import {
  journalBytes,
  loadFixtureCopy,
  makeTestEnv,
  RawClient,
  startDaemon,
} from "./support_testing.ts";

const SCRIPT_ERROR = -1112, LIMIT = -1106;
const CONFIG = "limits:\n  max_voxels_per_request: 100\n";

type ErrorReply = { code: number; message: string; data?: Record<string, unknown> };

Deno.test("execute_script errors are clear and a script's edits survive a restart", async (t) => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env, [], CONFIG);
  let c = await RawClient.unix(daemon.socket);
  const fails = async (script: string, code: number): Promise<ErrorReply> => {
    const r = await c.request("goxel.execute_script", { script });
    assert.ok(r.error, `${script.slice(0, 40)} failed: ${JSON.stringify(r).slice(0, 200)}`);
    assert.equal(r.error.code, code, JSON.stringify(r.error).slice(0, 300));
    return r.error as ErrorReply;
  };
  try {
    await c.call("goxel.create_project", ["audit", 16, 16, 16]);

    await t.step("a script error carries the script's message, line and column", async () => {
      const e = await fails("const v = 1;\n\nnull.x;", SCRIPT_ERROR);
      assert.equal(e.message, "Script failed: TypeError: cannot read property 'x' of null");
      assert.equal(e.data?.message, "cannot read property 'x' of null");
      assert.equal(e.data?.name, "TypeError");
      assert.equal(e.data?.line, 3);
      assert.equal(e.data?.column, 5);
    });

    await t.step("a rejected promise shows the script's stack, not the daemon's", async () => {
      const e = await fails("Promise.reject(new RangeError('no'))", SCRIPT_ERROR);
      assert.equal(e.data?.line, 1);
      assert.doesNotMatch(JSON.stringify(e), /\$bunfs|file:\/\/|\.ts:\d|\/daemon\//);
    });

    await t.step("values JSON cannot hold and stack overflows are script errors", async () => {
      const big = await fails("1n", SCRIPT_ERROR);
      assert.match(big.message, /Cannot return the script's value as JSON: .*BigInt/);
      const deep = await fails("function f() { return f(); }\nf()", SCRIPT_ERROR);
      assert.match(deep.message, /stack overflow/);
      assert.equal(deep.data?.line, 1);
      const r = await c.call("goxel.execute_script", { script: "Symbol('s')" });
      assert.equal(r.result, null);
    });

    await t.step("a script's name, or its file's, names it in error messages", async () => {
      const named = await c.request("goxel.execute_script", { script: "null.x", name: "tower" });
      assert.match(named.error?.message ?? "", /^Script "tower" failed: TypeError/);
      await Deno.writeTextFile(`${env.dir}/wall.js`, "for (;;) {}");
      const file = await c.request("goxel.execute_script", {
        path: `${env.dir}/wall.js`,
        timeout_ms: 50,
      });
      assert.match(file.error?.message ?? "", /^Script "wall.js" timed out after 50 ms/);
    });

    await t.step("a script reads the request's args as scriptArgs", async () => {
      const r = await c.call<{ result: unknown }>("goxel.execute_script", {
        script: "scriptArgs[0].n + scriptArgs.length",
        args: [{ n: 41 }],
      });
      assert.equal(r.result, 42);
    });

    await t.step("a script that catches its budget error fails and changes nothing", async () => {
      const e = await fails(
        "const v = goxel.image.activeLayer.volume;\n" +
          "for (let i = 0; i < 200; i++) try { v.setAt([i % 8, 1, 1], [9, 9, 9]); } catch (_) {}\n1",
        LIMIT,
      );
      assert.equal(e.data?.limit, "limits.max_voxels_per_request");
      const voxel = await c.call<{ exists: boolean }>("goxel.get_voxel", [0, 1, 1]);
      assert.equal(voxel.exists, false);
    });

    await t.step("a script's edits and layers come back after a restart", async () => {
      const r = await c.call("goxel.execute_script", {
        script: "goxel.image.activeLayer.volume.setAt([1, 2, 3], [10, 20, 30]);\n" +
          "const l = goxel.image.addLayer(); l.volume.setAt([4, 5, 6], [40, 50, 60, 70]); l.id",
      });
      c.close();
      assert.equal(await daemon.stop(), 0);
      daemon = await startDaemon(env, [], CONFIG);
      c = await RawClient.unix(daemon.socket);
      const a = await c.call<{ color: number[] }>("goxel.get_voxel", [1, 2, 3]);
      assert.deepEqual(a.color, [10, 20, 30, 255]);
      const b = await c.call<{ color: number[] }>("goxel.get_voxel", {
        x: 4,
        y: 5,
        z: 6,
        layer_id: r.result,
      });
      assert.deepEqual(b.color, [40, 50, 60, 70]);
      const layers = await c.call<{ count: number }>("goxel.list_layers");
      assert.equal(layers.count, 2);
    });
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test({
  name: "a script on a loaded file records only what it changed (no copy of the file per script)",
  ignore: !haveFixtures("script_audit_e2e_test"),
  fn: async () => {
    const env = await makeTestEnv();
    const daemon = await startDaemon(env);
    const c = await RawClient.unix(daemon.socket);
    try {
      await loadFixtureCopy(c, env.dir, "ephtracy/monu9.vox");
      const info = () =>
        c.call<{ undo_count: number; journal_seq: number }>("goxel.get_project_info");
      const start = await info(), bytes0 = await journalBytes(c);
      // Sets a voxel to the colour it has: nothing changes.
      const same = "const v = goxel.image.activeLayer.volume; const c = v.getAt([0, 0, 0]); " +
        "v.setAt([0, 0, 0], c); 1";
      for (let i = 0; i < 5; i++) await c.call("goxel.execute_script", { script: same });
      const unchanged = await info();
      assert.equal(
        unchanged.undo_count,
        start.undo_count,
        "a script that changed nothing adds no step",
      );
      assert.equal(unchanged.journal_seq, start.journal_seq);
      const one = "goxel.image.activeLayer.volume.setAt([0, 0, 60], [9, 9, 9, 255]); 1";
      await c.call("goxel.execute_script", { script: one });
      const after = await info();
      assert.equal(after.undo_count, start.undo_count + 1);
      const grew = await journalBytes(c) - bytes0;
      assert.ok(grew < 4096, `one voxel journaled ${grew} bytes (a whole .vox's chunks before)`);
      await c.call("goxel.undo");
      assert.equal(
        (await c.call<{ exists: boolean }>("goxel.get_voxel", [0, 0, 60])).exists,
        false,
      );
    } finally {
      c.close();
      await daemon.stop();
      await env.cleanup();
    }
  },
});
