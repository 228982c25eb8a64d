import assert from "node:assert/strict";
import { LimitError, WorkBudget } from "../budget.ts";
import { unpackRgba } from "../color.ts";
import type { Vec3 } from "../mat4.ts";
import { Volume } from "../volume.ts";
import { overlaps, voxelizeTriangles } from "./voxelize.ts";

const WHITE: [Vec3, Vec3, Vec3] = [[255, 255, 255], [255, 255, 255], [255, 255, 255]];

Deno.test("overlaps() widens each voxel's cube by a tenth on each side", () => {
  const at = (z: number): [Vec3, Vec3, Vec3] => [[-5, -5, z], [5, -5, z], [0, 5, z]];
  assert.equal(overlaps([0, 0, 0], at(0.55)), true);
  assert.equal(overlaps([0, 0, 1], at(0.55)), true, "0.45 from the centre above");
  assert.equal(overlaps([0, 0, 0], at(0.65)), false);
  assert.equal(overlaps([0, 0, 1], at(0.65)), true);
  assert.equal(overlaps([7, 0, 0], at(0)), false, "beside the triangle");
  // A diagonal triangle: separated only along an edge's cross axis.
  const diag: [Vec3, Vec3, Vec3] = [[0, 0, 0], [10, 10, 0], [10, 10, 10]];
  assert.equal(overlaps([5, 5, 3], diag), true);
  assert.equal(overlaps([3, 8, 3], diag), false);
});

Deno.test("voxelizeTriangles() sets each surface voxel once, coloured from the corners", () => {
  const volume = new Volume();
  const colors: [Vec3, Vec3, Vec3] = [[255, 0, 0], [0, 0, 255], [0, 0, 255]];
  voxelizeTriangles(
    [{ points: [[0, 0, 0], [8, 0, 0], [0, 8, 0]], colors }],
    volume,
    new WorkBudget(),
  );
  // Every voxel of the right triangle's footprint (x + y ≤ 8 plus the widened edge), z = 0 only.
  let count = 0;
  volume.forEachVoxel((x, y, z) => {
    count++;
    assert.equal(z, 0);
    assert.ok(x >= 0 && y >= 0 && x + y <= 9, `(${x}, ${y})`);
  });
  assert.ok(count >= 45 && count <= 55, `${count} voxels`);
  assert.deepEqual(unpackRgba(volume.get(0, 0, 0)).slice(0, 3), [255, 0, 0]);
  assert.deepEqual(unpackRgba(volume.get(8, 0, 0)).slice(0, 3), [0, 0, 255]);
});

Deno.test("voxelizeTriangles() cuts big triangles so a plane costs what its voxels cost", () => {
  const volume = new Volume();
  const big: [Vec3, Vec3, Vec3] = [[0, 0, 0], [400, 0, 0], [0, 0, 400]];
  const budget = new WorkBudget();
  voxelizeTriangles([{ points: big, colors: WHITE }], volume, budget);
  assert.ok(volume.count() > 80_000);
  assert.ok(budget.voxels < 10 * volume.count(), `${budget.voxels} cubes tested`);
  const diagonal: [Vec3, Vec3, Vec3] = [[0, 0, 0], [300, 300, 0], [300, 300, 300]];
  const tested = new WorkBudget();
  voxelizeTriangles([{ points: diagonal, colors: WHITE }], new Volume(), tested);
  assert.ok(tested.voxels < 5_000_000, `${tested.voxels} cubes tested for a diagonal triangle`);
  assert.throws(
    () =>
      voxelizeTriangles(
        [{ points: [[0, 0, 0], [5000, 0, 0], [0, 0, 5000]], colors: WHITE }],
        new Volume(),
        new WorkBudget({ maxVoxels: 1_000_000 }),
      ),
    LimitError,
  );
});
