/**
 * Socket load generator: the bare NDJSON echo ceiling and the daemon, measured in the same run.
 * Run: deno run -A bench/server_load.ts   (prints a Markdown table for bench/README.md)
 * With GOXEL_BIN (a compiled binary) the echo runs on Bun, the binary's runtime, as issue 15
 * specifies; otherwise on Deno.
 */
import { buildLoadgen, runLoadgen, waitSocket } from "./loadgen_client.ts";
import { procStatus } from "../tests/support_testing.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "gxb" });
const enc = new TextEncoder();

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", `${ROOT}deno.json`, ...args],
    stdout: "piped",
    stderr: "inherit",
    env: { XDG_RUNTIME_DIR: dir, XDG_STATE_HOME: `${dir}/state`, HOME: dir },
  }).spawn();
}

/** A connection that counts reply lines. */
class Conn {
  #buf = new Uint8Array(1 << 20);
  #pending = 0;
  private constructor(readonly conn: Deno.Conn) {}
  static async open(path: string) {
    return new Conn(await Deno.connect({ transport: "unix", path }));
  }
  async write(text: string) {
    const data = enc.encode(text);
    for (let off = 0; off < data.length;) off += await this.conn.write(data.subarray(off));
  }
  /** Reads until `n` newlines arrived. */
  async lines(n: number) {
    let seen = this.#pending;
    while (seen < n) {
      const got = await this.conn.read(this.#buf);
      if (got === null) throw new Error("closed");
      for (let i = 0; i < got; i++) if (this.#buf[i] === 10) seen++;
    }
    this.#pending = seen - n;
  }
}

function req(id: number, method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
}

async function sequential(path: string, method: string, n: number, params: (i: number) => unknown) {
  const c = await Conn.open(path);
  for (let i = 0; i < 500; i++) {
    await c.write(req(i, method, params(i)));
    await c.lines(1);
  }
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    await c.write(req(i, method, params(i)));
    await c.lines(1);
  }
  const s = (performance.now() - t) / 1000;
  c.conn.close();
  return n / s;
}

async function pipelined(
  path: string,
  method: string,
  n: number,
  window: number,
  params: (i: number) => unknown,
) {
  const c = await Conn.open(path);
  const t = performance.now();
  for (let sent = 0; sent < n; sent += window) {
    let text = "";
    for (let i = 0; i < window; i++) text += req(sent + i, method, params(sent + i));
    await c.write(text);
    await c.lines(window);
  }
  const s = (performance.now() - t) / 1000;
  c.conn.close();
  return n / s;
}

/** The C load generator (bench/loadgen.c), compiled once with cc; null when no compiler. */
const loadgen = await buildLoadgen(dir);

/** Requests per second measured by the C client (a client far cheaper than the server). */
function cLoad(path: string, window: number, total: number, line: string): Promise<number> {
  return loadgen ? runLoadgen(loadgen, path, window, total, line) : Promise.resolve(NaN);
}

/** Requests per second of `n` C clients at once, each on its own connection (summed). */
async function cLoadMany(
  path: string,
  n: number,
  window: number,
  total: number,
  line: string,
): Promise<number> {
  const rates = await Promise.all(
    Array.from({ length: n }, () => cLoad(path, window, total, line)),
  );
  return rates.reduce((a, b) => a + b, 0);
}

function rssMb(pid: number): number {
  return procStatus(pid, "VmRSS") / 1024;
}

const voxel = (i: number) => [i & 255, (i >> 8) & 255, 0, 255, 0, 0, 255];
const echoParams = (i: number) => ({ x: i, name: "voxel" });

const echoSock = `${dir}/echo.sock`;
const BUN = `${ROOT}.tools/node_modules/bun/bin/bun.exe`;
const echo = Deno.env.get("GOXEL_BIN")
  ? new Deno.Command(BUN, { args: [`${ROOT}bench/echo_server.ts`, echoSock], stdout: "piped" })
    .spawn()
  : spawn([`${ROOT}bench/echo_server.ts`, echoSock]);
await waitSocket(echoSock);
const echoSeq = await sequential(echoSock, "echo", 20000, echoParams);
const echoPipe = await pipelined(echoSock, "echo", 400000, 1000, echoParams);
const ECHO_LINE = req(1, "echo", { x: 1, name: "voxel" }).trim();
const cEchoSeq = await cLoad(echoSock, 1, 50000, ECHO_LINE);
const cEchoPipe = await cLoad(echoSock, 1000, 1000000, ECHO_LINE);
const cEcho64 = await cLoad(echoSock, 64, 1000000, ECHO_LINE);
const cEcho8 = await cLoadMany(echoSock, 8, 64, 200000, ECHO_LINE);
echo.kill("SIGTERM");
await echo.status;

const sock = `${dir}/goxel.sock`;
// GOXEL_BIN measures a compiled binary instead of `deno run main.ts`.
const bin = Deno.env.get("GOXEL_BIN");
// The default config (what users run): info level, no access log, durability: process.
const daemonArgs = ["start", "--foreground", "--socket", sock];
const daemon = bin
  ? new Deno.Command(bin, {
    args: daemonArgs,
    stdout: "piped",
    stderr: "inherit",
    env: { XDG_RUNTIME_DIR: dir, XDG_STATE_HOME: `${dir}/state`, HOME: dir },
  }).spawn()
  : spawn([`${ROOT}main.ts`, ...daemonArgs]);
await waitSocket(sock);
await new Promise((r) => setTimeout(r, 1000));
const idleRss = rssMb(daemon.pid);
const c0 = await Conn.open(sock);
await c0.write(req(1, "goxel.create_project", ["bench", 256, 256, 256]));
await c0.lines(1);
c0.conn.close();
const addSeq = await sequential(sock, "goxel.add_voxel", 20000, voxel);
const addPipe = await pipelined(sock, "goxel.add_voxel", 400000, 1000, voxel);
const ADD_LINE = req(1, "goxel.add_voxel", [1, 2, 3, 255, 0, 0, 255]).trim();
const cAddSeq = await cLoad(sock, 1, 30000, ADD_LINE);
const cAddPipe = await cLoad(sock, 1000, 1000000, ADD_LINE);
const cAdd64 = await cLoad(sock, 64, 1000000, ADD_LINE);
const cAdd8 = await cLoadMany(sock, 8, 64, 200000, ADD_LINE);

// 1 M voxels through packed add_voxels, in 4 requests of 250 000 (each ~5.3 MB of base64).
const packed: string[] = [];
for (let part = 0; part < 4; part++) {
  const bytes = new Uint8Array(250000 * 16);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 250000; i++) {
    const k = part * 250000 + i;
    view.setInt32(i * 16, k & 127, true);
    view.setInt32(i * 16 + 4, (k >> 7) & 127, true);
    view.setInt32(i * 16 + 8, (k >> 14) + 20, true);
    view.setUint32(i * 16 + 12, 0xff0000ff, true);
  }
  let bin = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  packed.push(btoa(bin));
}
const c1 = await Conn.open(sock);
const tp = performance.now();
for (let part = 0; part < 4; part++) {
  await c1.write(req(part, "goxel.add_voxels", { packed: packed[part] }));
  await c1.lines(1);
}
const packedSeconds = (performance.now() - tp) / 1000;
c1.conn.close();
// ping latency on one connection while another renders 1024×1024 pictures of a 1 M-voxel model.
const renderer = await Conn.open(sock);
let rendering = true;
let renders = 0;
const renderLoop = (async () => {
  while (rendering) {
    await renderer.write(
      req(renders, "goxel.render_scene", [`${dir}/r.png`, 1024, 1024, "isometric"]),
    );
    await renderer.lines(1);
    renders++;
  }
})();
const pinger = await Conn.open(sock);
const latencies: number[] = [];
const until = performance.now() + 4000;
while (performance.now() < until) {
  const t = performance.now();
  await pinger.write(req(1, "goxel.ping", []));
  await pinger.lines(1);
  latencies.push(performance.now() - t);
}
rendering = false;
await renderLoop;
latencies.sort((a, b) => a - b);
const p50 = latencies[Math.floor(latencies.length * 0.5)],
  p99 = latencies[Math.floor(latencies.length * 0.99)];
const busyRss = rssMb(daemon.pid);
daemon.kill("SIGTERM");
await daemon.status;
await Deno.remove(dir, { recursive: true });

const k = (v: number) => (Number.isNaN(v) ? "n/a (no cc)" : `${Math.round(v / 1000)} k/s`);
console.log(`| measure | target | measured |
| --- | --- | --- |
| echo ceiling, 1 connection sequential | — | ${k(echoSeq)} |
| echo ceiling, 1 connection pipelined (1000 per write) | — | ${k(echoPipe)} |
| add_voxel, 1 connection sequential | ≥ 50 % of echo (${k(echoSeq / 2)}) | ${k(addSeq)} (${
  Math.round(addSeq / echoSeq * 100)
} %) |
| add_voxel, 1 connection pipelined (1000 per write) | ≥ 300 k/s | ${k(addPipe)} |
| C client: echo ceiling sequential / pipelined | — | ${k(cEchoSeq)} / ${k(cEchoPipe)} |
| C client: add_voxel sequential | ≥ 50 % of echo | ${k(cAddSeq)} (${
  Math.round(cAddSeq / cEchoSeq * 100)
} %) |
| C client: add_voxel pipelined (1000 per write) | ≥ 0.5 of echo | ${k(cAddPipe)} (${
  Math.round(cAddPipe / cEchoPipe * 100)
} %) |
| C client: echo / add_voxel pipelined ×64 (issue 15's depth) | ≥ 0.5 of echo | ${k(cEcho64)} / ${
  k(cAdd64)
} (${Math.round(cAdd64 / cEcho64 * 100)} %) |
| C clients: echo / add_voxel, 8 connections pipelined (64 per write) | ≥ 0.5 of echo | ${
  k(cEcho8)
} / ${k(cAdd8)} (${Math.round(cAdd8 / cEcho8 * 100)} %) |
| 1 M voxels through packed add_voxels (4 × 250 k) | ≤ 1 s | ${packedSeconds.toFixed(2)} s |
| ping p50 / p99 while 1024×1024 renders run (${renders} renders, ${latencies.length} pings) | p99 < 5 ms | ${
  p50.toFixed(2)
} / ${p99.toFixed(2)} ms |
| idle RSS after start | ≤ 45 MB | ${idleRss.toFixed(1)} MB |
| RSS after the run (1 M+ voxels held, undo history) | — | ${busyRss.toFixed(1)} MB |`);
