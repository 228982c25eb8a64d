/**
 * Render speed: the rasteriser (default) against the ray tracer (quality "path") in one run,
 * on monu9.vox (97×97×79, 32 832 voxels) when the fixture is present and on a procedural scene
 * of the same size that always exists, at 512² and 1024² (2×2 super-sampling, isometric
 * framing, light and shadows on). Each case runs in-process on one thread, and on a worker
 * pool of two as render_scene renders (row bands from 2 × 512² pixels up; PNG encoding left
 * out). Repeats are interleaved; medians of wall time and, in-process, of this process's CPU
 * time (steadier when other programs share the machine) are printed.
 *
 *     deno run -A bench/render_bench.ts [repeats]
 *     .tools/node_modules/.bin/bun run bench/render_bench.ts [repeats]   (the binary's runtime)
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { packRgba } from "../core/color.ts";
import { decodeVox } from "../core/formats/vox.ts";
import { type Image, newImage } from "../core/image.ts";
import { renderImage, type RenderQuality } from "../core/render/render.ts";
import type { Volume } from "../core/volume.ts";
import { FIXTURES } from "../tests/fixtures_testing.ts";
import { renderPicture } from "../daemon/render_picture.ts";
import { WorkerPool } from "../daemon/worker_pool.ts";

const MONU9 = new URL("ephtracy/monu9.vox", FIXTURES);

/** Fills [min, max) with a colour. */
function fill(v: Volume, min: number[], max: number[], color: number): void {
  for (let z = min[2]; z < max[2]; z++) {
    for (let y = min[1]; y < max[1]; y++) {
      for (let x = min[0]; x < max[0]; x++) v.set(x, y, z, color);
    }
  }
}

/** A 97×97×79 scene of about 33k voxels: a ground slab, hollow towers, pillars and a bridge. */
export function proceduralScene(): Image {
  const image = newImage();
  const v = image.layers[0].volume;
  fill(v, [-48, -48, -39], [49, 49, -37], packRgba(140, 190, 70));
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (const [cx, cy, h] of [[-30, -30, 77], [25, -28, 60], [-26, 24, 50], [28, 26, 68]]) {
    fill(v, [cx - 6, cy - 6, -37], [cx + 6, cy + 6, -37 + h], packRgba(170, 160, 130));
    fill(v, [cx - 5, cy - 5, -36], [cx + 5, cy + 5, -37 + h], 0);
  }
  for (let i = 0; i < 40; i++) {
    const x = Math.floor(rand() * 90) - 45, y = Math.floor(rand() * 90) - 45;
    fill(v, [x, y, -37], [x + 2, y + 2, -37 + Math.floor(rand() * 30)], packRgba(70, 80, 70));
  }
  fill(v, [-30, -2, 10], [30, 3, 13], packRgba(200, 120, 40));
  return image;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

interface Sample {
  wall: number[];
  cpu: number[];
}

async function measure(
  image: Image,
  size: number,
  repeats: number,
  pool: WorkerPool,
): Promise<Record<string, Sample>> {
  const out: Record<string, Sample> = {};
  const options = (quality: RenderQuality) => ({
    width: size,
    height: size,
    camera: "isometric",
    quality,
  });
  for (let k = -1; k < repeats; k++) {
    for (const quality of ["raster", "path"] as const) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      renderImage(image, options(quality));
      const t1 = performance.now(), c = process.cpuUsage(c0);
      await renderPicture({ workers: pool }, image, options(quality));
      const t2 = performance.now();
      if (k < 0) continue; // warm-up round
      const one = out[`${quality} 1 thread`] ??= { wall: [], cpu: [] };
      one.wall.push(t1 - t0);
      one.cpu.push((c.user + c.system) / 1000);
      (out[`${quality} worker pool of 2`] ??= { wall: [], cpu: [] }).wall.push(t2 - t1);
    }
  }
  return out;
}

const repeats = Number(process.argv[2] ?? 7);
const scenes: [string, Image][] = [["procedural 97×97×79", proceduralScene()]];
try {
  scenes.unshift(["monu9.vox", decodeVox(new Uint8Array(readFileSync(MONU9)))]);
} catch {
  console.warn(`render_bench: ${MONU9.pathname} not found, benchmarking the procedural scene only`);
}
const pool = new WorkerPool(2);
console.log(
  `| scene | size | renderer | wall ms (median of ${repeats}) | CPU ms | raster / path |`,
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [name, image] of scenes) {
  for (const size of [512, 1024]) {
    const r = await measure(image, size, repeats, pool);
    for (const mode of ["1 thread", "worker pool of 2"]) {
      const raster = r[`raster ${mode}`], path = r[`path ${mode}`];
      const ratio = median(raster.wall) / median(path.wall);
      const cpu = (s: Sample) => s.cpu.length ? median(s.cpu).toFixed(0) : "";
      const cpuRatio = raster.cpu.length
        ? ` (CPU ${(median(raster.cpu) / median(path.cpu)).toFixed(2)})`
        : "";
      console.log(
        `| ${name} | ${size}² | raster, ${mode} | ${median(raster.wall).toFixed(0)} | ${
          cpu(raster)
        } | ${ratio.toFixed(2)}${cpuRatio} |`,
      );
      console.log(
        `| ${name} | ${size}² | path, ${mode} | ${median(path.wall).toFixed(0)} | ${cpu(path)} | |`,
      );
    }
  }
}
await pool.close();
