import assert from "node:assert/strict";
import { BlendMode } from "../core/blend.ts";
import { translation } from "../core/mat4.ts";
import { boxFromCorners, defaultPainter } from "../core/ops/paint.ts";
import { volumeToPlain } from "../core/plain_image.ts";
import { Volume } from "../core/volume.ts";
import { applyEdit, applyEditResult, type EditOp, runEditJob } from "./edit_jobs.ts";

function order(v: Volume): string {
  return [...v.tiles()].map(([x, y, z]) => `${x},${y},${z}`).join(" ");
}

function sample(): Volume {
  const v = new Volume();
  for (let i = 0; i < 40; i++) v.set(i * 7 - 100, i % 5, -i * 3, 0xff00ff00 + i);
  return v;
}

Deno.test("an edit run as a job gives the same voxels and tile order as inline", async (t) => {
  const painter = defaultPainter();
  const ops: [string, EditOp][] = [
    ["paint", { kind: "paint", painter, box: boxFromCorners([-20, -3, -40], [30, 9, 5]) }],
    ["sub", {
      kind: "paint",
      painter: { ...painter, mode: BlendMode.SUB },
      box: boxFromCorners([-50, 0, -50], [0, 4, 0]),
    }],
    ["line", { kind: "line", painter, from: [0, 0, 0], to: [60, 20, -10], radius: 3 }],
    ["fill", {
      kind: "fill",
      start: [-100, 0, 0],
      color: 0xff0000ff,
      options: { threshold: 255, limitBox: null, maxVoxels: 1e6 },
    }],
    ["move", { kind: "move", matrices: [translation(5, -3, 2)] }],
  ];
  for (const [name, op] of ops) {
    await t.step(name, () => {
      const inline = sample();
      const n = applyEdit(inline, op);
      const live = sample();
      const shared = live.copy(); // history keeps a copy: untouched tiles must stay shared
      const result = runEditJob(volumeToPlain(live), op);
      const applied = applyEditResult(live, result);
      assert.equal(result.count, n);
      assert.equal(applied.crc32(), inline.crc32());
      assert.equal(order(applied), order(inline));
      if (op.kind !== "move") {
        let kept = 0;
        for (const [x, y, z] of shared.tiles()) {
          if (applied.tileDataId(x, y, z) === shared.tileDataId(x, y, z)) kept++;
        }
        assert.ok(kept > 0 || name === "fill", "untouched tiles stay shared");
      }
    });
  }
});
