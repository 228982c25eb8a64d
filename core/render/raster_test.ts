import assert from "node:assert/strict";
import { newImage } from "../image.ts";
import { packRgba } from "../color.ts";
import { renderRows } from "./render.ts";
import type { PlainTile } from "./raycast.ts";

function sceneTiles(): PlainTile[] {
  const image = newImage(), v = image.layers[0].volume;
  for (let z = 0; z < 12; z++) {
    for (let y = -10; y < 10; y++) {
      for (let x = -10; x < 10; x++) {
        if (z === 0 || (x * x + y * y < 30 && z < 10)) {
          v.set(x, y, z, packRgba(40 + z * 15, 120, 200));
        }
      }
    }
  }
  return [...v.tiles()].map(([x, y, z, voxels]) => ({ origin: [x, y, z], voxels }));
}

Deno.test("rasterised bands stacked give the same bytes as the whole picture", async (t) => {
  const tiles = sceneTiles();
  const light = { pitch: 0.5, yaw: 0.3, intensity: 2, fixed: false, ambient: 0.3, shadow: 0.3 };
  for (const camera of ["isometric", "front", "top"]) {
    await t.step(camera, () => {
      const options = { width: 50, height: 71, camera };
      const whole = renderRows(tiles, null, light, options, 0, 71);
      const stacked = new Uint8Array(whole.length);
      for (const [y0, y1] of [[0, 17], [17, 35], [35, 53], [53, 71]]) {
        stacked.set(renderRows(tiles, null, light, options, y0, y1), y0 * 50 * 4);
      }
      assert.deepEqual(stacked, whole);
    });
  }
  await t.step("rows outside the picture are refused", () => {
    assert.throws(() => renderRows(tiles, null, light, { width: 4, height: 4 }, 2, 5), RangeError);
  });
});

Deno.test("a contact shadow has the ray tracer's shape (shadow texels near the sample size)", async (t) => {
  // Two voxels touching along an edge: the front one throws a slanted shadow on the other.
  const image = newImage(), v = image.layers[0].volume;
  v.set(-1, 0, 0, packRgba(230, 230, 230));
  v.set(-2, 1, 0, packRgba(230, 230, 230));
  const tiles: PlainTile[] = [...v.tiles()].map(([x, y, z, voxels]) => ({
    origin: [x, y, z],
    voxels,
  }));
  for (const camera of ["left", "isometric", "back"]) {
    await t.step(camera, () => {
      const options = { width: 96, height: 96, camera, background: null };
      const raster = renderRows(tiles, null, image.light, options, 0, 96);
      const path = renderRows(
        tiles,
        null,
        image.light,
        { ...options, quality: "path" as const },
        0,
        96,
      );
      let covered = 0, differ = 0;
      for (let i = 0; i < raster.length; i += 4) {
        if (path[i + 3] !== 255) continue;
        covered++;
        if (Math.abs(raster[i] - path[i]) > 12) differ++;
      }
      // Only the shadow's edge may differ (one-tap map against rays).
      assert.ok(differ < covered * 0.03, `${differ} of ${covered} pixels differ`);
    });
  }
});
