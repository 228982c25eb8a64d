import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { defaultLight, newImage } from "../image.ts";
import { Volume } from "../volume.ts";
import { renderImage, type RenderResult } from "./render.ts";
import { renderLight, STUDIO_LIGHT } from "./render_light.ts";

const BLUE = packRgba(0x33, 0x66, 0xff);

function pixel(r: RenderResult, x: number, y: number): number[] {
  const o = (y * r.width + x) * 4;
  return [...r.rgba.subarray(o, o + 3)];
}

function imageOf(fill: (v: Volume) => void) {
  const image = newImage();
  fill(image.layers[0].volume);
  return image;
}

function box(v: Volume, min: number[], max: number[], color: number): void {
  for (let z = min[2]; z < max[2]; z++) {
    for (let y = min[1]; y < max[1]; y++) {
      for (let x = min[0]; x < max[0]; x++) v.set(x, y, z, color);
    }
  }
}

Deno.test("renderLight() swaps Goxel's default light for the studio light, keeps custom ones", () => {
  assert.deepEqual(renderLight(defaultLight()), { ...STUDIO_LIGHT });
  const custom = { ...defaultLight(), intensity: 1.5 };
  assert.equal(renderLight(custom), custom);
});

Deno.test("faces turned to the camera render close to their own colour from every side", async (t) => {
  const image = imageOf((v) => box(v, [-4, -4, 0], [4, 4, 8], BLUE));
  for (const camera of ["front", "back", "left", "right", "top", "bottom"]) {
    for (const quality of ["raster", "path"] as const) {
      await t.step(`${camera} ${quality}`, () => {
        const r = renderImage(image, { width: 32, height: 32, camera, quality });
        const [red, green, blue] = pixel(r, 16, 16);
        // #3366ff is (51, 102, 255); Goxel's default light made it (23, 52, 138).
        assert.ok(Math.abs(red - 51) < 25 && Math.abs(green - 102) < 25, `${[red, green, blue]}`);
        assert.ok(blue > 225, `${[red, green, blue]}`);
      });
    }
  }
});

Deno.test("the isometric view shades the three visible face directions differently", () => {
  const image = imageOf((v) => box(v, [-8, -8, 0], [8, 8, 16], packRgba(200, 200, 200)));
  const r = renderImage(image, { width: 64, height: 64, camera: "isometric" });
  // Top face above the centre, the two side faces below-left and below-right of it.
  const top = pixel(r, 32, 16)[0], left = pixel(r, 22, 40)[0], right = pixel(r, 42, 40)[0];
  const values = [top, left, right].sort((a, b) => a - b);
  assert.ok(values[1] - values[0] > 12 && values[2] - values[1] > 12, `${[top, left, right]}`);
  assert.ok(values[2] > 170, `the brightest face is close to the true grey: ${values}`);
});

Deno.test("ambient occlusion darkens the floor where a wall stands on it", async (t) => {
  for (const quality of ["raster", "path"] as const) {
    await t.step(quality, () => {
      const shot = (wall: boolean) => {
        const image = imageOf((v) => {
          box(v, [-10, -10, 0], [10, 10, 1], packRgba(200, 200, 200));
          // Without the wall one voxel keeps the same box, so both pictures frame alike.
          if (wall) box(v, [-10, 9, 1], [10, 10, 10], packRgba(200, 200, 200));
          else v.set(-10, 9, 9, packRgba(200, 200, 200));
        });
        image.light = { ...STUDIO_LIGHT, shadow: 0 };
        // Orthographic, so the wall's sides are edge-on and only the floor's shading differs.
        image.activeCamera!.ortho = true;
        return renderImage(image, { width: 64, height: 64, camera: "top", quality });
      };
      const bare = shot(false), walled = shot(true);
      let darkest = 0;
      for (let y = 0; y < 64; y++) {
        const a = pixel(bare, 32, y)[0], b = pixel(walled, 32, y)[0];
        // Floor in both pictures (not the wall's top or inner face) and darker beside the wall.
        if (a > 190 && b > 150) darkest = Math.max(darkest, a - b);
      }
      assert.ok(darkest >= 8, `the floor beside the wall is only ${darkest} darker`);
      assert.deepEqual(pixel(walled, 32, 50), pixel(bare, 32, 50));
    });
  }
});
