/**
 * goxel.cancel_request against a real daemon over its socket: a running render or script stops
 * at once, a request queued behind it never runs, and `goxel call` cancels its request on Ctrl-C.
 * Runs against GOXEL_BIN when set.
 */
import assert from "node:assert/strict";
import {
  goxelCommand,
  makeTestEnv,
  RawClient,
  runGoxel,
  startDaemon,
  type TestEnv,
  waitFor,
} from "./support_testing.ts";

type Reply = { id?: unknown; result?: Record<string, unknown>; error?: { data?: unknown } };

/** The daemon's count of jobs running or queued on its worker pool. */
async function workerJobs(c: RawClient): Promise<number> {
  const text = await c.call<string>("goxel.metrics");
  return Number(/^goxel_worker_jobs (\d+)$/m.exec(text)?.[1] ?? NaN);
}

async function withDaemon(body: (env: TestEnv, c: RawClient) => Promise<void>): Promise<void> {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(env.socket);
  try {
    await c.call("goxel.create_project", { name: "spin" });
    await body(env, c);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
}

const line = (id: number | string | null, method: string, params: unknown) =>
  JSON.stringify({ jsonrpc: "2.0", ...(id === null ? {} : { id }), method, params }) + "\n";

Deno.test("cancel_request stops a running script and a queued request never runs", async () => {
  await withDaemon(async (_env, c) => {
    const watcher = await RawClient.unix((c as unknown as { path?: string }).path ?? _env.socket);
    try {
      // One write: the script, an edit queued behind it, and a cancel of each (the edit's as a
      // notification). Without the cancels the script would run for a minute.
      await c.send(
        line("s", "goxel.execute_script", { script: "for (;;) {}", timeout_ms: 60_000 }) +
          line(7, "goxel.add_voxel", { x: 1, y: 2, z: 3, color: "#ff0000" }) +
          line(null, "goxel.cancel_request", { id: 7 }),
      );
      await waitFor("the script to start", async () => await workerJobs(watcher) === 1);
      await c.send(line(8, "goxel.cancel_request", ["s"]));
      const replies = [await c.read(), await c.read(), await c.read()] as Reply[];
      const byId = new Map(replies.map((r) => [r.id, r]));
      assert.deepEqual(
        byId.get("s")?.error?.data,
        { reason: "cancelled" },
        JSON.stringify(replies),
      );
      assert.match(JSON.stringify(byId.get("s")), /cancelled by its client/);
      assert.deepEqual(byId.get(7)?.error?.data, { reason: "cancelled" });
      assert.deepEqual(byId.get(8)?.result, { cancelled: true, state: "running" });
      assert.deepEqual(replies.map((r) => r.id), ["s", 7, 8], "replies keep their order");
      assert.equal(await workerJobs(watcher), 0, "the worker is free again");
      const voxel = await c.call<{ color: number[] }>("goxel.get_voxel", [1, 2, 3]);
      assert.deepEqual(voxel.color, [0, 0, 0, 0], "the cancelled edit never ran");
      const late = await c.request("goxel.cancel_request", { id: "s" });
      assert.deepEqual(late.result, { cancelled: false, state: "not_found" });
    } finally {
      watcher.close();
    }
  });
});

Deno.test("cancel_request stops a running render and frees the worker pool", async () => {
  await withDaemon(async (env, c) => {
    await c.call("goxel.procedural_shape", ["sphere", 120, 120, 120, 0, 0, 0, "#88aa44"]);
    const watcher = await RawClient.unix(env.socket);
    try {
      const params = { width: 4096, height: 4096, output_path: `${env.dir}/big.png` };
      await c.send(line(1, "goxel.render_scene", { ...params, quality: "path" }));
      await waitFor("the render to start", async () => await workerJobs(watcher) > 0);
      await c.send(line(2, "goxel.cancel_request", [1]));
      const render = await c.read(5000) as Reply;
      assert.deepEqual(render.error?.data, { reason: "cancelled" });
      assert.deepEqual((await c.read() as Reply).result, { cancelled: true, state: "running" });
      await waitFor("the pool to empty", async () => await workerJobs(watcher) === 0, 2000);
      await assert.rejects(Deno.stat(`${env.dir}/big.png`), Deno.errors.NotFound);
    } finally {
      watcher.close();
    }
  });
});

Deno.test("goxel call cancels its request on Ctrl-C and exits 130", async () => {
  await withDaemon(async (env, c) => {
    const [cmd, ...prefix] = goxelCommand();
    const proc = new Deno.Command(cmd, {
      args: [
        ...prefix,
        "call",
        "--socket",
        env.socket,
        "execute_script",
        "for (;;) {}",
        "timeout_ms=60000",
        "--project",
        "p1",
      ],
      env: env.env,
      clearEnv: true,
      cwd: env.dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await waitFor("the script to start", async () => await workerJobs(c) === 1);
    proc.kill("SIGINT");
    const out = await proc.output();
    assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
    assert.match(new TextDecoder().decode(out.stderr), /cancelled/);
    assert.equal(await workerJobs(c), 0, "the daemon stopped the script");
    assert.equal((await runGoxel(["call", "--socket", env.socket, "ping"], env)).code, 0);
  });
});

Deno.test("a stop past shutdown_grace_ms stops a running script, whose client hears −1110", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, [], "shutdown_grace_ms: 300\n");
  const c = await RawClient.unix(env.socket);
  try {
    await c.call("goxel.create_project", { name: "spin" });
    await c.send(line(1, "goxel.execute_script", { script: "for (;;) {}", timeout_ms: 60_000 }));
    const watcher = await RawClient.unix(env.socket);
    await waitFor("the script to start", async () => await workerJobs(watcher) === 1);
    watcher.close();
    const started = Date.now();
    const stop = runGoxel(["stop", "--socket", env.socket], env);
    const reply = await c.read(5000) as Reply & { error?: { code: number } };
    assert.equal(reply.error?.code, -1110, JSON.stringify(reply));
    assert.equal((await stop).code, 0);
    assert.ok(Date.now() - started < 4000, `the stop took ${Date.now() - started} ms`);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("cancel_request over the /ws WebSocket stops a running script and a queued request", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--http", "127.0.0.1:0"]);
  const c = await RawClient.unix(env.socket);
  try {
    await c.call("goxel.create_project", { name: "spin" });
    const url = (await c.call<{ url: string }>("goxel.serve_http")).url;
    const ws = new WebSocket(url.replace("http", "ws") + "/ws");
    await new Promise((r, j) => (ws.onopen = r, ws.onerror = j));
    const replies: Reply[] = [];
    ws.onmessage = (e) => replies.push(JSON.parse(String(e.data)));
    ws.send(line("s", "goxel.execute_script", { script: "for (;;) {}", timeout_ms: 60_000 }));
    ws.send(line(2, "goxel.add_voxel", { x: 1, y: 1, z: 1, color: "#ff0000" }));
    await waitFor("the script to start", async () => await workerJobs(c) === 1);
    ws.send(line(3, "goxel.cancel_request", { id: 2 }));
    ws.send(line(4, "goxel.cancel_request", { id: "s" }));
    await waitFor("four replies", () => replies.length === 4, 5000);
    assert.deepEqual(replies.map((r) => r.id), ["s", 2, 3, 4]);
    assert.deepEqual(replies[0].error?.data, { reason: "cancelled" });
    assert.deepEqual(replies[1].error?.data, { reason: "cancelled" });
    assert.deepEqual(replies[2].result, { cancelled: true, state: "queued" });
    assert.deepEqual(replies[3].result, { cancelled: true, state: "running" });
    ws.close();
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("cancel_request reaches a big queued request and one far down the queue", async () => {
  await withDaemon(async (env, c) => {
    const watcher = await RawClient.unix(env.socket);
    try {
      const pad = "/*" + "x".repeat(5000) + "*/ 1";
      let burst = line("s", "goxel.execute_script", { script: "for (;;) {}", timeout_ms: 60_000 });
      burst += line("big", "goxel.execute_script", { script: pad });
      for (let i = 0; i < 20; i++) burst += line(100 + i, "goxel.ping", {});
      burst += line("far", "goxel.add_voxel", { x: 4, y: 4, z: 4, color: "#00ff00" });
      await c.send(burst);
      await waitFor("the script to start", async () => await workerJobs(watcher) === 1);
      await c.send(
        line(1, "goxel.cancel_request", ["big"]) + line(2, "goxel.cancel_request", ["far"]) +
          line(3, "goxel.cancel_request", ["s"]),
      );
      const replies = new Map<unknown, Reply>();
      for (let i = 0; i < 26; i++) {
        const r = await c.read() as Reply;
        replies.set(r.id, r);
      }
      for (const id of ["s", "big", "far"]) {
        assert.deepEqual(replies.get(id)?.error?.data, { reason: "cancelled" }, String(id));
      }
      assert.deepEqual(replies.get(1)?.result, { cancelled: true, state: "queued" });
      assert.deepEqual(replies.get(2)?.result, { cancelled: true, state: "queued" });
      assert.deepEqual(replies.get(3)?.result, { cancelled: true, state: "running" });
      const voxel = await c.call<{ color: number[] }>("goxel.get_voxel", [4, 4, 4]);
      assert.deepEqual(voxel.color, [0, 0, 0, 0]);
    } finally {
      watcher.close();
    }
  });
});

Deno.test("cancel_request stops a running export before it writes the file", async () => {
  await withDaemon(async (env, c) => {
    await c.call("goxel.procedural_shape", ["sphere", 160, 160, 160, 0, 0, 0, "#88aa44"]);
    const watcher = await RawClient.unix(env.socket);
    try {
      const path = `${env.dir}/big.obj`;
      await c.send(line(1, "goxel.export_model", { path }));
      await waitFor("the export to start", async () => await workerJobs(watcher) > 0);
      await c.send(line(2, "goxel.cancel_request", [1]));
      const exported = await c.read(10_000) as Reply;
      assert.deepEqual(exported.error?.data, { reason: "cancelled" }, JSON.stringify(exported));
      assert.deepEqual((await c.read() as Reply).result, { cancelled: true, state: "running" });
      await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
    } finally {
      watcher.close();
    }
  });
});
