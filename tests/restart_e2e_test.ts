/**
 * Sessions across restarts, found by a durability audit: restarts without edits in between,
 * read-only projects, damage that looks like a torn tail, and the undo window.
 */
import assert from "node:assert/strict";
import { scanJournal } from "../core/journal/record.ts";
import {
  type Daemon,
  makeTestEnv,
  RawClient,
  startDaemon,
  type TestEnv,
} from "./support_testing.ts";

interface Info {
  voxel_count: number;
  read_only: string | null;
  undo_count: number;
}

/** Runs `fn` against a daemon that is stopped (SIGTERM) and started again by `restart`. */
async function withRestarts(
  fn: (call: () => RawClient, restart: () => Promise<void>, env: TestEnv) => Promise<void>,
) {
  const env = await makeTestEnv();
  let daemon: Daemon = await startDaemon(env, ["--workspace", env.dir]);
  let client = await RawClient.unix(env.socket);
  const restart = async () => {
    client.close();
    await daemon.stop();
    daemon = await startDaemon(env, ["--workspace", env.dir]);
    client = await RawClient.unix(env.socket);
  };
  try {
    await fn(() => client, restart, env);
  } finally {
    client.close();
    await daemon.stop();
    await env.cleanup();
  }
}

Deno.test("edits made after restarts without edits survive the next restart", async () => {
  await withRestarts(async (c, restart) => {
    await c().call("goxel.create_project", ["twice", 16, 16, 16]);
    await c().call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    await restart();
    await restart(); // no edit in the session between: its journal holds only its header
    for (let x = 1; x <= 3; x++) await c().call("goxel.add_voxel", [x, 0, 0, "#00ff00"]);
    await restart();
    await restart();
    const info = await c().call<Info>("goxel.get_project_info");
    assert.equal(info.read_only, null, "not damaged");
    assert.equal(info.voxel_count, 4, "every acknowledged voxel is back");
    await c().call("goxel.add_voxel", [9, 9, 9, "#0000ff"]);
    assert.equal((await c().call<Info>("goxel.get_project_info")).voxel_count, 5);
  });
});

Deno.test("a journal with a repeated header (written by older versions) replays whole", async () => {
  await withRestarts(async (c, restart, env) => {
    await c().call("goxel.create_project", ["old", 16, 16, 16]);
    await c().call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    await restart();
    await c().call("goxel.add_voxel", [1, 0, 0, "#ff0000"]);
    await restart();
    const dir = `${env.dir}/state/goxel/projects/p1`;
    const last = [...Deno.readDirSync(dir)].map((e) => e.name)
      .filter((n) => n.startsWith("journal-")).sort().at(-1)!;
    const bytes = Deno.readFileSync(`${dir}/${last}`);
    const doubled = new Uint8Array(bytes.length + 8);
    doubled.set(bytes.subarray(0, 8)), doubled.set(bytes, 8);
    Deno.writeFileSync(`${dir}/${last}`, doubled);
    assert.equal(scanJournal(doubled).end.kind, "clean");
    await restart();
    const info = await c().call<Info>("goxel.get_project_info");
    assert.equal(info.read_only, null);
    assert.equal(info.voxel_count, 2);
  });
});
