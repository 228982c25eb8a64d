/** The daemon over a real socket: limits, bad input, pipelining, isolation and the C daemon's crash. */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, startDaemon, waitFor } from "./support_testing.ts";

const LIMITS = `
limits:
  max_message_bytes: 4096
  max_depth: 64
  max_batch: 10
  max_connections: 6
  idle_timeout_seconds: 1.5
`;

Deno.test("the daemon enforces every limit with a clear error and keeps serving", async (t) => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, [], LIMITS);
  try {
    await t.step(
      "a message over max_message_bytes gets -32700 and the next one is served",
      async () => {
        const c = await RawClient.unix(daemon.socket);
        await c.send(
          JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "ping",
            params: { pad: "x".repeat(5000) },
          }) + "\n",
        );
        const r = await c.read() as {
          error: { code: number; message: string; data: { limit: string } };
        };
        assert.equal(r.error.code, -32700);
        assert.match(r.error.message, /exceeds the limit of 4096 bytes/);
        assert.equal(r.error.data.limit, "max_message_bytes");
        assert.deepEqual((await c.call("ping")).pong, true);
        c.close();
      },
    );

    await t.step("nesting deeper than max_depth gets -32600 without recursing", async () => {
      const c = await RawClient.unix(daemon.socket);
      const deep = "[".repeat(65) + "]".repeat(65);
      await c.send(`{"jsonrpc":"2.0","id":1,"method":"echo","params":${deep}}\n`);
      const r = await c.read() as { error: { code: number; data: { limit: string } } };
      assert.equal(r.error.code, -32600);
      assert.equal(r.error.data.limit, "max_depth");
      // 100 000 opening brackets: still one clean error, not a crash.
      await c.send("[".repeat(3000) + "\n");
      assert.equal((await c.read() as { error: { code: number } }).error.code, -32600);
      assert.equal((await c.call("ping")).pong, true);
      c.close();
    });

    await t.step("a batch over max_batch gets one -32600", async () => {
      const c = await RawClient.unix(daemon.socket);
      const batch = Array.from(
        { length: 11 },
        (_, i) => ({ jsonrpc: "2.0", id: i, method: "ping" }),
      );
      await c.send(JSON.stringify(batch) + "\n");
      const r = await c.read() as { error: { code: number; message: string } };
      assert.equal(r.error.code, -32600);
      assert.match(r.error.message, /batch of 11 exceeds the limit of 10/);
      await c.send(JSON.stringify(batch.slice(0, 10)) + "\n");
      assert.equal((await c.read() as unknown[]).length, 10);
      c.close();
    });

    await t.step("connections over max_connections are refused with an error", async () => {
      const probe = await RawClient.unix(daemon.socket);
      await waitFor(
        "earlier clients to be gone",
        async () => (await probe.call<{ connections: number }>("status")).connections === 1,
      );
      const open = [
        probe,
        ...await Promise.all(Array.from({ length: 5 }, () => RawClient.unix(daemon.socket))),
      ];
      for (const c of open) assert.equal((await c.call("ping")).pong, true);
      const extra = await RawClient.unix(daemon.socket);
      const r = await extra.read() as { error: { code: number; message: string } };
      assert.match(r.error.message, /Too many connections: the limit is 6/);
      assert.ok(await extra.waitClosed());
      open.forEach((c) => c.close());
      await waitFor("a slot to be freed", async () => {
        const again = await RawClient.unix(daemon.socket);
        const r = await again.request("ping").catch(() => null);
        again.close();
        return (r?.result as { pong?: boolean } | undefined)?.pong === true;
      });
    });

    await t.step("idle connections are closed after idle_timeout_seconds", async () => {
      const c = await RawClient.unix(daemon.socket);
      assert.equal((await c.call("ping")).pong, true);
      assert.ok(await c.waitClosed(4000), "the idle connection was not closed");
    });

    await t.step("metrics count every rejection", async () => {
      const c = await RawClient.unix(daemon.socket);
      const text = await c.call<string>("metrics");
      for (const limit of ["message_size", "depth", "batch", "connections", "idle_timeout"]) {
        assert.match(text, new RegExp(`goxel_rejected_total\\{limit="${limit}"\\} [1-9]`), limit);
      }
      assert.match(text, /# TYPE goxel_request_duration_seconds histogram/);
      c.close();
    });
  } finally {
    assert.equal(await daemon.stop(), 0);
    await env.cleanup();
  }
});

Deno.test("1000 garbage messages each get -32700/-32600 while another client keeps being served", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const bad = await RawClient.unix(daemon.socket);
    const good = await RawClient.unix(daemon.socket);
    const garbage = [
      "{",
      "nope",
      "[1,2",
      '{"jsonrpc":"1.0","method":"ping","id":1}',
      "42",
      '"str"',
      "[1]",
      "{}",
      '{"jsonrpc":"2.0","method":5,"id":1}',
      '{"jsonrpc":"2.0","method":"ping","params":3,"id":1}',
      "\u0000\u0001",
      '{"a":' + "1".repeat(50),
    ];
    const lines = Array.from({ length: 1000 }, (_, i) => garbage[i % garbage.length]);
    const sending = bad.send(lines.join("\n") + "\n");
    const served: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) served.push(good.call("ping"));
    await sending;
    let answered = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await bad.read() as { error?: { code: number } } | { error?: { code: number } }[];
      const items = Array.isArray(r) ? r : [r];
      for (const item of items) {
        assert.ok([-32700, -32600].includes(item.error!.code), JSON.stringify(item));
      }
      answered++;
    }
    assert.equal(answered, 1000);
    assert.equal((await Promise.all(served)).length, 20);
    assert.equal((await bad.call("ping")).pong, true, "the garbage sender is still served");
    bad.close();
    good.close();
  } finally {
    assert.equal(await daemon.stop(), 0);
    await env.cleanup();
  }
});

Deno.test("pipelined requests are all answered, in order, from one write", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const c = await RawClient.unix(daemon.socket);
    const n = 2000;
    const text = Array.from(
      { length: n },
      (_, i) =>
        JSON.stringify({
          jsonrpc: "2.0",
          id: i,
          method: "goxel.add_voxel",
          params: [i % 64, 0, 0, "#ff0000"],
        }),
    ).join("\r\n");
    await c.send(text); // no trailing newline: the last message ends at end of stream
    await c.send("\n");
    for (let i = 0; i < n; i++) assert.equal((await c.read() as { id: number }).id, i);
    c.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("concurrent clients on separate projects never see each other's voxels", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.unix(daemon.socket)));
    const ids = await Promise.all(
      clients.map(async (c, i) =>
        (await c.call<{ project_id: string }>("goxel.create_project", {
          name: `client${i}`,
          width: 16,
        })).project_id
      ),
    );
    await Promise.all(clients.map(async (c, i) => {
      for (let k = 0; k < 50; k++) {
        await c.call("goxel.add_voxel", { x: k, y: i, z: 0, color: "#00ff00", project: ids[i] });
      }
    }));
    for (let i = 0; i < 3; i++) {
      const info = await clients[i].call<{ voxel_count: number; name: string }>(
        "goxel.get_project_info",
        { project: ids[i] },
      );
      assert.equal(info.voxel_count, 50);
      assert.equal(info.name, `client${i}`);
      const other = await clients[i].call<{ exists: boolean }>("goxel.get_voxel", {
        x: 0,
        y: (i + 1) % 3,
        z: 0,
        project: ids[i],
      });
      assert.equal(other.exists, false);
    }
    const missing = await clients[0].request("goxel.add_voxel", {
      x: 0,
      y: 0,
      z: 0,
      project: "p999",
    });
    assert.equal(missing.error?.code, -1020);
    assert.match(missing.error!.message, /Project "p999" is not open/);
    clients.forEach((c) => c.close());
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("the C daemon's crash scenario: repeated create_project from two clients with edits, saves and exports", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const [a, b] = await Promise.all([
      RawClient.unix(daemon.socket),
      RawClient.unix(daemon.socket),
    ]);
    const run = async (c: RawClient, tag: string) => {
      for (let round = 0; round < 8; round++) {
        const { project_id } = await c.call<{ project_id: string }>("goxel.create_project", [
          `${tag}${round}`,
          16,
          16,
          16,
        ]);
        const project = project_id;
        for (let k = 0; k < 10; k++) {
          await c.call("goxel.add_voxel", { x: k, y: 0, z: 0, color: "#123456", project });
        }
        await c.call("goxel.save_project", { path: `${env.dir}/${tag}${round}.gox`, project });
        await c.call("goxel.export_model", { path: `${env.dir}/${tag}${round}.obj`, project });
        const info = await c.call<{ voxel_count: number }>("goxel.get_project_info", { project });
        assert.equal(info.voxel_count, 10, `${tag}${round} lost voxels`);
      }
    };
    await Promise.all([run(a, "a"), run(b, "b")]);
    const list = await a.call<{ count: number }>("goxel.list_projects");
    assert.equal(list.count, 16);
    assert.ok((await Deno.stat(`${env.dir}/b7.gox`)).size > 0);
    a.close();
    b.close();
  } finally {
    assert.equal(await daemon.stop(), 0);
    await env.cleanup();
  }
});

Deno.test("edits to a project go on while a snapshot of it is being saved", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--workspace", env.dir]);
  try {
    const [saver, editor] = await Promise.all([
      RawClient.unix(daemon.socket),
      RawClient.unix(daemon.socket),
    ]);
    await saver.call("goxel.create_project", ["big", 256, 256, 256]);
    // ~1 M voxels of varied colours across 1000+ tiles: a .gox save takes a while.
    for (let z = 0; z < 16; z++) {
      await saver.call("goxel.procedural_shape", [
        "cube",
        256,
        256,
        1,
        0,
        0,
        z * 2,
        (z * 37) % 256,
        (z * 91) % 256,
        200,
      ]);
    }
    const order: string[] = [];
    const save = saver.call("goxel.save_project", ["big.gox"]).then(() => order.push("save"));
    await waitFor(
      "the save to be encoding on the worker pool",
      async () => /^goxel_worker_jobs [1-9]/m.test(await editor.call<string>("metrics")),
    );
    await editor.call("goxel.add_voxel", [0, 0, 100, "#ff0000"]).then(() => order.push("edit"));
    await save;
    assert.deepEqual(order, ["edit", "save"], "the edit did not wait for the save");
    const info = await editor.call<{ dirty: boolean }>("goxel.get_project_info");
    assert.equal(info.dirty, true, "the edit made after the snapshot is not counted as saved");
    saver.close();
    editor.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});
