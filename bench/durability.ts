/**
 * Durability benchmark (issue: durable projects), one run, ratios against `durability: off`:
 *   deno run -A bench/durability.ts [--rounds 3] [--iterations 0]
 * - add_voxel sequential and pipelined (window 64) under off / process / batch, interleaved rounds;
 * - recovery of a 1 M-voxel project with 100 k journal records (kill -9, restart, get_status);
 * - ping p99 while checkpoints of a 1 M-voxel project run;
 * - with --iterations N, the kill loop of tests/crash_test.ts N times.
 * Everything else is the default config. Prints Markdown for bench/README.md.
 */
import { parseArgs } from "node:util";
import { crashLoop } from "../tests/crash_loop.ts";
import {
  type Daemon,
  makeTestEnv,
  RawClient,
  startDaemon,
  type TestEnv,
} from "../tests/support_testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    iterations: { type: "string", default: "0" },
    "throughput-only": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
const enc = new TextEncoder();

function line(id: number, method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
}

/** Counts reply lines on a raw connection. */
class Lines {
  #buf = new Uint8Array(1 << 20);
  #extra = 0;
  constructor(readonly conn: Deno.Conn) {}
  async write(text: string) {
    const data = enc.encode(text);
    for (let o = 0; o < data.length;) o += await this.conn.write(data.subarray(o));
  }
  async wait(n: number) {
    let seen = this.#extra;
    while (seen < n) {
      const got = await this.conn.read(this.#buf);
      if (got === null) throw new Error("closed");
      for (let i = 0; i < got; i++) if (this.#buf[i] === 10) seen++;
    }
    this.#extra = seen - n;
  }
}

let written = 0;

/** The i-th voxel position with a colour never written before, so every request is a change. */
function voxel(i: number): unknown {
  const n = ++written;
  return {
    x: (i % 64) - 32,
    y: ((i >> 6) % 64) - 32,
    z: (i >> 12) % 64,
    color: [n & 255, (n >> 8) & 255, ((n >> 16) & 127) + 64, 255],
  };
}

async function sequential(socket: string, n: number): Promise<number> {
  const c = new Lines(await Deno.connect({ transport: "unix", path: socket }));
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    await c.write(line(i, "goxel.add_voxel", voxel(i)));
    await c.wait(1);
  }
  const rate = n / ((performance.now() - t) / 1000);
  c.conn.close();
  return rate;
}

async function pipelined(socket: string, n: number, window: number): Promise<number> {
  const c = new Lines(await Deno.connect({ transport: "unix", path: socket }));
  const t = performance.now();
  for (let sent = 0; sent < n; sent += window) {
    let text = "";
    for (let i = sent; i < sent + window; i++) text += line(i, "goxel.add_voxel", voxel(i));
    await c.write(text);
    await c.wait(window);
  }
  const rate = n / ((performance.now() - t) / 1000);
  c.conn.close();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throughput(): Promise<string[]> {
  const modes = ["off", "process", "batch"] as const;
  const daemons: [string, TestEnv, Daemon][] = [];
  for (const m of modes) {
    const env = await makeTestEnv();
    daemons.push([m, env, await startDaemon(env, [], `durability: ${m}\n`)]);
  }
  const seq: Record<string, number[]> = {}, pipe: Record<string, number[]> = {};
  const multi: Record<string, number[]> = {}, deep: Record<string, number[]> = {};
  try {
    for (const [, env] of daemons) {
      const c = await RawClient.unix(env.socket);
      await c.call("goxel.create_project", ["bench", 64, 64, 64]);
      c.close();
      await pipelined(env.socket, 5000, 64); // warm-up
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const [m, env] of daemons) (seq[m] ??= []).push(await sequential(env.socket, 4000));
      for (const [m, env] of daemons) (pipe[m] ??= []).push(await pipelined(env.socket, 64000, 64));
      for (const [m, env] of daemons) {
        (deep[m] ??= []).push(await pipelined(env.socket, 100000, 1000));
      }
      for (const [m, env] of daemons) {
        const rates = await Promise.all(
          Array.from({ length: 8 }, () => pipelined(env.socket, 16000, 64)),
        );
        (multi[m] ??= []).push(rates.reduce((a, b) => a + b, 0));
      }
    }
  } finally {
    for (const [, env, d] of daemons) {
      await d.stop();
      await env.cleanup();
    }
  }
  const k = (x: number) => `${Math.round(x / 100) / 10} k/s`;
  const ratio = (m: string, table: Record<string, number[]>) =>
    (median(table[m]) / median(table.off)).toFixed(2);
  return [
    "| durability | add_voxel sequential | ratio to off | pipelined ×64 | ratio to off | pipelined ×1000 | ratio to off | 8 connections ×64 | ratio to off |",
    "|---|---|---|---|---|---|---|---|---|",
    ...modes.map((m) =>
      `| ${m} | ${k(median(seq[m]))} | ${ratio(m, seq)} | ${k(median(pipe[m]))} | ${
        ratio(m, pipe)
      } | ` +
      `${k(median(deep[m]))} | ${ratio(m, deep)} | ${k(median(multi[m]))} | ${ratio(m, multi)} |`
    ),
  ];
}

/** Fills the current project with a 100³ block of varied colours (1 M voxels). */
async function millionVoxels(c: RawClient): Promise<void> {
  await c.call("goxel.create_project", ["big", 128, 128, 128]);
  for (let z = 0; z < 100; z += 10) {
    const buf = new Uint8Array(100 * 100 * 10 * 16), view = new DataView(buf.buffer);
    let o = 0;
    for (let dz = 0; dz < 10; dz++) {
      for (let y = 0; y < 100; y++) {
        for (let x = 0; x < 100; x++, o += 16) {
          view.setInt32(o, x - 50, true);
          view.setInt32(o + 4, y - 50, true);
          view.setInt32(o + 8, z + dz, true);
          buf.set([(x * 7) & 255, (y * 5) & 255, ((z + dz) * 3) & 255, 255], o + 12);
        }
      }
    }
    let s = "";
    for (let i = 0; i < buf.length; i += 0x8000) {
      s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    }
    await c.call("goxel.add_voxels", { packed: btoa(s) });
  }
}

async function recovery(): Promise<string[]> {
  const env = await makeTestEnv();
  let d = await startDaemon(env);
  const rows: string[] = [];
  try {
    const c = await RawClient.unix(env.socket);
    await millionVoxels(c);
    c.close();
    const raw = new Lines(await Deno.connect({ transport: "unix", path: env.socket }));
    for (let sent = 0; sent < 100_000; sent += 500) {
      let text = "";
      for (let i = sent; i < sent + 500; i++) text += line(i, "goxel.add_voxel", voxel(i * 7919));
      await raw.write(text);
      await raw.wait(500);
    }
    raw.conn.close();
    d.proc.kill("SIGKILL");
    await d.proc.status;
    const times: number[] = [];
    let replayed = 0, voxels = 0;
    for (let r = 0; r < ROUNDS; r++) {
      d = await startDaemon(env);
      const c2 = await RawClient.unix(env.socket);
      const s = await c2.call<{ recovery: { ms: number; records_replayed: number } }>(
        "goxel.get_status",
      );
      voxels = (await c2.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count;
      times.push(s.recovery.ms);
      replayed = s.recovery.records_replayed;
      c2.close();
      d.proc.kill("SIGKILL");
      await d.proc.status;
    }
    rows.push(
      `Recovery after kill -9 of a ${voxels}-voxel project with ${replayed} journal records: ` +
        `median ${median(times)} ms (${times.join(", ")} ms; target ≤ 1000 ms)`,
    );
  } finally {
    await env.cleanup();
  }
  return rows;
}

async function checkpointPings(): Promise<string[]> {
  const env = await makeTestEnv();
  const d = await startDaemon(env, [], "checkpoint:\n  max_bytes: 4096\n");
  const latencies: number[] = [], idle: number[] = [];
  let checkpoints = 0;
  try {
    const c = await RawClient.unix(env.socket);
    await millionVoxels(c);
    const pinger = await RawClient.unix(env.socket);
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await pinger.call("goxel.ping");
      idle.push(performance.now() - t);
    }
    for (let r = 0; r < 5; r++) {
      for (let i = 0; i < 120; i++) await c.call("goxel.add_voxel", voxel(i + r * 1000));
      const end = performance.now() + 400;
      while (performance.now() < end) {
        const t = performance.now();
        await pinger.call("goxel.ping");
        latencies.push(performance.now() - t);
      }
    }
    checkpoints =
      (await c.call<{ journal: { checkpoints: number } }>("goxel.status")).journal.checkpoints;
    c.close();
    pinger.close();
  } finally {
    await d.stop();
    await env.cleanup();
  }
  const p99 = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)].toFixed(2);
  return [
    `Ping p99 while ${checkpoints} checkpoints of a 1 M-voxel project ran: ${p99(latencies)} ms ` +
    `(${latencies.length} pings; idle p99 ${p99(idle)} ms; target ≤ 5 ms)`,
  ];
}

const out: string[] = [];
out.push(...await throughput(), "");
if (!values["throughput-only"]) {
  out.push(...await recovery(), "");
  out.push(...await checkpointPings());
}
const iterations = Number(values.iterations);
if (iterations > 0) {
  const dir = await Deno.makeTempDir();
  const { findCodec } = await import("../core/formats/mod.ts");
  const { newImage } = await import("../core/image.ts");
  const image = newImage();
  image.activeLayer!.volume.set(0, 0, 0, 0xff0000ff);
  await Deno.writeFile(`${dir}/piece.gox`, findCodec("gox", "encode")!.encode!(image, {})[0].data);
  const t = performance.now();
  const report = await crashLoop({
    iterations,
    seed: 1,
    durability: "process",
    importFile: `${dir}/piece.gox`,
  });
  out.push(
    "",
    `Kill loop: ${report.iterations} iterations, ${report.requests} requests, ${report.acknowledged} acknowledged, ` +
      `${report.unacknowledgedApplied} applied but unacknowledged, ${report.failures.length} failures ` +
      `(${Math.round((performance.now() - t) / 1000)} s)`,
    ...report.failures,
  );
}
console.log(out.join("\n"));
