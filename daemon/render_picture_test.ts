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
  assert.equal(bandCount({ width: 512, height: 512 }, 2), 1);
  assert.equal(bandCount({ width: 64, height: 48 }, 8), 1);
  assert.equal(bandCount({ width: 1024, height: 1024 }, 2), 2);
  assert.equal(bandCount({ width: 1024, height: 1024 }, 8), 4);
  assert.equal(bandCount({ width: 4096, height: 4096 }, 3), 3);
});
