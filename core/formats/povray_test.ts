import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { newImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { encodePovray, POVRAY_CODEC } from "./povray.ts";

function sample() {
  const image = newImage();
  image.layers[0].volume.set(1, 2, 3, packRgba(10, 20, 30));
  image.layers[0].volume.set(-4, 0, 0, packRgba(1, 2, 3, 127));
  image.layers[0].volume.set(9, 9, 9, packRgba(5, 5, 5, 126));
  const hidden = newLayer(3, "hidden");
  hidden.visible = false;
  hidden.volume.set(50, 50, 50, packRgba(255, 255, 255));
  image.layers.push(hidden);
  return image;
}

Deno.test("encodePovray() writes one Vox per solid visible voxel", () => {
  const text = new TextDecoder().decode(encodePovray(sample())[0].data);
  const voxels = text.split("\n").filter((l) => l.trimStart().startsWith("Vox("));
  assert.deepEqual(voxels.map((l) => l.trim()).sort(), [
    "Vox(<-4, 0, 0>, <1, 2, 3>)",
    "Vox(<1, 2, 3>, <10, 20, 30>)",
  ]);
  assert.ok(text.startsWith("// Generated from goxel 0.15.2\n"));
  assert.ok(text.trimEnd().endsWith("}"));
});

Deno.test("encodePovray() places the camera with the inverted view matrix", () => {
  const image = sample();
  const text = new TextDecoder().decode(encodePovray(image, { width: 800, height: 400 })[0].data);
  assert.match(text, /right x\*800\/400/);
  assert.match(text, /angle 40\.0/);
  const m = /matrix <([^>]*)>/.exec(text)![1].split(", ").map(Number);
  assert.equal(m.length, 12);
  // The view matrix maps the camera position to the origin.
  const cam = image.activeCamera!.mat, p = [cam[12], cam[13], cam[14]];
  const mapped = [0, 1, 2].map((r) => p[0] * m[r] + p[1] * m[3 + r] + p[2] * m[6 + r] + m[9 + r]);
  mapped.forEach((v) => assert.ok(Math.abs(v) < 1e-3, `${v}`));
  assert.match(text, /ambient_light rgb<1, 1, 1> \* 0\.30/);
  assert.deepEqual(POVRAY_CODEC.extensions, [".pov", ".povray"]);
});
