/**
 * `.gox` save and load speed against another checkout of this repository (the yardstick),
 * measured in one run with interleaved repeats; prints medians, ratios and whether both write
 * the same bytes. Runs under Deno and Bun (the runtime of the compiled binary):
 *
 *   git worktree add /tmp/gox-base 87a8fe4
 *   deno run -A bench/gox_bench.ts [--base /tmp/gox-base] [--reps 15] [--warmup 5] [--inner 10]
 *   .tools/node_modules/.bin/bun bench/gox_bench.ts [--base /tmp/gox-base] [--reps 15]
 *
 * Cases: the 768 000-voxel project of vengi/test_material.vox (12 × 40³ models; decoded once
 * with the yardstick's `.vox` reader so both encode the same image) and vengi/chr_knight.gox.
 * "cold" runs each load once in a fresh process, as the daemon does for a first load.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

type Image = unknown;
interface Codecs {
  decodeVox(b: Uint8Array): Image;
  decodeGox(b: Uint8Array): Image;
  encodeGox(i: Image): Uint8Array;
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const HERE = fileURLToPath(new URL("..", import.meta.url));
const BASE = flag("--base", "/tmp/gox-base");
const REPS = Number(flag("--reps", "15"));
const WARMUP = Number(flag("--warmup", "5"));
const INNER = Number(flag("--inner", "10"));
const FIXTURES = process.env.GOXEL_FIXTURES ??
  fileURLToPath(new URL("../../shared/fixtures", import.meta.url));

async function load(root: string): Promise<Codecs> {
  const vox = await import(`${root}/core/formats/vox.ts`);
  const gox = await import(`${root}/core/formats/gox.ts`);
  return { decodeVox: vox.decodeVox, decodeGox: gox.decodeGox, encodeGox: gox.encodeGox };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Runs `f`; returns [wall ms, CPU ms] (CPU time is what preemption on a busy machine spares). */
function time(f: () => unknown): [number, number] {
  const c = process.cpuUsage(), t = performance.now();
  f();
  const wall = performance.now() - t, cpu = process.cpuUsage(c);
  return [wall, (cpu.user + cpu.system) / 1000];
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Runs one load in a fresh process and returns its time (the cold path). */
function coldLoad(root: string, file: string): number {
  const code = `const m = await import(${JSON.stringify(`${root}/core/formats/gox.ts`)});` +
    `const fs = await import("node:fs"); const b = new Uint8Array(fs.readFileSync(${
      JSON.stringify(file)
    }));` +
    `const t = performance.now(); m.decodeGox(b); console.log(performance.now() - t);`;
  const cmd = process.argv[0];
  const isDeno = "Deno" in globalThis;
  const r = spawnSync(cmd, isDeno ? ["eval", code] : ["-e", code], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

async function main() {
  const base = await load(BASE), ours = await load(HERE);
  const vox = new Uint8Array(readFileSync(`${FIXTURES}/vengi/test_material.vox`));
  const knightPath = `${FIXTURES}/vengi/chr_knight.gox`;
  const knight = new Uint8Array(readFileSync(knightPath));
  const project = base.decodeVox(vox);
  const projectGox = base.encodeGox(project);
  const tmp = `${process.env.TMPDIR ?? "/tmp"}/gox_bench_project.gox`;
  (await import("node:fs")).writeFileSync(tmp, projectGox);
  const knightImage = base.decodeGox(knight);
  const cases: [string, (c: Codecs) => unknown][] = [
    ["save 768k-voxel project", (c) => c.encodeGox(project)],
    ["load 768k-voxel project", (c) => c.decodeGox(projectGox)],
    ["save chr_knight.gox", (c) => c.encodeGox(knightImage)],
    ["load chr_knight.gox", (c) => c.decodeGox(knight)],
  ];
  // Sub-millisecond cases are timed over INNER calls per sample (figures are per call).
  const inner = (name: string) => name.includes("chr_knight") ? INNER : 1;
  const runtime = "Deno" in globalThis ? "deno" : "bun";
  console.log(`runtime ${runtime}, ${REPS} interleaved repeats, medians in ms; base ${BASE}`);
  console.log("| case | base wall | this wall | ratio | base CPU | this CPU | ratio |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const [name, once] of cases) {
    const n = inner(name);
    const f = (c: Codecs) => {
      for (let i = 0; i < n; i++) once(c);
    };
    const tb: [number, number][] = [], to: [number, number][] = [];
    // Warm both up first: "cold" below is the first run's figure.
    for (let r = 0; r < WARMUP; r++) f(base), f(ours);
    for (let r = 0; r < REPS; r++) {
      if (r % 2) (tb.push(time(() => f(base))), to.push(time(() => f(ours))));
      else (to.push(time(() => f(ours))), tb.push(time(() => f(base))));
    }
    const cell = (k: 0 | 1) => {
      const b = median(tb.map((t) => t[k])) / n, o = median(to.map((t) => t[k])) / n;
      return `${b.toFixed(2)} | ${o.toFixed(2)} | ${(b / o).toFixed(2)}×`;
    };
    console.log(`| ${name} | ${cell(0)} | ${cell(1)} |`);
  }
  for (const [name, file] of [["768k-voxel project", tmp], ["chr_knight.gox", knightPath]]) {
    const tb: number[] = [], to: number[] = [];
    for (let r = 0; r < Math.min(REPS, 7); r++) {
      tb.push(coldLoad(BASE, file));
      to.push(coldLoad(HERE, file));
    }
    const b = median(tb), o = median(to);
    console.log(
      `| cold load ${name} | ${b.toFixed(2)} | ${o.toFixed(2)} | ${(b / o).toFixed(2)}× |`,
    );
  }
  const identical = same(base.encodeGox(project), ours.encodeGox(project)) &&
    same(base.encodeGox(knightImage), ours.encodeGox(knightImage));
  console.log(`identical output to base: ${identical}`);
}

await main();
