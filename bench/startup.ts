/**
 * Start-up and idle memory of the compiled binary, paired with a bare `bun -e 0` in the same
 * run (interleaved, medians), and floors compiled with the same Bun (bench/startup_floors.ts):
 *   deno task compile linux-x64 && deno run -A bench/startup.ts [--runs 40]
 * Prints Markdown for bench/README.md.
 */
import { parseArgs } from "node:util";
import { makeTestEnv, procStatus } from "../tests/support_testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "40" } },
});
const RUNS = Number(values.runs);
const ROOT = new URL("../", import.meta.url).pathname;
const BIN = Deno.env.get("GOXEL_BIN") ?? `${ROOT}dist/goxel-linux-x64`;
const BUN = `${ROOT}.tools/node_modules/.bin/bun`;

const env = await makeTestEnv();
const socket = env.socket;

// The floors, compiled like goxel (bytecode, no .env or bunfig autoload).
const FLOOR = `${env.dir}/floor`;
const built = new Deno.Command(BUN, {
  args: [
    "build",
    "--compile",
    "--bytecode",
    "--format=esm",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--outfile=${FLOOR}`,
    `${ROOT}bench/startup_floors.ts`,
  ],
  stdout: "null",
}).outputSync();
if (!built.success) throw new Error("Cannot compile bench/startup_floors.ts");

function time(cmd: string, args: string[]): number {
  const t = performance.now();
  const out = new Deno.Command(cmd, {
    args,
    env: env.env,
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  })
    .outputSync();
  const ms = performance.now() - t;
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  return ms;
}

const daemon = new Deno.Command(BIN, {
  args: ["start", "--foreground", "--socket", socket],
  env: env.env,
  clearEnv: true,
  stdout: "null",
  stderr: "null",
}).spawn();
for (let i = 0; i < 200; i++) {
  try {
    (await Deno.connect({ transport: "unix", path: socket })).close();
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 25));
  }
}
await new Promise((r) => setTimeout(r, 2000));
const rssOf = (pid: number) => procStatus(pid, "VmRSS") / 1024;
const rss = rssOf(daemon.pid);
const floorRss: number[] = [];
for (const workers of [0, 2]) {
  const server = new Deno.Command(FLOOR, {
    args: ["serve", `${env.dir}/floor${workers}.sock`, String(workers)],
    stdout: "null",
  }).spawn();
  await new Promise((r) => setTimeout(r, 2000));
  floorRss.push(rssOf(server.pid));
  server.kill("SIGKILL");
  await server.status;
}

const cases: [string, string, string[]][] = [
  ["bare `bun -e 0`", BUN, ["-e", "0"]],
  ["`goxel --version`", BIN, ["--version"]],
  ["`goxel call ping`", BIN, ["call", "ping", "--socket", socket, "--no-spawn"]],
  ["floor: a compiled ping client, Bun socket + writeSync", FLOOR, ["ping", "--socket", socket]],
  ["floor: the same with node:net + process.stdout", FLOOR, ["ping-net", "--socket", socket]],
];
const samples = cases.map(() => [] as number[]);
for (let r = 0; r < 3; r++) cases.forEach(([, c, a]) => time(c, a)); // warm-up
for (let r = 0; r < RUNS; r++) cases.forEach(([, c, a], i) => samples[i].push(time(c, a)));
daemon.kill("SIGTERM");
await daemon.status;
await env.cleanup();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples[0]);
console.log("| command | median | ratio to bare bun |");
console.log("|---|---|---|");
cases.forEach(([name], i) =>
  console.log(
    `| ${name} | ${median(samples[i]).toFixed(1)} ms | ${(median(samples[i]) / base).toFixed(2)} |`,
  )
);
console.log(
  `\nIdle RSS of the compiled daemon 2 s after start: ${rss.toFixed(1)} MB; floors: a compiled
Bun Unix-socket echo server ${floorRss[0].toFixed(1)} MB, with two worker threads ${
    floorRss[1].toFixed(1)
  } MB`,
);
