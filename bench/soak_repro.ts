/**
 * The operations `bench/soak.ts --repro NAME` can repeat N times to narrow a leak down, one
 * entry per name: each takes the `SoakContext`, a client the harness keeps open for the whole run
 * and the iteration number, and does one small piece of the soak mix (a connection style, a project
 * created or loaded and closed, a render, a script, a cancel, a subscriber, an MCP session, a bad
 * request). Renders and scripts act on the monu9 project the harness loads before it starts.
 * `runRepro` runs one of them, printing a row every N/5 iterations and one after a 10 s settle.
 */
import type { Client, SoakContext } from "./soak_client.ts";
import { color, rnd, sleep } from "./soak_client.ts";
import type { Row } from "./soak_probe.ts";
import { printRow, Probe, readFds, walkDir } from "./soak_probe.ts";
import { WRITE_SCRIPT } from "./soak_traffic.ts";
import { openWebSocket, postPing, runMcpSession, sendOversize } from "./soak_traffic_more.ts";

/** One repeatable operation: the context, the run's client and the iteration number. */
export type ReproOp = (ctx: SoakContext, c: Client, i: number) => Promise<void>;

/** Every repro by name, in the order the unknown-name error lists them. */
export const REPROS: Record<string, ReproOp> = {
  "ping-conn": async (ctx) => {
    const c = await ctx.open();
    await c.call("goxel.ping");
    await c.closeAndWait();
  },
  "abrupt-conn": async (ctx) => {
    const c = await ctx.open();
    c.send("goxel.ping");
    c.send("goxel.list_layers");
    await sleep(0);
    c.close();
  },
  "halfclose-conn": async (ctx) => {
    const c = await ctx.open();
    const a = c.request("goxel.ping");
    await c.conn.closeWrite();
    await a;
    await c.closeAndWait();
  },
  "torn-conn": async (ctx) => {
    const c = await ctx.open();
    await c.write('{"jsonrpc":"2.0","id":1,"method":"goxel.pi');
    c.close();
  },
  "create-close": async (_ctx, c, i) => {
    const p =
      (await c.call("goxel.create_project", { name: `r${i}`, width: 16, height: 16, depth: 16 }))
        .project_id;
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: p });
    await c.call("goxel.close_project", { project: p, force: true });
  },
  "load-close": async (ctx, c) => {
    const path = `${ctx.paths.work}/chr_knight.vox`;
    const p = (await c.call("goxel.load_project", { path })).project_id;
    await c.call("goxel.close_project", { project: p, force: true });
  },
  "checkpoint-close": async (_ctx, c) => {
    const p =
      (await c.call("goxel.create_project", { name: "ck", width: 16, height: 16, depth: 16 }))
        .project_id;
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: p });
    await c.call("goxel.checkpoint", { name: "a", project: p });
    await c.call("goxel.restore_checkpoint", { name: "a", project: p });
    await c.call("goxel.close_project", { project: p, force: true });
  },
  "render-small": async (ctx, c) => {
    await c.call("goxel.render_scene", {
      output_path: `${ctx.paths.out}/r.png`,
      width: 128,
      height: 128,
      project: "monu9",
    });
  },
  "render-managed": async (_ctx, c) => {
    const r = await c.call("goxel.render_scene", {
      width: 64,
      height: 64,
      options: { return_mode: "file_path" },
      project: "monu9",
    });
    await c.call("goxel.cleanup_render", { path: r.file?.path ?? r.file?.file_path });
  },
  "script-write": async (_ctx, c) =>
    void await c.call("goxel.execute_script", { script: WRITE_SCRIPT, project: "monu9" }),
  "script": async (_ctx, c) =>
    void await c.call("goxel.execute_script", { script: "1 + 1", project: "monu9" }),
  "script-timeout": async (_ctx, c) =>
    void await c.request("goxel.execute_script", {
      script: "for (;;) {}",
      timeout_ms: 50,
      project: "monu9",
    }),
  "script-cancel": async (_ctx, c) => {
    const [id, p] = c.send("goxel.execute_script", {
      script: "for (;;) {}",
      timeout_ms: 20000,
      project: "monu9",
    });
    await sleep(20);
    await c.call("goxel.cancel_request", { id });
    await p;
  },
  "subscribe-conn": async (ctx) => {
    const s = await ctx.open();
    await s.call("goxel.subscribe", {});
    await s.closeAndWait();
  },
  "ws": async (ctx) => {
    const ws = await openWebSocket(ctx);
    const got = new Promise((r) => ws.onmessage = r);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "goxel.subscribe", params: {} }));
    await got;
    const closed = new Promise((r) => ws.onclose = r);
    ws.close();
    await closed;
  },
  "http-rpc": (ctx) => postPing(ctx),
  "mcp": (ctx) => runMcpSession(ctx, false),
  "bad-json": async (_ctx, c) => {
    await c.write('{"jsonrpc":"2.0","id":"b","method":\n');
    await c.request("goxel.ping");
  },
  "load-corrupt": async (ctx, c) =>
    void await c.request("goxel.load_project", { path: `${ctx.paths.work}/corrupt.vox` }),
  "oversize": (ctx) => sendOversize(ctx),
  "render-cancel": async (ctx, c) => {
    const [id, p] = c.send("goxel.render_scene", {
      output_path: `${ctx.paths.out}/cancel.png`,
      width: 2048,
      height: 2048,
      quality: "path",
      project: "monu9",
    });
    await sleep(50);
    await c.call("goxel.cancel_request", { id });
    await p;
  },
  "render-1024": async (ctx, c) => {
    await c.call("goxel.render_scene", {
      output_path: `${ctx.paths.out}/big.png`,
      width: 1024,
      height: 1024,
      project: "monu9",
    });
  },
  "editor": async (_ctx, c, i) => {
    if (i === 0) {
      await c.call("goxel.create_project", { name: "ed", width: 64, height: 64, depth: 64 });
    }
    await c.call("goxel.add_voxel", {
      x: rnd(64) - 32,
      y: rnd(64) - 32,
      z: rnd(32),
      color: color(),
      project: "ed",
    });
  },
};

/** Throws, before anything starts, when `name` is no repro of REPROS. */
export function checkRepro(name: string): void {
  if (!REPROS[name]) {
    throw new Error(`unknown repro ${name}; one of ${Object.keys(REPROS).join(", ")}`);
  }
}

/** Repeats one repro `n` times, measuring five times along the way and once after 10 s. */
export async function runRepro(
  ctx: SoakContext,
  probe: Probe,
  rows: Row[],
  name: string,
  n: number,
): Promise<void> {
  const op = REPROS[name];
  const c = await ctx.open();
  const step = Math.max(1, Math.floor(n / 5));
  for (let i = 0; i < n; i++) {
    await ctx.tally.safe(name, () => op(ctx, c, i));
    if ((i + 1) % step === 0) {
      const r = await probe.measure(i + 1, 1000);
      rows.push(r);
      printRow(r);
    }
  }
  await c.closeAndWait();
  const r = await probe.measure(-1, 10000);
  printRow(r);
  const { paths } = ctx;
  console.log(`\nfile fds now: ${readFds(ctx.pid).files.join(", ")}`);
  console.log(`data dir: ${walkDir(paths.state, paths.tmp).paths.join(", ")}`);
  console.log(`run dir: ${walkDir(paths.run, paths.tmp).paths.join(", ")}`);
}
