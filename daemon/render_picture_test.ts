import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { packRgba } from "../core/color.ts";
import { InvalidInputError } from "../core/errors.ts";
import { newImage } from "../core/image.ts";
import { MAX_RENDER_SIZE, renderImage } from "../core/render/render.ts";
import { MAX_PICTURE_SIZE } from "../protocol/wire.ts";
import { decodePng } from "../core/formats/png.ts";
import {
  bandCount,
  checkPngPath,
  MIN_BAND_PIXELS,
  MIN_RASTER_BAND_PIXELS,
  renderPicture,
  renderPngFile,
  sliceRanges,
} from "./render_picture.ts";
import { type RunOptions, WorkerPool } from "./worker_pool.ts";
import { type Job, type RenderedRange, runJob } from "./worker_jobs.ts";
import { volumeToPlain } from "../core/plain_image.ts";

Deno.test("renderPicture and renderPngFile share rows among workers and give the one-piece picture", async (t) => {
  const image = newImage(), v = image.layers[0].volume;
  for (let z = 0; z < 6; z++) for (let x = -4; x < 4; x++) v.set(x, 0, z, packRgba(200, 60, 30));
  const pool = new WorkerPool(3);
  const dir = await Deno.makeTempDir();
  try {
    for (const quality of ["path", "raster"] as const) {
      await t.step(quality, async () => {
        // Three bands, the last slice shorter than the others.
        const min = quality === "path" ? MIN_BAND_PIXELS : MIN_RASTER_BAND_PIXELS;
        const height = Math.ceil(3 * min / 1000) + 5;
        const options = { width: 1000, height, camera: "isometric", quality };
        assert.equal(bandCount(options, 3), 3);
        const whole = renderImage(image, options).rgba;
        // (Buffer comparisons: node:assert's deepEqual takes seconds on megabytes under Deno.)
        const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
        assert.ok(same(await renderPicture({ workers: pool }, image, options), whole));
        const ctx = { workers: pool, workspace: dir };
        const saved = await renderPngFile(ctx, image, `${dir}/r.png`, options);
        assert.ok(same(await Deno.readFile(saved.path), saved.data));
        const png = decodePng(saved.data);
        assert.deepEqual([png.width, png.height], [1000, height]);
        assert.ok(same(png.rgba, whole));
        // One band: the same pixels.
        const one = { size: 1, run: pool.run.bind(pool) } as unknown as WorkerPool;
        const single = await renderPngFile(
          { workers: one, workspace: dir },
          image,
          "s.png",
          options,
        );
        assert.ok(same(decodePng(single.data).rgba, whole));
      });
    }
    await assert.rejects(
      renderPicture({ workers: pool }, image, { width: 0, height: 4 }),
      InvalidInputError,
    );
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a picture's slices go to the workers that are free: a busy one holds nothing up", async () => {
  const image = newImage(), v = image.layers[0].volume;
  for (let z = 0; z < 6; z++) for (let x = -4; x < 4; x++) v.set(x, 0, z, packRgba(30, 90, 200));
  const pool = new WorkerPool(2);
  const dir = await Deno.makeTempDir();
  try {
    const options = { width: 512, height: 512, camera: "isometric" };
    assert.equal(bandCount(options, 2), 2, "two jobs share the slices");
    const whole = renderImage(image, options).rgba;
    // One worker is busy for 4 s: the other takes every slice, then the picture's second job
    // (run after the first, on the same worker) finds none left. Each job's slices are counted.
    let busyDone = false;
    const busy = pool.run({ kind: "sleep", ms: 4000 }).then(() => (busyDone = true), () => {});
    const counts: number[] = [];
    const workers = {
      size: pool.size,
      run: (job: Job, o?: RunOptions) =>
        pool.run(job, o).then((r) => (counts.push((r as unknown[]).length), r)),
    } as unknown as WorkerPool;
    const saved = await renderPngFile({ workers, workspace: dir }, image, "r.png", options);
    assert.equal(busyDone, false, "the render did not wait for the busy worker");
    assert.deepEqual(counts, [sliceRanges(512, 2).length, 0]);
    assert.ok(Buffer.from(decodePng(saved.data).rgba).equals(Buffer.from(whole)));
    await busy;
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a picture with fewer slices than workers runs one job per slice", async () => {
  const image = newImage();
  image.layers[0].volume.set(0, 0, 0, packRgba(200, 40, 40));
  const pool = new WorkerPool(3);
  const dir = await Deno.makeTempDir();
  try {
    const options = { width: 4096, height: 100, camera: "front" };
    assert.equal(bandCount(options, 3), 3);
    let jobs = 0;
    const workers = {
      size: pool.size,
      run: (job: Job, o?: RunOptions) => (jobs++, pool.run(job, o)),
    } as unknown as WorkerPool;
    const saved = await renderPngFile({ workers, workspace: dir }, image, "w.png", options);
    assert.equal(jobs, sliceRanges(100, 3).length);
    assert.ok(
      Buffer.from(decodePng(saved.data).rgba).equals(
        Buffer.from(renderImage(image, options).rgba),
      ),
    );
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a render job that finds every slice taken returns nothing; one taking the rest returns those", () => {
  const image = newImage(), v = image.layers[0].volume;
  for (let z = 0; z < 6; z++) v.set(0, 0, z, packRgba(200, 200, 30));
  const options = { width: 64, height: 200, camera: "isometric" };
  const ranges = sliceRanges(200, 2);
  const claims = new Int32Array(new SharedArrayBuffer(4));
  const job = (): Job => ({
    kind: "render_rows",
    volume: volumeToPlain(image.layers[0].volume, false),
    camera: null,
    light: image.light,
    options,
    ranges,
    claims,
  });
  Atomics.store(claims, 0, 1);
  const rest = runJob(job()) as RenderedRange<{ data: Uint8Array }>[];
  assert.deepEqual(rest.map((r) => r.index), [1, 2, 3]);
  const whole = renderImage(image, options).rgba;
  for (const r of rest) {
    const at = ranges[r.index][0] * 64 * 4;
    assert.ok(Buffer.from(r.data).equals(Buffer.from(whole.subarray(at, at + r.data.length))));
  }
  assert.deepEqual(runJob(job()), []);
});

Deno.test("sliceRanges gives one range for one band, else slices covering every row once", () => {
  assert.deepEqual(sliceRanges(100, 1), [[0, 100]]);
  assert.deepEqual(sliceRanges(200, 2), [[0, 64], [64, 128], [128, 192], [192, 200]]);
  for (const [height, bands] of [[1, 2], [511, 2], [512, 3], [4096, 8]]) {
    const rows = sliceRanges(height, bands);
    assert.equal(rows[0][0], 0);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i][0], rows[i - 1][1]);
    assert.equal(rows.at(-1)![1], height);
  }
});

Deno.test("checkPngPath accepts .png in any case and refuses other extensions", () => {
  for (const ok of ["a.png", "/x/y.PNG", "b.Png"]) checkPngPath(ok);
  for (const bad of ["a.jpg", "a.png.jpg", "a", "a.webp"]) {
    assert.throws(
      () => checkPngPath(bad),
      (e: Error) => e instanceof InvalidInputError && /PNG only/.test(e.message),
    );
  }
});

Deno.test("bandCount keeps small pictures in one piece and never exceeds the workers", () => {
  const path = (width: number, height: number) => ({ width, height, quality: "path" as const });
  assert.equal(bandCount(path(256, 256), 2), 1);
  assert.equal(bandCount(path(64, 48), 8), 1);
  assert.equal(bandCount(path(512, 512), 2), 2);
  assert.equal(bandCount(path(512, 512), 8), 4);
  assert.equal(bandCount(path(4096, 4096), 3), 3);
  // The rasteriser (the default) has more set-up per band beside less drawing: it splits later.
  assert.equal(bandCount({ width: 256, height: 256 }, 2), 1);
  assert.equal(bandCount({ width: 512, height: 512 }, 2), 2);
  assert.equal(bandCount({ width: 512, height: 512 }, 8), 2);
  assert.equal(bandCount({ width: 1024, height: 1024 }, 2), 2);
  assert.equal(bandCount({ width: 1024, height: 1024, quality: "raster" }, 8), 8);
  assert.equal(bandCount({ width: 4096, height: 4096 }, 8), 8);
});

Deno.test("the protocol's largest picture side is the renderer's", () => {
  // The params of render_scene and `goxel render --size` are checked against the protocol's.
  assert.equal(MAX_PICTURE_SIZE, MAX_RENDER_SIZE);
});
