import assert from "node:assert/strict";
import { copyImage, newImage } from "../image.ts";
import { scale, translation } from "../mat4.ts";
import { addShapeLayer, renameLayer, updateImage } from "../ops/layers.ts";
import { applyDelta, diffImage } from "./image_delta.ts";
import { fromJsonSafe, toJsonSafe } from "./image_meta.ts";

Deno.test("toJsonSafe() keeps numbers JSON text would change, through JSON", async (t) => {
  const cases: [string, number][] = [
    ["negative zero", -0],
    ["positive zero", 0],
    ["infinity", Infinity],
    ["minus infinity", -Infinity],
    ["NaN", NaN],
    ["an ordinary number", -0.34815531969070435],
  ];
  for (const [name, n] of cases) {
    await t.step(name, () => {
      const back = fromJsonSafe(JSON.parse(JSON.stringify(toJsonSafe(n))));
      assert.ok(Object.is(back, n), `${name}: ${back}`);
    });
  }
});

Deno.test("toJsonSafe() keeps a camera matrix's −0 (saved files compare byte for byte)", () => {
  const mat = Float64Array.of(
    0.7,
    0.7,
    -0,
    0,
    -0.3,
    0.3,
    0.8,
    0,
    0.6,
    -0.6,
    0.4,
    0,
    40,
    -40,
    40,
    1,
  );
  const back = fromJsonSafe(JSON.parse(JSON.stringify(toJsonSafe({ mat })))) as {
    mat: Float64Array;
  };
  assert.ok(back.mat instanceof Float64Array);
  assert.deepEqual(
    [...back.mat].map((v) => Object.is(v, -0)),
    [...mat].map((v) => Object.is(v, -0)),
  );
  assert.deepEqual(new Uint8Array(back.mat.buffer), new Uint8Array(mat.buffer));
});

Deno.test("applyDelta() keeps a shape layer up to date: a redo of a rename does not redraw it", () => {
  const image = newImage();
  addShapeLayer(image, "sphere", 0xff8080ff, scale(translation(0, 0, 8), 4, 4, 4));
  const before = copyImage(image);
  const shape = image.layers.at(-1)!;
  renameLayer(image, shape, "ball");
  const redone = applyDelta(before, diffImage(before, image));
  const volume = redone.layers.at(-1)!.volume;
  assert.equal(updateImage(redone), false, "nothing to redraw");
  assert.equal(redone.layers.at(-1)!.volume, volume, "the same volume (the project stays clean)");
  assert.equal(redone.layers.at(-1)!.name, "ball");
});
