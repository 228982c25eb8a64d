/**
 * The colour analyses of a model too big to count on the event loop (over INLINE_COLOR_TILES
 * tiles): through a real daemon they run on a worker, and their replies must equal the same
 * analyses made in this process on the same voxels.
 */
import assert from "node:assert/strict";
import { packRgba, unpackRgba } from "../core/color.ts";
import { colorTable, type ColorTableOptions } from "../core/ops/color_stats.ts";
import { Volume } from "../core/volume.ts";
import { INLINE_COLOR_TILES } from "../daemon/handlers/colors.ts";
import { makeTestEnv, RawClient, startDaemon } from "./support_testing.ts";

Deno.test("colour analyses of a big model run on a worker and match the in-process tables", async (t) => {
  // 6³ = 216 tiles, a few voxels each, colours in near clusters (so merging has work).
  const volume = new Volume(), bytes: number[] = [];
  let seed = 11;
  const rand = (n: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      for (let k = 0; k < 6; k++) {
        for (let v = 0; v < 5; v++) {
          const x = i * 16 + v, y = j * 16 + 2 * v, z = k * 16 + 3;
          const base = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [90, 90, 90]][rand(4)];
          const c = packRgba(base[0] + rand(8), base[1] + rand(8), base[2] + rand(3), 255);
          volume.set(x, y, z, c);
          bytes.push(x, y, z, c);
        }
      }
    }
  }
  assert.ok(volume.tileCount > INLINE_COLOR_TILES);
  const packed = new Uint8Array(bytes.length * 4), view = new DataView(packed.buffer);
  bytes.forEach((n, i) => view.setUint32(i * 4, n >>> 0, true));

  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.call("goxel.create_project", { name: "colours" });
    await c.call("goxel.add_voxels", { packed: packed.toBase64() });
    const rows = (options: ColorTableOptions) => {
      const table = colorTable(volume, options);
      return Array.from(table.colors, (color, i) => ({
        color: unpackRgba(color),
        count: table.counts[i],
        percentage: Math.round((table.counts[i] / table.total) * 10000) / 100,
      }));
    };
    const region = { min: [0, 0, 0], max: [40, 95, 95] };
    const aabb = { min: [0, 0, 0], max: [41, 96, 96] } as ColorTableOptions["region"];

    await t.step("get_color_histogram", async () => {
      const all = await c.call<{ total_voxels: number; bin_count: number; bins: unknown[] }>(
        "goxel.get_color_histogram",
        {},
      );
      assert.equal(all.total_voxels, 6 * 6 * 6 * 5);
      assert.deepEqual(all.bins, rows({ byCount: true }));
      assert.equal(all.bin_count, all.bins.length);
      const top = await c.call<{ bin_count: number; bins: unknown[] }>(
        "goxel.get_color_histogram",
        { top_n: 3, bin_size: 16, sort_by_count: false, region },
      );
      assert.deepEqual(top.bins, rows({ bin: 16, byCount: false, limit: 3, region: aabb }));
      assert.equal(
        top.bin_count,
        colorTable(volume, { bin: 16, byCount: false, region: aabb }).distinct,
      );
    });

    await t.step("get_unique_colors", async () => {
      const plain = await c.call<{ count: number; colors: unknown[] }>("goxel.get_unique_colors");
      assert.deepEqual(plain.colors, rows({ byCount: false }));
      assert.equal(plain.count, plain.colors.length);
      const merged = await c.call<{ count: number; colors: unknown[] }>(
        "goxel.get_unique_colors",
        { merge_similar: true, merge_threshold: 6, sort_by_count: true, layer_id: -1 },
      );
      assert.deepEqual(merged.colors, rows({ merge: 6, byCount: true }));
      assert.ok(merged.count < plain.count, "near colours merge");
    });
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});
