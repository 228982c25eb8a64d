/**
 * Viewer and change-stream benchmarks against a real daemon (GOXEL_BIN: the compiled binary):
 * - add_voxel pipelined throughput with 100 change-stream subscribers, against the same load on
 *   a project nobody watches (interleaved repeats, medians);
 * - a 1 M-voxel project to its first frame in headless Chromium (software GL), against an empty
 *   project's first frame as the yardstick;
 * - an edit on the Unix socket to changed pixels in the viewer's canvas.
 * Run: deno run -A bench/viewer_bench.ts   (prints Markdown rows for bench/README.md)
 */
import { Buffer } from "node:buffer";
import { makeTestEnv, RawClient, startDaemon } from "../tests/support_testing.ts";
import { launchBrowser, prepareViewer, viewerState, waitFor } from "../tests/viewer_testing.ts";

const enc = new TextEncoder();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  const data = enc.encode(text);
  for (let off = 0; off < data.length;) off += await conn.write(data.subarray(off));
}

/** add_voxel requests per second, pipelined 1000 per write, on one project. */
async function pipelined(socket: string, project: string, n: number): Promise<number> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  const buf = new Uint8Array(1 << 20);
  const t = performance.now();
  for (let sent = 0; sent < n; sent += 1000) {
    let text = "";
    for (let i = sent; i < sent + 1000; i++) {
      const p = [i & 63, (i >> 6) & 63, (i >> 12) & 63, "#ff8000"];
      text += `{"jsonrpc":"2.0","id":${i},"method":"goxel.add_voxel","params":{"x":${p[0]},` +
        `"y":${p[1]},"z":${p[2]},"color":"${p[3]}","project":"${project}"}}\n`;
    }
    await writeAll(conn, text);
    for (let seen = 0; seen < 1000;) {
      const got = await conn.read(buf);
      if (got === null) throw new Error("closed");
      for (let i = 0; i < got; i++) if (buf[i] === 10) seen++;
    }
  }
  const rate = n / ((performance.now() - t) / 1000);
  conn.close();
  return rate;
}

/**
 * Runs `count` Unix-socket subscribers of a project in a child process (as real subscribers are
 * other programs), each reading and dropping every notification until stdin closes.
 */
async function subscribers(socket: string, project: string, count: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--subscribers", socket, project, String(count)],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready")) text += (await reader.read()).value ?? "";
  return {
    async close(): Promise<number> {
      await child.stdin.close();
      while (!/read \d+/.test(text)) text += (await reader.read()).value ?? "";
      await child.status;
      return Number(/read (\d+)/.exec(text)![1]);
    },
  };
}

/** The child side of {@link subscribers}. */
async function runSubscribers(socket: string, project: string, count: number): Promise<void> {
  let received = 0;
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < count; i++) {
    const conn = await Deno.connect({ transport: "unix", path: socket });
    await writeAll(
      conn,
      `{"jsonrpc":"2.0","id":1,"method":"goxel.subscribe","params":{"project":"${project}"}}\n`,
    );
    conns.push(conn);
    (async () => {
      const buf = new Uint8Array(65536);
      for (;;) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) return;
        for (let j = 0; j < n; j++) if (buf[j] === 10) received++;
      }
    })();
  }
  console.log("ready");
  for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
  console.log(`read ${received - count}`);
  for (const c of conns) c.close();
}

/** Packed add_voxels records for a 100³ cube with a colour per voxel (worst case for runs; never red). */
function cubeRequests(): unknown[] {
  const out: unknown[] = [];
  for (let z0 = 0; z0 < 100; z0 += 25) {
    const bytes = Buffer.alloc(100 * 100 * 25 * 16);
    let at = 0;
    for (let z = z0; z < z0 + 25; z++) {
      for (let y = 0; y < 100; y++) {
        for (let x = 0; x < 100; x++) {
          bytes.writeInt32LE(x, at);
          bytes.writeInt32LE(y, at + 4);
          bytes.writeInt32LE(z, at + 8);
          bytes.set([40 + x, 80 + y, 120 + z, 255], at + 12);
          at += 16;
        }
      }
    }
    out.push({ project: "big", packed: bytes.toString("base64") });
  }
  return out;
}

const IN_PAGE_RED = (present: boolean) =>
  `new Promise((resolve) => {
  const c = document.querySelector("main canvas");
  const t = document.createElement("canvas");
  const tick = () => {
    t.width = c.width; t.height = c.height;
    const g = t.getContext("2d");
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, t.width, t.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 1] < 40 && d[i + 2] < 40) n++;
    if ((n > 30) === ${present}) resolve(Date.now()); else requestAnimationFrame(tick);
  };
  tick();
})`;

if (Deno.args[0] === "--subscribers") {
  await runSubscribers(Deno.args[1], Deno.args[2], Number(Deno.args[3]));
  Deno.exit(0);
}
await prepareViewer();
const env = await makeTestEnv();
const daemon = await startDaemon(env, ["--http", "127.0.0.1:0", "--log-level", "warning"]);
const c = await RawClient.unix(daemon.socket);
const rows: string[] = [];
try {
  const url = ((await c.request("goxel.serve_http")).result as { url: string }).url;
  await c.request("goxel.create_project", { name: "quiet" });
  await c.request("goxel.create_project", { name: "watched" });
  const subs = await subscribers(daemon.socket, "watched", 100);
  await pipelined(daemon.socket, "quiet", 20000);
  await pipelined(daemon.socket, "watched", 20000);
  const quiet: number[] = [], watched: number[] = [];
  for (let r = 0; r < 9; r++) {
    quiet.push(await pipelined(daemon.socket, "quiet", 60000));
    watched.push(await pipelined(daemon.socket, "watched", 60000));
  }
  const read = await subs.close();
  const cost = 1 - median(watched) / median(quiet);
  rows.push(
    `| add_voxel pipelined, 100 subscribers vs none | ≤ 10 % slower | ${
      (median(watched) / 1000).toFixed(0)
    } k/s vs ${(median(quiet) / 1000).toFixed(0)} k/s (${
      (cost * 100).toFixed(1)
    } % cost; ${read} notifications read) |`,
  );

  await c.request("goxel.create_project", { name: "big", width: 128, height: 128, depth: 128 });
  await c.request("goxel.create_project", { name: "empty" });
  for (const params of cubeRequests()) await c.request("goxel.add_voxels", params);
  const browser = await launchBrowser();
  const firstFrame = async (project: string, voxels: number) => {
    const t0 = performance.now();
    await browser.page.goto(`${url}/?project=${project}`);
    await waitFor(
      "the model",
      () => viewerState(browser.page),
      (s) => s.voxels === voxels && s.seq >= 0,
      30000,
    );
    // The frame drawn for the loaded model runs in an animation-frame callback queued before ours.
    await browser.page.evaluate("new Promise((r) => requestAnimationFrame(() => r(0)))");
    return performance.now() - t0;
  };
  const big: number[] = [], empty: number[] = [];
  for (let r = 0; r < 3; r++) {
    empty.push(await firstFrame("empty", 0));
    big.push(await firstFrame("big", 1_000_000));
  }
  rows.push(
    `| 1 M voxels to first frame (headless Chromium, software GL) | ≤ 2 s | ${
      (median(big) / 1000).toFixed(2)
    } s (empty project: ${(median(empty) / 1000).toFixed(2)} s) |`,
  );

  const latencies: number[] = [];
  const box = {
    shape: "cube",
    from: [40, 40, 100],
    to: [59, 59, 119],
    color: "#ff0000",
    project: "big",
  };
  for (let r = 0; r < 10; r++) {
    const t0 = Date.now();
    await c.request("goxel.draw_shape", box);
    latencies.push(await browser.page.evaluate(IN_PAGE_RED(true)) as number - t0);
    await c.request("goxel.draw_shape", { ...box, mode: "sub" });
    await browser.page.evaluate(IN_PAGE_RED(false));
  }
  rows.push(
    `| edit on the socket to changed pixels (1 M-voxel project) | ≤ 150 ms | median ${
      median(latencies)
    } ms, max ${Math.max(...latencies)} ms |`,
  );
  await browser.close();
} finally {
  c.close();
  await daemon.stop();
  await env.cleanup();
}
console.log(
  `| viewer (${Deno.env.get("GOXEL_BIN") ? "compiled binary" : "Deno"}) | target | measured |`,
);
console.log("| --- | --- | --- |");
for (const r of rows) console.log(r);
