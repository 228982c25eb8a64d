import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { type Image, newImage } from "../image.ts";
import { codecForPath, findCodec } from "./mod.ts";
import { decodePng } from "./png.ts";
import { encodeRenderedPng, PNG_RENDER_CODEC } from "./png_render.ts";
import { decodeVox } from "./vox.ts";
import { FIXTURES } from "../../tests/fixtures_testing.ts";

const MONU9 = new URL("ephtracy/monu9.vox", FIXTURES);
const HAVE_MONU9 = (() => {
  try {
    return Deno.statSync(MONU9).isFile;
  } catch {
    return false;
  }
})();
if (!HAVE_MONU9) console.warn(`png_render_test: ${MONU9.pathname} not found, skipping`);

function oneVoxel(): Image {
  const image = newImage();
  image.layers[0].volume.set(0, 0, 0, packRgba(0, 0, 255));
  return image;
}

Deno.test("the png codec is registered for .png export only", () => {
  assert.equal(findCodec("png", "encode"), PNG_RENDER_CODEC);
  assert.equal(codecForPath("shot.PNG", "encode"), PNG_RENDER_CODEC);
  assert.equal(PNG_RENDER_CODEC.decode, undefined);
});

Deno.test("png encode renders at the requested size", async (t) => {
  const cases: [string, { width?: number; height?: number }, number, number][] = [
    ["default size", {}, 512, 512],
    ["width and height", { width: 40, height: 30 }, 40, 30],
    ["width only is square", { width: 24 }, 24, 24],
  ];
  for (const [name, size, w, h] of cases) {
    await t.step(name, () => {
      const files = PNG_RENDER_CODEC.encode!(oneVoxel(), size);
      assert.equal(files.length, 1);
      assert.equal(files[0].suffix, "");
      const png = decodePng(files[0].data);
      assert.deepEqual([png.width, png.height], [w, h]);
    });
  }
});

Deno.test("png encode keeps a transparent background and draws the voxel", () => {
  const png = decodePng(
    encodeRenderedPng(oneVoxel(), { width: 32, height: 32, background: 0, camera: "top" }),
  );
  assert.equal(png.rgba[3], 0);
  const mid = (16 * 32 + 16) * 4;
  assert.equal(png.rgba[mid + 3], 255);
  assert.ok(png.rgba[mid + 2] > png.rgba[mid], "the voxel is blue");
});

Deno.test("png encode rejects sizes outside 1..4096 and unknown presets", async (t) => {
  const bad: [string, object][] = [
    ["width 0", { width: 0, height: 10 }],
    ["height 5000", { width: 10, height: 5000 }],
    ["fractional", { width: 10.5 }],
    ["unknown camera", { width: 10, camera: "upside" }],
  ];
  for (const [name, options] of bad) {
    await t.step(name, () => {
      assert.throws(() => PNG_RENDER_CODEC.encode!(oneVoxel(), options), InvalidInputError);
    });
  }
});

Deno.test({
  name: "png encode renders monu9.vox with most of the frame covered",
  ignore: !HAVE_MONU9,
  fn() {
    const image = decodeVox(Deno.readFileSync(MONU9));
    const png = decodePng(
      encodeRenderedPng(image, { width: 64, height: 64, background: 0, camera: "isometric" }),
    );
    let covered = 0;
    const colours = new Set<number>();
    for (let i = 0; i < png.rgba.length; i += 4) {
      if (png.rgba[i + 3] !== 255) continue;
      covered++;
      colours.add(png.rgba[i] << 16 | png.rgba[i + 1] << 8 | png.rgba[i + 2]);
    }
    // The whole bounding box is framed with a margin; the model itself covers about a quarter.
    assert.ok(covered > 64 * 64 / 5, `covered ${covered}`);
    assert.ok(colours.size > 50, `${colours.size} colours`);
  },
});
