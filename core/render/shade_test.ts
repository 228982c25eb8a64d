import assert from "node:assert/strict";
import { newCamera, turntable } from "../camera.ts";
import { packRgba } from "../color.ts";
import { defaultLight } from "../image.ts";
import { Volume } from "../volume.ts";
import { buildRayScene, type PlainTile } from "./raycast.ts";
import { lightDirection, occlusionAt, occlusionMask, Shader, toSrgb8 } from "./shade.ts";

const WHITE = packRgba(255, 255, 255);

function near(actual: number[], expected: number[], eps = 1e-3): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < eps, `${actual} vs ${expected}`));
}

Deno.test("lightDirection gives Goxel's default light (0.296, 0.171, 0.940)", () => {
  near(lightDirection(defaultLight(), newCamera("c").mat), [0.296, 0.171, 0.94]);
});

Deno.test("lightDirection of a fixed light turns with the camera", () => {
  const light = { ...defaultLight(), fixed: true };
  const cam = newCamera("c");
  const before = lightDirection(light, cam.mat);
  turntable(cam, Math.PI / 2, 0);
  const after = lightDirection(light, cam.mat);
  // A quarter turn about Z maps (x, y, z) to (−y, x, z).
  near(after, [-before[1], before[0], before[2]]);
  near([Math.hypot(...after)], [1]);
});

Deno.test("occlusionMask sets the bits of solid voxels in front of the face", async (t) => {
  // A floor voxel at the origin; its +Z face (3) looks into layer z = 1, where u runs along x
  // and v along y.
  const cases: [string, [number, number, number], number][] = [
    ["nothing around", [5, 5, 5], 0],
    ["edge −u", [-1, 0, 1], 1],
    ["edge +u", [1, 0, 1], 2],
    ["edge −v", [0, -1, 1], 4],
    ["edge +v", [0, 1, 1], 8],
    ["corner −u−v", [-1, -1, 1], 16],
    ["corner +u+v", [1, 1, 1], 64],
    ["same layer as the voxel is ignored", [1, 0, 0], 0],
  ];
  for (const [name, p, mask] of cases) {
    await t.step(name, () => {
      const v = new Volume();
      v.set(0, 0, 0, WHITE);
      v.set(p[0], p[1], p[2], WHITE);
      const tiles: PlainTile[] = [...v.tiles()].map(([x, y, z, voxels]) => ({
        origin: [x, y, z],
        voxels,
      }));
      const s = buildRayScene(tiles);
      const [ox, oy, oz] = s.origin;
      assert.equal(occlusionMask(s, -ox, -oy, -oz, 3), mask);
    });
  }
});

Deno.test("occlusionAt darkens towards occluding edges and corners", async (t) => {
  const cases: [string, number, number, number, number][] = [
    ["no occluder", 0, 0, 0, 1],
    ["at an occluding edge (texel 1/16)", 1, 0, 0.5, 0.25],
    ["centre with an occluding edge", 1, 0.5, 0.5, Math.sqrt(0.5)],
    ["far side of an occluding edge", 1, 1, 0.5, Math.sqrt(15 / 16)],
    ["at an occluding corner", 16, 0, 0, Math.sqrt(Math.SQRT2 / 16)],
  ];
  for (const [name, mask, u, v, want] of cases) {
    await t.step(name, () => near([occlusionAt(mask, u, v)], [want], 1e-9));
  }
});

Deno.test("Shader lights faces turned to the light brighter than faces turned away", () => {
  const light = defaultLight();
  const shader = new Shader(light, lightDirection(light, newCamera("c").mat));
  const top = new Float64Array(3), side = new Float64Array(3);
  shader.light(WHITE, 3, 0, -1, 1, top);
  shader.light(WHITE, 0, 0, -1, 1, side);
  assert.ok(top[0] > side[0] * 2);
  // Faces away from the light only get ambient: 0.3 × base.
  near([side[0]], [0.3], 1e-9);
  assert.ok(shader.faceNdotL(3) > 0.9 && shader.faceNdotL(0) < 0);
});

Deno.test("Shader.finish darkens shadowed and occluded samples and encodes sRGB", () => {
  const light = defaultLight();
  const shader = new Shader(light, lightDirection(light, newCamera("c").mat));
  const lit = new Float64Array([0.5, 0.5, 0.5]), out = new Uint8Array(3);
  shader.finish(lit, 0, 1, 1, out);
  const full = out[0];
  assert.equal(full, toSrgb8(0.5));
  shader.finish(lit, 0, 0.2, 1, out);
  assert.equal(out[0], toSrgb8(0.5 * 0.76));
  shader.finish(lit, 0, 1, 0, out);
  assert.equal(out[0], toSrgb8(0.5 * 0.6));
});

Deno.test("toSrgb8 follows the sRGB curve and clamps", () => {
  assert.deepEqual([toSrgb8(-1), toSrgb8(0), toSrgb8(1), toSrgb8(5)], [0, 0, 255, 255]);
  assert.equal(toSrgb8(0.214041), 128);
  assert.equal(toSrgb8(0.002), 7);
});
