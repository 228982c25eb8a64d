/**
 * Memory under big edits, through a running daemon: 360 fills of a 100³ cube (1 M voxels, 512
 * tiles) in a new colour each, the daemon's RSS every 60 fills, with the undo history unbounded,
 * at its default byte cap and at a 20 MB cap.
 *   GOXEL_BIN=dist/goxel-linux-x64 deno run -A bench/edit_memory.ts
 */
import { makeTestEnv, procStatus, RawClient, startDaemon } from "../tests/support_testing.ts";

const CONFIGS: [string, string][] = [
  ["history unbounded", "history_max_bytes: 0\n"],
  ["history_max_bytes default (512 MiB)", "workers: 2\n"],
  ["history_max_bytes: 20 MB", "history_max_bytes: 20000000\n"],
];
console.log("| config | RSS after 60, 120, … 360 fills (MB) | undo steps kept |");
console.log("| --- | --- | --- |");
for (const [name, config] of CONFIGS) {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, [], config);
  const c = await RawClient.unix(daemon.socket);
  try {
    const { pid } = await c.call<{ pid: number }>("goxel.status");
    const rss = () => (procStatus(pid, "VmRSS") / 1024).toFixed(0);
    await c.call("goxel.create_project", { name: "fills" });
    const marks: string[] = [];
    for (let k = 0; k < 360; k++) {
      await c.call("goxel.procedural_shape", {
        shape_type: "cube",
        size_x: 100,
        size_y: 100,
        size_z: 100,
        color: [k & 255, 255 - (k & 255), k >> 8, 255],
      });
      if (k % 60 === 59) marks.push(rss());
    }
    const { undone } = await c.call<{ undone: number }>("goxel.undo", [1000]);
    console.log(`| ${name} | ${marks.join(", ")} | ${undone} |`);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
}
