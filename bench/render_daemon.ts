/**
 * Renders as users get them: `render_scene` of monu9.vox through a running daemon (request,
 * worker pool, PNG encoding, atomic write), the rasteriser (default) against the ray tracer
 * (`quality: "path"`) in one run, interleaved, medians. Default config.
 *   GOXEL_BIN=dist/goxel-linux-x64 deno run -A bench/render_daemon.ts [--reps 9]
 */
import { parseArgs } from "node:util";
import { FIXTURES, haveFixtures } from "../tests/fixtures_testing.ts";
import { makeTestEnv, RawClient, startDaemon } from "../tests/support_testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { reps: { type: "string", default: "9" } },
});
const REPS = Number(values.reps);
if (!haveFixtures("render_daemon")) Deno.exit(0);

const env = await makeTestEnv();
const daemon = await startDaemon(env);
const c = await RawClient.unix(env.socket);
await c.call("goxel.load_project", [new URL("ephtracy/monu9.vox", FIXTURES).pathname]);
const times: Record<string, number[]> = {};
try {
  for (let r = -1; r < REPS; r++) {
    for (const size of [512, 1024]) {
      for (const quality of ["raster", "path"]) {
        const t = performance.now();
        await c.call("goxel.render_scene", {
          output_path: `${env.dir}/r.png`,
          width: size,
          height: size,
          camera_preset: "isometric",
          quality,
        });
        if (r >= 0) (times[`${size} ${quality}`] ??= []).push(performance.now() - t);
      }
    }
  }
} finally {
  c.close();
  await daemon.stop();
  await env.cleanup();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`render_scene of monu9.vox, isometric, medians of ${REPS} (ms)\n`);
console.log("| size | raster | path | raster / path |");
console.log("| --- | --- | --- | --- |");
for (const size of [512, 1024]) {
  const raster = median(times[`${size} raster`]), path = median(times[`${size} path`]);
  console.log(
    `| ${size}² | ${raster.toFixed(0)} | ${path.toFixed(0)} | ${(raster / path).toFixed(2)} |`,
  );
}
