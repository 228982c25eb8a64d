// MCP replies are read as loose JSON.
// deno-lint-ignore-file no-explicit-any
/**
 * The second half of the soak harness's traffic mix, each generator handed a `SoakContext`:
 * change-stream subscribers on the socket (one that never reads) and on /ws that stay for the
 * cycle, `goxel mcp` stdio sessions (one per cycle killed mid-call), and the error round (bad JSON,
 * unknown methods, bad params, limits, over-deep and oversize lines, bad files, HTTP errors).
 */
import type { Client, SoakContext } from "./soak_client.ts";
import { enc, sleep } from "./soak_client.ts";

/** Opens a WebSocket on the daemon's /ws and waits until it is open. */
export async function openWebSocket(ctx: SoakContext): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${ctx.httpPort}/ws`);
  await new Promise((ok, bad) => {
    ws.onopen = ok;
    ws.onerror = () => bad(new Error("ws error"));
  });
  return ws;
}

/** Change-stream subscribers that come and go, on the socket and on /ws. */
export async function runSubscribers(
  ctx: SoakContext,
  project: string,
  during: Promise<void>,
): Promise<void> {
  const { safe, count } = ctx.tally;
  const subs: Client[] = [];
  for (let i = 0; i < 6; i++) {
    await safe("subscribe", async () => {
      const s = await ctx.open();
      await s.call("goxel.subscribe", i % 2 ? { project } : {});
      subs.push(s);
    });
  }
  // A subscriber that never reads.
  let slow: Client | undefined;
  await safe("slow subscriber", async () => {
    slow = await ctx.open(true);
    await slow.write(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "goxel.subscribe", params: {} }) + "\n",
    );
  });
  const sockets: WebSocket[] = [];
  for (let i = 0; i < 4; i++) {
    await safe("ws", async () => {
      const ws = await openWebSocket(ctx);
      ws.onmessage = () => count("ws_message");
      const params = i % 2 ? { project } : {};
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "goxel.subscribe", params }));
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "goxel.ping" }));
      ws.send(
        JSON.stringify({ jsonrpc: "2.0", id: 3, method: "goxel.get_tiles", params: { project } }),
      );
      sockets.push(ws);
    });
  }
  count("subscriber", 11);
  await during;
  for (const [i, s] of subs.entries()) {
    if (i % 3 === 0) await safe("unsubscribe", () => s.call("goxel.unsubscribe", {}));
    await s.closeAndWait();
  }
  slow?.close();
  for (const ws of sockets) ws.close();
}

/** A `goxel mcp` child on stdio with its replies collected by id. */
interface McpChild {
  process: Deno.ChildProcess;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  pump: Promise<void>;
  send(m: unknown): Promise<void>;
  wait(id: number): Promise<any>;
}

function spawnMcp(ctx: SoakContext): McpChild {
  const { out, sock } = ctx.paths;
  const p = new Deno.Command(ctx.bin, {
    args: ["mcp", "--no-spawn", "--socket", sock, "--root", out],
    env: ctx.env,
    clearEnv: true,
    cwd: out,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const w = p.stdin.getWriter();
  const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const replies = new Map<number, any>();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (m.id !== undefined) replies.set(m.id, m);
      }
    }
  })().catch(() => {});
  const send = (m: unknown) => w.write(enc.encode(JSON.stringify(m) + "\n"));
  const wait = async (id: number) => {
    const end = Date.now() + 30000;
    while (!replies.has(id)) {
      if (Date.now() > end) throw new Error(`mcp reply ${id} timed out`);
      await sleep(5);
    }
    return replies.get(id);
  };
  return { process: p, writer: w, pump, send, wait };
}

/** Tool calls of a full MCP session on a project of its own, closed at the end. */
async function runMcpTools(ctx: SoakContext, m: McpChild): Promise<void> {
  let id = 1;
  const tool = async (name: string, args: unknown) => {
    const n = ++id;
    await m.send({
      jsonrpc: "2.0",
      id: n,
      method: "tools/call",
      params: { name, arguments: args },
    });
    const r = await m.wait(n);
    if (r.error || r.result?.isError) {
      throw new Error(`mcp ${name}: ${JSON.stringify(r.error ?? r.result.content).slice(0, 200)}`);
    }
    return r.result;
  };
  const pr = (await tool("create_project", { name: "mcp", width: 32, height: 32, depth: 32 }))
    .structuredContent.project_id;
  await tool("add_voxel", { x: 1, y: 1, z: 1, color: "#ff00ff" });
  await tool("procedural_shape", {
    shape_type: "sphere",
    size_x: 9,
    size_y: 9,
    size_z: 9,
    color: "#00ff00",
  });
  await tool("describe_project", {});
  await tool("render_view", { max_size: 256 });
  await tool("checkpoint", { name: "m1" });
  await tool("restore_checkpoint", { name: "m1" });
  await tool("close_project", { project: pr, force: true });
  ctx.tally.count("mcp_session");
}

/** `goxel mcp` over stdio: initialize, a few tool calls, exit (one per cycle killed mid-call). */
export async function runMcpSession(ctx: SoakContext, kill: boolean): Promise<void> {
  const m = spawnMcp(ctx);
  try {
    await m.send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "soak", version: "1" },
      },
    });
    await m.wait(1);
    await m.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    if (kill) {
      await m.send({
        jsonrpc: "2.0",
        id: 99,
        method: "tools/call",
        params: { name: "render_view", arguments: { project: "monu9", max_size: 1024 } },
      });
      await sleep(30);
      m.process.kill("SIGKILL");
      ctx.tally.count("mcp_killed");
    } else {
      await runMcpTools(ctx, m);
    }
  } finally {
    await m.writer.close().catch(() => {});
    const t = setTimeout(() => {
      ctx.tally.oops("mcp", "did not exit within 10 s of stdin closing");
      try {
        m.process.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10000);
    await m.process.status;
    clearTimeout(t);
    await m.pump;
  }
}

/** Sends a line over limits.max_message_bytes (16 MiB): it is answered and may be closed. */
export async function sendOversize(ctx: SoakContext): Promise<void> {
  const big = await ctx.open();
  big.nullToOldest = true;
  const r = big.request("goxel.echo", ["x".repeat(17 << 20)]);
  await Promise.race([r, sleep(5000)]);
  await big.closeAndWait();
}

/** Errors on one socket connection: bad JSON, unknown methods, bad params, limits, bad files. */
async function sendSocketErrors(ctx: SoakContext): Promise<void> {
  const { work } = ctx.paths;
  const c = await ctx.open();
  let raw = "";
  for (let i = 0; i < 50; i++) raw += `{"jsonrpc":"2.0","id":"bad${i}","method":\n`;
  await c.write(raw);
  for (let i = 0; i < 50; i++) await c.request(`goxel.no_such_method_${i % 5}`);
  for (let i = 0; i < 20; i++) await c.request("goxel.add_voxel", { x: 1.5, y: "a", q: 1 });
  for (let i = 0; i < 5; i++) {
    const r = await c.request("goxel.procedural_shape", {
      shape_type: "cube",
      size_x: 300,
      size_y: 300,
      size_z: 300,
      project: "monu9",
    });
    if (!r.error) ctx.tally.oops("limit", "no error for 27 M voxels");
  }
  const deep = "[".repeat(100) + "]".repeat(100);
  for (let i = 0; i < 5; i++) {
    await c.write(`{"jsonrpc":"2.0","id":7,"method":"goxel.echo","params":${deep}}\n`);
  }
  await c.request("goxel.list_projects"); // replies in order: everything above has been answered
  const batch = Array.from(
    { length: 1001 },
    (_, i) => ({ jsonrpc: "2.0", id: i, method: "goxel.ping" }),
  );
  await c.write(JSON.stringify(batch) + "\n");
  await c.request("goxel.ping");
  for (let i = 0; i < 5; i++) {
    await c.request("goxel.load_project", { path: `${work}/missing${i}.vox` });
  }
  for (let i = 0; i < 3; i++) {
    await c.request("goxel.load_project", { path: `${work}/corrupt.vox` });
  }
  for (let i = 0; i < 3; i++) {
    await c.request("goxel.load_project", { path: `${work}/truncated.gox` });
  }
  await c.request("goxel.close_project", { project: "p99999" });
  await c.closeAndWait();
}

/** Posts one ping to /rpc and reads the reply. */
export async function postPing(ctx: SoakContext): Promise<void> {
  await (await fetch(`${ctx.http}/rpc`, {
    method: "POST",
    body: '{"jsonrpc":"2.0","id":1,"method":"goxel.ping"}',
  })).text();
}

/** Errors: bad JSON, unknown methods, bad params, limits, bad files, HTTP errors. */
export async function runErrors(ctx: SoakContext): Promise<void> {
  const { safe, count } = ctx.tally;
  const { http } = ctx;
  await sendSocketErrors(ctx);
  await safe("oversize", () => sendOversize(ctx));
  for (let i = 0; i < 10; i++) {
    await safe("http", async () => {
      await postPing(ctx);
      await (await fetch(`${http}/rpc`, { method: "POST", body: "{bad" })).text();
      await (await fetch(`${http}/nope`)).text();
    });
  }
  await safe("http metrics", async () => void await (await fetch(`${http}/metrics`)).text());
  await safe("http healthz", async () => void await (await fetch(`${http}/healthz`)).text());
  count("error_round");
}
