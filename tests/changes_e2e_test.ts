/**
 * The change stream over real sockets: `goxel.subscribe` on a WebSocket and on the Unix socket
 * (through `goxel call watch`), resuming with `since` without gaps or duplicates, registry
 * events, the ring's limit (one resync), and a subscriber that stops reading: edits keep their
 * speed and it gets a single resync once it reads again.
 */
import assert from "node:assert/strict";
import { base64ToBytes, decodeTiles } from "../protocol/tiles_wire.ts";
import { goxelCommand, makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

interface Change {
  project: string;
  seq: number;
  kind: string;
  from_seq?: number;
  tiles?: number[][];
  layers?: boolean;
}

/** A WebSocket JSON-RPC client that keeps the notifications it receives. */
class WsClient {
  readonly changes: Change[] = [];
  #replies = new Map<number, { result?: unknown; error?: { message: string } }>();
  #nextId = 1;
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (msg.method === "goxel.changed") this.changes.push(msg.params);
      else this.#replies.set(msg.id, msg);
    };
  }
  static async open(url: string): Promise<WsClient> {
    const ws = new WebSocket(url.replace("http", "ws") + "/ws");
    await new Promise((r, j) => (ws.onopen = r, ws.onerror = j));
    return new WsClient(ws);
  }
  async call(method: string, params: unknown = {}) {
    const id = this.#nextId++;
    this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    await until(() => this.#replies.has(id), `reply to ${method}`);
    return this.#replies.get(id)!;
  }
  close() {
    this.ws.close();
  }
}

async function until(ok: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function edits(c: RawClient, n: number, x0 = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await c.request("goxel.add_voxel", [x0 + i, 0, 0, "#ff0000"]);
    assert.ok(r.result, JSON.stringify(r.error));
  }
}

// Every edit its own event (no coalescing), and a short ring so its limit is quick to reach.
const PER_EDIT = "changes:\n  coalesce_ms: 0\n  ring_size: 16\n";

Deno.test("goxel.subscribe streams changes and resumes with since", async (t) => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--http", "127.0.0.1:0"], PER_EDIT);
  const c = await RawClient.unix(daemon.socket);
  const url = ((await c.request("goxel.serve_http")).result as { url: string }).url;
  try {
    await c.request("goxel.create_project", { name: "stream" });
    let last = 0;
    await t.step(
      "every committed edit arrives once, in order, with the tiles it touched",
      async () => {
        const ws = await WsClient.open(url);
        const snap = (await ws.call("goxel.get_tiles", { project: "p1" })).result as {
          seq: number;
        };
        await ws.call("goxel.subscribe", { project: "p1", since: snap.seq });
        await edits(c, 5);
        await c.request("goxel.add_voxel", [20, 0, 0, "#00ff00"]);
        await until(() => ws.changes.length === 6, "six changes");
        assert.deepEqual(ws.changes.map((e) => e.seq), [1, 2, 3, 4, 5, 6].map((i) => snap.seq + i));
        assert.deepEqual(ws.changes[0].tiles, [[2, 0, 0, 0]]);
        assert.deepEqual(ws.changes[5].tiles, [[2, 16, 0, 0]]);
        last = ws.changes[5].seq;
        ws.close();
      },
    );

    await t.step("since resumes after a disconnection without gaps or duplicates", async () => {
      await edits(c, 3, 30);
      await c.request("goxel.create_layer", { name: "Second" });
      const ws = await WsClient.open(url);
      const r = await ws.call("goxel.subscribe", { project: "stream", since: last });
      assert.equal((r.result as { seq: number }).seq, last + 4);
      await until(() => ws.changes.length === 4, "the four missed changes");
      assert.deepEqual(ws.changes.map((e) => e.seq), [last + 1, last + 2, last + 3, last + 4]);
      assert.equal(ws.changes[3].layers, true);
      await edits(c, 1, 40);
      await until(() => ws.changes.length === 5, "the next live change");
      assert.equal(ws.changes[4].seq, last + 5);
      const ahead = await ws.call("goxel.subscribe", { project: "p1", since: last + 99 });
      assert.match(ahead.error!.message, /Cannot resume from .*sequence number/);
      ws.close();
    });

    await t.step("a deleted layer's tiles are listed: its id, reused, starts empty", async () => {
      const ws = await WsClient.open(url);
      const snap = (await ws.call("goxel.get_tiles", { project: "p1", tiles: [] })).result as {
        seq: number;
      };
      await ws.call("goxel.subscribe", { project: "p1", since: snap.seq });
      const made = await c.call<{ layer_id: number }>("goxel.create_layer", { name: "Brief" });
      const id = made.layer_id;
      await c.call("goxel.add_voxel", { x: 50, y: 0, z: 0, color: "#0000ff", layer_id: id });
      await c.call("goxel.delete_layer", { layer_id: id });
      await until(() => ws.changes.length === 3, "three changes");
      assert.deepEqual(ws.changes[2].tiles, [[id, 48, 0, 0]], "the tile the deleted layer had");
      const again = await c.call<{ layer_id: number }>("goxel.create_layer", { name: "Next" });
      assert.equal(again.layer_id, id, "the id is given again");
      const read = (await ws.call("goxel.get_tiles", { project: "p1", tiles: [[id, 48, 0, 0]] }))
        .result as { data: string };
      const [tile] = decodeTiles(base64ToBytes(read.data));
      assert.equal(tile.voxels, null, "a client that refetches the listed tile finds it gone");
      ws.close();
    });

    await t.step("a since older than the kept changes gets one resync", async () => {
      const before =
        ((await c.request("goxel.get_tiles", { tiles: [] })).result as { seq: number }).seq;
      await edits(c, 20, 100);
      const ws = await WsClient.open(url);
      await ws.call("goxel.subscribe", { project: "p1", since: before });
      await until(() => ws.changes.length === 1, "the resync");
      assert.deepEqual(ws.changes[0], { project: "p1", seq: before + 20, kind: "resync" });
      ws.close();
    });

    await t.step(
      "a subscriber to every project sees projects opened, selected and closed",
      async () => {
        const ws = await WsClient.open(url);
        await ws.call("goxel.subscribe");
        await c.request("goxel.create_project", { name: "other" });
        await c.request("goxel.select_project", { project: "p1" });
        await c.request("goxel.close_project", { project: "p2" });
        await until(() => ws.changes.length === 4, "four registry events");
        assert.deepEqual(
          ws.changes.map((e) => `${e.kind} ${e.project}`),
          ["opened p2", "selected p2", "selected p1", "closed p2"],
        );
        ws.close();
      },
    );
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("goxel call watch prints the stream as NDJSON over the Unix socket", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  const [cmd, ...prefix] = goxelCommand();
  const watch = new Deno.Command(cmd, {
    args: [...prefix, "call", "watch", "p1", "--socket", daemon.socket],
    env: env.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    await c.request("goxel.create_project", { name: "w" });
    const lines: string[] = [];
    const reader = watch.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
        lines.splice(0, lines.length, ...text.split("\n").filter(Boolean));
      }
    })();
    // The watcher subscribes once it has started; keep editing until it reports.
    for (let i = 0; lines.length === 0 && i < 400; i++) {
      await c.request("goxel.add_voxel", [i, 0, 0, "#0000ff"]);
      await new Promise((r) => setTimeout(r, 25));
    }
    const first = JSON.parse(lines[0]) as Change;
    assert.equal(first.project, "p1");
    assert.equal(first.kind, "edit");
    assert.ok(first.seq >= 1);
  } finally {
    watch.kill("SIGTERM");
    await watch.status;
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("goxel call watch resumes after the seq of get_tiles and resyncs from before it", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, [], "changes:\n  coalesce_ms: 0\n");
  const c = await RawClient.unix(daemon.socket);
  const [cmd, ...prefix] = goxelCommand();
  try {
    await c.call("goxel.create_project", ["w"]);
    await c.call("goxel.add_voxel", [0, 0, 0, "#0000ff"]);
    const help = await runGoxel(["call", "watch", "--help"], env);
    assert.match(help.stdout, /take "seq" from goxel\.get_tiles/);
    // As a viewer resumes: the state and its seq, edits meanwhile, then the stream from there.
    const { seq } = await c.call("goxel.get_tiles", { project: "p1" }) as { seq: number };
    await c.call("goxel.add_voxel", [1, 0, 0, "#0000ff"]);
    await c.call("goxel.add_voxel", [2, 0, 0, "#0000ff"]);
    for (const [since, kind, first] of [[seq, "edit", seq + 1], [0, "resync", seq + 2]] as const) {
      const watch = new Deno.Command(cmd, {
        args: [...prefix, "call", "watch", "p1", String(since), "--socket", daemon.socket],
        env: env.env,
        clearEnv: true,
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const reader = watch.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      watch.kill("SIGTERM");
      await reader.cancel();
      await watch.status;
      const ev = JSON.parse(text.split("\n")[0]) as Change;
      assert.equal(ev.kind, kind, text);
      assert.equal(ev.seq, first, text);
    }
    const sub = await runGoxel(["call", "subscribe", "project=p1", "--socket", daemon.socket], env);
    assert.equal(sub.code, 0);
    assert.match(sub.stderr, /ends with this command; to follow changes: goxel call watch/);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a subscriber that stops reading never slows edits and gets one resync", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(
    env,
    [],
    "changes:\n  coalesce_ms: 0\n  subscriber_buffer_bytes: 4096\n",
  );
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.request("goxel.create_project", { name: "slow" });
    const timeEdits = async (x0: number) => {
      const t0 = performance.now();
      await edits(c, 2000, x0);
      return performance.now() - t0;
    };
    const baseline = await timeEdits(0);
    const stalled = await Deno.connect({ transport: "unix", path: daemon.socket });
    const sub = '{"jsonrpc":"2.0","id":1,"method":"goxel.subscribe","params":{"project":"p1"}}\n';
    await stalled.write(new TextEncoder().encode(sub));
    await edits(c, 1, 5000);
    const withStalled = Math.min(await timeEdits(10000), await timeEdits(20000));
    assert.ok(
      withStalled < baseline * 1.5 + 100,
      `edits took ${withStalled.toFixed(0)} ms with a stalled subscriber, ${
        baseline.toFixed(0)
      } ms without`,
    );
    const tiles = await c.request("goxel.get_tiles", { tiles: [] });
    const finalSeq = (tiles.result as { seq: number }).seq;
    // Now read everything: far fewer than all 4001 changes were kept for it, then one resync.
    const events: Change[] = [];
    let buffer = "";
    const buf = new Uint8Array(65536);
    const dec = new TextDecoder();
    const giveUp = setTimeout(() => stalled.close(), 20000);
    while (!events.some((e) => e.kind === "resync")) {
      const n = await stalled.read(buf).catch(() => null);
      if (n === null) break;
      buffer += dec.decode(buf.subarray(0, n), { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const l of lines) {
        const msg = JSON.parse(l);
        if (msg.method === "goxel.changed") events.push(msg.params);
      }
    }
    clearTimeout(giveUp);
    stalled.close();
    const resyncs = events.filter((e) => e.kind === "resync");
    assert.equal(resyncs.length, 1);
    assert.equal(resyncs[0].seq, finalSeq);
    assert.ok(events.length < 2000, `${events.length} changes were buffered for a stalled reader`);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});
