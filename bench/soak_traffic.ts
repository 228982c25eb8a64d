/**
 * The first half of the soak harness's traffic mix, each generator handed a `SoakContext`:
 * short-lived socket connections (normal, abrupt, half-closed, torn, pipelined), the long-lived
 * `Editor` that edits its own project every cycle, fixture projects loaded, edited, saved,
 * exported, checkpointed and closed, renders small and 1024² plus managed render files, scripts
 * that succeed, fail, time out and run out of memory, and cancels of running scripts and renders.
 */
import type { Client, SoakContext } from "./soak_client.ts";
import { color, pool, rnd, sleep } from "./soak_client.ts";

/** Fixtures copied into the work dir, relative to GOXEL_FIXTURES; loaded by the lifecycle. */
export const FIXTURE_FILES = [
  "ephtracy/monu9.vox",
  "ephtracy/chr_knight.vox",
  "ephtracy/teapot.vox",
  "vengi/chr_knight.gox",
  "vengi/robo.qb",
  "vengi/slab6_vox_test.kv6",
  "vengi/gox-shape-3-layers.gox",
  "goxel/example1.gox",
  "gnome-wizard/untitled.gox",
];

/** A script that writes 200 voxels to the active layer and returns its voxel count. */
export const WRITE_SCRIPT =
  "const v = goxel.image.activeLayer.volume; for (let i = 0; i < 200; i++) v.setAt([i % 20, (i / 20) | 0, 5], [i, 100, 200]); v.count";

/** Short-lived connections: normal, abrupt (requests unread), half-close, torn line, burst. */
export async function runShortConnections(ctx: SoakContext, n: number): Promise<void> {
  const { safe, count } = ctx.tally;
  await pool([...Array(n).keys()], 8, async (i) => {
    await safe("short", async () => {
      const c = await ctx.open();
      count("short_conn");
      switch (i % 5) {
        case 0:
          await c.call("goxel.ping");
          await c.call("goxel.get_status");
          await c.call("goxel.list_projects");
          await c.closeAndWait();
          break;
        case 1: // abrupt: requests written, connection dropped before any reply is read
          c.send("goxel.ping");
          c.send("goxel.get_voxel", [0, 0, 0]);
          c.send("goxel.list_layers");
          await sleep(0);
          c.close();
          break;
        case 2: { // half-close: requests, then shutdown(SHUT_WR), replies read to EOF
          const a = c.request("goxel.ping");
          const b = c.request("goxel.version");
          await c.conn.closeWrite();
          await Promise.all([a, b]);
          await c.closeAndWait();
          break;
        }
        case 3: // a torn request line, then close
          await c.write('{"jsonrpc":"2.0","id":1,"method":"goxel.pi');
          c.close();
          break;
        case 4: { // pipelined burst, half of the replies read
          const ps = Array.from({ length: 50 }, (_, k) => c.request("goxel.get_voxel", [k, 0, 0]));
          await Promise.all(ps.slice(0, 25));
          c.close();
          break;
        }
      }
    });
  });
}

/** A long-lived editor on its own project. */
export class Editor {
  c!: Client;
  project = "";
  constructor(readonly ctx: SoakContext, readonly name: string) {}

  /** Connects and creates the editor's 64³ project. */
  async open(): Promise<void> {
    this.c = await this.ctx.open();
    this.project = (await this.c.call("goxel.create_project", {
      name: this.name,
      width: 64,
      height: 64,
      depth: 64,
    })).project_id;
  }

  /** One cycle of edits that leaves the project with one layer again. */
  async cycle(): Promise<void> {
    const list = await this.#addVoxels();
    await this.#shapes();
    await this.#layers(list);
    const c = this.c, project = this.project;
    await c.call("goxel.list_materials", { project });
    await c.call("goxel.list_layers", { project });
    await c.call("goxel.get_bounding_box", { project });
    this.ctx.tally.count("editor_cycle");
  }

  async #addVoxels(): Promise<number[][]> {
    const c = this.c, project = this.project;
    for (let k = 0; k < 100; k++) {
      await c.call("goxel.add_voxel", {
        x: rnd(64) - 32,
        y: rnd(64) - 32,
        z: rnd(32),
        color: color(),
        project,
      });
    }
    this.ctx.tally.count("add_voxel", 100);
    const list = Array.from(
      { length: 500 },
      () => [rnd(64) - 32, rnd(64) - 32, rnd(32), ...color()],
    );
    await c.call("goxel.add_voxels", { voxels: list, project });
    const packed = new Uint8Array(16 * 2000);
    const dv = new DataView(packed.buffer);
    for (let k = 0; k < 2000; k++) {
      dv.setInt32(16 * k, rnd(64) - 32, true);
      dv.setInt32(16 * k + 4, rnd(64) - 32, true);
      dv.setInt32(16 * k + 8, rnd(32), true);
      dv.setUint32(16 * k + 12, (Math.random() * 0xffffffff) | 0xff000000, true);
    }
    await c.call("goxel.add_voxels", { packed: btoa(String.fromCharCode(...packed)), project });
    return list;
  }

  async #shapes(): Promise<void> {
    const c = this.c, project = this.project;
    for (const shape_type of ["sphere", "cube", "cylinder"]) {
      await c.call("goxel.procedural_shape", {
        shape_type,
        size_x: 8 + rnd(12),
        size_y: 8 + rnd(12),
        size_z: 8 + rnd(12),
        center_x: rnd(40) - 20,
        center_y: rnd(40) - 20,
        center_z: rnd(20),
        color: color(),
        project,
      });
    }
    await c.call("goxel.draw_line", {
      from: [-20, -20, 0],
      to: [20, 20, rnd(30)],
      color: color(),
      radius: 1.5,
      project,
    });
  }

  async #layers(list: number[][]): Promise<void> {
    const c = this.c, project = this.project;
    const l1 =
      (await c.call("goxel.create_layer", { name: "tmp", color: color(), project })).layer_id;
    await c.call("goxel.add_voxels", { voxels: list.slice(0, 100), layer_id: l1, project });
    const l2 = (await c.call("goxel.create_layer", { name: "tmp2", project })).layer_id;
    await c.call("goxel.procedural_shape", {
      shape_type: "sphere",
      size_x: 6,
      size_y: 6,
      size_z: 6,
      layer_id: l2,
      color: color(),
      project,
    });
    await c.call("goxel.merge_layers", { source_layer_id: l2, target_layer_id: l1, project });
    await c.call("goxel.delete_layer", { layer_id: l1, project });
    await c.call("goxel.undo", { steps: 5, project });
    await c.call("goxel.redo", { steps: 3, project });
    await c.call("goxel.redo", { steps: 2, project }); // back to one layer: the project stays the same size
  }
}

/** Fixture projects loaded, edited, saved, exported, checkpointed, restored and closed. */
export async function runProjectLifecycle(ctx: SoakContext): Promise<void> {
  const { safe, count } = ctx.tally;
  const { work, out } = ctx.paths;
  const c = await ctx.open();
  const exts = ["obj", "gltf", "vox", "ply", "qb", "glb", "stl"];
  let k = 0;
  for (const f of FIXTURE_FILES) {
    const file = f.split("/")[1];
    await safe(`lifecycle ${file}`, async () => {
      const p = (await c.call("goxel.load_project", { path: `${work}/${file}` })).project_id;
      await c.call("goxel.add_voxel", { x: 1, y: 2, z: 3, color: color(), project: p });
      await c.call("goxel.save_project", { path: `${out}/${file}.gox`, project: p });
      const ext = exts[k++ % exts.length];
      await c.call("goxel.export_model", {
        path: `${out}/${file}.${ext}`,
        project: p,
        overwrite_sidecars: true,
      });
      await c.call("goxel.checkpoint", { name: "c1", project: p });
      await c.call("goxel.procedural_shape", {
        shape_type: "cube",
        size_x: 5,
        size_y: 5,
        size_z: 5,
        project: p,
      });
      await c.call("goxel.checkpoint", { name: "c2", project: p });
      await c.call("goxel.restore_checkpoint", { name: "c1", project: p });
      await c.call("goxel.list_checkpoints", { project: p });
      await c.call("goxel.close_project", { project: p, force: true });
      count("project_lifecycle");
    });
  }
  for (let i = 0; i < 10; i++) {
    await safe("create/close", async () => {
      const p = (await c.call("goxel.create_project", {
        name: `tmp${i}`,
        width: 32,
        height: 32,
        depth: 32,
      })).project_id;
      if (i % 2) {
        await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: p });
      }
      await c.call("goxel.close_project", { project: p, force: true });
      count("create_close");
    });
  }
  await c.closeAndWait();
}

/** Renders on a persistent monu9 project: small and 1024² to files, managed files cleaned up. */
export async function runRenders(ctx: SoakContext, rc: Client, project: string): Promise<void> {
  const { safe, count } = ctx.tally;
  const { out } = ctx.paths;
  const render = (what: string, output: string, size: number, extra = {}) =>
    safe(what, () =>
      rc.call("goxel.render_scene", {
        output_path: `${out}/${output}`,
        width: size,
        height: size,
        ...extra,
        project,
      }));
  for (let i = 0; i < 5; i++) {
    await render("render small", "small.png", 128, { camera_preset: "isometric" });
  }
  for (let i = 0; i < 2; i++) await render("render 1024", "big.png", 1024);
  await render("render path", "path.png", 256, { quality: "path" });
  for (let i = 0; i < 3; i++) {
    await safe("render managed", async () => {
      const r = await rc.call("goxel.render_scene", {
        width: 256,
        height: 256,
        options: { return_mode: "file_path" },
        project,
      });
      const path = r.file?.path ?? r.file?.file_path ?? r.output_path;
      await rc.call("goxel.get_render_info", { path });
      await rc.call("goxel.cleanup_render", { path });
    });
  }
  count("render", 11);
}

/** Scripts: small, writing, erroring, timing out, out of memory. */
export async function runScripts(ctx: SoakContext, c: Client, project: string): Promise<void> {
  const { safe, count, oops } = ctx.tally;
  for (let i = 0; i < 5; i++) {
    await safe("script small", () => c.call("goxel.execute_script", { script: "1 + 1", project }));
  }
  for (let i = 0; i < 2; i++) {
    await safe("script write", () =>
      c.call("goxel.execute_script", {
        script: WRITE_SCRIPT,
        project,
      }));
  }
  const expectErr = (what: string, params: Record<string, unknown>) =>
    safe(what, async () => {
      const r = await c.request("goxel.execute_script", { ...params, project });
      if (!r.error) oops(what, "no error");
    });
  await expectErr("script throw", { script: "throw new Error('x')" });
  await expectErr("script syntax", { script: "let = ;" });
  await expectErr("script timeout", { script: "for (;;) {}", timeout_ms: 300 });
  await expectErr("script oom", {
    script: "const a = []; for (;;) a.push(new Array(1e5).fill(1));",
  });
  count("script", 11);
}

/** cancel_request of a running script and of a running render; a connection dropped mid-render. */
export async function runCancels(ctx: SoakContext, project: string): Promise<void> {
  const { safe, count, oops } = ctx.tally;
  const { out } = ctx.paths;
  const loop = { script: "for (;;) {}", timeout_ms: 20000, project };
  const bigRender = (file: string) => ({
    output_path: `${out}/${file}`,
    width: 2048,
    height: 2048,
    quality: "path",
    project,
  });
  const c = await ctx.open();
  await safe("cancel script", async () => {
    const [id, p] = c.send("goxel.execute_script", loop);
    await sleep(150);
    await c.call("goxel.cancel_request", { id });
    const r = await p;
    if (!r.error) oops("cancel script", "not cancelled");
  });
  await safe("cancel render", async () => {
    const [id, p] = c.send("goxel.render_scene", bigRender("cancel.png"));
    await sleep(150);
    await c.call("goxel.cancel_request", { id });
    await p;
  });
  await c.closeAndWait();
  await safe("drop mid-render", async () => {
    const d = await ctx.open();
    d.send("goxel.render_scene", bigRender("dropped.png"));
    await sleep(150);
    await d.closeAndWait();
  });
  await safe("drop mid-script", async () => {
    const d = await ctx.open();
    d.send("goxel.execute_script", loop);
    await sleep(150);
    await d.closeAndWait();
  });
  count("cancel", 4);
}
