/**
 * Benchmarks the CPU renderer at 512×512: monu9.vox (97×97×79, 32 832 voxels) when the fixture
 * is present, and a procedural scene of the same size that always exists.
 */
import { packRgba } from "../core/color.ts";
import { decodeVox } from "../core/formats/vox.ts";
import { type Image, newImage } from "../core/image.ts";
import { renderImage } from "../core/render/render.ts";
import type { Volume } from "../core/volume.ts";
import { FIXTURES } from "../tests/fixtures_testing.ts";

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

const scenes: [string, Image][] = [["procedural 97×97×79", proceduralScene()]];
try {
  scenes.unshift(["monu9.vox", decodeVox(Deno.readFileSync(MONU9))]);
} catch {
  console.warn(`render_bench: ${MONU9.pathname} not found, benchmarking the procedural scene only`);
}

for (const [name, image] of scenes) {
  const voxels = image.layers.reduce((n, l) => n + l.volume.count(127), 0);
  for (const camera of [undefined, "isometric"]) {
    for (const supersample of [true, false]) {
      const view = camera ?? "image camera";
      Deno.bench({
        name: `render ${name} (${voxels} voxels) 512², ${view}, ${
          supersample ? "2×2 SS" : "no SS"
        }`,
        n: 5,
        warmup: 1,
        fn: () => {
          renderImage(image, { width: 512, height: 512, camera, supersample });
        },
      });
    }
  }
}
