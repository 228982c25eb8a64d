/**
 * Two compiled binaries side by side (e.g. built with another band threshold), interleaved:
 * `render_scene` of monu9.vox through each, default config, medians of 25.
 *   deno run -A bench/render_ab.ts BIN_A BIN_B [sizes, e.g. 512,1024] [raster|path]
 */
import { resolve } from "node:path";
import { haveFixtures } from "../tests/fixtures_testing.ts";
import { type Monu9Daemon, monu9Daemon } from "./monu9_daemon.ts";

if (Deno.args.length < 2) {
  console.error("usage: deno run -A bench/render_ab.ts BIN_A BIN_B [sizes] [raster|path]");
  Deno.exit(2);
}
if (!haveFixtures("render_ab")) Deno.exit(0);
const bins = Deno.args.slice(0, 2).map((b) => resolve(b));
const daemons: Monu9Daemon[] = [];
for (const bin of bins) {
  Deno.env.set("GOXEL_BIN", bin);
  daemons.push(await monu9Daemon());
}
const sizes = (Deno.args[2] ?? "512,1024").split(",").map(Number);
const quality = Deno.args[3] ?? "raster";
const times: Record<string, number[]> = {};
for (let r = -3; r < 25; r++) {
  for (const size of sizes) {
    for (const [i, d] of daemons.entries()) {
      const ms = await d.render(size, quality);
      if (r >= 0) (times[`${size} ${i ? "B" : "A"}`] ??= []).push(ms);
    }
  }
}
for (const d of daemons) await d.stop();
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1].toFixed(1);
console.log(
  `render_scene of monu9.vox, ${quality}, medians of 25 (ms): A = ${bins[0]}, B = ${bins[1]}`,
);
for (const k in times) console.log(k, med(times[k]));
