/**
 * WebSocket peers that vanish are closed (daemon/http_ws.ts keepAlive): the daemon pings each
 * /ws connection and closes one that has not answered for `limits.idle_timeout_seconds`, while a
 * quiet client that answers pings (every WebSocket library does, browsers too) stays connected.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, startDaemon, waitFor } from "./support_testing.ts";

/** Opens /ws by hand and then never reads: like a peer whose network went away. */
async function silentPeer(port: number): Promise<{ closed: Promise<void> }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  ));
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 101/);
  // Reads only to notice the end (pings arrive and are never answered).
  const closed = (async () => {
    try {
      while ((await conn.read(buf)) !== null) { /* a ping frame, unanswered */ }
    } catch { /* reset by the daemon */ }
    conn.close();
  })();
  return { closed };
}

/** Opens a WebSocket to the daemon and resolves once it is open. */
async function openWs(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  return ws;
}

Deno.test("the daemon closes WebSocket peers that stop answering pings, not quiet ones", async (t) => {
  const env = await makeTestEnv();
  // 1 s: pings every 500 ms, the shortest timeout, where a check right after connecting (before
  // any ping) closed healthy clients.
  const daemon = await startDaemon(
    env,
    ["--http", "127.0.0.1:0"],
    "limits:\n  idle_timeout_seconds: 1\n",
  );
  const c = await RawClient.unix(daemon.socket);
  const url = (await c.call<{ url: string }>("goxel.serve_http")).url;
  c.close();
  const port = Number(new URL(url).port);
  try {
    const quiet = await openWs(port);
    let quietClosed = false;
    quiet.onclose = () => quietClosed = true;
    const started = Date.now();
    const peer = await silentPeer(port);

    await t.step("the silent peer is closed once a ping stays unanswered for 1 s", async () => {
      let done = false;
      peer.closed.then(() => done = true);
      await waitFor("the silent peer's close", () => done, 8000);
      const ms = Date.now() - started;
      assert.ok(ms >= 1000, `closed after ${ms} ms, before a ping could go unanswered for 1 s`);
    });

    await t.step("the quiet client that answers pings is still connected and served", async () => {
      await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - started))));
      assert.equal(quietClosed, false);
      const got = new Promise<string>((r) => quiet.onmessage = (e) => r(String(e.data)));
      quiet.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "goxel.ping" }));
      assert.match(await got, /"id":7/);
    });

    await t.step("a client whose requests wait behind a long one is not closed", async () => {
      const busy = await openWs(port);
      let closed = false;
      let replies = 0;
      const all = new Promise<void>((resolve) => {
        busy.onclose = () => {
          closed = true;
          resolve();
        };
        busy.onmessage = () => {
          if (++replies === 1101) resolve();
        };
      });
      busy.send(JSON.stringify({
        jsonrpc: "2.0",
        id: "s",
        method: "goxel.execute_script",
        params: { script: "const t = Date.now(); while (Date.now() - t < 2500) {}" },
      }));
      // More than the connection queues: it stops reading (and sees no pong) until they drain.
      for (let i = 0; i < 1100; i++) {
        busy.send(JSON.stringify({ jsonrpc: "2.0", id: i, method: "goxel.ping" }));
      }
      await all;
      assert.equal(closed, false, `closed after ${replies} replies`);
      busy.close();
    });

    await t.step("the close is counted as an idle timeout", async () => {
      const m = await RawClient.unix(daemon.socket);
      const text = await m.call<string>("goxel.metrics");
      m.close();
      assert.match(text, /^goxel_rejected_total\{limit="idle_timeout"\} 1$/m);
    });
    quiet.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});
