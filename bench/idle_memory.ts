/**
 * Idle memory of two compiled daemons in one run, interleaved: RSS (anonymous and file-backed)
 * 3 s after start, what the first requests after start pay, and RSS after a stretch of work and a
 * quiet minute (the idle trim looks every 30 s):
 *   GOXEL_BIN=dist/goxel-linux-x64 GOXEL_BASE_BIN=/tmp/old/goxel-linux-x64 \
 *     deno run -A bench/idle_memory.ts [--rounds 7] [--work]
 * Prints Markdown for bench/README.md.
 */
import { parseArgs } from "node:util";
import { FIXTURES_DIR } from "../tests/fixtures_testing.ts";
import { makeTestEnv, procStatus, RawClient, startDaemon } from "../tests/support_testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "7" }, work: { type: "boolean" } },
});
const ROUNDS = Number(values.rounds);
const bins: [string, string][] = [
  ["this", Deno.env.get("GOXEL_BIN") ?? "dist/goxel-linux-x64"],
  ["base", Deno.env.get("GOXEL_BASE_BIN") ?? ""],
];
if (!bins[1][1]) throw new Error("Set GOXEL_BASE_BIN to the binary to compare with");

interface Sample {
  rss: number;
  anon: number;
  file: number;
  firstPing: number;
  secondPing: number;
  firstRender: number;
  secondRender: number;
  afterWork?: number;
  afterQuiet?: number;
}

function memory(pid: number): { rss: number; anon: number; file: number } {
  const mb = (field: string) => procStatus(pid, field) / 1024;
  return { rss: mb("VmRSS"), anon: mb("RssAnon"), file: mb("RssFile") };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function measure(bin: string, work: boolean): Promise<Sample> {
  Deno.env.set("GOXEL_BIN", bin);
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const pid = daemon.proc.pid;
    const idle = memory(pid);
    const c = await RawClient.unix(daemon.socket);
    const firstPing = await timed(() => c.call("goxel.ping"));
    const secondPing = await timed(() => c.call("goxel.ping"));
    const vox = `${env.dir}/monu9.vox`;
    await Deno.copyFile(`${FIXTURES_DIR}ephtracy/monu9.vox`, vox);
    await c.call("goxel.load_project", { path: vox });
    const render = () =>
      c.call("goxel.render_scene", { output_path: `${env.dir}/a.png`, width: 512, height: 512 });
    const firstRender = await timed(render);
    const secondRender = await timed(render);
    const sample: Sample = { ...idle, firstPing, secondPing, firstRender, secondRender };
    if (work) {
      for (let i = 0; i < 5; i++) await render();
      await c.call("goxel.export_model", { path: `${env.dir}/a.obj` });
      sample.afterWork = memory(pid).rss;
      await new Promise((r) => setTimeout(r, 65_000));
      sample.afterQuiet = memory(pid).rss;
    }
    c.close();
    return sample;
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
}

const results = new Map<string, Sample[]>(bins.map(([name]) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, bin] of r % 2 ? [...bins].reverse() : bins) {
    results.get(name)!.push(await measure(bin, Boolean(values.work) && r === 0));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keys: [keyof Sample, string, string][] = [
  ["rss", "idle RSS 3 s after start", "MB"],
  ["anon", "of which anonymous", "MB"],
  ["file", "of which file-backed (code)", "MB"],
  ["firstPing", "first ping after start", "ms"],
  ["secondPing", "second ping", "ms"],
  ["firstRender", "first render_scene 512² of monu9 (starts a worker)", "ms"],
  ["secondRender", "second render_scene", "ms"],
  ["afterWork", "RSS after 7 renders and an OBJ export", "MB"],
  ["afterQuiet", "RSS after 65 s quiet", "MB"],
];
console.log(`| measure (median of ${ROUNDS}) | ${bins.map(([n]) => n).join(" | ")} |`);
console.log(`| --- | ${bins.map(() => "---").join(" | ")} |`);
for (const [key, label, unit] of keys) {
  const cells = bins.map(([name]) => {
    const xs = results.get(name)!.map((s) => s[key]).filter((v) => v !== undefined) as number[];
    return xs.length ? `${median(xs).toFixed(unit === "MB" ? 1 : 2)} ${unit}` : "—";
  });
  if (cells.some((c) => c !== "—")) console.log(`| ${label} | ${cells.join(" | ")} |`);
}
