/**
 * Every declared method, called over a real socket with real files; each result is checked
 * against the method's declared result schema, and the suite fails if a method is never called.
 * Longer than the 400-line guideline: the steps share one daemon's state and one record of the
 * methods called, which the last test checks, so they stay in one module.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { base64ToBytes, decodeTiles, findMethod, listMethods } from "../protocol/mod.ts";
import {
  type Daemon,
  makeTestEnv,
  RawClient,
  startDaemon,
  type TestEnv,
} from "./support_testing.ts";

type Result = Record<string, unknown>;

/** A client that records which methods were called and checks replies against their schemas. */
class ContractClient {
  readonly called = new Set<string>();
  constructor(readonly raw: RawClient) {}

  async call<T = Result>(method: string, params?: unknown): Promise<T> {
    const decl = findMethod(method, { conformance: true });
    assert.ok(decl, `${method} is not declared`);
    this.called.add(decl.name);
    const r = await this.raw.request(method, params);
    if (r.error) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    const checked = decl.result.safeParse(r.result);
    assert.ok(
      checked.success,
      `${method} result does not match its schema: ${JSON.stringify(r.result).slice(0, 300)}`,
    );
    return r.result as T;
  }

  async fails(method: string, params: unknown, code: number, pattern: RegExp): Promise<void> {
    const decl = findMethod(method, { conformance: true });
    if (decl) this.called.add(decl.name);
    const r = await this.raw.request(method, params);
    assert.ok(r.error, `${method} should have failed`);
    assert.equal(r.error.code, code, r.error.message);
    assert.match(r.error.message, pattern);
  }
}

async function withDaemon(
  fn: (c: ContractClient, env: TestEnv, d: Daemon) => Promise<void>,
): Promise<ContractClient> {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--conformance", "--workspace", env.dir]);
  const client = new ContractClient(await RawClient.unix(daemon.socket));
  try {
    await fn(client, env, daemon);
  } finally {
    client.raw.close();
    await daemon.stop();
    await env.cleanup();
  }
  return client;
}

const called = new Set<string>();

Deno.test("every declared method works end to end and matches its result schema", async (t) => {
  const c = await withDaemon(async (c, env, daemon) => {
    await t.step("projects and voxels", async () => {
      const p = await c.call<{ project_id: string }>("goxel.create_project", [
        "castle",
        32,
        24,
        16,
      ]);
      assert.equal(p.project_id, "p1");
      assert.deepEqual((await c.call("goxel.get_status")).width, 32);
      await c.call("goxel.add_voxel", [0, 0, 0, 255, 0, 0, 255]);
      await c.call("goxel.add_voxel", { x: 1, y: 0, z: 0, color: "#00ff00" });
      assert.deepEqual((await c.call("goxel.get_voxel", [1, 0, 0])).color, [0, 255, 0, 255]);
      assert.equal((await c.call("goxel.paint_voxels", [1, 0, 0, "#0000ff"])).painted, 1);
      assert.equal((await c.call("goxel.remove_voxel", [1, 0, 0])).existed, true);
      const packed = Buffer.from(
        new Uint8Array(new Int32Array([5, 5, 5, 0]).buffer).map((b, i) =>
          i >= 12 ? [9, 8, 7, 255][i - 12] : b
        ),
      ).toString("base64");
      assert.equal((await c.call("goxel.add_voxels", { packed })).added, 1);
      assert.equal(
        (await c.call("add_voxels", {
          voxels: [[2, 0, 0, 1, 2, 3], { x: 3, y: 0, z: 0, color: [4, 5, 6] }],
        })).added,
        2,
      );
      assert.equal((await c.call("goxel.remove_voxels", [[[2, 0, 0]]])).removed, 1);
      const batch = await c.call("goxel.batch_operations", {
        operations: [
          { type: "add_voxel", x: 10, y: 0, z: 0, color: "#ffffff" },
          {
            type: "procedural_shape",
            shape_type: "sphere",
            size_x: 3,
            size_y: 3,
            size_z: 3,
            center_x: 10,
            center_y: 10,
            center_z: 5,
          },
          { type: "remove_voxel", x: 10, y: 0, z: 0 },
        ],
      });
      assert.equal(batch.successful_operations, 3);
      await c.fails(
        "goxel.batch_operations",
        {
          operations: [
            { type: "add_voxel", x: 20, y: 0, z: 0, color: "#ffffff" },
            { type: "add_voxel", x: 2000000, y: 0, z: 0, color: "#ffffff" },
          ],
        },
        -1101,
        /^Operation 1 failed, nothing was applied: Voxel \(2000000, 0, 0\) is outside/,
      );
      assert.deepEqual(
        (await c.call<{ color: number[] }>("goxel.get_voxel", [20, 0, 0])).color,
        [0, 0, 0, 0],
      );
      const region = await c.call<{ count: number }>("goxel.get_voxels_region", {
        min: [0, 0, 0],
        max: [5, 5, 5],
      });
      assert.equal(region.count, 3);
      // The same page as objects and as packed records, with its bbox, paging and a filter.
      type Page = {
        count: number;
        truncated: boolean;
        bbox: { min: number[]; max: number[] } | null;
        voxels?: { x: number; y: number; z: number; color: number[] }[];
        packed?: string;
      };
      const box = { min: [0, 0, 0], max: [5, 5, 5] };
      const objects = await c.call<Page>("goxel.get_voxels_region", box);
      const list = objects.voxels!.map((v) => [v.x, v.y, v.z, ...v.color]);
      assert.deepEqual(
        [...list].sort((a, b) => a[0] - b[0]),
        [[0, 0, 0, 255, 0, 0, 255], [3, 0, 0, 4, 5, 6, 255], [5, 5, 5, 9, 8, 7, 255]],
      );
      assert.deepEqual(objects.bbox, { min: [0, 0, 0], max: [5, 5, 5] });
      const packedPage = await c.call<Page>("goxel.get_voxels_region", {
        ...box,
        encoding: "packed",
      });
      const bytes = base64ToBytes(packedPage.packed!), view = new DataView(bytes.buffer);
      const records = Array.from({ length: bytes.length / 16 }, (_, i) => [
        view.getInt32(i * 16, true),
        view.getInt32(i * 16 + 4, true),
        view.getInt32(i * 16 + 8, true),
        ...bytes.subarray(i * 16 + 12, i * 16 + 16),
      ]);
      assert.deepEqual(records, list, "packed records are the objects, in the same order");
      assert.deepEqual(packedPage.bbox, objects.bbox);
      const second = await c.call<Page>("goxel.get_voxels_region", { ...box, offset: 1, limit: 1 });
      assert.deepEqual([second.count, second.truncated], [1, true]);
      assert.deepEqual(second.voxels, [objects.voxels![1]]);
      assert.deepEqual(second.bbox, { min: list[1].slice(0, 3), max: list[1].slice(0, 3) });
      const blue = await c.call<Page>("goxel.get_voxels_region", {
        ...box,
        color_filter: [9, 8, 7, 255],
      });
      assert.deepEqual(blue.voxels, [{ x: 5, y: 5, z: 5, color: [9, 8, 7, 255] }]);
      const none = await c.call<Page>("goxel.get_voxels_region", {
        ...box,
        color_filter: [1, 1, 1, 255],
        encoding: "packed",
      });
      assert.deepEqual([none.count, none.packed, none.bbox], [0, "", null]);
      // Colour search: per-channel tolerance, alpha, the result cap.
      type Found = { count: number; truncated: boolean; voxels: { x: number }[] };
      const find = (params: Record<string, unknown>) =>
        c.call<Found>("goxel.find_voxels_by_color", { region: box, ...params });
      const xs = (f: Found) => f.voxels.map((v) => v.x).sort((a, b) => a - b);
      assert.deepEqual(xs(await find({ color: [5, 6, 7, 255], tolerance: [1, 1, 1] })), [3]);
      assert.deepEqual(xs(await find({ color: [5, 6, 7, 255], tolerance: [4, 2, 1] })), [3, 5]);
      assert.equal((await find({ color: [4, 5, 6, 250], tolerance: [0, 0, 0, 4] })).count, 0);
      assert.deepEqual(xs(await find({ color: [4, 5, 6, 250], tolerance: [0, 0, 0, 5] })), [3]);
      const capped = await find({ color: [128, 4, 4, 255], tolerance: 128, max_results: 1 });
      assert.deepEqual([capped.count, capped.truncated], [1, true]);
      assert.equal(
        (await c.call<{ count: number }>("goxel.get_layer_voxels", { limit: 2 })).count,
        2,
      );
      const bbox = await c.call("goxel.get_bounding_box");
      assert.deepEqual(bbox.min, [0, 0, 0]);
      assert.equal((await c.call("goxel.get_project_info")).voxel_count, 3 + 19);
    });

    await t.step("drawing", async () => {
      const count = async () =>
        (await c.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count;
      const before = await count();
      const cube = await c.call<{ voxels_created: number }>("goxel.procedural_shape", [
        "cube",
        4,
        4,
        4,
        -8,
        -8,
        2,
        "#888888",
      ]);
      assert.equal(cube.voxels_created, 64);
      assert.equal(await count(), before + 64);
      // A sphere over part of the cube counts only the voxels it adds.
      const ball = await c.call<{ voxels_created: number }>("goxel.procedural_shape", {
        shape_type: "sphere",
        size_x: 6,
        size_y: 6,
        size_z: 6,
        center_x: -8,
        center_y: -8,
        center_z: 2,
        color: "#888888",
      });
      assert.equal(await count(), before + 64 + ball.voxels_created);
      type Counts = { changed: number; added: number; removed: number };
      const drawn = await c.call<Counts>("goxel.draw_shape", {
        shape: "cylinder",
        from: [-10, 5, 0],
        to: [-6, 9, 4],
        color: "#ff8800",
      });
      assert.ok(drawn.added > 0 && drawn.removed === 0 && drawn.changed === drawn.added);
      const atDrawn = await count();
      // Recolour the cylinder's box, remove a slice of it: each result says what it did.
      const painted = await c.call<Counts>("goxel.draw_shape", {
        shape: "cube",
        from: [-10, 5, 0],
        to: [-6, 9, 4],
        color: "#0000ff",
        mode: "paint",
      });
      assert.deepEqual(
        [painted.changed, painted.added, painted.removed],
        [drawn.added, 0, 0],
        "paint recolours exactly what was drawn",
      );
      const cut = await c.call<Counts>("goxel.draw_shape", {
        shape: "cube",
        from: [-10, 5, 4],
        to: [-6, 9, 4],
        mode: "sub",
      });
      assert.equal(await count(), atDrawn - cut.removed);
      assert.ok(cut.removed > 0 && cut.added === 0);
      // Mirrored copies count too.
      const mirrored = await c.call<Counts>("goxel.draw_shape", {
        shape: "cube",
        from: [20, 20, 0],
        to: [22, 22, 2],
        color: "#ffffff",
        symmetry: ["x"],
      });
      assert.equal(mirrored.added, 54, "a 3³ cube and its mirror image");
      const line = await c.call<Counts>("goxel.draw_line", {
        from: [0, 10, 0],
        to: [0, 15, 0],
        color: "#00ffff",
      });
      assert.equal(line.added, 6, "a line of six voxels");
      assert.deepEqual(
        (await c.call("goxel.get_voxel", [0, 15, 0])).exists,
        true,
        "a line includes both ends",
      );
      assert.ok(
        (await c.call<{ voxels_filled: number }>("goxel.flood_fill", [-8, -8, 2, "#111111"]))
          .voxels_filled >= 64,
      );
      assert.ok(
        (await c.call<{ replaced: number }>("goxel.replace_color", ["#111111", "#222222"]))
          .replaced >= 64,
      );
      await c.call("goxel.transform_layer", {
        translate: [1, 0, 0],
        rotate: { axis: "z", degrees: 360 },
      });
      assert.ok(
        (await c.call<{ removed: number }>("goxel.crop", {
          box: { min: [-12, -12, 0], max: [12, 12, 8] },
        })).removed > 0,
      );
    });

    await t.step("layers", async () => {
      const made = await c.call<{ layer_id: number }>("goxel.create_layer", [
        "walls",
        200,
        200,
        200,
      ]);
      await c.call("goxel.add_voxel", { x: 0, y: 0, z: 9, layer_id: made.layer_id });
      const dup = await c.call<{ layer_id: number; name: string }>("goxel.duplicate_layer", [
        made.layer_id,
      ]);
      assert.equal(dup.name, "walls.1");
      await c.call("goxel.rename_layer", [dup.layer_id, "roof"]);
      await c.call("goxel.set_layer_visibility", [dup.layer_id, false]);
      await c.call("goxel.set_active_layer", [made.layer_id]);
      assert.equal((await c.call("goxel.move_layer", [made.layer_id, "bottom"])).index, 0);
      await c.call("goxel.merge_layers", [dup.layer_id, made.layer_id]);
      const shape = await c.call<{ layer_id: number }>("goxel.create_layer", {
        name: "ball",
        shape: "sphere",
        box: { min: [0, 0, 0], max: [5, 5, 5] },
        color: "#ff0000",
      });
      const layers = await c.call<
        { layers: { id: number; name: string; kind: string; voxel_count: number }[] }
      >("goxel.list_layers");
      const ball = layers.layers.find((l) => l.id === shape.layer_id)!;
      assert.equal(ball.kind, "shape");
      assert.ok(ball.voxel_count > 100, "a shape layer is generated");
      await c.call("goxel.delete_layer", { layer_name: "ball" });
      assert.equal((await c.call<{ count: number }>("goxel.list_layers")).count, 2);
    });

    await t.step("colours", async () => {
      const h = await c.call<{ bins: { count: number }[] }>("goxel.get_color_histogram", {
        top_n: 3,
      });
      assert.ok(h.bins.length <= 3 && h.bins[0].count >= h.bins.at(-1)!.count);
      assert.ok(
        (await c.call<{ count: number }>("goxel.find_voxels_by_color", ["#222222", 0])).count >= 64,
      );
      assert.ok(
        (await c.call<{ count: number }>("goxel.get_unique_colors", { merge_similar: true }))
          .count >= 3,
      );
      assert.equal(
        (await c.call<{ palettes: { color_count: number }[] }>("goxel.list_palettes", ["DB32"]))
          .palettes[0].color_count,
        32,
      );
    });

    await t.step("rendering and camera", async () => {
      await c.call("goxel.set_camera", ["isometric"]);
      await c.call("goxel.set_camera", {
        position: [40, -40, 40],
        target: [0, 0, 4],
        ortho: false,
      });
      const r = await c.call("goxel.render_scene", ["shot.png", 64, 48]);
      assert.equal(r.output_path, `${env.dir}/shot.png`);
      const png = await Deno.readFile(`${env.dir}/shot.png`);
      assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]);
      const managed = await c.call<{ file: { path: string; checksum: string } }>(
        "goxel.render_scene",
        {
          width: 32,
          height: 32,
          camera_preset: "front",
          options: { return_mode: "file_path", background_color: "#ffffff" },
        },
      );
      assert.match(managed.file.checksum, /^sha256:[0-9a-f]{64}$/);
      assert.equal(
        (await c.call<{ render: { size: number } }>("goxel.get_render_info", [managed.file.path]))
          .render.size,
        (await Deno.stat(managed.file.path)).size,
      );
      assert.equal((await c.call("goxel.list_renders")).count, 1);
      await c.call("goxel.cleanup_render", [managed.file.path]);
      await assert.rejects(Deno.stat(managed.file.path));
      await c.fails("goxel.get_render_info", ["/etc/passwd"], -1020, /not a live render/);
    });

    await t.step("files, history and projects", async () => {
      const saved = await c.call("goxel.save_project", ["castle.gox"]);
      assert.equal(saved.format, "gox");
      for (
        const ext of ["vox", "obj", "ply", "gltf", "glb", "stl", "qb", "kvx", "txt", "pov", "vxl"]
      ) {
        const out = await c.call<{ bytes: number }>("goxel.export_model", [`out.${ext}`]);
        assert.ok(out.bytes > 0, ext);
      }
      assert.equal(
        (await c.call("goxel.export_model", ["slices.png", "png_slices"])).format,
        "png_slices",
      );
      const loaded = await c.call<{ project_id: string }>("goxel.load_project", ["castle.gox"]);
      assert.equal(loaded.project_id, "p2");
      assert.equal(
        (await c.call("goxel.get_project_info")).voxel_count,
        (await c.call("goxel.get_project_info", { project: "p1" })).voxel_count,
      );
      const imported = await c.call<{ layers: unknown[] }>("goxel.import_file", ["out.vox"]);
      assert.equal(imported.layers.length, 2, "one vox model per visible layer");
      assert.equal((await c.call("goxel.undo")).undone, 1);
      assert.equal((await c.call("goxel.redo")).redone, 1);
      await c.call("goxel.select_project", ["p1"]);
      const projects = await c.call<{ projects: { id: string; current: boolean }[] }>(
        "goxel.list_projects",
      );
      assert.deepEqual(projects.projects.map((p) => p.current), [true, false]);
      await c.fails("goxel.close_project", ["p2"], -1102, /unsaved changes/);
      assert.equal((await c.call("goxel.close_project", ["p2", true])).was_dirty, true);
    });

    await t.step("checkpoints", async () => {
      const before = await c.call<{ voxel_count: number }>("goxel.get_project_info");
      const saved = await c.call<{ bytes: number }>("goxel.checkpoint", ["cp-1"]);
      assert.ok(saved.bytes > 0);
      await c.call("goxel.add_voxel", [20, 20, 20, "#123456"]);
      const list = await c.call<{ checkpoints: { name: string }[] }>("goxel.list_checkpoints");
      assert.deepEqual(list.checkpoints.map((x) => x.name), ["cp-1"]);
      await c.call("goxel.restore_checkpoint", { name: "cp-1" });
      const after = await c.call<{ voxel_count: number }>("goxel.get_project_info");
      assert.equal(after.voxel_count, before.voxel_count);
      await c.fails("goxel.restore_checkpoint", ["nope"], -1020, /Checkpoint "nope".*cp-1/);
      await c.fails("goxel.checkpoint", ["../x"], -32602, /letters, digits/);
      const mats = await c.call<{ materials: { layer_ids: number[] }[] }>("goxel.list_materials");
      assert.ok(mats.materials.length >= 1 && mats.materials[0].layer_ids.length >= 1);
    });

    await t.step("scripts", async () => {
      const r = await c.call("goxel.execute_script", {
        script:
          "const v = goxel.image.activeLayer.volume; v.setAt([20, 20, 0], [1, 2, 3]); print('hi'); 6 * 7",
      });
      assert.equal(r.result, 42);
      assert.equal(r.output, "hi");
      assert.deepEqual((await c.call("goxel.get_voxel", [20, 20, 0])).color, [1, 2, 3, 255]);
      const started = Date.now();
      await c.fails(
        "goxel.execute_script",
        { script: "for (;;) {}", timeout_ms: 300 },
        -1107,
        /timed out after 300 ms/,
      );
      assert.ok(Date.now() - started < 5000);
      await c.fails("goxel.execute_script", { script: "throw new Error('boom')" }, -1112, /boom/);
      assert.equal(
        (await c.call("ping")).pong,
        true,
        "the daemon survives runaway and failing scripts",
      );
    });

    await t.step("live view: tiles, subscriptions, HTTP listener", async () => {
      const tiles = await c.call<{ seq: number; data: string; tile_count: number }>(
        "goxel.get_tiles",
        { project: "p1" },
      );
      const decoded = decodeTiles(base64ToBytes(tiles.data));
      assert.equal(decoded.length, tiles.tile_count);
      const info = await c.call<{ voxel_count?: number }>("goxel.get_project_info", {});
      const voxels = decoded.reduce(
        (n, t) => n + (t.voxels ? t.voxels.filter((v) => v >>> 24).length : 0),
        0,
      );
      if (info.voxel_count !== undefined) assert.ok(voxels >= info.voxel_count);
      const sub = await c.call<{ seq: number }>("goxel.subscribe", { project: "p1" });
      assert.equal(sub.seq, tiles.seq);
      assert.deepEqual(await c.call("goxel.unsubscribe", {}), { removed: 1 });
      const http = await c.call<{ url: string; started: boolean }>("goxel.serve_http", [
        "127.0.0.1:0",
      ]);
      assert.equal(http.started, true);
      const health = await fetch(`${http.url}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
    });

    await t.step("selection and filters", async () => {
      await c.call("goxel.create_project", ["filters", 16, 16, 16]);
      await c.call("goxel.add_voxels", {
        voxels: [[0, 0, 0, 255, 0, 0], [1, 0, 0, 255, 0, 0], [5, 0, 0, 0, 0, 255]],
      });
      const color = async (x: number) =>
        (await c.call<{ color: number[] }>("goxel.get_voxel", [x, 0, 0])).color;
      assert.equal((await c.call("goxel.select_color", [0, 0, 0])).selected, 2);
      assert.equal(
        (await c.call("goxel.select_color", { x: 5, y: 0, z: 0, mode: "add", connected: true }))
          .selected,
        3,
      );
      const box = { min: [0, 0, 0], max: [1, 0, 0] };
      assert.equal((await c.call("goxel.select_box", [box])).selected, 2);
      // Only the selected red voxels change: hue +120° turns red into green.
      assert.equal((await c.call("goxel.adjust_colors", { hue: 120 })).voxels_changed, 2);
      assert.deepEqual(await color(0), [0, 255, 0, 255]);
      assert.deepEqual(await color(5), [0, 0, 255, 255]);
      // Mirror along x inside the selection box [0, 1]: the two voxels swap places.
      await c.call("goxel.add_voxel", [1, 0, 0, "#ffff00"]);
      assert.equal((await c.call("goxel.mirror", ["x"])).layers, 1);
      assert.deepEqual(await color(0), [255, 255, 0, 255]);
      assert.deepEqual(await color(1), [0, 255, 0, 255]);
      assert.equal((await c.call("goxel.wrap", ["x", -1])).layers, 1);
      assert.deepEqual(await color(0), [0, 255, 0, 255]);
      assert.deepEqual((await c.call("goxel.clear_selection")).success, true);
      await c.fails("goxel.adjust_colors", { hue: 500 }, -32602, /hue/);
      await c.call("goxel.close_project", { force: true });
    });

    await t.step("daemon methods", async () => {
      assert.equal((await c.call("goxel.version")).protocol, "JSON-RPC 2.0");
      assert.deepEqual(await c.call("echo", { a: 1 }), { a: 1 });
      assert.equal((await c.call("status")).status, "running");
      assert.equal((await c.call("goxel.health_check")).daemon_status, "healthy");
      const methods = await c.call<{ count: number }>("list_methods");
      assert.equal(methods.count, listMethods({ conformance: true }).length);
      assert.match(
        await c.call<string>("goxel.metrics"),
        /goxel_requests_total\{method="goxel.add_voxel",outcome="ok"\}/,
      );
      assert.equal((await c.call("goxel.reload_config")).success, true);
      assert.deepEqual(await c.call("goxel.authenticate", ["anything"]), { authenticated: true });
      assert.deepEqual(
        await c.call("goxel.cancel_request", [987654]),
        { cancelled: false, state: "not_found" },
        "nothing with that id runs (tests/cancel_e2e_test.ts cancels real work)",
      );
      const doc = await c.call<{ openrpc: string; methods: unknown[] }>("rpc.discover");
      assert.equal(doc.methods.length, methods.count);
      assert.equal(await c.call("subtract", [42, 23]), 19);
      assert.equal(await c.call("sum", [1, 2, 4]), 7);
      assert.deepEqual(await c.call("get_data"), ["hello", 5]);
      assert.equal(await c.call("update", [1]), null);
      assert.equal(await c.call("notify_hello", [7]), null);
      assert.equal(await c.call("notify_sum", [1, 2]), 3);
      assert.equal((await c.call("goxel.shutdown")).success, true);
      assert.equal(await daemon.stop(), 0);
    });
  });
  for (const m of c.called) called.add(m);
});

Deno.test("every declared method is called by the end-to-end suite", () => {
  const never = listMethods({ conformance: true }).map((m) => m.name).filter((n) => !called.has(n));
  assert.deepEqual(never, [], `declared but never called: ${never.join(", ")}`);
});
