/**
 * Regenerates every table of issue 15 ("fast by default") in one go, each against the yardstick
 * the issue names, with the default config and the compiled binary (built first when missing):
 *   deno run -A bench/compare.ts [--base DIR] [--only startup,logging,server,render,gox]
 * - startup: `--version` and `goxel call ping` against a bare `bun -e 0`, idle RSS (startup.ts);
 * - logging: default and access log against logging off (logging.ts);
 * - server: throughput against the NDJSON echo ceiling on Bun, C clients (server_load.ts);
 * - render: rasteriser against the ray tracer, in-process under Bun (render_bench.ts) and
 *   through the daemon (render_daemon.ts);
 * - gox: .gox save and load against the code before issue 15 (gox_bench.ts, Deno and Bun), a
 *   worktree of 87a8fe4 at --base (default /tmp/gox-base, created when missing).
 * Sections run one after another (never two at once: the machine is small); each prints its
 * Markdown table for bench/README.md.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string", default: "/tmp/gox-base" },
    only: { type: "string", default: "startup,logging,server,render,gox" },
  },
});
const ROOT = new URL("../", import.meta.url).pathname;
const BIN = `${ROOT}dist/goxel-linux-x64`;
const BUN = `${ROOT}.tools/node_modules/.bin/bun`;
const GOX_BASE_COMMIT = "87a8fe4";
const sections = new Set(values.only.split(","));

/** Runs a command with its output shown; throws when it fails. */
async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const status = await new Deno.Command(cmd, { args, cwd: ROOT, env }).spawn().status;
  if (!status.success) throw new Error(`${cmd} ${args.join(" ")} failed (${status.code})`);
}

const deno = (script: string, ...args: string[]) =>
  run(Deno.execPath(), ["run", "-A", `bench/${script}`, ...args], { GOXEL_BIN: BIN });

if (!existsSync(BIN)) await run(Deno.execPath(), ["task", "compile", "linux-x64"]);
if (sections.has("startup")) {
  console.log("\n## CLI start-up and idle RSS (bench/startup.ts)\n");
  await deno("startup.ts", "--runs", "40");
}
if (sections.has("logging")) {
  console.log("\n## Logging (bench/logging.ts)\n");
  await deno("logging.ts", "--rounds", "9");
}
if (sections.has("server")) {
  console.log("\n## Server throughput (bench/server_load.ts)\n");
  await deno("server_load.ts");
}
if (sections.has("render")) {
  console.log("\n## Render, in-process under Bun (bench/render_bench.ts)\n");
  await run(BUN, ["run", "bench/render_bench.ts", "9"]);
  console.log("\n## Render through the daemon (bench/render_daemon.ts)\n");
  await deno("render_daemon.ts", "--reps", "9");
}
if (sections.has("gox")) {
  if (!existsSync(values.base)) {
    await run("git", ["worktree", "add", "--detach", values.base, GOX_BASE_COMMIT]);
  }
  console.log(`\n## .gox against ${GOX_BASE_COMMIT}, Deno (bench/gox_bench.ts)\n`);
  await deno("gox_bench.ts", "--base", values.base);
  console.log(`\n## .gox against ${GOX_BASE_COMMIT}, Bun (bench/gox_bench.ts)\n`);
  await run(BUN, ["bench/gox_bench.ts", "--base", values.base]);
}
