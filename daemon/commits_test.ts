import assert from "node:assert/strict";
import type { Image } from "../core/image.ts";
import { loadConfig } from "./config.ts";
import type { DaemonContext } from "./context.ts";
import { Dispatcher } from "./dispatch.ts";
import { createHandlers } from "./handlers/mod.ts";
import { ChangeHub } from "./changes.ts";
import { JournalStore } from "./journal.ts";
import { nodeJournalFs } from "./journal_fs.ts";
import { Metrics } from "./metrics.ts";
import { ProjectRegistry } from "./projects.ts";

/** Layer names, CRCs, voxel counts and tile order: what undo must restore exactly. */
function describe(image: Image): string {
  return image.layers.map((l) =>
    `${l.id}:${l.name}:${l.visible}:${l.volume.count()}:${l.volume.crc32()}:${
      l.volume.tileOrder().join(";")
    }`
  ).join("|");
}

async function harness() {
  const projects = new ProjectRegistry(() => 0, 256);
  const metrics = new Metrics();
  const ctx = {
    changes: new ChangeHub(projects, metrics),
    config: await loadConfig({}),
    build: { version: "0", commit: "t", runtime: "deno" },
    conformance: false,
    projects,
    journal: new JournalStore(
      {
        dataDir: "/nonexistent",
        durability: "off",
        batchMs: 5,
        checkpointBytes: 1 << 20,
        checkpointSeconds: 600,
      },
      nodeJournalFs,
      () => 0,
      { info() {}, warn() {}, error() {} },
    ),
    onCommit() {},
    metrics,
    clock: () => 0,
    startedAt: 0,
    lastRequestAt: 0,
    workspace: "/tmp",
    onRequest() {},
    logBug(m: string, e: unknown) {
      throw new Error(`bug in ${m}: ${e}`);
    },
  } as unknown as DaemonContext;
  const d = new Dispatcher(ctx, createHandlers());
  let id = 0;
  const call = async (method: string, params: unknown) => {
    const text = JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params });
    return JSON.parse((await d.handleText(text, { connectionId: 1, transport: "unix" }))!);
  };
  return { ctx, call };
}

Deno.test("undo and redo restore every state exactly across logged and diffed edits", async () => {
  const { ctx, call } = await harness();
  await call("goxel.create_project", ["u", 32, 32, 32]);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const i = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const stack = [describe(ctx.projects.current!.image)];
  let cursor = 0;
  for (let n = 0; n < 400; n++) {
    const r = rand();
    const project = ctx.projects.current!;
    if (r < 0.15 && cursor > 0) {
      await call("goxel.undo", [1]);
      cursor--;
    } else if (r < 0.25 && cursor < stack.length - 1) {
      await call("goxel.redo", [1]);
      cursor++;
    } else {
      const edits: [string, unknown][] = [
        ["goxel.add_voxel", {
          x: i(-20, 20),
          y: i(-20, 20),
          z: i(0, 20),
          color: [i(0, 255), 9, 9, 255],
        }],
        ["goxel.remove_voxel", { x: i(-20, 20), y: i(-20, 20), z: i(0, 20) }],
        ["goxel.add_voxels", {
          voxels: [[i(-40, 40), i(-40, 40), i(0, 40), 1, 2, 3, 255], [
            i(-9, 9),
            0,
            0,
            4,
            5,
            6,
            255,
          ]],
        }],
        ["goxel.procedural_shape", {
          shape_type: "sphere",
          size_x: i(1, 9),
          size_y: 4,
          size_z: 4,
          color: [i(0, 255), 1, 1, 255],
        }],
        ["goxel.create_layer", { name: `L${n}` }],
        ["goxel.delete_layer", { layer_id: i(1, 4) }],
        ["goxel.crop", { box: { min: [-8, -8, 0], max: [8, 8, 8] } }],
      ];
      const [method, params] = edits[Math.floor(rand() * edits.length)];
      const seq = project.seq;
      await call(method, params);
      if (project.seq === seq) continue; // an error or no change: no step
      stack.length = cursor + 1;
      stack.push(describe(project.image));
      cursor++;
    }
    assert.equal(describe(ctx.projects.current!.image), stack[cursor], `after request ${n}`);
  }
});
