import assert from "node:assert/strict";
import { harness } from "../dispatch_testing.ts";

type Reply = { result?: Record<string, unknown>; error?: { code: number; message: string } };

Deno.test("replace_color charges its scan: a batch of whole-layer scans is refused up front", async () => {
  const h = await harness();
  // 64 tiles a request: 64 × 64 tile visits, so two scans of a 40-tile layer do not fit.
  h.ctx.config.limits.max_tiles_per_request = 64;
  let id = 0;
  const call = async (method: string, params: unknown) =>
    await h.send({ jsonrpc: "2.0", id: ++id, method: `goxel.${method}`, params }) as Reply;
  assert.ok((await call("create_project", ["p", 64, 64, 64])).result);
  const voxels = Array.from({ length: 40 }, (_, i) => [16 * (i % 8), 16 * (i >> 3), 0, 9, 9, 9]);
  assert.equal((await call("add_voxels", { voxels })).result?.added, 40);
  const red = { from_color: [9, 9, 9, 255], to_color: [255, 0, 0, 255] };
  const blue = { from_color: [255, 0, 0, 255], to_color: [0, 0, 255, 255] };
  const twice = await call("batch_operations", {
    operations: [{ type: "replace_color", ...red }, { type: "replace_color", ...blue }],
  });
  assert.match(
    twice.error?.message ?? "",
    /^Operation 1 failed.*tile visits.*max_tiles_per_request/,
  );
  const color = async (x: number, y: number) => (await call("get_voxel", [x, y, 0])).result?.color;
  assert.deepEqual(await color(0, 0), [9, 9, 9, 255], "nothing was applied");
  // One scan fits, and scans limited to a region are charged for the tiles they read.
  assert.equal((await call("replace_color", red)).result?.replaced, 40);
  const region = { min: [0, 0, 0], max: [20, 0, 0] };
  const small = await call("batch_operations", {
    operations: Array.from({ length: 19 }, (_, i) => ({
      type: "replace_color",
      ...(i % 2 ? red : blue),
      ...(i % 2 ? { from_color: [0, 0, 255, 255] } : {}),
      region,
    })),
  });
  assert.equal(small.result?.successful_operations, 19, JSON.stringify(small.error));
  assert.deepEqual(await color(16, 0), [0, 0, 255, 255]);
  assert.deepEqual(await color(32, 0), [255, 0, 0, 255], "outside the region: untouched");
});
