import assert from "node:assert/strict";
import type { Image } from "../core/image.ts";
import { harness } from "./dispatch_testing.ts";

/** Layer names, CRCs, voxel counts and tile order: what undo must restore exactly. */
function describe(image: Image): string {
  return image.layers.map((l) =>
    `${l.id}:${l.name}:${l.visible}:${l.volume.count()}:${l.volume.crc32()}:${
      l.volume.tileOrder().join(";")
    }`
  ).join("|");
}

Deno.test("undo and redo restore every state exactly across logged and diffed edits", async () => {
  const { ctx, send, bugs } = await harness();
  let id = 0;
  const call = (method: string, params: unknown) =>
    send({ jsonrpc: "2.0", id: ++id, method, params });
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
  assert.deepEqual(bugs, [], "no request hit a bug");
});
