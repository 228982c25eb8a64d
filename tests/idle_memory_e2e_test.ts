/**
 * The compiled daemon gives back what start-up left resident (daemon/idle_memory.ts): an idle
 * daemon's RSS stays under issue 15's 45 MB, and everything still works after its code pages
 * were released. Only the compiled binary (Bun on Linux) can release pages; elsewhere this skips.
 */
import assert from "node:assert/strict";
import { makeTestEnv, procStatus, RawClient, startDaemon, waitFor } from "./support_testing.ts";

const compiled = Deno.env.get("GOXEL_BIN") !== undefined && Deno.build.os === "linux";

/** A memory field of /proc/PID/status in MB. */
const mb = (pid: number, field: string) => procStatus(pid, field) / 1024;

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
        const rss = mb(pid, "VmRSS");
        assert.ok(rss <= 45, `VmRSS ${rss.toFixed(1)} MB (file-backed ${mb(pid, "RssFile")})`);
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

/** The daemon's worker threads (Bun names them "Worker"; its own helpers have other names). */
function workerThreads(pid: number): number {
  let n = 0;
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    if (Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/comm`).trim() === "Worker") n++;
  }
  return n;
}

Deno.test({
  name:
    "a compiled daemon keeps its workers while a project is open, ends them and shrinks once none is",
  ignore: !compiled,
  fn: async () => {
    const env = await makeTestEnv();
    const daemon = await startDaemon(env, ["--log-level", "debug"]);
    const releases = () => daemon.stderr().match(/Released memory after \W{0,3}idle/g)?.length ?? 0;
    try {
      const pid = daemon.proc.pid;
      const c = await RawClient.unix(daemon.socket);
      await c.call("goxel.create_project", { name: "work" });
      await c.call("goxel.procedural_shape", {
        shape_type: "sphere",
        size_x: 90,
        size_y: 90,
        size_z: 90,
      });
      for (let i = 0; i < 4; i++) {
        const png = `${env.dir}/w${i}.png`;
        await c.call("goxel.render_scene", { output_path: png, width: 1024, height: 1024 });
      }
      assert.ok(workerThreads(pid) >= 1, "the renders started worker threads");
      const busyRss = mb(pid, "VmRSS");
      // The idle check looks every 30 s: the first quiet period after the work releases memory,
      // but the workers stay while the project is open (the next render runs on warm code).
      await waitFor("the release after the work", () => releases() >= 1, 75_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(workerThreads(pid) >= 1, "the workers stay while a project is open");
      // Once no project is open, the next quiet period ends them and releases again.
      await c.call("goxel.close_project", { project: "work", force: true });
      await waitFor("the release after the close", () => releases() >= 2, 75_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(workerThreads(pid), 0, "the idle workers ended");
      const rss = mb(pid, "VmRSS");
      assert.ok(
        rss < busyRss - 8,
        `RSS ${rss.toFixed(1)} MB after quiet, ${busyRss.toFixed(1)} busy`,
      );
      await c.call("goxel.create_project", { name: "again" });
      const png = `${env.dir}/again.png`;
      await c.call("goxel.render_scene", { output_path: png, width: 64, height: 64 });
      assert.ok((await Deno.stat(png)).size > 0, "a render after that starts a worker again");
      assert.ok(workerThreads(pid) >= 1);
      c.close();
    } finally {
      await daemon.stop();
      await env.cleanup();
    }
  },
});
