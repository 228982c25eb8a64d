/**
 * The compiled daemon gives back what start-up left resident (daemon/idle_memory.ts): an idle
 * daemon's RSS stays under issue 15's 45 MB, and everything still works after its code pages
 * were released. Only the compiled binary (Bun on Linux) can release pages; elsewhere this skips.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, startDaemon, waitFor } from "./support_testing.ts";

const compiled = Deno.env.get("GOXEL_BIN") !== undefined && Deno.build.os === "linux";

function status(pid: number, field: string): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)![1]) / 1024;
}

Deno.test({
  name: "an idle compiled daemon releases its start-up pages and keeps working",
  ignore: !compiled,
  fn: async (t) => {
    const env = await makeTestEnv();
    const daemon = await startDaemon(env, ["--log-level", "debug"]);
    try {
      await waitFor(
        "the start-up release",
        () => /Released memory after \W{0,3}start-up/.test(daemon.stderr()),
      );
      // Let what start-up still had queued run before measuring.
      await new Promise((r) => setTimeout(r, 1500));
      const pid = daemon.proc.pid;
      await t.step("idle RSS is under 45 MB", () => {
        const rss = status(pid, "VmRSS");
        assert.ok(rss <= 45, `VmRSS ${rss.toFixed(1)} MB (file-backed ${status(pid, "RssFile")})`);
      });
      await t.step("requests after the release run as before", async () => {
        const c = await RawClient.unix(daemon.socket);
        try {
          await c.call("goxel.create_project", { name: "after-release" });
          const shape = await c.call<{ voxels_created: number }>("goxel.procedural_shape", {
            shape_type: "sphere",
            size_x: 12,
            size_y: 12,
            size_z: 12,
            color: "#c82828",
          });
          const info = await c.call<{ voxel_count: number }>("goxel.get_project_info");
          assert.equal(info.voxel_count, shape.voxels_created);
          const png = `${env.dir}/after.png`;
          await c.call("goxel.render_scene", { output_path: png, width: 64, height: 64 });
          const bytes = await Deno.readFile(png);
          assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
        } finally {
          c.close();
        }
      });
    } finally {
      await daemon.stop();
      await env.cleanup();
    }
  },
});
