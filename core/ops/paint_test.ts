import assert from "node:assert/strict";
import { BlendMode, combine } from "../blend.ts";
import { boxFromAabb, boxHalfSize } from "../box.ts";
import { packRgba } from "../color.ts";
import { invert, type Mat4, multiply, rotation, scaling, translation, type Vec3 } from "../mat4.ts";
import { Volume } from "../volume.ts";
import { boxFromCorners, defaultPainter, paint, type Painter } from "./paint.ts";
import { shapeDistance } from "./shape.ts";

const RED = packRgba(255, 0, 0, 255);

function voxels(v: Volume): string[] {
  const out: string[] = [];
  v.forEachVoxel((x, y, z, c) => out.push(`${x},${y},${z}:${c.toString(16)}`));
  return out.sort();
}

/** Naive per-voxel volume_op over Goxel's box-iterator domain (no symmetry, no intersect). */
function referencePaint(volume: Volume, p: Painter, box: Mat4): void {
  const size = boxHalfSize(box);
  const m = invert(multiply(box, scaling(1 / size[0], 1 / size[1], 1 / size[2])))!;
  const lo: number[] = [], hi: number[] = [];
  for (let i = 0; i < 3; i++) {
    const ext = Math.abs(box[i]) + Math.abs(box[4 + i]) + Math.abs(box[8 + i]);
    lo.push(Math.floor(box[12 + i] - ext) & ~15);
    hi.push((Math.ceil(box[12 + i] + ext) & ~15) + 15);
  }
  const skipSrc = p.mode === BlendMode.SUB || p.mode === BlendMode.SUB_CLAMP;
  const clip = p.clipBox ? invert(p.clipBox) : null;
  for (let z = lo[2]; z <= hi[2]; z++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let x = lo[0]; x <= hi[0]; x++) {
        const c: Vec3 = [x + 0.5, y + 0.5, z + 0.5];
        if (clip) {
          const q = [0, 1, 2].map((i) =>
            clip[i] * c[0] + clip[4 + i] * c[1] + clip[8 + i] * c[2] + clip[12 + i]
          );
          if (q.some((v) => !(v >= -1 && v < 1))) continue;
        }
        const lp = [0, 1, 2].map((i) =>
          m[i] * c[0] + m[4 + i] * c[1] + m[8 + i] * c[2] + m[12 + i]
        ) as Vec3;
        const k = shapeDistance(p.shape, lp, size, p.smoothness);
        const v = p.smoothness
          ? Math.fround(
            Math.fround(Math.min(1, Math.max(-1, Math.fround(k / p.smoothness))) / 2) + 0.5,
          )
          : (k >= 0 ? 1 : 0);
        const a = Math.trunc(Math.fround((p.color >>> 24) * v));
        if (skipSrc && a === 0) continue;
        // MAX and REPLACE stay inside the shape (Goxel's rewrite the rest of the tiles too).
        if ((p.mode === BlendMode.MAX || p.mode === BlendMode.REPLACE) && v === 0) continue;
        const cur = volume.get(x, y, z);
        if (skipSrc && (cur >>> 24) === 0) continue;
        const nv = combine(cur, ((p.color & 0xffffff) | a << 24) >>> 0, p.mode);
        if (nv !== cur) volume.set(x, y, z, nv);
      }
    }
  }
}

function seeded(): Volume {
  const v = new Volume();
  for (let i = 0; i < 400; i++) {
    const x = (i * 7919) % 41 - 20, y = (i * 104729) % 37 - 18, z = (i * 1299709) % 29 - 14;
    v.set(x, y, z, packRgba(i & 255, 200, 50, 60 + (i % 190)));
  }
  return v;
}

Deno.test("paint() matches a naive per-voxel volume_op", async (t) => {
  const rotated = multiply(
    multiply(translation(1.3, -2.2, 0.7), rotation(0.6, 0.48, 0.6, 0.64)),
    scaling(9.5, 5, 7.25),
  );
  const boxes: [string, Mat4][] = [
    ["aligned", boxFromAabb({ min: [-9, -5, -3], max: [12, 7, 10] })],
    ["fractional", boxFromAabb({ min: [-9.3, -5.6, -3.2], max: [12.1, 7.7, 10.5] })],
    ["rotated", rotated],
  ];
  const painters: [string, Partial<Painter>][] = [
    ["cube over", {}],
    ["sphere over translucent", { shape: "sphere", color: packRgba(10, 20, 30, 128) }],
    ["cylinder smooth", { shape: "cylinder", smoothness: 1.5, color: RED }],
    ["cube smooth", { smoothness: 2, color: RED }],
    ["sphere sub", { shape: "sphere", mode: BlendMode.SUB, color: packRgba(0, 0, 0, 100) }],
    ["cube sub_clamp", { mode: BlendMode.SUB_CLAMP }],
    ["sphere paint", { shape: "sphere", mode: BlendMode.PAINT, color: packRgba(0, 0, 255, 90) }],
    ["cube max", { mode: BlendMode.MAX, color: packRgba(1, 2, 3, 77) }],
    ["sphere replace", { shape: "sphere", mode: BlendMode.REPLACE, color: packRgba(9, 8, 7, 200) }],
    ["cube replace transparent", { mode: BlendMode.REPLACE, color: packRgba(9, 8, 7, 0) }],
    ["sphere smooth max", { shape: "sphere", smoothness: 2, mode: BlendMode.MAX, color: RED }],
    ["clipped sphere", {
      shape: "sphere",
      clipBox: boxFromAabb({ min: [-3, -40, -2], max: [40, 2, 40] }),
    }],
  ];
  for (const [bn, box] of boxes) {
    for (const [pn, over] of painters) {
      await t.step(`${pn} in ${bn} box`, () => {
        const p = { ...defaultPainter(), ...over };
        const a = seeded(), b = seeded();
        paint(a, p, box);
        referencePaint(b, p, box);
        assert.deepEqual(voxels(a), voxels(b));
        assert.equal(a.crc32(), b.crc32());
      });
    }
  }
});

Deno.test("paint() covers exactly the expected voxels", async (t) => {
  const cases: [string, Partial<Painter>, Mat4, number][] = [
    ["cube of half-extent 1 on a voxel centre covers 2 per axis", {}, box1(0.5, 1), 8],
    ["cube of half-extent 0.5 on a voxel centre covers 1 voxel", {}, box1(0.5, 0.5), 1],
    ["boxFromCorners is inclusive", {}, boxFromCorners([-3, 2, 5], [4, -1, 5]), 8 * 4 * 1],
    ["sphere of radius 10 has the lattice count", { shape: "sphere" }, box1(0, 10), 4224],
    ["cylinder r 4 height 6", { shape: "cylinder" }, box1(0, 4, 3), 6 * 52],
  ];
  for (const [name, over, box, count] of cases) {
    await t.step(name, () => {
      const v = new Volume();
      paint(v, { ...defaultPainter(), ...over }, box);
      assert.equal(v.count(), count);
    });
  }
  await t.step("half-extent 1 keeps the low and the centre voxel", () => {
    const v = new Volume();
    paint(v, defaultPainter(), box1(0.5, 1));
    assert.deepEqual(v.bbox(), { min: [-1, -1, -1], max: [1, 1, 1] });
  });
});

function box1(c: number, r: number, rz = r): Mat4 {
  const m = scaling(r, r, rz);
  m[12] = m[13] = m[14] = c;
  return m;
}

function latticeSphereCount(r: number): number {
  let n = 0;
  for (let x = -r; x < r; x++) {
    for (let y = -r; y < r; y++) {
      for (let z = -r; z < r; z++) {
        if ((x + 0.5) ** 2 + (y + 0.5) ** 2 + (z + 0.5) ** 2 <= r * r) n++;
      }
    }
  }
  return n;
}

Deno.test("the sphere count agrees with a direct lattice count", () => {
  assert.equal(latticeSphereCount(10), 4224);
});

Deno.test("paint() with symmetry draws mirrored copies", async (t) => {
  const box = boxFromCorners([2, 3, 20], [3, 4, 21]);
  const cases: [number, number][] = [[0, 8], [1, 16], [3, 32], [7, 64]];
  for (const [sym, count] of cases) {
    await t.step(`symmetry ${sym} gives ${count} voxels`, () => {
      const v = new Volume();
      paint(v, { ...defaultPainter(), symmetry: sym }, box);
      assert.equal(v.count(), count);
      if (sym & 1) assert.equal(v.get(-4, 3, 20) >>> 24, 255); // x' = −x − 1 about origin 0
      if (sym & 4) assert.equal(v.get(2, 3, 11) >>> 24, 255); // z' = 32 − z − 1 about 16
    });
  }
});

Deno.test("paint() in SUB mode removes voxels and creates no tiles", () => {
  const v = new Volume();
  paint(v, defaultPainter(), boxFromCorners([0, 0, 0], [9, 9, 9]));
  paint(v, { ...defaultPainter(), mode: BlendMode.SUB }, boxFromCorners([0, 0, 0], [4, 9, 9]));
  assert.equal(v.count(), 500);
  assert.equal(v.get(2, 2, 2) >>> 24, 0);
  const empty = new Volume();
  paint(empty, { ...defaultPainter(), mode: BlendMode.SUB }, boxFromCorners([0, 0, 0], [40, 9, 9]));
  assert.equal(empty.tileCount, 0);
});

Deno.test("paint() never touches voxels outside the clip box", () => {
  const v = new Volume();
  const p = { ...defaultPainter(), clipBox: boxFromAabb({ min: [0, 0, 0], max: [3, 40, 40] }) };
  paint(v, p, boxFromCorners([-10, 0, 0], [10, 1, 1]));
  assert.deepEqual(v.bbox(), { min: [0, 0, 0], max: [3, 2, 2] });
  const s = { ...p, mode: BlendMode.SUB };
  paint(v, s, boxFromCorners([-20, -20, -20], [1, 20, 20]));
  assert.deepEqual(v.bbox(), { min: [2, 0, 0], max: [3, 2, 2] });
});

Deno.test("paint() leaves shared tiles shared when nothing changes", () => {
  const v = new Volume();
  paint(v, defaultPainter(), boxFromCorners([0, 0, 0], [31, 31, 31]));
  const copy = v.copy();
  paint(copy, defaultPainter(), boxFromCorners([0, 0, 0], [31, 31, 31]));
  paint(copy, { ...defaultPainter(), color: 0 }, boxFromCorners([-40, 0, 0], [31, 31, 31]));
  assert.equal(copy.tileDataId(0, 0, 0), v.tileDataId(0, 0, 0));
  assert.equal(copy.tileCount, 8);
});

Deno.test("paint() INTERSECT deletes tiles outside the box and clears the rest", () => {
  const v = new Volume();
  paint(v, defaultPainter(), boxFromCorners([-40, 0, 0], [40, 3, 3]));
  const p = { ...defaultPainter(), mode: BlendMode.INTERSECT };
  paint(v, p, boxFromCorners([0, 0, 0], [4, 3, 3]));
  assert.equal(v.count(), 5 * 16);
  assert.equal(v.tileCount, 1);
  assert.equal(v.get(5, 0, 0), 0x00ffffff, "RGB of cleared voxels is kept");
});

Deno.test("paint() with MAX or REPLACE changes only the voxels the shape covers", () => {
  for (const mode of [BlendMode.MAX, BlendMode.REPLACE]) {
    // A ground slab, then one voxel drawn above it in the same 16³ tile.
    const v = new Volume();
    for (let x = 0; x < 16; x++) for (let y = 0; y < 16; y++) v.set(x, y, 0, RED);
    paint(v, { ...defaultPainter(), mode, color: packRgba(0, 0, 255, 255) }, box1(5.5, 0.5));
    assert.equal(v.count(), 257, `mode ${mode}: the slab stays`);
    assert.equal(v.get(5, 5, 5), packRgba(0, 0, 255, 255));
    assert.equal(v.get(0, 0, 0), RED, "untouched colour");
  }
});
