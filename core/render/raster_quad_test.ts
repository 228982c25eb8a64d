import assert from "node:assert/strict";
import { DepthBand, depthPlane } from "./raster_quad.ts";

const f64 = (...v: number[]) => Float64Array.from(v);

Deno.test("DepthBand.drawQuad covers a grid of touching quads with no cracks and no spill", () => {
  const band = new DepthBand(40, 0, 40, true);
  // A 5×5 grid of skewed quads sharing every edge, covering (4, 4)–(36, 36) sheared.
  const corner = (i: number, j: number): [number, number] => [4 + i * 6.4 + j * 0.37, 4 + j * 6.4];
  let id = 0;
  for (let j = 0; j < 5; j++) {
    for (let i = 0; i < 5; i++) {
      const c = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)];
      band.drawQuad(f64(...c.map((p) => p[0])), f64(...c.map((p) => p[1])), 0, 0, 1, id++);
    }
  }
  for (let y = 0; y < 40; y++) {
    for (let x = 0; x < 40; x++) {
      const px = x + 0.5, py = y + 0.5;
      const inside = py > 4 && py < 36 && px > 4 + (py - 4) * 0.37 / 6.4 &&
        px < 36 + (py - 4) * 0.37 / 6.4;
      const onEdge = Math.abs(py - 4) < 1e-9 || Math.abs(py - 36) < 1e-9;
      if (!onEdge) assert.equal(band.ids![y * 40 + x] >= 0, inside, `sample ${x},${y}`);
    }
  }
});

Deno.test("DepthBand keeps the nearest quad whatever the drawing order", async (t) => {
  const xs = f64(2, 10, 10, 2), ys = f64(2, 2, 10, 10);
  for (const order of [[0, 1], [1, 0]]) {
    await t.step(`order ${order}`, () => {
      const band = new DepthBand(12, 0, 12, true);
      for (const id of order) band.drawQuad(xs, ys, 0, 0, id === 1 ? 5 : 3, id);
      assert.equal(band.ids![6 * 12 + 6], 1);
      assert.equal(band.depth[6 * 12 + 6], 5);
    });
  }
});

Deno.test("DepthBand draws only its own rows and moveTo clears it", () => {
  const band = new DepthBand(8, 4, 6, true);
  band.drawQuad(f64(0, 8, 8, 0), f64(0, 0, 8, 8), 0, 0, 1, 7);
  assert.ok(band.ids!.every((v) => v === 7));
  band.moveTo(6, 8);
  assert.ok(band.ids!.every((v) => v === -1));
  assert.throws(() => band.moveTo(0, 3), RangeError);
});

Deno.test("depthPlane interpolates q through three points and rejects collinear ones", () => {
  const [a, b, c] = depthPlane([0, 4, 0], [0, 0, 2], [1, 9, 5])!;
  assert.deepEqual([a, b, c], [2, 2, 1]);
  assert.equal(depthPlane([0, 1, 2], [0, 1, 2], [0, 0, 0]), null);
});
