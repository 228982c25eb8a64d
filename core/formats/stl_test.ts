import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { type Image, newImage } from "../image.ts";
import { encodeStl, STL_CODEC, stlSize } from "./stl.ts";

function imageOf(n: number): Image {
  const image = newImage();
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) image.layers[0].volume.set(x, y, z, packRgba(9, 9, 9));
    }
  }
  return image;
}

Deno.test("encodeStl() writes 84 + 50·n bytes for n triangles", async (t) => {
  for (
    const [n, greedy, triangles] of [[1, false, 12], [3, false, 108], [3, true, 12], [
      0,
      false,
      0,
    ]] as const
  ) {
    await t.step(`${n}³ cube${greedy ? ", greedy" : ""}`, () => {
      const data = encodeStl(imageOf(n), { greedy })[0].data;
      const view = new DataView(data.buffer, data.byteOffset);
      assert.equal(view.getUint32(80, true), triangles);
      assert.equal(data.length, stlSize(triangles));
    });
  }
});

Deno.test("encodeStl() facet normals agree with counter-clockwise vertices and point outward", async (t) => {
  for (const yUp of [false, true]) {
    await t.step(yUp ? "Y up" : "Z up", () => {
      const data = encodeStl(imageOf(2), { yUp })[0].data;
      const view = new DataView(data.buffer, data.byteOffset);
      const centre = yUp ? [1, 1, -1] : [1, 1, 1];
      for (let o = 84; o < data.length; o += 50) {
        const f = (i: number) => view.getFloat32(o + i * 4, true);
        const n = [f(0), f(1), f(2)];
        const [a, b, c] = [3, 6, 9].map((i) => [f(i), f(i + 1), f(i + 2)]);
        const e1 = b.map((x, k) => x - a[k]), e2 = c.map((x, k) => x - a[k]);
        const cr = [
          e1[1] * e2[2] - e1[2] * e2[1],
          e1[2] * e2[0] - e1[0] * e2[2],
          e1[0] * e2[1] - e1[1] * e2[0],
        ];
        assert.ok(cr[0] * n[0] + cr[1] * n[1] + cr[2] * n[2] > 0);
        const out = a.map((x, k) => x - centre[k]);
        assert.ok(out[0] * n[0] + out[1] * n[1] + out[2] * n[2] > 0);
        assert.equal(view.getUint16(o + 48, true), 0);
      }
    });
  }
});

Deno.test("encodeStl() header does not start with 'solid'", () => {
  const data = encodeStl(imageOf(1))[0].data;
  assert.notEqual(new TextDecoder().decode(data.subarray(0, 5)), "solid");
  assert.equal(STL_CODEC.name, "stl");
});
