/**
 * Renders as users get them: `render_scene` of monu9.vox through a running daemon (request,
 * worker pool, PNG encoding, atomic write), the rasteriser (default) against the ray tracer
 * (`quality: "path"`) in one run, interleaved, medians. Default config. Each is timed twice:
 * again with the voxels of the last render (the workers kept their set-up) and just after an
 * edit of one voxel (set-up built anew).
 *   GOXEL_BIN=dist/goxel-linux-x64 deno run -A bench/render_daemon.ts [--reps 9]
 */
import { parseArgs } from "node:util";
import { haveFixtures } from "../tests/fixtures_testing.ts";
import { monu9Daemon } from "./monu9_daemon.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { reps: { type: "string", default: "9" } },
});
const REPS = Number(values.reps);
if (!haveFixtures("render_daemon")) Deno.exit(0);

const daemon = await monu9Daemon();
const times: Record<string, number[]> = {};
try {
  for (let r = -1; r < REPS; r++) {
    for (const size of [512, 1024]) {
      for (const quality of ["raster", "path"]) {
        // Just after an edit (set-up built anew), then again (workers kept what depends on the
        // voxels alone).
        await daemon.touch();
        const edited = await daemon.render(size, quality);
        const ms = await daemon.render(size, quality);
        if (r >= 0) (times[`${size} ${quality}`] ??= []).push(ms);
        if (r >= 0) (times[`${size} ${quality} edited`] ??= []).push(edited);
      }
    }
  }
} finally {
  await daemon.stop();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`render_scene of monu9.vox, isometric, medians of ${REPS} (ms)\n`);
console.log("| size | voxels | raster | path | raster / path |");
console.log("| --- | --- | --- | --- | --- |");
for (const size of [512, 1024]) {
  for (const [label, suffix] of [["as last render", ""], ["just edited", " edited"]]) {
    const raster = median(times[`${size} raster${suffix}`]);
    const path = median(times[`${size} path${suffix}`]);
    console.log(
      `| ${size}² | ${label} | ${raster.toFixed(0)} | ${path.toFixed(0)} | ${
        (raster / path).toFixed(2)
      } |`,
    );
  }
}
