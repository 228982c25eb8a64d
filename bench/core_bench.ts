/**
 * Core benchmarks: voxel writes, painting, snapshots and memory per voxel.
 * Run with `deno bench -A bench/core_bench.ts`; figures go to bench/README.md.
 */
import { boxFromAabb } from "../core/box.ts";
import { copyImage, newImage } from "../core/image.ts";
import { defaultPainter, paint } from "../core/ops/paint.ts";
import { Volume } from "../core/volume.ts";

/** A small seeded PRNG (mulberry32) so that every run writes the same voxels. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = 1_000_000;
const rand = mulberry32(42);
const coords = new Int32Array(N * 3).map(() => Math.floor(rand() * 256) - 128);
const colors = new Uint32Array(N).map(() => (Math.floor(rand() * 0xffffff) | 0xff000000) >>> 0);

const CUBE_256 = boxFromAabb({ min: [-128, -128, -128], max: [128, 128, 128] });
const SPHERE_100 = boxFromAabb({ min: [-100, -100, -100], max: [100, 100, 100] });

Deno.bench("set 1,000,000 random voxels in a 256³ region", { group: "core" }, () => {
  const v = new Volume();
  for (let i = 0; i < N; i++) v.set(coords[i * 3], coords[i * 3 + 1], coords[i * 3 + 2], colors[i]);
});

Deno.bench("fill a 256³ box (cube OVER)", { group: "core" }, () => {
  paint(new Volume(), defaultPainter(), CUBE_256);
});

Deno.bench("paint a sphere of radius 100", { group: "core" }, () => {
  paint(new Volume(), { ...defaultPainter(), shape: "sphere" }, SPHERE_100);
});

const image = newImage();
paint(
  image.layers[0].volume,
  defaultPainter(),
  boxFromAabb({ min: [0, 0, 0], max: [100, 100, 100] }),
);

Deno.bench("copyImage snapshot of a 1 M voxel layer", { group: "core" }, () => {
  copyImage(image);
  image.layers[0].volume.set(0, 0, 0, 0xff0000ff); // a write after each snapshot, as in editing
});

function heapBytes(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

/** Collects garbage when run with `--v8-flags=--expose-gc` (otherwise the figure is noisier). */
function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/** Measures real heap growth (JS heap + external typed-array memory) of a dense 256³ volume. */
function bytesPerVoxel(): number {
  collect();
  const before = heapBytes();
  const v = new Volume();
  paint(v, defaultPainter(), CUBE_256);
  collect();
  const after = heapBytes();
  const perVoxel = (after - before) / v.count();
  if (v.count() !== 256 ** 3) throw new Error("dense fill is incomplete");
  return perVoxel;
}

console.log(
  `dense 256³ volume: ${bytesPerVoxel().toFixed(3)} bytes/voxel (heap + external growth)`,
);
