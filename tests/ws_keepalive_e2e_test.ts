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

Deno.test("the daemon closes WebSocket peers that stop answering pings, not quiet ones", async (t) => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(
    env,
    ["--http", "127.0.0.1:0"],
    "limits:\n  idle_timeout_seconds: 2\n",
  );
  const c = await RawClient.unix(daemon.socket);
  const url = (await c.call<{ url: string }>("goxel.serve_http")).url;
  c.close();
  const port = Number(new URL(url).port);
  try {
    const quiet = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve, reject) => {
      quiet.onopen = resolve;
      quiet.onerror = reject;
    });
    let quietClosed = false;
    quiet.onclose = () => quietClosed = true;
    const started = Date.now();
    const peer = await silentPeer(port);

    await t.step("the silent peer is closed within the timeout and one period", async () => {
      let done = false;
      peer.closed.then(() => done = true);
      await waitFor("the silent peer's close", () => done, 8000);
      const ms = Date.now() - started;
      assert.ok(ms >= 1900, `closed after ${ms} ms, before the 2 s timeout`);
    });

    await t.step("the quiet client that answers pings is still connected and served", async () => {
      await new Promise((r) => setTimeout(r, Math.max(0, 4500 - (Date.now() - started))));
      assert.equal(quietClosed, false);
      const reply = new Promise<string>((r) => quiet.onmessage = (e) => r(String(e.data)));
      quiet.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "goxel.ping" }));
      assert.match(await reply, /"id":7/);
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
