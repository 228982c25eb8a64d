/**
 * Sessions across restarts, found by a durability audit: restarts without edits in between,
 * read-only projects, damage that looks like a torn tail, and the undo window.
 */
import assert from "node:assert/strict";
import { scanJournal } from "../core/journal/record.ts";
import { haveFixtures } from "./fixtures_testing.ts";
import {
  type Daemon,
  loadFixtureCopy,
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
  config?: string,
) {
  const env = await makeTestEnv();
  let daemon: Daemon = await startDaemon(env, ["--workspace", env.dir], config);
  let client = await RawClient.unix(env.socket);
  const restart = async () => {
    client.close();
    await daemon.stop();
    daemon = await startDaemon(env, ["--workspace", env.dir], config);
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

Deno.test("a checkpoint's temporary file left by a crash is removed at the next start", async () => {
  await withRestarts(async (c, restart, env) => {
    await c().call("goxel.create_project", ["tmp", 16, 16, 16]);
    await c().call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    const left = `${env.dir}/state/goxel/projects/p1/.checkpoint.gxj.4242.1764500000000.tmp`;
    await Deno.writeFile(left, new Uint8Array(4096));
    await restart();
    assert.equal(await Deno.stat(left).then(() => true, () => false), false);
    assert.equal((await c().call<Info>("goxel.get_project_info")).voxel_count, 1);
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

Deno.test("a damaged length field is damage, not a torn tail; read-only lasts until closed", async () => {
  await withRestarts(async (c, restart, env) => {
    await c().call("goxel.create_project", ["flip", 64, 64, 64]);
    for (let x = 0; x < 30; x++) await c().call("goxel.add_voxel", [x, 0, 0, "#ff0000"]);
    await restart();
    const dir = `${env.dir}/state/goxel/projects/p1`;
    const name = [...Deno.readDirSync(dir)].map((e) => e.name)
      .filter((n) => n.startsWith("journal-")).sort()[0];
    const bytes = Deno.readFileSync(`${dir}/${name}`);
    const start = scanJournal(bytes).ends[10]; // the 12th record: 11 came before it
    bytes[start + 2] ^= 1; // its length grows by 64 KiB: past the end of the file
    Deno.writeFileSync(`${dir}/${name}`, bytes);
    await restart();
    const info = await c().call<Info>("goxel.get_project_info");
    assert.match(info.read_only ?? "", /damaged.*runs past the records after it/);
    assert.equal(info.voxel_count, 10, "replay stopped before the damaged record");
    const status = await c().call<{ recovery: { read_only: { moved_to: string }[] } }>(
      "goxel.get_status",
    );
    const copy = status.recovery.read_only[0].moved_to;
    assert.deepEqual(Deno.readFileSync(`${copy}/${name}`), bytes, "the damaged file is kept whole");
    // The next start brings it back the same way, read-only (it used to vanish).
    await restart();
    const again = await c().call<Info>("goxel.get_project_info", { project: "p1" });
    assert.equal(again.voxel_count, 10);
    assert.match(again.read_only ?? "", /damaged/);
    const edit = await c().request("goxel.add_voxel", [1, 1, 1, "#00ff00"]);
    assert.equal(edit.error?.code, -1114);
    await c().call("goxel.close_project", { project: "p1", force: true });
    await restart();
    const list = await c().call<{ count: number }>("goxel.list_projects");
    assert.equal(list.count, 0, "closed for good");
  });
});

Deno.test("a restart keeps every undo step, however many saves and undos came between", async () => {
  await withRestarts(async (c, restart, env) => {
    await c().call("goxel.create_project", ["steps", 64, 64, 64]);
    for (let x = 0; x < 30; x++) {
      await c().call("goxel.add_voxel", [x, 0, 0, "#ff0000"]);
      // Saves and undo/redo pairs are journal records too, but not undo steps.
      if (x % 2) await c().call("goxel.save_project", [`${env.dir}/steps.gox`]);
      if (x % 5 === 0) await c().call("goxel.undo"), await c().call("goxel.redo");
    }
    await c().call("goxel.undo", [3]);
    const before = await c().call<{ undo_count: number; redo_count: number }>(
      "goxel.get_project_info",
    );
    assert.equal(before.undo_count, 16, "history_limit 20 states: 19 steps, 3 undone");
    await restart();
    const after = await c().call<{ undo_count: number; redo_count: number }>(
      "goxel.get_project_info",
    );
    assert.deepEqual([after.undo_count, after.redo_count], [before.undo_count, before.redo_count]);
    await c().call("goxel.undo", [16]);
    const first = await c().call<{ voxel_count: number }>("goxel.get_project_info");
    assert.equal(first.voxel_count, 30 - 19, "the oldest kept step undoes as it did live");
  }, "history_limit: 20\n");
});

Deno.test("a journal the checkpoint covers is no damage, even when cut short by a crash", async () => {
  await withRestarts(async (c, restart, env) => {
    await c().call("goxel.create_project", ["covered", 64, 64, 64]);
    const pipelined = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: i + 1,
        method: "goxel.add_voxel",
        params: [i % 64, i >> 6, 0, "#ff0000"],
      })).join("\n") + "\n";
    await c().send(pipelined);
    for (let i = 0; i < 200; i++) await c().read();
    await restart();
    const dir = `${env.dir}/state/goxel/projects/p1`;
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(names.includes("checkpoint.gxj"), `a checkpoint was written: ${names}`);
    // What a kill -9 between the checkpoint's rename and the old journal's removal leaves,
    // with the old journal's last record torn.
    const stale = `${dir}/journal-000000000001.gxj`;
    await Deno.writeFile(stale, Uint8Array.of(0x47, 0x4f, 0x58, 0x4a, 3, 0, 0, 0, 9, 9, 9));
    await restart();
    const info = await c().call<Info>("goxel.get_project_info");
    assert.equal(info.read_only, null);
    assert.equal(info.voxel_count, 200);
    assert.equal(await Deno.stat(stale).then(() => true, () => false), false, "it is removed");
  }, "checkpoint:\n  max_bytes: 4096\n");
});

Deno.test({
  name: "a file whose layers repeat an id gets unique ids, so each layer's edits come back to it",
  ignore: !haveFixtures("restart_e2e_test"),
  fn: async () => {
    await withRestarts(async (c, restart, env) => {
      // vengi's chr_knight.gox holds two layers with id 1.
      await loadFixtureCopy(c(), env.dir, "vengi/chr_knight.gox");
      type Layers = { layers: { id: number; name: string; voxel_count: number }[] };
      const before = (await c().call<Layers>("goxel.list_layers")).layers;
      assert.equal(new Set(before.map((l) => l.id)).size, before.length, "ids are unique");
      const info = await c().call<Info>("goxel.get_project_info");
      await c().call("goxel.execute_script", { script: "1" });
      assert.equal((await c().call<Info>("goxel.get_project_info")).undo_count, info.undo_count);
      const counts = async () =>
        (await c().call<Layers>("goxel.list_layers")).layers.map((l) => [l.id, l.voxel_count]);
      // An edit of every layer: with the repeated id, after a restart one of the two layers
      // held both layers' voxels and the other none (K_Waist 270, K_Core 0 instead of 252, 210).
      await c().call("goxel.mirror", { axis: "x", all_layers: true });
      const live = await counts();
      await restart();
      assert.deepEqual(await counts(), live, "every layer's voxels come back to that layer");
    });
  },
});

/** Counts the BL16 blocks (distinct tile contents as Goxel stores them) of a .gox file. */
async function goxBlocks(path: string): Promise<number> {
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer);
  let blocks = 0;
  for (let at = 8; at + 8 <= bytes.length;) {
    const type = new TextDecoder().decode(bytes.subarray(at, at + 4));
    if (type === "BL16") blocks++;
    at += 12 + view.getInt32(at + 4, true);
  }
  return blocks;
}

for (
  const [when, config] of [
    ["", undefined],
    // Every commit past 4 KB of journal writes a checkpoint: the restart reads that instead.
    [" from a checkpoint", "checkpoint:\n  max_bytes: 4096\n"],
  ] as const
) {
  Deno.test(`a duplicated layer still shares its tiles after a restart${when} and after undo/redo`, async () => {
    await withRestarts(async (c, restart, env) => {
      await c().call("goxel.create_project", ["dup", 64, 64, 64]);
      await c().call("goxel.procedural_shape", ["sphere", 40, 40, 40]);
      await c().call("goxel.duplicate_layer", {});
      // One voxel changed in the copy: that one tile is its own, every other is shared.
      await c().call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
      const saved = async (name: string) => {
        await c().call("goxel.save_project", { path: `${env.dir}/${name}.gox` });
        return await goxBlocks(`${env.dir}/${name}.gox`);
      };
      const live = await saved("live");
      const layers = await c().call<{ layers: unknown[] }>("goxel.list_layers");
      assert.equal(layers.layers.length, 2);
      await restart();
      assert.equal(await saved("restarted"), live, "blocks after a restart");
      await c().call("goxel.undo");
      await c().call("goxel.undo");
      await c().call("goxel.redo");
      await c().call("goxel.redo");
      assert.equal(await saved("redone"), live, "blocks after undo and redo");
    }, config);
  });
}
