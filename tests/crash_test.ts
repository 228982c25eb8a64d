/**
 * Durability end to end: a real daemon killed with SIGKILL at random moments loses no
 * acknowledged edit (compared with an independent replay), batch mode never replies before
 * its fsync, torn and corrupt journals recover as documented, and failing writes roll back.
 * GOXEL_CRASH_ITERATIONS sets the kill loop's length (default 25).
 */
import assert from "node:assert/strict";
import { packRgba } from "../core/color.ts";
import { findCodec } from "../core/formats/mod.ts";
import { newImage } from "../core/image.ts";
import { scanJournal } from "../core/journal/record.ts";
import { testJournal } from "../daemon/journal_testing.ts";
import { ProjectRegistry } from "../daemon/projects.ts";
import { recoverProjects } from "../daemon/recovery.ts";
import { crashLoop, type Fingerprint } from "./crash_loop.ts";
import { haveFixtures, readFixture } from "./fixtures_testing.ts";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

const ITERATIONS = Number(Deno.env.get("GOXEL_CRASH_ITERATIONS") ?? 25);

async function importFile(dir: string): Promise<string> {
  const image = newImage();
  const v = image.activeLayer!.volume;
  for (let i = 0; i < 20; i++) v.set(i - 10, 3, i % 4, packRgba(200, 100, i * 10, 255));
  const [file] = findCodec("gox", "encode")!.encode!(image, {});
  const path = `${dir}/piece.gox`;
  await Deno.writeFile(path, file.data);
  return path;
}

Deno.test("kill -9 at random moments loses no acknowledged edit (durability: process)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gxcrash" });
  try {
    const report = await crashLoop({
      iterations: ITERATIONS,
      seed: 1000,
      durability: "process",
      importFile: await importFile(dir),
    });
    assert.deepEqual(report.failures, []);
    assert.equal(report.iterations, ITERATIONS);
    assert.ok(report.acknowledged > 0, "some requests were acknowledged before the kills");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with durability: batch no reply precedes the fsync of its change", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gxcrash" });
  try {
    const report = await crashLoop({
      iterations: Math.max(3, Math.round(ITERATIONS / 3)),
      seed: 5000,
      durability: "batch",
      importFile: await importFile(dir),
    });
    assert.deepEqual(report.failures, []);
    assert.ok(report.fsyncChecks > 0, "replies were checked against the fsync log");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Recovers a data dir in-process and returns the project's fingerprint. */
function recoverInProcess(dataDir: string): { fp: Fingerprint; readOnly: string | null } {
  const store = testJournal(dataDir);
  const registry = new ProjectRegistry(() => Date.now(), { limit: 256 });
  recoverProjects(store, registry, { info() {}, warn() {}, error() {} }, () => Date.now());
  const p = registry.find("p1")!;
  return {
    readOnly: p.readOnly,
    fp: {
      seq: p.seq,
      layers: p.image.layers.map((l) => ({
        id: l.id,
        name: l.name,
        visible: l.visible,
        voxel_count: l.volume.count(),
        crc: l.volume.crc32() >>> 0,
      })),
    },
  };
}

Deno.test("a journal cut at every byte of its last 3 records recovers to a clean prefix", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--workspace", env.dir]);
  const states: Fingerprint[] = [];
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["cut", 16, 16, 16]);
    const ops: [string, unknown][] = [
      ["goxel.add_voxel", [1, 2, 3, "#ff0000"]],
      ["goxel.procedural_shape", ["sphere", 3, 3, 3, 0, 0, 4, "#00ff00"]],
      ["goxel.create_layer", { name: "second" }],
      ["goxel.add_voxel", [5, 5, 5, "#0000ff"]],
      ["goxel.undo", [1]],
    ];
    for (const [m, p] of ops) await c.call(m, p);
    c.close();
  } finally {
    assert.equal(await daemon.stop(), 0);
  }
  const dataDir = `${env.dir}/state/goxel`;
  const projectDir = `${dataDir}/projects/p1`;
  const journal =
    [...Deno.readDirSync(projectDir)].find((e) => e.name.startsWith("journal-"))!.name;
  const bytes = Deno.readFileSync(`${projectDir}/${journal}`);
  const ends = scanJournal(bytes).ends;
  assert.ok(ends.length >= 6, `the journal holds the open record and 5 edits (${ends.length})`);
  const work = `${env.dir}/cut`;
  const from = ends.at(-4)!;
  for (const boundary of ends.slice(-4)) {
    states.push(recoverCopy(dataDir, work, journal, bytes.subarray(0, boundary)).fp);
  }
  assert.equal(
    new Set(states.map((s) => JSON.stringify(s))).size,
    4,
    "each record changes the state",
  );
  for (let cut = from; cut <= bytes.length; cut++) {
    const whole = ends.filter((e) => e <= cut).length;
    const expected = states[whole - (ends.length - 3)];
    const got = recoverCopy(dataDir, work, journal, bytes.subarray(0, cut));
    assert.deepEqual(got.fp, expected, `cut at byte ${cut}`);
    assert.equal(got.readOnly, null, `a torn tail is not damage (cut at ${cut})`);
  }
  await env.cleanup();
});

function recoverCopy(dataDir: string, work: string, journal: string, content: Uint8Array) {
  try {
    Deno.removeSync(work, { recursive: true });
  } catch { /* first use */ }
  Deno.mkdirSync(`${work}/projects/p1`, { recursive: true });
  Deno.writeFileSync(`${work}/projects/p1/${journal}`, content);
  Deno.copyFileSync(`${dataDir}/session.json`, `${work}/session.json`);
  return recoverInProcess(work);
}

Deno.test("a corrupt middle record brings the project back read-only, files moved aside", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env, ["--workspace", env.dir]);
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["bad", 16, 16, 16]);
    for (let i = 0; i < 5; i++) await c.call("goxel.add_voxel", [i, 0, 0, "#ff0000"]);
    await c.call("goxel.create_project", ["good", 16, 16, 16]);
    await c.call("goxel.add_voxel", [1, 1, 1, "#00ff00"]);
    c.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    const dir = `${env.dir}/state/goxel/projects/p1`;
    const name = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith("journal-"))!.name;
    const bytes = Deno.readFileSync(`${dir}/${name}`);
    const ends = scanJournal(bytes).ends;
    bytes[ends[2] + 20] ^= 0xff; // inside the 4th record; more records follow it
    Deno.writeFileSync(`${dir}/${name}`, bytes);
    daemon = await startDaemon(env, ["--workspace", env.dir]);
    const again = await RawClient.unix(env.socket);
    const bad = await again.call<
      { read_only: string | null; voxel_count: number; journal_seq: number }
    >(
      "goxel.get_project_info",
      { project: "p1" },
    );
    assert.match(bad.read_only ?? "", /damaged/);
    assert.equal(bad.voxel_count, 2, "replay stopped at the last good record");
    const edit = await again.request("goxel.add_voxel", {
      x: 9,
      y: 9,
      z: 9,
      color: "#ffffff",
      project: "p1",
    });
    assert.equal(edit.error?.code, -1114);
    const good = await again.call<{ voxel_count: number; read_only: null }>(
      "goxel.get_project_info",
      {
        project: "p2",
      },
    );
    assert.equal(good.voxel_count, 1, "the other project recovered whole");
    const status = await again.call<{ recovery: { read_only: { moved_to: string }[] } }>(
      "goxel.get_status",
    );
    const moved = status.recovery.read_only[0].moved_to;
    assert.ok(
      Deno.statSync(`${moved}/${name}`).isFile,
      "the damaged journal was moved aside, not deleted",
    );
    again.close();
    const text = await runGoxel(["status", "--socket", env.socket], env);
    assert.match(text.stdout, /WARNING: project p1 is read-only/);
    const json = JSON.parse(
      (await runGoxel(["status", "--json", "--socket", env.socket], env)).stdout,
    );
    assert.equal(json.recovery.projects_restored, 2);
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("undo works after recovery and close_project removes the journal", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env, ["--workspace", env.dir]);
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["u", 16, 16, 16]);
    await c.call("goxel.add_voxel", [1, 1, 1, "#ff0000"]);
    await c.call("goxel.add_voxel", [2, 2, 2, "#00ff00"]);
    c.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    daemon = await startDaemon(env, ["--workspace", env.dir]);
    const again = await RawClient.unix(env.socket);
    const undone = await again.call<{ undone: number; undo_count: number }>("goxel.undo", [1]);
    assert.equal(undone.undone, 1);
    assert.equal(
      (await again.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count,
      1,
    );
    await again.call("goxel.redo", [1]);
    assert.equal(
      (await again.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count,
      2,
    );
    await again.call("goxel.close_project", { force: true });
    const dir = `${env.dir}/state/goxel/projects/p1`;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await Deno.stat(dir).then(() => true, () => false))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await Deno.stat(dir).then(() => true, () => false), false, "the journal is gone");
    again.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("history_max_bytes keeps the newest undo steps, live and after recovery", async () => {
  const env = await makeTestEnv();
  // A one-voxel edit in a tile of its own weighs 16 KiB and a little: four fit, five do not.
  const config = "history_max_bytes: 70000\n";
  let daemon = await startDaemon(env, ["--workspace", env.dir], config);
  try {
    let c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["h", 200, 16, 16]);
    for (let k = 0; k < 8; k++) await c.call("goxel.add_voxel", [k * 16, 1, 1, "#ff0000"]);
    const undo = () => c.call<{ undone: number; undo_count: number }>("goxel.undo", [100]);
    assert.deepEqual(await undo(), { success: true, undone: 4, undo_count: 0, redo_count: 4 });
    assert.equal((await c.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count, 4);
    assert.equal((await c.call<{ redone: number }>("goxel.redo", [100])).redone, 4);
    c.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    daemon = await startDaemon(env, ["--workspace", env.dir], config);
    c = await RawClient.unix(env.socket);
    assert.equal((await undo()).undone, 4, "the replayed history drops the same steps");
    assert.equal((await c.call<{ voxel_count: number }>("goxel.get_project_info")).voxel_count, 4);
    c.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

/** Mounts a tmpfs of `kib` KiB (root only); null when the machine does not allow it. */
function mountTmpfs(dir: string, kib: number): boolean {
  const out = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir],
  })
    .outputSync();
  return out.success;
}

Deno.test("a full disk (a real tmpfs) gives JOURNAL errors, loses nothing acknowledged", async (t) => {
  const env = await makeTestEnv();
  const mnt = `${env.dir}/small`;
  Deno.mkdirSync(mnt);
  if (!mountTmpfs(mnt, 192)) {
    console.log("skipped: cannot mount a tmpfs here (needs root)");
    await env.cleanup();
    return;
  }
  let daemon = await startDaemon(env, ["--workspace", env.dir], `data_dir: ${mnt}/data\n`);
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["full", 64, 64, 64]);
    const filler = `${mnt}/filler`;
    Deno.writeFileSync(filler, new Uint8Array(120 * 1024));
    let failure: { code: number; data?: unknown } | undefined;
    let acked = 0;
    for (let i = 0; i < 200 && !failure; i++) {
      // Distinct colours make whole-tile records of several KiB each.
      const r = await c.request("goxel.procedural_shape", {
        shape_type: "cube",
        size_x: 8,
        size_y: 8,
        size_z: 8,
        center_x: (i % 6) * 16 - 40,
        center_y: 0,
        center_z: 8,
        color: [i, 255 - i, (i * 7) & 255, 255],
      });
      if (r.error) failure = r.error;
      else acked++;
    }
    await t.step("the request that did not fit fails with JOURNAL / ENOSPC", () => {
      assert.equal(failure?.code, -1113);
      assert.equal((failure?.data as { errno?: string }).errno, "ENOSPC");
    });
    const info = await c.call<{ degraded: string | null; journal_seq: number }>(
      "goxel.get_project_info",
    );
    assert.match(info.degraded ?? "", /ENOSPC|no space/i);
    assert.equal(info.journal_seq, 1 + acked, "only acknowledged changes are in the project");
    Deno.removeSync(filler);
    await c.call("goxel.add_voxel", [0, 0, 0, "#ffffff"]);
    const healed = await c.call<{ degraded: string | null }>("goxel.get_project_info");
    assert.equal(healed.degraded, null, "writes work again once there is room");
    c.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    daemon = await startDaemon(env, ["--workspace", env.dir], `data_dir: ${mnt}/data\n`);
    const again = await RawClient.unix(env.socket);
    const back = await again.call<{ journal_seq: number; read_only: string | null }>(
      "goxel.get_project_info",
    );
    assert.equal(back.journal_seq, 2 + acked, "every acknowledged change came back");
    assert.equal(back.read_only, null);
    again.close();
  } finally {
    await daemon.stop();
    new Deno.Command("umount", { args: [mnt] }).outputSync();
    await env.cleanup();
  }
});

Deno.test("what a loaded file carried survives the journal: kill -9, restart, lossless save", async () => {
  if (!haveFixtures("journal + carried .vox data")) return;
  const env = await makeTestEnv();
  const file = `${env.dir}/character.vox`;
  Deno.writeFileSync(file, readFixture("vengi/vox_character.vox"));
  let daemon = await startDaemon(env, ["--workspace", env.dir]);
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.load_project", [file]);
    const layers = await c.call<{ layers: { id: number }[] }>("goxel.list_layers");
    await c.call("goxel.rename_layer", { layer_id: layers.layers[0].id, name: "renamed" });
    await c.call("goxel.add_voxel", [0, 0, 0, "#ff0000"]);
    c.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    daemon = await startDaemon(env, ["--workspace", env.dir]);
    const again = await RawClient.unix(env.socket);
    const saved = await again.call<{ path: string }>("goxel.save_project");
    assert.equal(saved.path, file, "the recovered project still knows its file");
    again.close();
    const info = await runGoxel(["info", file, "--json"], env);
    const facts = JSON.parse(info.stdout) as { carried?: string[]; layers: { name: string }[] };
    assert.ok(facts.carried?.some((c) => c.startsWith("MATL×")), `MATL kept: ${facts.carried}`);
    assert.ok(facts.layers.some((l) => l.name === "renamed"), "the edit is in the saved file");
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});
