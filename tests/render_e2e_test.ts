/**
 * Renders through the real interfaces: render_scene over a socket (row bands on the worker
 * pool, stacked into the same picture the renderer makes in one piece), quality "path", and
 * the refusal of non-PNG outputs by render_scene and `goxel render`.
 */
import assert from "node:assert/strict";
import { findCodec } from "../core/formats/mod.ts";
import { decodePng } from "../core/formats/png.ts";
import { renderImage } from "../core/render/render.ts";
import { decodeImage } from "../daemon/worker_jobs.ts";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

/** A new 32³ project holding a blue sphere of 12 voxels across. */
async function sphereProject(c: RawClient, name: string): Promise<void> {
  await c.call("goxel.create_project", [name, 32, 32, 32]);
  await c.call("goxel.procedural_shape", {
    shape_type: "sphere",
    size_x: 12,
    size_y: 12,
    size_z: 12,
    color: "#3366ff",
  });
}

Deno.test("render_scene renders in bands on the worker pool and refuses non-PNG outputs", async (t) => {
  const env = await makeTestEnv();
  // Three workers: a 1024 × 520 picture is rendered in two bands.
  const daemon = await startDaemon(env, ["--workspace", env.dir], "workers: 3\n");
  const c = await RawClient.unix(daemon.socket);
  try {
    await sphereProject(c, "scene");
    await c.call("goxel.procedural_shape", {
      shape_type: "cube",
      size_x: 20,
      size_y: 20,
      size_z: 2,
      center_z: -7,
      color: "#c8b060",
    });
    await c.call("goxel.save_project", ["scene.gox"]);
    const image = decodeImage(
      findCodec("gox", "decode")!,
      await Deno.readFile(`${env.dir}/scene.gox`),
    );
    const options = { width: 1024, height: 520, camera: "isometric", background: 0 };

    await t.step("the banded picture equals the picture rendered in one piece", async () => {
      await c.call("goxel.render_scene", {
        output_path: "a.png",
        width: 1024,
        height: 520,
        camera_preset: "isometric",
      });
      const png = decodePng(await Deno.readFile(`${env.dir}/a.png`));
      assert.deepEqual([png.width, png.height], [1024, 520]);
      assert.deepEqual(png.rgba, renderImage(image, options).rgba);
    });

    await t.step(
      "a small picture (one job renders and encodes) equals the one-piece one",
      async () => {
        await c.call("goxel.render_scene", ["small.png", 96, 61, "front"]);
        const png = decodePng(await Deno.readFile(`${env.dir}/small.png`));
        const want = renderImage(image, { width: 96, height: 61, camera: "front", background: 0 });
        assert.deepEqual(png.rgba, want.rgba);
      },
    );

    await t.step('quality "path" renders with the ray tracer', async () => {
      await c.call("goxel.render_scene", ["b.png", 1024, 520, "isometric", undefined, "path"]);
      const png = decodePng(await Deno.readFile(`${env.dir}/b.png`));
      // The tracer lights each face once, from the first sample that hits it, so a band may
      // light a face from another sample than the whole picture does: tiny differences.
      const whole = renderImage(image, { ...options, quality: "path" }).rgba;
      assert.ok(
        maxDifference(png.rgba, whole) <= 3,
        `differs by ${maxDifference(png.rgba, whole)}`,
      );
      assert.ok(maxDifference(png.rgba, renderImage(image, options).rgba) > 0);
    });

    await t.step("a non-PNG output path or an unknown quality is refused", async () => {
      for (
        const params of [{ output_path: "shot.jpg" }, { output_path: "c.png", quality: "best" }]
      ) {
        const r = await c.request("goxel.render_scene", params);
        assert.equal(r.error?.code, -32602, JSON.stringify(r));
      }
      const r = await c.request("goxel.render_scene", { output_path: "shot.jpg" });
      assert.match(JSON.stringify(r.error), /PNG only/);
      await assert.rejects(Deno.stat(`${env.dir}/shot.jpg`));
    });

    await t.step("goxel render refuses .jpg and takes --quality", async () => {
      const bad = await runGoxel(["render", "scene.gox", "out.jpg"], env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /PNG only/);
      await assert.rejects(Deno.stat(`${env.dir}/out.jpg`));
      const ok = await runGoxel([
        "render",
        "scene.gox",
        "out.png",
        "--size",
        "40x30",
        "--quality",
        "path",
      ], env);
      assert.equal(ok.code, 0, ok.stderr);
      const png = decodePng(await Deno.readFile(`${env.dir}/out.png`));
      const want = renderImage(image, { width: 40, height: 30, quality: "path" });
      assert.deepEqual(png.rgba, want.rgba);
    });
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("renders after edits, undo, hidden layers and another project show them (kept set-up is per content)", async () => {
  const env = await makeTestEnv();
  // Two workers that each keep the set-up of what they rendered last.
  const daemon = await startDaemon(env, ["--workspace", env.dir], "workers: 2\n");
  const c = await RawClient.unix(daemon.socket);
  const render = async (name: string, camera = "isometric", [width, height] = [160, 120]) => {
    await c.call("goxel.render_scene", [name, width, height, camera]);
    return decodePng(await Deno.readFile(`${env.dir}/${name}`)).rgba;
  };
  // What the project holds now, rendered in-process from a saved copy (nothing kept).
  const expected = async (camera = "isometric", [width, height] = [160, 120]) => {
    await c.call("goxel.save_project", ["now.gox"]);
    const image = decodeImage(
      findCodec("gox", "decode")!,
      await Deno.readFile(`${env.dir}/now.gox`),
    );
    return renderImage(image, { width, height, camera, background: 0 }).rgba;
  };
  try {
    await sphereProject(c, "kept");
    const first = await render("1.png");
    // Other views and the same view again, on both workers.
    const front = await render("2.png", "front");
    assert.deepEqual(front, await expected("front"));
    await Promise.all([render("3.png"), render("4.png", "top")]);
    assert.deepEqual(await render("5.png"), first);
    // A picture big enough for both workers shares one copy of the voxels with them, kept
    // for the next render of the same voxels.
    const big = await render("big1.png", "isometric", [512, 512]);

    await c.call("goxel.add_voxels", {
      voxels: [[0, 0, 8, 255, 0, 0], [1, 0, 8, 255, 0, 0], [0, 1, 9, 255, 255, 0]],
    });
    const edited = await render("6.png");
    assert.notDeepEqual(edited, first);
    assert.deepEqual(edited, await expected());
    // (Compared by hand: assert's diff of two 1 MB arrays takes minutes.)
    const bigEdited = await render("big2.png", "isometric", [512, 512]);
    assert.ok(maxDifference(bigEdited, big) > 0, "the edit shows at 512²");
    assert.equal(maxDifference(bigEdited, await expected("isometric", [512, 512])), 0);

    await c.call("goxel.undo");
    assert.deepEqual(await render("7.png"), first);
    await c.call("goxel.redo");
    assert.deepEqual(await render("8.png"), edited);

    const layer = await c.call("goxel.create_layer", ["top"]) as { layer_id: number };
    await c.call("goxel.add_voxel", [0, 0, -9, 0, 255, 0, 255]);
    const withLayer = await render("9.png");
    assert.deepEqual(withLayer, await expected());
    await c.call("goxel.set_layer_visibility", [layer.layer_id, false]);
    assert.deepEqual(await render("10.png"), edited);

    await c.call("goxel.create_project", ["other", 32, 32, 32]);
    await c.call("goxel.procedural_shape", {
      shape_type: "cube",
      size_x: 6,
      size_y: 6,
      size_z: 6,
      color: "#c8b060",
    });
    assert.deepEqual(await render("11.png"), await expected());
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
