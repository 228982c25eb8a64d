import assert from "node:assert/strict";
import { WorkBudget } from "../budget.ts";
import { InvalidInputError } from "../errors.ts";
import { type Layer, newLayer } from "../layer.ts";
import { multiply, scaling, translation, type Vec3 } from "../mat4.ts";
import { COORD_LIMIT as L, Volume } from "../volume.ts";
import { chargeMoves, type LayerTransform, moveVolume, transformLayer } from "./transform.ts";

const RED = 0xff0000ff, GREEN = 0xff00ff00;

function layerWith(voxels: Vec3[], origin: Vec3 = [0, 0, 0]): Layer {
  const layer = newLayer(1, "l");
  for (const [x, y, z] of voxels) layer.volume.set(x, y, z, RED);
  layer.mat = translation(origin[0], origin[1], origin[2]);
  return layer;
}

function dump(v: Volume): string[] {
  const out: string[] = [];
  v.forEachVoxel((x, y, z, c) => out.push(`${x},${y},${z}:${c}`));
  return out.sort();
}

/** What a refused transform must leave exactly as it was. */
function snapshot(layer: Layer) {
  return { voxels: dump(layer.volume), tiles: layer.volume.tileCount, mat: [...layer.mat] };
}

function refusal(message: string | RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof InvalidInputError, `${err}`);
    assert.equal(err.reason, "invalid_input");
    if (typeof message === "string") assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  };
}

const tr = (x: number, y: number, z: number): LayerTransform => ({
  kind: "translate",
  offset: [x, y, z],
});
const half = L / 2;

Deno.test("transformLayer() moves voxels right up to ±COORD_LIMIT", async (t) => {
  const cases: [string, Vec3[], Vec3, LayerTransform, { min: Vec3; max: Vec3 }][] = [
    ["translate to the last +x voxel", [[0, 0, 0]], [0, 0, 0], tr(L - 1, 0, 0), {
      min: [L - 1, 0, 0],
      max: [L, 1, 1],
    }],
    ["translate to the first −z voxel", [[0, 0, 0]], [0, 0, 0], tr(0, 0, -L), {
      min: [0, 0, -L],
      max: [1, 1, 1 - L],
    }],
    [
      "rotate half a turn about a far pivot",
      [[0, 0, 0]],
      [524287, 0, 0],
      { kind: "rotate", axis: "z", quarterTurns: 2 },
      { min: [L - 1, 1, 0], max: [L, 2, 1] },
    ],
    ["flip about a far pivot", [[0, 0, 0]], [524287, 0, 0], { kind: "flip", axis: "x" }, {
      min: [L - 1, 0, 0],
      max: [L, 1, 1],
    }],
    ["scale ×2 to the edge", [[half - 1, 0, 0]], [-1, 0, 0], { kind: "scale", factor: 2 }, {
      min: [L - 2, -1, -1],
      max: [L, 1, 1],
    }],
    ["translate by 0 at the +x edge", [[L - 1, 0, 0]], [0, 0, 0], tr(0, 0, 0), {
      min: [L - 1, 0, 0],
      max: [L, 1, 1],
    }],
    ["translate by 0 at the −y edge", [[0, -L, 0]], [0, 0, 0], tr(0, 0, 0), {
      min: [0, -L, 0],
      max: [1, 1 - L, 1],
    }],
  ];
  for (const [name, voxels, origin, transform, bbox] of cases) {
    await t.step(name, () => {
      const layer = layerWith(voxels, origin);
      transformLayer(layer, transform);
      assert.deepEqual(layer.volume.bbox(), bbox);
    });
  }
  await t.step("translate an empty layer by any amount", () => {
    const layer = layerWith([]);
    transformLayer(layer, tr(2147483647, 0, 0));
    assert.equal(layer.mat[12], 2147483647);
    assert.equal(layer.volume.bbox(), null);
  });
});

Deno.test("transformLayer() refuses moving voxels past ±COORD_LIMIT and changes nothing", async (t) => {
  const reach = (verb: string, at: string) =>
    `Cannot ${verb} layer "l": its voxels would reach ${at}, outside ±${L}`;
  const cases: [string, Vec3[], Vec3, LayerTransform, string | RegExp][] = [
    ["translate one past +x", [[0, 0, 0]], [0, 0, 0], tr(L, 0, 0), reach("translate", `x = ${L}`)],
    [
      "translate one past −z",
      [[0, 0, 0]],
      [0, 0, 0],
      tr(0, 0, -L - 1),
      reach("translate", `z = ${-L - 1}`),
    ],
    [
      "translate by 2³¹ − 1",
      [[0, 0, 0]],
      [0, 0, 0],
      tr(2147483647, 0, 0),
      reach("translate", "x = 2147483647"),
    ],
    [
      "translate a model already at the edge",
      [[L - 10, 3, 3], [L - 1, 4, 4]],
      [0, 0, 0],
      tr(1, 0, 0),
      reach("translate", `x = ${L}`),
    ],
    [
      "rotate half a turn about a farther pivot",
      [[0, 0, 0]],
      [524288, 0, 0],
      { kind: "rotate", axis: "z", quarterTurns: 2 },
      reach("rotate", `x = ${L + 1}`),
    ],
    [
      "rotate a quarter turn about a far pivot",
      [[0, 0, 0]],
      [0, -600000, 600000],
      { kind: "rotate", axis: "x", quarterTurns: 1 },
      new RegExp(`^Cannot rotate layer "l": its voxels would reach [yz] = -?\\d+, outside ±${L}$`),
    ],
    [
      "flip about a far pivot",
      [[0, 0, 0]],
      [524288, 0, 0],
      { kind: "flip", axis: "x" },
      reach("flip", `x = ${L + 1}`),
    ],
    [
      "scale ×2 past the edge",
      [[half, 0, 0]],
      [-1, 0, 0],
      { kind: "scale", factor: 2 },
      reach("scale", `x = ${L + 1}`),
    ],
    [
      "scale ×0.5 towards a pivot outside the range",
      [[0, 0, 0]],
      [3_000_000, 0, 0],
      { kind: "scale", factor: 0.5 },
      /^Cannot scale layer "l": its voxels would reach x = 150000\d, outside ±1048576$/,
    ],
  ];
  for (const [name, voxels, origin, transform, message] of cases) {
    await t.step(name, () => {
      const layer = layerWith(voxels, origin);
      const before = snapshot(layer);
      assert.throws(() => transformLayer(layer, transform), refusal(message));
      assert.deepEqual(snapshot(layer), before);
    });
  }
  await t.step("translate a clone layer past the edge", () => {
    const clone = layerWith([[0, 0, 0]]);
    clone.baseId = 7;
    const before = snapshot(clone);
    assert.throws(
      () => transformLayer(clone, tr(L, 0, 0)),
      refusal(reach("translate", `x = ${L}`)),
    );
    assert.deepEqual(snapshot(clone), before);
  });
});

Deno.test("chargeMoves() refuses a chain whose later step leaves ±COORD_LIMIT, charging nothing", () => {
  const volume = layerWith([[0, 0, 0]]).volume;
  const steps = [translation(half, 0, 0), translation(half, 0, 0)];
  const budget = new WorkBudget();
  assert.throws(
    () => chargeMoves(volume, steps, budget, "body"),
    refusal(`Cannot translate layer "body": its voxels would reach x = ${L}, outside ±${L}`),
  );
  assert.throws(
    () => chargeMoves(volume, steps, budget),
    refusal(`Cannot translate the layer: its voxels would reach x = ${L}, outside ±${L}`),
  );
  assert.equal(budget.voxels, 0);
  chargeMoves(volume, [translation(half, 0, 0), translation(half - 1, 0, 0)], budget);
  assert.ok(budget.voxels > 0);
});

Deno.test("moveVolume() refuses a move past ±COORD_LIMIT and leaves the volume as it was", () => {
  const volume = layerWith([[5, 6, 7], [-3, 0, 1]]).volume;
  const before = dump(volume);
  assert.throws(
    () => moveVolume(volume, translation(0, L, 0)),
    refusal(`Cannot translate the volume: its voxels would reach y = ${L + 6}, outside ±${L}`),
  );
  assert.deepEqual(dump(volume), before);
});

Deno.test("moveVolume() never samples a tile across the ±COORD_LIMIT wrap", () => {
  // Downscaling ×1/8 about the origin samples up to 120 voxels past the +y edge, where tile keys
  // wrap onto the tiles at (x + 16, −L): without a range check (21, 5 − L, 5) was copied there.
  const v = new Volume();
  v.set(5, L - 3, 5, RED);
  v.set(21, 4 - L, 5, GREEN);
  v.set(21, 5 - L, 5, GREEN);
  const o = 0.5,
    mat = multiply(
      multiply(translation(o, o, o), scaling(0.125, 0.125, 0.125)),
      translation(-o, -o, -o),
    );
  moveVolume(v, mat, new WorkBudget({ maxVoxels: Infinity, maxTiles: Infinity }));
  assert.deepEqual(dump(v), [`1,${L / 8},1:${RED}`, `3,${1 - L / 8},1:${GREEN}`]);
});
