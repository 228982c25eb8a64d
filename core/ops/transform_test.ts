import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { packRgba } from "../color.ts";
import { newLayer } from "../layer.ts";
import { translation } from "../mat4.ts";
import { Volume } from "../volume.ts";
import {
  type LayerTransform,
  moveVolume,
  pivotedMatrix,
  transformLayer,
  transformMatrix,
} from "./transform.ts";

function sample(): Volume {
  const v = new Volume();
  for (let i = 0; i < 300; i++) {
    const x = (i * 7919) % 23 - 11, y = (i * 104729) % 19 - 3, z = (i * 1299709) % 17 + 2;
    v.set(x, y, z, packRgba(i & 255, (i * 3) & 255, 7, 1 + (i % 255)));
  }
  return v;
}

function dump(v: Volume): string[] {
  const out: string[] = [];
  v.forEachVoxel((x, y, z, c) => out.push(`${x},${y},${z}:${c}`));
  return out.sort();
}

function applyAll(v: Volume, list: LayerTransform[]): Volume {
  const layer = newLayer(1, "l");
  layer.volume = v;
  layer.mat = translation(3.7, -2.2, 5);
  for (const t of list) transformLayer(layer, t);
  return layer.volume;
}

Deno.test("layer transforms compose back to the identity", async (t) => {
  const cases: [string, LayerTransform[]][] = [];
  for (const axis of ["x", "y", "z"] as const) {
    cases.push([
      `four quarter turns about ${axis}`,
      Array(4).fill({ kind: "rotate", axis, quarterTurns: 1 }),
    ]);
    cases.push([`turn −1 then +1 about ${axis}`, [
      { kind: "rotate", axis, quarterTurns: -1 },
      { kind: "rotate", axis, quarterTurns: 1 },
    ]]);
    cases.push([`two flips about ${axis}`, Array(2).fill({ kind: "flip", axis })]);
  }
  cases.push(["scale ×2 then ×0.5", [{ kind: "scale", factor: 2 }, {
    kind: "scale",
    factor: 0.5,
  }]]);
  cases.push(["translate there and back", [
    { kind: "translate", offset: [5, -17, 33] },
    { kind: "translate", offset: [-5, 17, -33] },
  ]]);
  for (const [name, list] of cases) {
    await t.step(name, () => {
      const v = sample();
      const expected = dump(v), count = v.count();
      const out = applyAll(v, list);
      assert.deepEqual(dump(out), expected);
      assert.equal(out.count(), count);
    });
  }
});

Deno.test("moveVolume() moves voxels where expected", async (t) => {
  const cases: [string, LayerTransform, [number, number, number]][] = [
    ["translate", { kind: "translate", offset: [17, -33, 2] }, [20, -31, 6]],
    ["rotate z +90° about pivot (0.5,0.5,0.5)", { kind: "rotate", axis: "z", quarterTurns: 1 }, [
      -1,
      3,
      4,
    ]],
    ["rotate x +90°", { kind: "rotate", axis: "x", quarterTurns: 1 }, [3, -3, 2]],
    ["flip y (integer corners: y → 1 − y)", { kind: "flip", axis: "y" }, [3, -1, 4]],
  ];
  for (const [name, tr, to] of cases) {
    await t.step(name, () => {
      const v = new Volume();
      v.set(3, 2, 4, 0xff0000ff);
      const layer = newLayer(1, "l");
      moveVolume(v, pivotedMatrix(layer, tr));
      assert.deepEqual(dump(v), [`${to.join(",")}:${0xff0000ff}`]);
      assert.equal(v.tileCount, 1, "empty tiles are removed");
    });
  }
  await t.step("scale ×2 doubles every extent", () => {
    const v = new Volume();
    for (let x = 0; x < 4; x++) for (let y = 0; y < 3; y++) v.set(x, y, 0, 0xffffffff);
    moveVolume(v, pivotedMatrix(newLayer(1, "l"), { kind: "scale", factor: 2 }));
    assert.equal(v.count(), 8 * 6 * 2);
  });
});

Deno.test("transformLayer() updates the origin marker, box and clone matrices", () => {
  const layer = newLayer(1, "l");
  layer.volume.set(0, 0, 0, 0xffffffff);
  layer.box = boxFromAabb({ min: [0, 0, 0], max: [4, 2, 2] });
  transformLayer(layer, { kind: "translate", offset: [1, 2, 3] });
  assert.deepEqual([...layer.mat.slice(12, 15)], [1, 2, 3]);
  assert.deepEqual([...layer.box!.slice(12, 15)], [3, 3, 4]);
  transformLayer(layer, { kind: "rotate", axis: "z", quarterTurns: 1 });
  assert.deepEqual([...layer.mat.slice(12, 15)], [1, 2, 3], "rotation keeps the origin");
  assert.deepEqual([layer.box![0], layer.box![5]], [1, 2], "AABB of the rotated box");
  assert.equal(layer.volume.get(2, 2, 3), 0xffffffff);
  const clone = newLayer(2, "c");
  clone.baseId = 1;
  clone.volume.set(9, 9, 9, 0xffffffff);
  transformLayer(clone, { kind: "translate", offset: [4, 0, 0] });
  assert.deepEqual([...clone.mat.slice(12, 15)], [4, 0, 0]);
  assert.equal(clone.volume.get(9, 9, 9), 0xffffffff, "clone voxels are recomputed elsewhere");
});

Deno.test("transformMatrix() gives exact integer rotations", () => {
  const m = transformMatrix({ kind: "rotate", axis: "y", quarterTurns: 5 });
  assert.deepEqual([...m], [0, 0, -1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
});

Deno.test("moveVolume() translates 1 M voxels quickly", () => {
  const v = new Volume();
  const tile = new Uint32Array(4096).fill(0xff00ff00);
  for (let i = 0; i < 250; i++) {
    v.writeTile((i % 10) * 16, ((i / 10) % 5 | 0) * 16, (i / 50 | 0) * 16).set(tile);
  }
  const t0 = performance.now();
  moveVolume(v, translation(3, -5, 7));
  const ms = performance.now() - t0;
  assert.equal(v.count(), 250 * 4096);
  assert.equal(v.get(3, -5, 7), 0xff00ff00);
  assert.ok(ms < 1000, `took ${ms} ms`);
});
