/**
 * CPU per request of the daemon's request path without the socket: protocol/'s connection
 * (framing, queue, one write per run) over the real dispatcher, handlers and a `process` journal
 * in a temp dir, fed 64 add_voxel lines per read as `bench/server_load.ts`'s ×64 client sends.
 * "same" repeats one voxel (a no-op edit after the first, as the load client sends); "flip"
 * changes every voxel it names (an undo step and a journal record per request).
 *
 *   .tools/node_modules/.bin/bun bench/request_cost.ts [same|flip] [ROOT ...]
 *
 * Each ROOT is a checkout of this repository (default: this one); several are measured in one
 * process, interleaved, so an A/B of two trees shares the machine's state. Medians of 15.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

type Run = (rounds: number) => void;
type Mode = "same" | "flip";

const QUIET = { info() {}, warn() {}, error() {} };

/** Sets up one tree's connection and dispatcher; returns what feeds it `rounds` reads. */
async function setup(root: string, mode: Mode, dir: string): Promise<Run> {
  const at = (path: string) => import(join(root, path));
  const { loadConfig } = await at("daemon/config.ts");
  const { ChangeHub } = await at("daemon/changes.ts");
  const { Dispatcher } = await at("daemon/dispatch.ts");
  const { createHandlers } = await at("daemon/handlers/mod.ts");
  const { testJournal } = await at("daemon/journal_testing.ts");
  const { Metrics } = await at("daemon/metrics.ts");
  const { ProjectRegistry } = await at("daemon/projects.ts");
  const { JournalObserver } = await at("daemon/recovery.ts");
  const { MessageConnection, BufferBudget } = await at("protocol/mod.ts");
  const config = await loadConfig({});
  const metrics = new Metrics();
  const clock = () => Date.now();
  const projects = new ProjectRegistry(clock);
  const journal = testJournal(mkdtempSync(join(dir, "j")), "process");
  projects.observer = new JournalObserver(journal, QUIET);
  const ctx = {
    config,
    build: { version: "0", commit: "bench", runtime: "bench" },
    conformance: false,
    projects,
    journal,
    metrics,
    changes: new ChangeHub(projects, metrics),
    onCommit(event: unknown) {
      ctx.changes.onCommit(event);
    },
    clock,
    startedAt: clock(),
    lastRequestAt: clock(),
    workspace: dir,
    // As lifecycle.ts's hook does with the default config: a time stamp and one comparison.
    onRequest(_method: string, seconds: number, code: number | undefined) {
      ctx.lastRequestAt = clock();
      const { access, slow_ms } = ctx.config.log;
      if (!access && code === undefined && seconds * 1000 < slow_ms) return;
    },
    logBug(method: string, err: unknown) {
      console.error("bug in", method, err);
    },
  };
  const dispatcher = new Dispatcher(ctx, createHandlers());
  const call = { connectionId: 1, transport: "unix" };
  let written = 0;
  const transport = {
    write(text: string) {
      journal.afterDurable(() => written += text.length);
      return true;
    },
    writableLength: 0,
    pause() {},
    resume() {},
    end() {},
    destroy() {},
  };
  const { limits } = config;
  const conn = new MessageConnection(
    transport,
    {
      message: (text: string) => dispatcher.handleText(text, call, true),
      oversize: () => null,
      overBudget: () => null,
      failed: (err: unknown) => console.error(err),
    },
    {
      maxMessageBytes: limits.max_message_bytes,
      maxQueuedMessages: 1024,
      maxQueuedBytes: limits.max_message_bytes,
      maxUnsentBytes: 8 << 20,
    },
    new BufferBudget(limits.max_buffered_bytes),
    clock,
  );
  const create = { jsonrpc: "2.0", id: 1, method: "goxel.create_project", params: ["b", 256, 256] };
  await dispatcher.handleText(JSON.stringify(create), call);
  const reads = mode === "same" ? [read(() => [1, 2, 3])] : flipReads();
  return (rounds) => {
    for (let r = 0; r < rounds; r++) conn.receive(reads[r % reads.length]);
  };
}

/** One read of 64 add_voxel lines at the coordinates `at(i)`, red (or `color`). */
function read(at: (i: number) => number[], color = [255, 0, 0, 255]): Uint8Array {
  let text = "";
  for (let i = 0; i < 64; i++) {
    const params = [...at(i), ...color];
    text += JSON.stringify({ jsonrpc: "2.0", id: i, method: "goxel.add_voxel", params }) + "\n";
  }
  return new TextEncoder().encode(text);
}

/** 32 reads: 16 sets of voxels, each read in green then (16 reads later) in red, and so on. */
function flipReads(): Uint8Array[] {
  return Array.from({ length: 32 }, (_, r) => {
    const color = r >> 4 ? [255, 0, 0, 255] : [0, 255, 0, 255];
    return read((i) => [((r % 16) * 64 + i) & 31, ((r % 16) * 64 + i) >> 5, 0], color);
  });
}

const mode: Mode = process.argv[2] === "flip" ? "flip" : "same";
const roots = process.argv.slice(3).length
  ? process.argv.slice(3)
  : [join(import.meta.dirname!, "..")];
const dir = mkdtempSync(join(tmpdir(), "gx-request-cost-"));
const runs: Run[] = [];
for (const root of roots) runs.push(await setup(root, mode, dir));
const ROUNDS = 1500, REPEATS = 15;
for (const run of runs) run(ROUNDS);
const cost: number[][] = roots.map(() => []);
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [k, run] of runs.entries()) {
    const before = process.cpuUsage();
    run(ROUNDS);
    const used = process.cpuUsage(before);
    cost[k].push((used.user + used.system) / (ROUNDS * 64));
  }
}
for (const [k, root] of roots.entries()) {
  const sorted = cost[k].toSorted((a, b) => a - b);
  console.log(`${root}: ${mode}, CPU ${sorted[REPEATS >> 1].toFixed(2)} µs per request (median)`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
