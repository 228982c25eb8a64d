/**
 * Two compiled binaries side by side (e.g. built with another band threshold), interleaved:
 * `render_scene` of monu9.vox through each, default config, medians of 25.
 *   deno run -A bench/render_ab.ts BIN_A BIN_B [sizes, e.g. 512,1024] [raster|path]
 */
import { FIXTURES, haveFixtures } from "../tests/fixtures_testing.ts";
import { makeTestEnv, RawClient, startDaemon } from "../tests/support_testing.ts";

if (Deno.args.length < 2) {
  console.error("usage: deno run -A bench/render_ab.ts BIN_A BIN_B [sizes] [raster|path]");
  Deno.exit(2);
}
if (!haveFixtures("render_ab")) Deno.exit(0);
const bins = Deno.args.slice(0, 2);
const run = [];
for (const bin of bins) {
  Deno.env.set("GOXEL_BIN", bin);
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(env.socket);
  await c.call("goxel.load_project", [new URL("ephtracy/monu9.vox", FIXTURES).pathname]);
  run.push({ env, daemon, c });
}
const sizes = (Deno.args[2] ?? "512,1024").split(",").map(Number);
const quality = Deno.args[3] ?? "raster";
const times: Record<string, number[]> = {};
for (let r = -3; r < 25; r++) {
  for (const size of sizes) {
    for (const [i, { env, c }] of run.entries()) {
      const t = performance.now();
      await c.call("goxel.render_scene", {
        output_path: `${env.dir}/r.png`,
        width: size,
        height: size,
        camera_preset: "isometric",
        quality,
      });
      if (r >= 0) (times[`${size} ${i ? "B" : "A"}`] ??= []).push(performance.now() - t);
    }
  }
}
for (const { env, daemon, c } of run) {
  c.close();
  await daemon.stop();
  await env.cleanup();
}
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1].toFixed(1);
console.log(
  `render_scene of monu9.vox, ${quality}, medians of 25 (ms): A = ${bins[0]}, B = ${bins[1]}`,
);
for (const k in times) console.log(k, med(times[k]));
