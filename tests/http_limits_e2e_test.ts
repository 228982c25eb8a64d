/**
 * The HTTP listener's limits against a real daemon over real sockets: POST bodies held against
 * `max_buffered_bytes` (503 and closed, the daemon's RSS bounded, the bytes given back), a
 * declared body past `max_message_bytes` refused before it is sent, connections capped by
 * `max_connections`, slow headers and bodies cut off at their deadlines, and request targets
 * that are not URLs answered 400 (upgrades too) with nothing but JSON lines in the log.
 */
import assert from "node:assert/strict";
import {
  type Daemon,
  makeTestEnv,
  procStatus,
  RawClient,
  startDaemon,
  waitFor,
} from "./support_testing.ts";

const MiB = 1024 * 1024;

/** Resident memory of a process, in bytes (Linux /proc). */
function rssOf(pid: number): number {
  return procStatus(pid, "VmRSS") * 1024;
}

/** A raw HTTP/1.1 connection that reads everything the daemon sends until it closes. */
class RawHttp {
  readonly #conn: Deno.Conn;
  readonly #received: Uint8Array[] = [];
  readonly #done: Promise<void>;
  #closed = false;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#done = (async () => {
      const buf = new Uint8Array(65536);
      try {
        for (let n; (n = await conn.read(buf)) !== null;) this.#received.push(buf.slice(0, n));
      } catch { /* reset by the daemon: closed too */ }
      this.#closed = true;
    })();
  }

  static async open(port: number): Promise<RawHttp> {
    return new RawHttp(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Writes everything; false when the daemon closed the connection first. */
  async write(data: string | Uint8Array): Promise<boolean> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    try {
      for (let off = 0; off < bytes.length;) off += await this.#conn.write(bytes.subarray(off));
      return true;
    } catch {
      return false;
    }
  }

  /** Waits until the daemon closes the connection; false after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, timeoutMs));
    await Promise.race([this.#done, late]);
    clearTimeout(timer);
    return this.#closed;
  }

  /** The response received so far: status, lower-cased headers, body (chunked decoded). */
  get response(): { status: number; headers: string; body: string } {
    const text = new TextDecoder().decode(concat(this.#received));
    const end = text.indexOf("\r\n\r\n");
    const head = end < 0 ? text : text.slice(0, end);
    let body = end < 0 ? "" : text.slice(end + 4);
    if (/transfer-encoding: chunked/i.test(head)) body = unchunk(body);
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body };
  }

  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) out.set(p, (off += p.length) - p.length);
  return out;
}

function unchunk(body: string): string {
  let out = "";
  for (let at = 0;;) {
    const eol = body.indexOf("\r\n", at);
    const size = parseInt(body.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

const HOST = "Host: 127.0.0.1\r\n";

function postHead(length: number): string {
  return `POST /rpc HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
}

/** Runs `fn` against a daemon with the HTTP listener on and `limits` in its config. */
async function withHttpDaemon(
  limits: Record<string, number>,
  fn: (port: number, d: Daemon) => Promise<void>,
): Promise<void> {
  const entries = Object.entries(limits).map(([k, v]) => `  ${k}: ${v}\n`);
  const yaml = entries.length ? "limits:\n" + entries.join("") : undefined;
  const env = await makeTestEnv();
  const d = await startDaemon(env, ["--http", "127.0.0.1:0", "--conformance"], yaml);
  try {
    const c = await RawClient.unix(d.socket);
    const url = ((await c.request("goxel.serve_http")).result as { url: string }).url;
    c.close();
    await fn(Number(new URL(url).port), d);
  } finally {
    await d.stop();
    await env.cleanup();
  }
}

/** Sends one whole request on a new connection and returns the response once it is closed. */
async function exchange(port: number, request: string): Promise<RawHttp["response"]> {
  const h = await RawHttp.open(port);
  await h.write(request);
  assert.ok(await h.closedWithin(5000), "the daemon closes a Connection: close exchange");
  return h.response;
}

const BUDGET_LIMITS = {
  max_message_bytes: 16 * MiB,
  max_buffered_bytes: 8 * MiB,
  max_connections: 32,
};

Deno.test("HTTP connections past max_connections are refused with 503 and closed", async () => {
  await withHttpDaemon(BUDGET_LIMITS, async (port) => {
    const held = await Promise.all(Array.from({ length: 32 }, () => RawHttp.open(port)));
    // Each has begun a request (Bun's server sees a connection only once bytes arrive).
    await Promise.all(held.map((h) => h.write(`GET /healthz HTTP/1.1\r\n`)));
    // The runtime accepts in its own turn: wait until the 32 are counted and a 33rd is refused.
    let extra: RawHttp | null = null;
    await waitFor("a connection past the limit to be refused", async () => {
      extra?.close();
      extra = await RawHttp.open(port);
      await extra.write(`GET /healthz HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`);
      return await extra.closedWithin(2000) && extra.response.status === 503;
    });
    const refused = JSON.parse(extra!.response.body);
    assert.equal(refused.error.code, -1109);
    assert.equal(refused.error.data.limit, "max_connections");
    assert.equal(refused.error.data.max, 32);
    assert.ok(held.every((h) => !h.response.headers), "the admitted connections got nothing");
    for (const h of held) h.close();
    await waitFor("a closed connection's slot to come back", async () => {
      const r = await exchange(port, `GET /healthz HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`);
      return r.status === 200;
    });
  });
});

Deno.test("POST bodies count against max_buffered_bytes: half-sent ones get 503 and RSS stays bounded", async () => {
  await withHttpDaemon(BUDGET_LIMITS, async (port, d) => {
    const before = rssOf(d.proc.pid);
    const clients = await Promise.all(Array.from({ length: 24 }, () => RawHttp.open(port)));
    // 24 unfinished bodies of 15 MiB (each within max_message_bytes): 360 MiB if all were held.
    const part = new Uint8Array(15 * MiB).fill(0x20);
    await Promise.all(clients.map(async (c) => {
      if (await c.write(postHead(16 * MiB))) await c.write(part);
    }));
    const closed = await Promise.all(clients.map((c) => c.closedWithin(3000)));
    const grown = rssOf(d.proc.pid) - before;
    // What passed through before each refusal is garbage, not held: ~45 MiB here, 360 before.
    assert.ok(grown < 128 * MiB, `RSS grew by ${(grown / MiB).toFixed(0)} MiB for 8 MiB of budget`);
    assert.ok(closed.every(Boolean), `${closed.filter(Boolean).length} of 24 were closed`);
    const refused = clients.filter((c) => c.response.status === 503);
    assert.ok(refused.length >= 20, `${refused.length} of 24 got their 503 before the close`);
    const e = JSON.parse(refused[0].response.body).error;
    assert.equal(e.code, -1109);
    assert.equal(e.data.limit, "max_buffered_bytes");
    assert.match(e.message, /dropped.*limit of 8388608 bytes/);
    assert.match(refused[0].response.headers, /connection: close/i);
    for (const c of clients) c.close();
    const metrics = await exchange(
      port,
      `GET /metrics HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`,
    );
    const rejected = /goxel_rejected_total\{limit="buffered_bytes"\} (\d+)/.exec(metrics.body);
    assert.ok(Number(rejected?.[1]) >= refused.length, "each refusal is counted");

    // A body held and then abandoned gives its bytes back, as do the refused ones.
    const abandoned = await RawHttp.open(port);
    await abandoned.write(postHead(16 * MiB));
    await abandoned.write(part.subarray(0, 6 * MiB));
    assert.equal(await abandoned.closedWithin(300), false, "6 MiB fit in the budget");
    abandoned.close();
    const payload = "x".repeat(5 * MiB);
    const body = `{"jsonrpc":"2.0","id":7,"method":"echo","params":["${payload}"]}`;
    const request = postHead(body.length).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    let reply: RawHttp["response"] = { status: 0, headers: "", body: "" };
    await waitFor("a 5 MiB request to fit in the 8 MiB budget again", async () => {
      reply = await exchange(port, request + body);
      return reply.status === 200;
    }, 3000);
    assert.equal(JSON.parse(reply.body).result.args[0].length, payload.length);
  });
});

Deno.test("a declared body past max_message_bytes is refused with 413 before it is sent", async () => {
  await withHttpDaemon(BUDGET_LIMITS, async (port) => {
    const h = await RawHttp.open(port);
    await h.write(postHead(17 * MiB));
    assert.ok(await h.closedWithin(3000), "the connection is closed without waiting for the body");
    assert.equal(h.response.status, 413);
    const e = JSON.parse(h.response.body).error;
    assert.equal(e.code, -32700);
    assert.equal(e.data.limit, "max_message_bytes");
    assert.match(e.message, new RegExp(`message of ${17 * MiB} bytes exceeds`));
  });
});

Deno.test("slow headers, slow bodies and silent connections are closed at their deadlines with 408", async () => {
  const limits = { idle_timeout_seconds: 1, auth_timeout_seconds: 0.5 };
  await withHttpDaemon(limits, async (port) => {
    const silent = await RawHttp.open(port);
    const slowHead = await RawHttp.open(port);
    const slowBody = await RawHttp.open(port);
    await slowHead.write(`POST /rpc HTTP/1.1\r\n${HOST}`);
    await slowBody.write(postHead(1000) + "[");
    const t0 = performance.now();
    // Each keeps trickling a byte every 100 ms: only a deadline can close it.
    const trickle = async (c: RawHttp, byte: string) => {
      while (performance.now() - t0 < 4000 && await c.write(byte)) {
        if (await c.closedWithin(100)) return;
      }
    };
    await Promise.all([trickle(slowHead, "X"), trickle(slowBody, " ")]);
    const cases = { silent, "slow headers": slowHead, "slow body": slowBody };
    for (const [name, c] of Object.entries(cases)) {
      const left = Math.max(0, 4000 - (performance.now() - t0));
      assert.ok(await c.closedWithin(left), `the ${name} connection was closed within 4 s`);
      assert.equal(c.response.status, 408, name);
      assert.match(c.response.body, /Request timeout/);
    }
    assert.ok(performance.now() - t0 < 3500, "closed by the 0.5 s and 1 s deadlines");
    const ok = await exchange(port, `GET /healthz HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`);
    assert.equal(ok.status, 200, "the daemon still serves");
  });
});

Deno.test("request targets that are not URLs get 400 and are closed, upgrades too, and nothing escapes to the log", async () => {
  await withHttpDaemon({}, async (port, d) => {
    const plain = await exchange(port, `GET http://[/ HTTP/1.1\r\n${HOST}\r\n`);
    assert.equal(plain.status, 400);
    assert.match(plain.body, /request target "http:\/\/\[\/" is not a URL/);
    const upgrades = await Promise.all(Array.from({ length: 20 }, () => RawHttp.open(port)));
    await Promise.all(upgrades.map((u) =>
      u.write(
        `GET http://[/ws HTTP/1.1\r\n${HOST}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      )
    ));
    for (const u of upgrades) {
      assert.ok(await u.closedWithin(3000), "a bad upgrade is closed, not left open");
      assert.equal(u.response.status, 400);
    }
    const ok = await exchange(port, `GET /healthz HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`);
    assert.equal(ok.status, 200);
    await d.stop();
    for (const line of d.stderr().split("\n").filter(Boolean)) {
      assert.doesNotThrow(() => JSON.parse(line), `a log line is not JSON: ${line}`);
    }
    assert.doesNotMatch(d.stderr(), /Invalid URL|TypeError/);
  });
});
