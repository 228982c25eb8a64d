/**
 * The HTTP listener over real sockets: health and readiness, Prometheus /metrics (parsed),
 * JSON-RPC over POST /rpc (the spec vectors, limits), refusals (cross-site origin, rebinding
 * Host, missing token off loopback) and JSON-RPC over the /ws WebSocket.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";
import { prepareViewer } from "./viewer_testing.ts";

const SPEC = new URL("../../shared/spec/jsonrpc_vectors.jsonl", import.meta.url);

/** One sample of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format 0.0.4 strictly enough to catch mistakes. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") {
        assert.match(meta[3], /^(counter|gauge|histogram|summary|untyped)$/, line);
        assert.ok(!types.has(meta[2]), `TYPE of ${meta[2]} given twice`);
        types.set(meta[2], meta[3]);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) {
      labels[l[1]] = l[2];
    }
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), `bad value in ${line}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(m[1]) || types.has(family), `sample before its TYPE: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

/** Drops error messages (the vectors leave their wording free) and orders batch replies. */
function normalise(v: unknown, unordered: boolean): unknown {
  const strip = (r: unknown) => {
    const o = structuredClone(r) as { error?: { message?: string } };
    if (o?.error) delete o.error.message;
    return o;
  };
  if (!Array.isArray(v)) return strip(v);
  const list = v.map(strip);
  return unordered ? list.map((x) => JSON.stringify(x)).sort() : list;
}

async function rawHttp(port: number, head: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  conn.close();
  return new TextDecoder().decode(buf.subarray(0, n ?? 0));
}

Deno.test("the HTTP listener serves health, metrics, JSON-RPC and WebSocket", async (t) => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(
    env,
    ["--http", "127.0.0.1:0", "--conformance"],
    "limits:\n  max_message_bytes: 4096\n",
  );
  const c = await RawClient.unix(daemon.socket);
  const url = ((await c.request("goxel.serve_http")).result as { url: string }).url;
  const port = Number(new URL(url).port);
  try {
    await t.step(
      "/healthz and /readyz answer 200, unknown paths 404, wrong verbs 405",
      async () => {
        for (const [path, code] of [["/healthz", 200], ["/readyz", 200], ["/nope", 404]] as const) {
          const r = await fetch(url + path);
          assert.equal(r.status, code, path);
          await r.body?.cancel();
        }
        const r = await fetch(url + "/rpc");
        assert.equal(r.status, 405);
        assert.match(await r.text(), /not allowed/);
        for (const path of ["/healthz", "/metrics", "/"]) {
          const post = await fetch(url + path, { method: "POST", body: "{}" });
          assert.equal(post.status, 405, `POST ${path}`);
          await post.body?.cancel();
        }
      },
    );

    await t.step(
      "/metrics is valid Prometheus text with per-method latency histograms",
      async () => {
        await c.request("goxel.ping");
        await fetch(url + "/healthz").then((r) => r.body?.cancel());
        const r = await fetch(url + "/metrics");
        assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
        const { types, samples } = parsePrometheus(await r.text());
        assert.equal(types.get("goxel_request_duration_seconds"), "histogram");
        assert.equal(types.get("goxel_http_requests_total"), "counter");
        const buckets = samples.filter((s) =>
          s.name === "goxel_request_duration_seconds_bucket" && s.labels.method === "goxel.ping"
        );
        assert.ok(buckets.length > 2);
        for (let i = 1; i < buckets.length; i++) {
          assert.ok(buckets[i].value >= buckets[i - 1].value);
        }
        assert.equal(buckets.at(-1)!.labels.le, "+Inf");
        const count = samples.find((s) =>
          s.name === "goxel_request_duration_seconds_count" && s.labels.method === "goxel.ping"
        );
        assert.equal(count?.value, buckets.at(-1)!.value);
        const health = samples.find((s) =>
          s.name === "goxel_http_requests_total" && s.labels.path === "/healthz"
        );
        assert.ok(health && health.value >= 1);
        assert.ok(samples.some((s) => s.name === "goxel_subscribers"));
      },
    );

    await t.step("POST /rpc passes the JSON-RPC spec vectors", async (t) => {
      let text: string;
      try {
        text = await Deno.readTextFile(SPEC);
      } catch {
        console.log(`Skipping the vectors: ${SPEC.pathname} is absent`);
        return;
      }
      for (const line of text.split("\n").filter(Boolean)) {
        const v = JSON.parse(line);
        await t.step(v.name, async () => {
          const r = await fetch(url + "/rpc", { method: "POST", body: v.request });
          const body = await r.text();
          if (v.compare === "no_response") {
            assert.equal(r.status, 204);
            assert.equal(body, "");
            return;
          }
          assert.equal(r.status, 200);
          assert.equal(r.headers.get("content-type"), "application/json");
          const unordered = v.compare.startsWith("unordered");
          assert.deepEqual(
            normalise(JSON.parse(body), unordered),
            normalise(v.response, unordered),
          );
        });
      }
    });

    await t.step("POST /rpc keeps the socket's limits and errors", async () => {
      const big = JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "ping",
        params: { p: "x".repeat(5000) },
      });
      const r = await fetch(url + "/rpc", { method: "POST", body: big });
      assert.equal(r.status, 413);
      const e = await r.json();
      assert.equal(e.error.code, -32700);
      assert.equal(e.error.data.limit, "max_message_bytes");
      const sub = await fetch(url + "/rpc", {
        method: "POST",
        body: '{"jsonrpc":"2.0","id":2,"method":"goxel.subscribe"}',
      }).then((r) => r.json());
      assert.match(sub.error.message, /Cannot subscribe over one-shot HTTP/);
      const ok = await fetch(url + "/rpc", {
        method: "POST",
        body: '{"jsonrpc":"2.0","id":3,"method":"goxel.add_voxel","params":[1,2,3,"#00ff00"]}',
      }).then((r) => r.json());
      assert.equal(ok.id, 3);
      const voxel = (await c.request("goxel.get_voxel", [1, 2, 3])).result as { color: number[] };
      assert.deepEqual(voxel.color, [0, 255, 0, 255], "the HTTP edit is seen on the socket");
    });

    await t.step("cross-site origins and rebinding Host names are refused", async () => {
      const foreign = await fetch(url + "/rpc", {
        method: "POST",
        headers: { origin: "http://evil.example" },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });
      assert.equal(foreign.status, 403);
      await foreign.body?.cancel();
      const same = await fetch(url + "/healthz", { headers: { origin: url } });
      assert.equal(same.status, 200);
      await same.body?.cancel();
      const rebound = await rawHttp(
        port,
        "GET /healthz HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
      );
      assert.match(rebound, /^HTTP\/1\.1 403/);
      const ws = await rawHttp(
        port,
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\n" +
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      assert.match(ws, /^HTTP\/1\.1 403/);
      // Sandboxed frames, data: URLs and file:// pages send Origin: null.
      const opaque = await rawHttp(
        port,
        `POST /rpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: null\r\n` +
          "Content-Type: text/plain\r\nContent-Length: 40\r\nConnection: close\r\n\r\n" +
          '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      );
      assert.match(opaque, /^HTTP\/1\.1 403/);
      const opaqueWs = await rawHttp(
        port,
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: null\r\nUpgrade: websocket\r\n` +
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      assert.match(opaqueWs, /^HTTP\/1\.1 403/);
      // A name that only starts like a loopback address, its page's own origin (rebinding).
      const host = `127.0.0.1.attacker.example:${port}`;
      const lookalike = await rawHttp(
        port,
        `POST /rpc HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\n` +
          "Content-Length: 40\r\nConnection: close\r\n\r\n" +
          '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      );
      assert.match(lookalike, /^HTTP\/1\.1 403/);
    });

    await t.step("/ws speaks JSON-RPC, in order, and answers bad input with errors", async () => {
      const ws = new WebSocket(url.replace("http", "ws") + "/ws");
      const replies: unknown[] = [];
      ws.onmessage = (e) => replies.push(JSON.parse(String(e.data)));
      await new Promise((r, j) => (ws.onopen = r, ws.onerror = j));
      ws.send('{"jsonrpc":"2.0","id":1,"method":"ping"}');
      ws.send("{oops");
      ws.send('[{"jsonrpc":"2.0","id":2,"method":"goxel.version"}]');
      const deadline = Date.now() + 5000;
      while (replies.length < 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const [a, b, batch] = replies as [
        { result: { pong: boolean } },
        { error: { code: number } },
        { id: number }[],
      ];
      assert.equal(a.result.pong, true);
      assert.equal(b.error.code, -32700);
      assert.equal(batch[0].id, 2);
      ws.close();
    });
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("off loopback the HTTP listener requires the token for data", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--http", "0.0.0.0:0", "--allow-non-loopback"]);
  const c = await RawClient.unix(daemon.socket);
  try {
    const url = ((await c.request("goxel.serve_http")).result as { url: string }).url;
    const local = url.replace("0.0.0.0", "127.0.0.1");
    const token = (await Deno.readTextFile(daemon.socket.replace(/goxel\.sock$/, "token"))).trim();
    const ping = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const bare = await fetch(local + "/rpc", { method: "POST", body: ping });
    assert.equal(bare.status, 403);
    assert.match(await bare.text(), /token is required/);
    const wrong = await fetch(local + "/metrics", { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
    const good = await fetch(local + "/rpc", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: ping,
    });
    assert.equal((await good.json()).result.pong, true);
    const query = await fetch(`${local}/metrics?token=${token}`);
    assert.equal(query.status, 200);
    await query.body?.cancel();
    for (const open of ["/healthz", "/readyz"]) {
      const r = await fetch(local + open);
      assert.equal(r.status, 200, `${open} is public`);
      await r.body?.cancel();
    }
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("goxel view turns the listener on, prints the viewer's URL and serves the page", async () => {
  await prepareViewer();
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const missing = await runGoxel(["view", "p1", "--no-open", "--socket", daemon.socket], env);
    assert.equal(missing.code, 1, "a project that is not open is refused");
    assert.match(missing.stderr, /"p1" is not open/);
    assert.equal(missing.stdout, "");
    const c = await RawClient.unix(daemon.socket);
    await c.call("goxel.create_project", ["shown"]);
    c.close();
    const view = await runGoxel(["view", "p1", "--no-open", "--socket", daemon.socket], env);
    assert.equal(view.code, 0, view.stderr);
    const url = view.stdout.trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?project=p1$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>goxel viewer<\/title>/);
    const script = await fetch(new URL("/viewer.js", url));
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    assert.ok((await script.text()).length > 100_000, "three.js is bundled in");
    const again = await runGoxel(["view", "--no-open", "--socket", daemon.socket], env);
    assert.equal(again.stdout.trim(), url.replace(/\?.*$/, ""), "the same listener");
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});
