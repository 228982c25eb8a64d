/**
 * Issue 10 reproduced against a real daemon over real sockets: every hostile request, file and
 * script below must fail fast with a clear error while a bystander client keeps being answered
 * (ping p99 ≤ 100 ms) and the daemon's RSS stays bounded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  bigShapeGox,
  Bystander,
  daemonPid,
  hugeQb,
  manyBlockRefsGox,
  type Reply,
  rssBytes,
} from "./abuse_support_testing.ts";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

const LIMIT = -1106, INVALID_INPUT = -1101, IO = -1104, TIMEOUT = -1107, SCRIPT_ERROR = -1112;
/** RSS the daemon must stay under through the whole attack. */
const RSS_LIMIT = 1024 * 1024 * 1024;
/** A request that fails fast answers within this (generous for a loaded CI machine). */
const FAST_MS = 3000;

type Expect = [code: number | number[], pattern: RegExp];

Deno.test("abuse: hostile requests, files and scripts fail fast while others are served", async (t) => {
  const env = await makeTestEnv();
  const config = "limits:\n  max_file_bytes: 4194304\n  script_memory_mb: 32\n";
  const d = await startDaemon(env, ["--workspace", env.dir], config);
  const c = await RawClient.unix(d.socket);
  const bystander = await Bystander.start(d);
  const pid = await daemonPid(c);
  // A quiet second first: the bystander's own round trip on this machine, for reference.
  bystander.phase = "idle";
  await new Promise((r) => setTimeout(r, 1000));
  bystander.phase = "setup";
  let peakRss = 0;

  /** Sends a request and checks it fails fast with the expected code and a clear message. */
  async function refuses(method: string, params: unknown, [code, pattern]: Expect) {
    bystander.phase = "idle";
    await bystander.settle();
    const mark = bystander.latencies.length;
    const t0 = performance.now();
    bystander.phase = "attack";
    const r = await c.request(method, params) as Reply;
    bystander.phase = "setup";
    const ms = performance.now() - t0;
    assert.ok(r.error, `${method} should fail: ${JSON.stringify(r.result)?.slice(0, 200)}`);
    const codes = Array.isArray(code) ? code : [code];
    assert.ok(codes.includes(r.error.code), `${method}: ${r.error.code} ${r.error.message}`);
    assert.match(r.error.message, pattern);
    assert.ok(ms < FAST_MS, `${method} took ${Math.round(ms)} ms`);
    const rss = await rssBytes(pid);
    if (Deno.env.get("GOXEL_ABUSE_VERBOSE")) {
      const worst = Math.max(0, ...bystander.latencies.slice(mark));
      console.log(
        `${method}: ${Math.round(ms)} ms, RSS ${(rss / 1048576).toFixed(0)} MiB, ` +
          `bystander max ${worst.toFixed(0)} ms`,
      );
    }
    peakRss = Math.max(peakRss, rss);
    return r.error;
  }
  const ok = async (method: string, params?: unknown) => {
    const mark = bystander.latencies.length;
    const t0 = performance.now();
    const r = await c.request(method, params) as Reply;
    if (Deno.env.get("GOXEL_ABUSE_VERBOSE")) {
      const worst = Math.max(0, ...bystander.latencies.slice(mark));
      const ms = Math.round(performance.now() - t0);
      console.log(`ok ${method}: ${ms} ms, bystander max ${worst.toFixed(0)} ms`);
    }
    assert.ok(!r.error, `${method}: ${r.error?.message}`);
    return r.result as Record<string, unknown>;
  };

  try {
    await t.step("1. work budgets: requests that would touch too much are refused", async () => {
      await ok("goxel.create_project", { name: "big", width: 16384, height: 16384, depth: 16384 });
      const voxels: Expect = [LIMIT, /limits\.max_(voxels|tiles)_per_request/];
      await refuses("goxel.draw_line", { from: [0, 0, 0], to: [100000, 0, 0], radius: 64 }, voxels);
      await refuses("goxel.create_layer", {
        shape: "cube",
        box: { min: [-8192, -8192, -8192], max: [8191, 8191, 8191] },
      }, voxels);
      await ok("goxel.create_project", { name: "small", width: 64, height: 64, depth: 64 });
      await refuses("goxel.create_layer", {
        shape: "cube",
        box: { min: [-2e9, -2e9, -2e9], max: [2e9, 2e9, 2e9] },
      }, [[INVALID_INPUT, LIMIT], /outside ±1048576|max_voxels/]);
      const layers = await ok("goxel.list_layers") as { count: number };
      assert.equal(layers.count, 1, "a refused shape layer is not left behind");
      await ok("goxel.draw_shape", {
        shape: "cube",
        box: { min: [0, 0, 0], max: [199, 199, 199] },
      });
      await refuses("goxel.transform_layer", { scale: 8 }, voxels);
      await ok("goxel.create_project", { name: "full", width: 300, height: 300, depth: 300 });
      await ok("goxel.draw_shape", {
        shape: "cube",
        box: { min: [0, 0, 0], max: [270, 270, 270] },
      });
      await refuses("goxel.transform_layer", { scale: 2 }, voxels);
      const box = { min: [-100, -100, -100], max: [170, 170, 170] };
      const cubes = Array.from({ length: 30 }, () => ({ type: "draw_shape", shape: "cube", box }));
      await ok("goxel.create_project", { name: "batch" });
      await refuses("goxel.batch_operations", { operations: cubes }, voxels);
      const sym = {
        shape: "cube",
        box: { min: [0, 0, 0], max: [249, 249, 249] },
        symmetry: ["x", "y", "z"],
      };
      await refuses("goxel.draw_shape", sym, voxels);
      const info = await ok("goxel.get_project_info") as { voxel_count?: number };
      assert.ok(!info.voxel_count, "refused requests changed nothing");
      // The legitimate big projects are not what this suite measures: let them go.
      for (const name of ["big", "small", "full", "batch"]) {
        await ok("goxel.close_project", { project: name, force: true });
      }
    });

    await t.step("2. hostile files are refused before they allocate", async () => {
      const files: [string, Uint8Array][] = [
        ["huge.qb", hugeQb()],
        ["shape8192.gox", bigShapeGox(8192)],
        ["matrix1e9.gox", bigShapeGox(1e9)],
        ["refs.gox", manyBlockRefsGox(65536)],
      ];
      for (const [name, bytes] of files) {
        const path = join(env.dir, name);
        await Deno.writeFile(path, bytes);
        await refuses("goxel.load_project", [path], [
          LIMIT,
          /limits\.max_(voxels|tiles)_per_request/,
        ]);
        const r = await runGoxel(["info", path], env);
        assert.notEqual(r.code, 0, `goxel info ${name} should fail`);
        assert.match(r.stderr, /max_voxels_per_request|max_tiles_per_request/);
      }
      assert.match(manyBlockRefsGox(1).length.toString(), /\d+/);
      const raised = await runGoxel([
        "info",
        "--max-voxels",
        "300000000",
        join(env.dir, "refs.gox"),
      ], env);
      assert.equal(raised.code, 0, raised.stderr);
    });

    await t.step(
      "3. long edits run off the event loop; a runaway script holds only its project",
      async () => {
        bystander.phase = "long";
        await ok("goxel.create_project", { name: "long", width: 300, height: 300, depth: 300 });
        const sphere = {
          shape: "sphere",
          smoothness: 1,
          box: { min: [-130, -130, -130], max: [129, 129, 129] },
        };
        await ok("goxel.draw_shape", sphere);
        await ok("goxel.transform_layer", { rotate: { axis: "z", degrees: 90 } });
        await ok("goxel.create_project", { name: "fill", width: 200, height: 200, depth: 200 });
        const filled = await ok("goxel.flood_fill", [0, 0, 0, 255, 0, 0, 255]) as {
          voxels_filled: number;
        };
        assert.equal(filled.voxels_filled, 200 * 200 * 200);
        // A runaway script on another connection holds only its own project, and only until
        // its timeout_ms; the other projects and the bystander are served meanwhile.
        const runaway = await RawClient.unix(d.socket);
        const t0 = performance.now();
        const stopped = runaway.request("goxel.execute_script", {
          project: "fill",
          script: "for (;;) {}",
          timeout_ms: 1500,
        });
        await ok("goxel.create_project", { name: "meanwhile" });
        await ok("goxel.add_voxel", [0, 0, 0, 255, 0, 0, 255]);
        const r = await stopped;
        runaway.close();
        assert.equal(r.error?.code, TIMEOUT, JSON.stringify(r).slice(0, 200));
        assert.ok(performance.now() - t0 < 10000, "the runaway script stopped at its timeout");
        await ok("goxel.execute_script", { project: "fill", script: "1" });
        bystander.phase = "setup";
        for (const name of ["long", "fill", "meanwhile"]) {
          await ok("goxel.close_project", { project: name, force: true });
        }
      },
    );

    await t.step("4. only regular files under limits.max_file_bytes are read", async () => {
      const fifo = join(env.dir, "pipe.vox");
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      await refuses("goxel.load_project", [fifo], [IO, /not a regular file/]);
      await refuses("goxel.load_project", ["/dev/zero", "vox"], [IO, /not a regular file/]);
      const big = join(env.dir, "big.vox");
      await Deno.writeFile(big, new Uint8Array(5 * 1024 * 1024));
      await refuses("goxel.load_project", [big], [IO, /limits\.max_file_bytes/]);
      const health = await ok("goxel.health_check") as { checks?: Record<string, string> };
      assert.equal(health.checks?.workers ?? "ok", "ok", "no worker is stuck after the FIFO");
      await ok("goxel.create_project", { name: "after" });
      await ok("goxel.save_project", [join(env.dir, "after.gox")]);
    });

    await t.step("5. errors never echo file contents or internal paths", async () => {
      const secret = join(env.dir, "shadow.txt");
      await Deno.writeTextFile(secret, "root:$6$SECRETHASH:19000:0:99999:7:::\n");
      const e = await refuses("goxel.load_project", [secret, "txt"], [-1103, /line 1/]);
      assert.doesNotMatch(JSON.stringify(e), /SECRETHASH|root:/);
      const s = await refuses("goxel.execute_script", {
        script: "function f() { throw new Error('boom'); }\nf()",
      }, [SCRIPT_ERROR, /boom/]);
      assert.doesNotMatch(JSON.stringify(s), /\$bunfs|file:\/\/|\.ts:\d|\/daemon\//);
    });

    await t.step("6. writes keep modes, never create directories or clobber sidecars", async () => {
      await ok("goxel.add_voxel", [1, 2, 3, 255, 0, 0, 255]);
      const priv = join(env.dir, "private.gox");
      await Deno.writeTextFile(priv, "old");
      await Deno.chmod(priv, 0o600);
      await ok("goxel.save_project", [priv]);
      assert.equal((await Deno.stat(priv)).mode! & 0o777, 0o600);
      await refuses("goxel.export_model", [join(env.dir, "nope", "x.obj")], [IO, /does not exist/]);
      await assert.rejects(Deno.stat(join(env.dir, "nope")));
      const mtl = join(env.dir, "model.mtl");
      await Deno.writeTextFile(mtl, "precious");
      await refuses("goxel.export_model", [join(env.dir, "model.obj")], [IO, /did not name it/]);
      assert.equal(await Deno.readTextFile(mtl), "precious");
      await ok("goxel.export_model", {
        path: join(env.dir, "model.obj"),
        overwrite_sidecars: true,
      });
      assert.notEqual(await Deno.readTextFile(mtl), "precious");
    });

    await t.step("11. scripts run in a sandbox with memory and time limits", async () => {
      const escapes: [string, RegExp][] = [
        ["require('child_process').execSync('id')", /'require' is not defined/],
        ["Deno.run({ cmd: ['id'] })", /'Deno' is not defined/],
        ["Bun.spawn(['id'])", /'Bun' is not defined/],
        ["process.env.HOME", /'process' is not defined/],
        [`process.kill(${pid}, 'SIGKILL')`, /'process' is not defined/],
        ["fetch('http://127.0.0.1:1/')", /'fetch' is not defined/],
        ["new Worker('x.js')", /'Worker' is not defined/],
        ["readFile('/etc/passwd')", /'readFile' is not defined/],
        ["globalThis.__host.print('x')", /undefined|not a function|cannot read/i],
      ];
      for (const [script, pattern] of escapes) {
        await refuses("goxel.execute_script", { script }, [SCRIPT_ERROR, pattern]);
      }
      await refuses("goxel.execute_script", {
        script: "import('node:fs').then((fs) => fs.readFileSync('/etc/passwd', 'utf8'))",
      }, [SCRIPT_ERROR, /.+/]);
      await refuses(
        "goxel.execute_script",
        { script: "const a = []; for (;;) a.push('x'.repeat(100000) + a.length);" },
        [LIMIT, /limits\.script_memory_mb/],
      );
      await refuses("goxel.execute_script", { script: "for (;;) {}", timeout_ms: 500 }, [
        TIMEOUT,
        /timed out after 500 ms/,
      ]);
      const done = await ok("goxel.execute_script", {
        script: "goxel.image.activeLayer.volume.setAt([5, 5, 5], [9, 8, 7]); 40 + 2",
      });
      assert.equal(done.result, 42);
    });
  } finally {
    const served = await bystander.stop();
    const attack = bystander.stats("attack"), long = bystander.stats("long");
    const idle = bystander.stats("idle", true);
    const rss = Math.max(peakRss, await rssBytes(pid).catch(() => 0));
    c.close();
    const code = await d.stop();
    await env.cleanup();
    const show = (s: { p99: number; max: number; count: number }) =>
      `${s.count} pings, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;
    console.log(
      `abuse: bystander idle ${show(idle)}; during attacks ${show(attack)}; ` +
        `during long edits ${show(long)}; ` +
        `overall ${show(served)}; peak RSS ${(rss / 1048576).toFixed(0)} MiB; exit ${code}`,
    );
    assert.ok(attack.count > 20, "the bystander was served throughout the attacks");
    // The 100 ms bound needs a host that answers a ping in a few ms throughout. When every suite
    // runs in parallel on two cores (`deno task test`, the daemon under Deno) the load comes and
    // goes: a quiet idle phase then attacks at p99 65–127 ms while other suites run, against
    // 5–44 ms for the same code run alone. There the bound is 250 ms, which still rules out the
    // original multi-second stalls; the serial run against the compiled binary in CI (GOXEL_BIN)
    // checks the strict bound.
    const bound = Deno.env.get("GOXEL_BIN") ? 100 : 250;
    if (idle.p99 <= 50) {
      assert.ok(
        attack.p99 <= bound,
        `bystander ping p99 ${attack.p99.toFixed(1)} ms during attacks > ${bound} ms`,
      );
    } else {
      console.warn(`abuse: host busy (idle p99 ${idle.p99.toFixed(0)} ms): p99 bound not checked`);
      assert.ok(attack.max < 2000, `an attack held the event loop ${attack.max.toFixed(0)} ms`);
    }
    // Legitimate multi-second edits run off the event loop: no ping waits for one of them.
    assert.ok(long.max < 1000, `a long edit held the event loop for ${long.max.toFixed(0)} ms`);
    assert.ok(rss < RSS_LIMIT, `daemon RSS ${rss} > ${RSS_LIMIT}`);
    assert.equal(code, 0, "the daemon survived and shut down cleanly");
  }
});
