/**
 * Several clients and the daemon-wide current project (found by a concurrency audit): closing
 * another project, or a refused close, leaves the current project alone; closing the current
 * one falls back to the one used last; a name that several projects share, or that looks like
 * an id, never reaches the wrong project; undo, redo and restoring a checkpoint never open an
 * empty project.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, startDaemon } from "./support_testing.ts";

Deno.test("closing another project never moves the current project", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const a = await RawClient.unix(daemon.socket), b = await RawClient.unix(daemon.socket);
  const current = async () => (await a.call<{ current: string }>("goxel.list_projects")).current;
  try {
    for (const name of ["alpha", "beta", "gamma"]) {
      await a.call("goxel.create_project", [name, 16, 16, 16]);
    }
    await a.call("goxel.select_project", ["beta"]);
    await a.call("goxel.add_voxel", { x: 1, y: 1, z: 1, color: "#ff0000", project: "alpha" });
    const refused = await b.request("goxel.close_project", { project: "alpha" });
    assert.equal(refused.error?.code, -1102, "alpha has unsaved changes");
    assert.equal(await current(), "p2", "a refused close changes nothing");
    const closed = await b.call<{ current: string }>("goxel.close_project", ["gamma", true]);
    assert.equal(closed.current, "p2", "closing another project keeps beta current");
    await a.call("goxel.add_voxel", [0, 0, 0, "#00ff00"]);
    const beta = await a.call<{ voxel_count: number }>("goxel.get_project_info", { project: "p2" });
    assert.equal(beta.voxel_count, 1, "the edit without a project went to beta");
    // Closing the current one falls back to the one used last, not the one created last.
    await a.call("goxel.create_project", ["delta", 16, 16, 16]);
    await a.call("goxel.select_project", ["alpha"]);
    await a.call("goxel.select_project", ["beta"]);
    await a.call("goxel.close_project", ["beta", true]);
    assert.equal(await current(), "p1", "alpha was used after delta");
  } finally {
    a.close();
    b.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a file named like a project id loads under its file name, not as that id", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.call("goxel.create_project", ["tmp", 16, 16, 16]);
    await c.call("goxel.save_project", [`${env.dir}/p7.gox`]);
    const loaded = await c.call<{ name: string; project_id: string }>("goxel.load_project", [
      `${env.dir}/p7.gox`,
    ]);
    assert.equal(loaded.name, "p7.gox");
    const info = await c.call<{ name: string }>("goxel.get_project_info", { project: "p7.gox" });
    assert.equal(info.name, "p7.gox");
    // get_status reports the project asked for (an MCP session's own), else the current one.
    await c.call("goxel.select_project", ["p1"]);
    const status = (project?: string) =>
      c.call<{ project_id: string }>("goxel.get_status", project ? { project } : {});
    assert.equal((await status()).project_id, "p1");
    assert.equal((await status("p7.gox")).project_id, loaded.project_id);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a shared name or an id-like name never reaches the wrong project", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    const idLike = await c.request("goxel.create_project", ["p2", 16, 16, 16]);
    assert.equal(idLike.error?.code, -1101);
    assert.match(idLike.error!.message, /names like p1, p2 are project ids/);
    await c.call("goxel.create_project", ["castle", 16, 16, 16]);
    await c.call("goxel.create_project", ["castle", 16, 16, 16]);
    const ambiguous = await c.request("goxel.close_project", ["castle", true]);
    assert.equal(ambiguous.error?.code, -1101);
    assert.match(ambiguous.error!.message, /"castle" is ambiguous: p1, p2 .* use the project's id/);
    const edit = await c.request("goxel.add_voxel", { x: 0, y: 0, z: 0, project: "castle" });
    assert.equal(edit.error?.code, -1101);
    assert.equal((await c.call<{ count: number }>("goxel.list_projects")).count, 2, "both open");
    await c.call("goxel.close_project", ["p1", true]);
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: "castle" });
    const left = await c.call<{ voxel_count: number }>("goxel.get_project_info", {
      project: "castle",
    });
    assert.equal(left.voxel_count, 1, "one castle left: the name is clear again");
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a batch runs its calls in order: after a load, calls without a project use it", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  try {
    await c.call("goxel.create_project", ["scratch", 16, 16, 16]);
    await c.call("goxel.add_voxel", [3, 3, 3, "#ff0000"]);
    await c.call("goxel.save_project", [`${env.dir}/piece.gox`]);
    const req = (id: number, method: string, params: unknown) => ({
      jsonrpc: "2.0",
      id,
      method,
      params,
    });
    await c.send(
      JSON.stringify([
        req(1, "goxel.load_project", [`${env.dir}/piece.gox`]),
        req(2, "goxel.add_voxel", [0, 0, 0, "#00ff00"]),
        req(3, "goxel.get_project_info", {}),
        req(4, "goxel.select_project", ["piece"]),
      ]) + "\n",
    );
    const replies = await c.read(20_000) as { id: number; result?: Record<string, unknown> }[];
    assert.deepEqual(replies.map((r) => r.id), [1, 2, 3, 4]);
    assert.ok(replies.every((r) => r.result), JSON.stringify(replies));
    const loaded = replies[0].result!.project_id;
    assert.equal(replies[2].result!.project_id, loaded, "the info is the loaded project's");
    assert.equal(replies[2].result!.voxel_count, 2, "its voxel and the batch's");
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("undo, redo and restoring a checkpoint with no project open open none", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  const count = async () => (await c.call<{ count: number }>("goxel.list_projects")).count;
  try {
    for (const [method, params] of [["undo", []], ["redo", [2]], ["restore_checkpoint", ["x"]]]) {
      const reply = await c.request(`goxel.${method}`, params);
      assert.equal(reply.error?.code, -1020, `${method}: ${JSON.stringify(reply)}`);
      assert.match(reply.error!.message, /No project is open/);
      assert.equal(await count(), 0, `${method} left no project behind`);
    }
    // An edit still opens one, and then undo works on it.
    await c.call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    assert.equal((await c.call<{ undone: number }>("goxel.undo")).undone, 1);
    assert.equal(await count(), 1);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a failed edit with no project open leaves none behind, also after a restart", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env);
  let c = await RawClient.unix(daemon.socket);
  const count = async () => (await c.call<{ count: number }>("goxel.list_projects")).count;
  try {
    const failing: [string, unknown][] = [
      ["add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", layer_id: 99 }],
      ["add_voxels", { voxels: [[0, 0, 0, 255, 0, 0]], layer_id: 99 }],
      // Fails after a wait on the worker pool (an async edit).
      ["import_file", { path: `${env.dir}/missing.vox` }],
    ];
    for (const [method, params] of failing) {
      const reply = await c.request(`goxel.${method}`, params);
      // A failure of the edit itself (not an unknown method or bad params).
      assert.ok(reply.error && reply.error.code < -1000, `${method}: ${JSON.stringify(reply)}`);
      assert.equal(await count(), 0, `${method} left no project behind`);
    }
    // A successful edit still opens one.
    await c.call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    assert.equal(await count(), 1);
    // The open and close of the failed edits were journaled: a restart brings back one project.
    c.close();
    await daemon.stop();
    daemon = await startDaemon(env);
    c = await RawClient.unix(daemon.socket);
    assert.equal(await count(), 1);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a failed async edit that opened a project keeps it for the requests queued behind it", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const a = await RawClient.unix(daemon.socket), b = await RawClient.unix(daemon.socket);
  try {
    // A script opens Untitled, runs 400 ms on a worker, then throws.
    const slow = "const t = Date.now(); while (Date.now() - t < 400) {} throw new Error('late');";
    await a.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "goxel.execute_script",
        params: { script: slow },
      }) + "\n",
    );
    await new Promise((r) => setTimeout(r, 100));
    // Meanwhile another client edits the current project: its edit waits for the script.
    const edit = b.request("goxel.add_voxel", [1, 2, 3, "#00ff00"]);
    const failed = await a.read(10_000) as { error?: { code: number } };
    assert.ok(failed.error, JSON.stringify(failed));
    const added = await edit;
    assert.equal(added.error, undefined, JSON.stringify(added));
    const list = await b.call<{ count: number }>("goxel.list_projects");
    assert.equal(list.count, 1, "the project the script opened stays, with the edit");
    const voxel = await b.call<{ exists: boolean }>("goxel.get_voxel", [1, 2, 3]);
    assert.equal(voxel.exists, true);
  } finally {
    a.close();
    b.close();
    await daemon.stop();
    await env.cleanup();
  }
});
