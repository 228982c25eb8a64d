import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { type Image, newImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { encodeObj, OBJ_CODEC } from "./obj.ts";

const RED = packRgba(255, 0, 0), BLUE = packRgba(0, 0, 255);

/** Returns a new image whose first layer holds the given voxels. */
function imageOf(voxels: [number, number, number, number][]): Image {
  const image = newImage();
  for (const [x, y, z, c] of voxels) image.layers[0].volume.set(x, y, z, c);
  return image;
}

/** Returns the voxels of a filled cube of side `n`. */
function cube(n: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) out.push([x, y, z, RED]);
  }
  return out;
}

interface ParsedObj {
  vertices: number[][];
  colors: number[][];
  normals: number[][];
  faces: { v: number[]; vn: number[]; material: string }[];
  mtllib: string | null;
}

/** A tiny OBJ parser: v (with colours), vn, f v//vn, usemtl, mtllib. */
function parseObj(text: string): ParsedObj {
  const out: ParsedObj = { vertices: [], colors: [], normals: [], faces: [], mtllib: null };
  let material = "";
  for (const line of text.split("\n")) {
    const [tag, ...args] = line.split(" ");
    if (tag === "v") {
      out.vertices.push(args.slice(0, 3).map(Number));
      out.colors.push(args.slice(3).map(Number));
    } else if (tag === "vn") out.normals.push(args.map(Number));
    else if (tag === "usemtl") material = args[0];
    else if (tag === "mtllib") out.mtllib = args[0];
    else if (tag === "f") {
      const refs = args.map((a) => a.split("//").map(Number));
      out.faces.push({ v: refs.map((r) => r[0]), vn: refs.map((r) => r[1]), material });
    }
  }
  return out;
}

/** Encodes and parses. */
function exportObj(image: Image, greedy = false): [ParsedObj, string] {
  const files = encodeObj(image, { greedy, baseName: "model" });
  const dec = new TextDecoder();
  return [parseObj(dec.decode(files[0].data)), dec.decode(files[1].data)];
}

Deno.test("encodeObj() writes one quad per exposed face", async (t) => {
  const cases: [string, [number, number, number, number][], boolean, number, number][] = [
    ["single voxel", [[0, 0, 0, RED]], false, 6, 8],
    ["two adjacent voxels", [[0, 0, 0, RED], [1, 0, 0, RED]], false, 10, 12],
    ["3×3×3 cube", cube(3), false, 54, 56],
    ["3×3×3 cube, greedy", cube(3), true, 6, 8],
    ["empty image", [], false, 0, 0],
  ];
  for (const [name, voxels, greedy, faces, vertices] of cases) {
    await t.step(name, () => {
      const [obj] = exportObj(imageOf(voxels), greedy);
      assert.equal(obj.faces.length, faces);
      assert.equal(obj.vertices.length, vertices);
      for (const f of obj.faces) {
        assert.equal(f.v.length, 4);
        assert.ok(f.v.every((i) => i >= 1 && i <= obj.vertices.length));
        assert.ok(f.vn.every((i) => i >= 1 && i <= obj.normals.length));
      }
    });
  }
});

Deno.test("encodeObj() converts to Y up with outward normals and counter-clockwise quads", () => {
  const [obj] = exportObj(imageOf([[2, 3, 4, RED], [2, 3, 5, RED]]));
  const ys = obj.vertices.map((v) => v[1]), zs = obj.vertices.map((v) => v[2]);
  assert.deepEqual([Math.min(...ys), Math.max(...ys)], [4, 6]); // voxel z → Y
  assert.deepEqual([Math.min(...zs), Math.max(...zs)], [-4, -3]); // voxel y → −Z
  const centre = [2.5, 5, -3.5];
  for (const f of obj.faces) {
    const [a, b, c] = f.v.map((i) => obj.vertices[i - 1]);
    const e1 = b.map((x, k) => x - a[k]), e2 = c.map((x, k) => x - a[k]);
    const n = [
      e1[1] * e2[2] - e1[2] * e2[1],
      e1[2] * e2[0] - e1[0] * e2[2],
      e1[0] * e2[1] - e1[1] * e2[0],
    ];
    const vn = obj.normals[f.vn[0] - 1];
    assert.ok(n[0] * vn[0] + n[1] * vn[1] + n[2] * vn[2] > 0, "winding agrees with vn");
    const out = a.map((x, k) => x - centre[k]);
    assert.ok(out[0] * vn[0] + out[1] * vn[1] + out[2] * vn[2] > 0, "normal points outward");
  }
});

Deno.test("encodeObj() writes Goxel's header and %f vertex colours", () => {
  const text = new TextDecoder().decode(
    encodeObj(imageOf([[0, 0, 0, packRgba(255, 128, 0)]]))[0].data,
  );
  const lines = text.split("\n");
  assert.equal(lines[0], "# Goxel 0.15.2");
  assert.equal(lines[1], "mtllib untitled.mtl");
  assert.equal(lines[2], "v 0 0 0 1.000000 0.501961 0.000000");
  assert.ok(lines.includes("vn 0 0 1"));
  assert.ok(lines.includes("f 1//1 2//1 3//1 4//1"));
});

Deno.test("encodeObj() switches materials by colour and lists them in the .mtl sidecar", () => {
  const [obj, mtl] = exportObj(imageOf([[0, 0, 0, RED], [5, 0, 0, BLUE]]));
  assert.equal(obj.mtllib, "model.mtl");
  assert.deepEqual([...new Set(obj.faces.map((f) => f.material))], ["c_ff0000", "c_0000ff"]);
  assert.match(mtl, /newmtl c_ff0000\n[^]*Kd 1\.000000 0\.000000 0\.000000/);
  assert.match(mtl, /newmtl c_0000ff\n[^]*Kd 0\.000000 0\.000000 1\.000000/);
});

Deno.test("encodeObj() exports only visible layers, merged", () => {
  const image = imageOf([[0, 0, 0, RED]]);
  const hidden = newLayer(9, "hidden");
  hidden.visible = false;
  hidden.volume.set(10, 0, 0, BLUE);
  const touching = newLayer(10, "touching");
  touching.volume.set(1, 0, 0, RED);
  image.layers.push(hidden, touching);
  const [obj] = exportObj(image);
  assert.equal(obj.faces.length, 10);
});

Deno.test("OBJ_CODEC registers the obj name and extension", () => {
  assert.equal(OBJ_CODEC.name, "obj");
  assert.deepEqual(OBJ_CODEC.extensions, [".obj"]);
  assert.equal(OBJ_CODEC.encode!(imageOf([[0, 0, 0, RED]]), {})[1].suffix, ".mtl");
});
