import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { applyPreset, newCamera } from "../camera.ts";
import { packRgba } from "../color.ts";
import { defaultLight } from "../image.ts";
import { Volume } from "../volume.ts";
import { buildRayScene, type PlainTile, type RayScene } from "./raycast.ts";
import { SampleTracer } from "./sample_tracer.ts";

/** Ground, pillars and a floating slab full of holes: shadows of every shape. */
function shadowScene(): RayScene {
  const v = new Volume();
  const grey = packRgba(150, 150, 140), green = packRgba(90, 160, 60);
  for (let x = -20; x < 20; x++) for (let y = -20; y < 20; y++) v.set(x, y, 0, green);
  for (let x = -8; x < 8; x++) {
    for (let y = -8; y < 8; y++) if ((x * 7 + y * 3) % 5 !== 0) v.set(x, y, 9, grey);
  }
  for (const [x, y] of [[-15, -12], [12, 3], [-4, 14]]) {
    for (let z = 1; z < 12; z++) v.set(x, y, z, grey);
  }
  const tiles: PlainTile[] = [...v.tiles()].map(([x, y, z, voxels]) => ({
    origin: [x, y, z],
    voxels,
  }));
  return buildRayScene(tiles);
}

function renderSamples(
  scene: RayScene,
  preset: string,
  sunTest: boolean,
  shadow = 0.3,
): Uint8Array {
  const cam = newCamera("c");
  applyPreset(cam, preset, boxFromAabb({ min: [-20, -20, 0], max: [20, 20, 12] }));
  const tracer = new SampleTracer(scene, cam, { ...defaultLight(), shadow }, 1, sunTest);
  const n = 160, out = new Uint8Array(n * n * 3), px = new Uint8Array(3);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      if (tracer.sample(2 * (i + 0.5) / n - 1, 1 - 2 * (j + 0.5) / n, px)) {
        out.set(px, (j * n + i) * 3);
      }
    }
  }
  return out;
}

Deno.test("SampleTracer's whole-face sun test gives the same shadows as one ray per sample", async (t) => {
  const scene = shadowScene();
  for (const preset of ["top", "isometric", "front"]) {
    await t.step(preset, () => {
      const fast = renderSamples(scene, preset, true), exact = renderSamples(scene, preset, false);
      let differ = 0;
      for (let i = 0; i < fast.length; i += 3) if (fast[i] !== exact[i]) differ++;
      assert.equal(differ, 0);
      // The scene does cast shadows in this view: they change many samples.
      const unshadowed = renderSamples(scene, preset, false, 0);
      let shadowed = 0;
      for (let i = 0; i < fast.length; i += 3) if (unshadowed[i] > exact[i] + 5) shadowed++;
      assert.ok(shadowed > 200, `${shadowed} shadowed samples`);
    });
  }
});

Deno.test("SampleTracer reports misses and shades hits opaque", () => {
  const scene = shadowScene();
  const cam = newCamera("c");
  applyPreset(cam, "top", boxFromAabb({ min: [-20, -20, 0], max: [20, 20, 12] }));
  const tracer = new SampleTracer(scene, cam, defaultLight(), 1);
  const px = new Uint8Array(3);
  assert.equal(tracer.sample(0.99, 0.99, px), false);
  assert.equal(tracer.sample(0, 0, px), true);
  assert.ok(px[0] > 0 || px[1] > 0 || px[2] > 0);
});
