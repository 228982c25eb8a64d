import assert from "node:assert/strict";
import { packRgba } from "../core/color.ts";
import { InvalidInputError } from "../core/errors.ts";
import { newImage } from "../core/image.ts";
import { renderImage } from "../core/render/render.ts";
import { bandCount, checkPngPath, MIN_BAND_PIXELS, renderPicture } from "./render_picture.ts";
import { WorkerPool } from "./worker_pool.ts";

Deno.test("renderPicture stacks the workers' bands into the one-piece picture", async () => {
  const image = newImage(), v = image.layers[0].volume;
  for (let z = 0; z < 6; z++) for (let x = -4; x < 4; x++) v.set(x, 0, z, packRgba(200, 60, 30));
  const pool = new WorkerPool(3);
  try {
    // Three bands of uneven height.
    const options = {
      width: 1000,
      height: Math.ceil(3 * MIN_BAND_PIXELS / 1000),
      camera: "isometric",
      quality: "path" as const,
    };
    assert.equal(bandCount(options, 3), 3);
    const rgba = await renderPicture({ workers: pool }, image, options);
    assert.deepEqual(rgba, renderImage(image, options).rgba);
    await assert.rejects(
      renderPicture({ workers: pool }, image, { width: 0, height: 4 }),
      InvalidInputError,
    );
  } finally {
    await pool.close();
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
  assert.equal(bandCount(path(512, 512), 2), 1);
  assert.equal(bandCount(path(64, 48), 8), 1);
  assert.equal(bandCount(path(1024, 1024), 2), 2);
  assert.equal(bandCount(path(1024, 1024), 8), 4);
  assert.equal(bandCount(path(4096, 4096), 3), 3);
  // The rasteriser (the default) splits only far bigger pictures.
  assert.equal(bandCount({ width: 1024, height: 1024 }, 2), 1);
  assert.equal(bandCount({ width: 2048, height: 2048, quality: "raster" }, 8), 1);
  assert.equal(bandCount({ width: 4096, height: 4096 }, 8), 4);
});
