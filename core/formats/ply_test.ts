import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { type Image, newImage } from "../image.ts";
import { encodePly, PLY_CODEC } from "./ply.ts";

function imageOf(voxels: [number, number, number, number][]): Image {
  const image = newImage();
  for (const [x, y, z, c] of voxels) image.layers[0].volume.set(x, y, z, c);
  return image;
}

/** Parses an ASCII PLY: header counts and the body lines that follow. */
function parsePly(text: string) {
  const [head, body] = text.split("end_header\n");
  const count = (name: string) => Number(new RegExp(`element ${name} (\\d+)`).exec(head)![1]);
  const lines = body.split("\n").filter((l) => l !== "");
  const nv = count("vertex");
  return {
    head,
    vertices: lines.slice(0, nv).map((l) => l.split(" ").map(Number)),
    faces: lines.slice(nv).map((l) => l.split(" ").map(Number)),
    declaredFaces: count("face"),
  };
}

Deno.test("encodePly() header counts match the body", async (t) => {
  const cases: [string, [number, number, number, number][], boolean, number][] = [
    ["single voxel", [[0, 0, 0, packRgba(255, 0, 0)]], false, 6],
    ["two colours", [[0, 0, 0, packRgba(255, 0, 0)], [0, 1, 0, packRgba(0, 9, 0)]], false, 10],
    ["slab, greedy", [[0, 0, 0, 0xffffffff], [1, 0, 0, 0xffffffff]], true, 6],
  ];
  for (const [name, voxels, greedy, faces] of cases) {
    await t.step(name, () => {
      const ply = parsePly(
        new TextDecoder().decode(encodePly(imageOf(voxels), { greedy })[0].data),
      );
      assert.equal(ply.declaredFaces, faces);
      assert.equal(ply.faces.length, faces);
      for (const v of ply.vertices) {
        assert.equal(v.length, 6);
        assert.ok(v.slice(3).every((c) => c >= 0 && c <= 1));
      }
      for (const f of ply.faces) {
        assert.equal(f[0], 4);
        assert.ok(f.slice(1).every((i) => i >= 0 && i < ply.vertices.length));
      }
    });
  }
});

Deno.test("encodePly() writes Goxel's header", () => {
  const text = new TextDecoder().decode(
    encodePly(imageOf([[0, 0, 0, packRgba(0, 0, 255)]]))[0].data,
  );
  assert.ok(text.startsWith(
    "ply\nformat ascii 1.0\ncomment Generated from Goxel 0.15.2\nelement vertex 8\n" +
      "property float x\nproperty float y\nproperty float z\nproperty float red\n" +
      "property float green\nproperty float blue\nelement face 6\n" +
      "property list uchar int vertex_indices\nend_header\n0 0 0 0.000000 0.000000 1.000000\n",
  ));
  assert.equal(PLY_CODEC.name, "ply");
});
