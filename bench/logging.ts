/**
 * What request logging costs (issue 15, item 1), one run, interleaved rounds, medians:
 *   GOXEL_BIN=dist/goxel-linux-x64 deno run -A bench/logging.ts [--rounds 7]
 * Three daemons, each logging to a file in its own directory: the default config (info level,
 * no access log), logging off (`log.level: fatal`) and the access log on (`log.access: true`).
 * Load: the C client (bench/loadgen.c, built with cc), add_voxel sequential and pipelined
 * (1000 per write). Prints Markdown for bench/README.md.
 */
import { parseArgs } from "node:util";
import { buildLoadgen, runLoadgen } from "./loadgen_client.ts";
import {
  type Daemon,
  makeTestEnv,
  RawClient,
  startDaemon,
  type TestEnv,
} from "../tests/support_testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "7" } },
});
const ROUNDS = Number(values.rounds);
const LINE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "goxel.add_voxel",
  params: [1, 2, 3, 255, 0, 0, 255],
});

const work = await Deno.makeTempDir({ prefix: "gxlog" });
const loadgen = await buildLoadgen(work);
if (!loadgen) throw new Error("Cannot build bench/loadgen.c with cc");

/** Requests per second of the C client: `window` requests per write, `total` in all. */
function load(socket: string, window: number, total: number): Promise<number> {
  return runLoadgen(loadgen!, socket, window, total, LINE);
}

const configs: [string, string][] = [
  ["logging off (`log.level: fatal`)", "level: fatal"],
  ["default (info, no access log)", ""],
  ["access log on (`log.access: true`)", "access: true"],
];
const daemons: [string, TestEnv, Daemon][] = [];
for (const [label, log] of configs) {
  const env = await makeTestEnv();
  const yaml = `log:\n  file: ${env.dir}/goxel.log\n${log ? `  ${log}\n` : ""}`;
  daemons.push([label, env, await startDaemon(env, [], yaml)]);
}
const seq: number[][] = daemons.map(() => []), pipe: number[][] = daemons.map(() => []);
try {
  for (const [, env] of daemons) {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["bench", 64, 64, 64]);
    c.close();
    await load(env.socket, 1000, 100_000); // warm-up
  }
  // The order rotates every round, so no config always runs first or after the same one.
  for (let r = 0; r < ROUNDS; r++) {
    const order = daemons.map((_, i) => (i + r) % daemons.length);
    for (const i of order) seq[i].push(await load(daemons[i][1].socket, 1, 20_000));
    for (const i of order) pipe[i].push(await load(daemons[i][1].socket, 1000, 400_000));
  }
} finally {
  for (const [, env, d] of daemons) {
    await d.stop();
    await env.cleanup();
  }
  await Deno.remove(work, { recursive: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = (x: number) => `${(x / 1000).toFixed(1)} k/s`;
const base = [median(seq[0]), median(pipe[0])];
console.log(`${ROUNDS} interleaved rounds, medians (ratio to logging off)\n`);
console.log("| config | add_voxel sequential | ratio | pipelined ×1000 | ratio |");
console.log("| --- | --- | --- | --- | --- |");
daemons.forEach(([label], i) => {
  const s = median(seq[i]), p = median(pipe[i]);
  console.log(
    `| ${label} | ${k(s)} | ${(s / base[0]).toFixed(2)} | ${k(p)} | ${(p / base[1]).toFixed(2)} |`,
  );
});
