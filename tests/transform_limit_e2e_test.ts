/**
 * goxel.transform_layer through a real daemon at the edge of the coordinate range: a move that
 * would put a voxel outside ±COORD_LIMIT is refused with −1101 and changes nothing, a move right
 * up to the edge is done, and the saved file loads back.
 */
import assert from "node:assert/strict";
import { ErrorCode } from "../protocol/jsonrpc.ts";
import { COORD_LIMIT as L } from "../core/volume.ts";
import { makeTestEnv, RawClient, startDaemon } from "./support_testing.ts";

type Bbox = { min: number[]; max: number[] } | null;

const HALF = L / 2;

Deno.test("transform_layer refuses moving voxels past ±COORD_LIMIT and keeps files loadable", async (t) => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--workspace", env.dir]);
  const c = await RawClient.unix(daemon.socket);
  const move = async (params: Record<string, unknown>) =>
    (await c.call<{ bbox: Bbox }>("goxel.transform_layer", params)).bbox;
  const refuses = async (params: Record<string, unknown>, message: string) => {
    const before = await c.call("goxel.get_project_info");
    const r = await c.request("goxel.transform_layer", params);
    assert.ok(r.error, `transform_layer ${JSON.stringify(params)} should have been refused`);
    assert.equal(r.error.code, ErrorCode.INVALID_INPUT);
    assert.equal(r.error.message, message);
    const after = await c.call("goxel.get_project_info");
    assert.equal(after.voxel_count, before.voxel_count);
    assert.equal(after.journal_seq, before.journal_seq, "a refused move commits nothing");
  };
  let layer = "Layer.1";
  const reach = (verb: string, at: string) =>
    `Cannot ${verb} layer "${layer}": its voxels would reach ${at}, outside ±${L}`;
  try {
    await c.call("goxel.create_project", { name: "edge" });
    await c.call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    await c.call("goxel.add_voxel", [5, 2, 1, "#00ff00"]);

    await t.step("translate, then translate again past +x", async () => {
      assert.deepEqual(await move({ translate: [HALF, 0, 0] }), {
        min: [HALF, 0, 0],
        max: [HALF + 5, 2, 1],
      });
      await refuses({ translate: [HALF, 0, 0] }, reach("translate", `x = ${L + 5}`));
      await refuses(
        { translate: [2147483647, 0, 0] },
        reach("translate", `x = ${2147483647 + HALF + 5}`),
      );
      const at = await c.call<{ exists: boolean }>("goxel.get_voxel", [HALF + 5, 2, 1]);
      assert.ok(at.exists, "the refused moves left the voxels where they were");
    });

    await t.step("translate right up to the edge, and by nothing there", async () => {
      const edge = { min: [L - 6, 0, 0], max: [L - 1, 2, 1] };
      assert.deepEqual(await move({ translate: [HALF - 6, 0, 0] }), edge);
      assert.deepEqual(await move({ translate: [0, 0, 0] }), edge);
      await refuses({ translate: [1, 0, 0] }, reach("translate", `x = ${L}`));
    });

    await t.step("the model at the edge saves and loads back", async () => {
      await c.call("goxel.save_project", ["edge.gox"]);
      await c.call("goxel.load_project", ["edge.gox"]);
      assert.equal((await c.call("goxel.get_project_info")).voxel_count, 2);
      const far = await c.call<{ exists: boolean }>("goxel.get_voxel", [L - 1, 2, 1]);
      assert.ok(far.exists);
    });

    await t.step("rotate and scale about a far origin", async () => {
      // An empty layer moves anywhere; its origin marker (the pivot) goes with it.
      await c.call("goxel.create_layer", ["far"]);
      layer = "far";
      assert.equal(await move({ translate: [1_000_000, 0, 0] }), null);
      await c.call("goxel.add_voxel", [0, 0, 0, "#0000ff"]);
      await refuses({ rotate: { axis: "z", degrees: 180 } }, reach("rotate", "x = 2000001"));
      await refuses({ flip: ["x"] }, reach("flip", "x = 2000001"));
      await refuses({ scale: 3 }, reach("scale", "x = -2000002"));
      assert.deepEqual(await move({ scale: 2 }), {
        min: [-1_000_001, -1, -1],
        max: [-1_000_000, 0, 0],
      });
      await refuses({ scale: 2 }, reach("scale", "x = -3000003"));
    });
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("shapes and lines across ±COORD_LIMIT are refused and change nothing", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.call("goxel.create_project", ["edge", 16, 16, 16]);
    // Small shapes are painted on the event loop, big ones on a worker: both are refused.
    for (const size of [20, 100]) {
      const r = await c.request("goxel.procedural_shape", [
        "cube",
        size,
        size,
        size,
        L - 5,
        0,
        0,
        "#ff0000",
      ]);
      assert.equal(r.error?.code, ErrorCode.INVALID_INPUT, `cube of ${size}`);
      assert.match(r.error!.message, /outside ±1048576/);
    }
    const line = await c.request("goxel.draw_line", [[L - 10, 0, 0], [L + 20, 0, 0], "#00ff00"]);
    assert.equal(line.error?.code, ErrorCode.INVALID_INPUT);
    const info = await c.call<{ voxel_count: number; journal_seq: number }>(
      "goxel.get_project_info",
    );
    assert.equal(info.voxel_count, 0, "nothing was painted, not even the part inside");
    // Right up to the edge: x from L − 20 to L − 1.
    await c.call("goxel.procedural_shape", ["cube", 20, 20, 20, L - 10, 0, 0, "#ff0000"]);
    assert.equal(
      (await c.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count,
      8000,
    );
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});
