import assert from "node:assert/strict";
import { packRgba } from "../core/color.ts";
import { InvalidInputError } from "../core/errors.ts";
import { newImage } from "../core/image.ts";
import { renderImage } from "../core/render/render.ts";
import { checkPngPath, renderPicture } from "./render_picture.ts";
import { WorkerPool } from "./worker_pool.ts";

Deno.test("renderPicture stacks the workers' bands into the one-piece picture", async () => {
  const image = newImage(), v = image.layers[0].volume;
  for (let z = 0; z < 6; z++) for (let x = -4; x < 4; x++) v.set(x, 0, z, packRgba(200, 60, 30));
  const pool = new WorkerPool(3);
  try {
    const options = { width: 30, height: 23, camera: "isometric", background: null };
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
