/**
 * Big replies stay bounded (found by a limits audit): a client that pipelines big reads and
 * never reads them makes the daemon build replies only as fast as they are sent, and a batch
 * stops running its calls once their replies pass max_message_bytes.
 */
import assert from "node:assert/strict";
import { makeTestEnv, procStatus, RawClient, startDaemon } from "./support_testing.ts";

const rssMb = (pid: number) => procStatus(pid, "VmRSS") / 1024;

/** A read whose reply is about 19 MB: every voxel of a 400 000-voxel layer, as objects. */
const BIG_READ = { method: "goxel.get_layer_voxels", params: { limit: 1_000_000 } };

Deno.test("pipelined big reads that are never read do not pile up in memory", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  const hog = await Deno.connect({ transport: "unix", path: daemon.socket });
  try {
    await c.call("goxel.create_project", ["big", 100, 100, 40]);
    await c.call("goxel.procedural_shape", ["cube", 100, 100, 40, 0, 0, 0, "#ff0000"]);
    const before = rssMb(daemon.proc.pid);
    const lines = Array.from(
      { length: 24 },
      (_, i) => JSON.stringify({ jsonrpc: "2.0", id: i + 1, ...BIG_READ }),
    );
    await hog.write(new TextEncoder().encode(lines.join("\n") + "\n"));
    // The hog never reads; another client is served meanwhile.
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      peak = Math.max(peak, rssMb(daemon.proc.pid));
    }
    const t = performance.now();
    assert.equal((await c.call<{ pong: boolean }>("goxel.ping")).pong, true);
    assert.ok(performance.now() - t < 1000, "a bystander is answered");
    // All 24 replies were built and held at once: RSS grew 1.2 GB under Deno. Now at most the
    // unsent limit and one reply wait (plus the garbage of building one: ~230 MB under Deno).
    assert.ok(peak - before < 400, `RSS grew ${(peak - before).toFixed(0)} MB (from ${before})`);
  } finally {
    hog.close();
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a batch stops running its calls once their replies pass max_message_bytes", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.call("goxel.create_project", ["big", 100, 100, 40]);
    await c.call("goxel.procedural_shape", ["cube", 100, 100, 40, 0, 0, 0, "#ff0000"]);
    const batch = [
      { jsonrpc: "2.0", id: 1, ...BIG_READ },
      { jsonrpc: "2.0", id: 2, ...BIG_READ },
      { jsonrpc: "2.0", id: 3, method: "goxel.add_voxel", params: [0, 0, 30, "#00ff00"] },
      { jsonrpc: "2.0", method: "goxel.ping" },
    ];
    await c.send(JSON.stringify(batch) + "\n");
    const replies = await c.read(30_000) as {
      id: number;
      result?: { count: number };
      error?: { code: number; message: string; data: { limit: string } };
    }[];
    assert.equal(replies.length, 3, "the notification gets no reply");
    assert.equal(replies[0].result?.count, 400_000, "the first big read is answered");
    for (const r of replies.slice(1)) {
      assert.equal(r.error?.code, -1106, `call ${r.id} is refused`);
      assert.match(r.error!.message, /Not run: .*over max_message_bytes/);
      assert.equal(r.error!.data.limit, "max_message_bytes");
    }
    const voxel = await c.call<{ exists: boolean }>("goxel.get_voxel", [0, 0, 30]);
    assert.equal(voxel.exists, false, "a call that was not run changed nothing");
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("execute_script's printed lines are cut inside the sandbox, not kept whole", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.call("goxel.create_project", ["p", 16, 16, 16]);
    const before = rssMb(daemon.proc.pid);
    const r = await c.call<{ output: string }>("goxel.execute_script", {
      script: "const s = 'x'.repeat(1 << 20); for (let i = 0; i < 1000; i++) print(s); 1",
      timeout_ms: 60_000,
    });
    const lines = r.output.split("\n").filter(Boolean);
    assert.equal(lines.length, 1000);
    assert.ok(lines.every((l) => l.length === 4000), "each line is cut to 4000 characters");
    const grew = rssMb(daemon.proc.pid) - before;
    // Each megabyte line used to cross to the host and stay there behind its 4000-character
    // slice: 1000 prints kept about a gigabyte.
    assert.ok(grew < 300, `RSS grew ${grew.toFixed(0)} MB`);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});
