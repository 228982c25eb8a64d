/**
 * Named checkpoints belong to their project (found by a concurrency audit: two projects of one
 * name shared them), are taken when the request arrives, and go when the project is closed.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, startDaemon } from "./support_testing.ts";

Deno.test("two projects of one name keep their own checkpoints; close_project removes them", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const a = await RawClient.unix(daemon.socket), b = await RawClient.unix(daemon.socket);
  try {
    await a.call("goxel.create_project", ["house", 16, 16, 16]);
    await a.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: "p1" });
    await a.call("goxel.checkpoint", { name: "before-roof", project: "p1" });
    await b.call("goxel.create_project", ["house", 16, 16, 16]);
    await b.call("goxel.add_voxel", { x: 5, y: 5, z: 5, color: "#00ff00", project: "p2" });
    await b.call("goxel.checkpoint", { name: "before-roof", project: "p2" });
    await a.call("goxel.add_voxel", { x: 1, y: 0, z: 0, color: "#ff0000", project: "p1" });
    await a.call("goxel.restore_checkpoint", { name: "before-roof", project: "p1" });
    const voxel = (x: number, y: number, z: number) =>
      a.call<{ exists: boolean }>("goxel.get_voxel", { x, y, z, project: "p1" });
    assert.equal((await voxel(0, 0, 0)).exists, true, "its own voxel is back");
    assert.equal((await voxel(1, 0, 0)).exists, false, "the later edit is undone");
    assert.equal((await voxel(5, 5, 5)).exists, false, "nothing of the other house");
    const listed = await b.call<{ count: number }>("goxel.list_checkpoints", { project: "p2" });
    assert.equal(listed.count, 1);
    const dir = `${env.dir}/state/goxel/checkpoints/p2`;
    assert.ok(Deno.statSync(dir).isDirectory);
    await b.call("goxel.close_project", { project: "p2", force: true });
    assert.equal(await Deno.stat(dir).then(() => true, () => false), false, "closed: gone");
    assert.equal(
      (await a.call<{ count: number }>("goxel.list_checkpoints", { project: "p1" })).count,
      1,
      "the other project's checkpoint stays",
    );
  } finally {
    a.close();
    b.close();
    await daemon.stop();
    await env.cleanup();
  }
});
