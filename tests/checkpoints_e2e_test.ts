/**
 * Named checkpoints belong to their project (found by a concurrency audit: two projects of one
 * name shared them), are taken when the request arrives, and go when the project is closed.
 */
import assert from "node:assert/strict";
import { FIXTURES_DIR, haveFixtures } from "./fixtures_testing.ts";
import {
  journalBytes,
  loadFixtureCopy,
  makeTestEnv,
  RawClient,
  startDaemon,
} from "./support_testing.ts";

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

Deno.test({
  name: "restore_checkpoint applies only what differs (its undo step is no copy of the project)",
  ignore: !haveFixtures("checkpoints_e2e_test"),
  fn: async () => {
    const env = await makeTestEnv();
    const daemon = await startDaemon(env);
    const c = await RawClient.unix(daemon.socket);
    try {
      const file = await loadFixtureCopy(c, env.dir, "ephtracy/monu9.vox");
      await c.call("goxel.checkpoint", { name: "start" });
      await c.call("goxel.add_voxel", [0, 0, 60, "#ff0000"]);
      const bytes = await journalBytes(c);
      await c.call("goxel.restore_checkpoint", { name: "start" });
      const grew = await journalBytes(c) - bytes;
      assert.ok(grew < 4096, `the restore journaled ${grew} bytes (a whole .vox's chunks before)`);
      assert.equal(
        (await c.call<{ exists: boolean }>("goxel.get_voxel", [0, 0, 60])).exists,
        false,
      );
      await c.call("goxel.undo");
      assert.equal((await c.call<{ exists: boolean }>("goxel.get_voxel", [0, 0, 60])).exists, true);
      // The restored project saves back as the file was (the checkpoint kept what .vox carries).
      await c.call("goxel.undo");
      await c.call("goxel.save_project", []);
      assert.deepEqual(
        await Deno.readFile(file),
        await Deno.readFile(`${FIXTURES_DIR}ephtracy/monu9.vox`),
      );
    } finally {
      c.close();
      await daemon.stop();
      await env.cleanup();
    }
  },
});
