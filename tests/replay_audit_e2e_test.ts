/**
 * Replay audit: every mutating method, run on a project with a few layers, voxels, a shape layer,
 * a selection and a camera, must come back exactly as the client saw it after a kill -9 and a
 * restart (and a clean stop and start), and undo/redo after the restart must do what they did
 * live. Each variant runs on two projects built alike: "x" is undone and redone live before the
 * crash (the reference), "y" is crashed right after the method and undone only afterwards.
 */
import assert from "node:assert/strict";
import {
  type Daemon,
  makeTestEnv,
  RawClient,
  startDaemon,
  type TestEnv,
} from "./support_testing.ts";
import {
  bind,
  buildFixture,
  differences,
  L1,
  L2,
  type Snapshot,
  snapshot,
  type Variant,
  VARIANTS,
} from "./replay_audit_testing.ts";

/** One variant's pair of projects and what was seen of them. */
interface Pair {
  variant: Variant;
  x: string;
  y: string;
  s0: Snapshot;
  s1: Snapshot;
  undone: Snapshot;
  redone: Snapshot;
}

async function prepare(client: () => RawClient, v: Variant, i: number, dir: string) {
  const made = await client().call("goxel.create_project", {
    name: `v${i}`,
    width: 32,
    height: 32,
    depth: 32,
  });
  const id = String(made.project_id);
  const c = bind(client, id);
  await buildFixture(c);
  await v.pre?.(c, dir);
  return { id, c };
}

/** Runs every variant on a fresh daemon, crashes and restarts it, and returns the discrepancies. */
async function audit(
  env: TestEnv,
  variants: Variant[],
  undoNotes: string[],
): Promise<string[]> {
  const found: string[] = [];
  const dir = env.dir;
  let daemon: Daemon = await startDaemon(env);
  let client = await RawClient.unix(env.socket);
  const c = () => client;
  const restart = async (how: "kill" | "stop") => {
    client.close();
    if (how === "kill") {
      daemon.proc.kill("SIGKILL");
      await daemon.proc.status;
    } else await daemon.stop();
    daemon = await startDaemon(env);
    client = await RawClient.unix(env.socket);
  };
  const check = async (
    stage: string,
    p: Pair,
    which: "x" | "y",
    want: Snapshot,
    skip: string[] = [],
  ) => {
    const got = await snapshot(bind(c, p[which]), dir, `${p[which]}-${found.length}`);
    for (const d of differences(want, got, skip, p.variant.ignore)) {
      found.push(`${p.variant.name} [${which}] ${stage}: ${d}`);
    }
    return got;
  };
  try {
    const pairs: Pair[] = [];
    for (const [i, v] of variants.entries()) {
      const x = await prepare(c, v, i, dir), y = await prepare(c, v, i, dir);
      const s0 = await snapshot(x.c, dir, `${x.id}-s0`);
      await v.run(x.c, dir), await v.run(y.c, dir);
      const s1 = await snapshot(x.c, dir, `${x.id}-s1`);
      await x.c("goxel.undo");
      const undone = await snapshot(x.c, dir, `${x.id}-u`);
      await x.c("goxel.redo");
      const redone = await snapshot(x.c, dir, `${x.id}-r`);
      const p = { variant: v, x: x.id, y: y.id, s0, s1, undone, redone };
      for (const d of differences(s1, redone, ["journal_seq"], v.ignore)) {
        found.push(`${v.name} live redo: ${d}`);
      }
      await check("live twin", p, "y", s1);
      // Undo is Goxel's: it keeps the camera where it is (set_camera's undo changes nothing).
      for (const d of differences(s0, undone, ["journal_seq", "undo_count", "redo_count"])) {
        undoNotes.push(`${v.name}: ${d}`);
      }
      pairs.push(p);
    }
    await client.call("goxel.export_model", { project: pairs[0].y, path: `${dir}/load.gox` });
    await client.call("goxel.load_project", { path: `${dir}/load.gox` });
    const loadedId = String((await client.call("goxel.get_project_info")).project_id);
    const loaded: Pair = { ...pairs[0], variant: { name: "load_project", run: async () => {} } };
    loaded.x = loaded.y = loadedId;
    loaded.redone = loaded.s1 = await snapshot(bind(c, loadedId), dir, "loaded");
    await client.call("goxel.select_project", { project: pairs[0].x });
    for (const how of ["kill", "stop"] as const) {
      await restart(how);
      for (const p of [...pairs, loaded]) {
        await check(`after ${how}`, p, "x", p.redone), await check(`after ${how}`, p, "y", p.s1);
      }
      const info = await client.call("goxel.get_project_info");
      if (info.project_id !== pairs[0].x) {
        found.push(`current project after ${how}: ${info.project_id}`);
      }
    }
    const after: Snapshot[] = [];
    for (const p of pairs) {
      await bind(c, p.x)("goxel.undo"), await bind(c, p.y)("goxel.undo");
      await check("undo after restart", p, "x", p.undone, ["journal_seq"]);
      after.push(await check("undo after restart", p, "y", p.undone, ["journal_seq"]));
    }
    await restart("kill");
    for (const [k, p] of pairs.entries()) {
      await check("undone, after kill", p, "y", after[k]);
      await bind(c, p.x)("goxel.redo"), await bind(c, p.y)("goxel.redo");
      await check("redo after restarts", p, "x", p.redone, ["journal_seq"]);
      await check("redo after restarts", p, "y", p.s1, ["journal_seq"]);
    }
  } finally {
    client.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
  }
  return found;
}

Deno.test("every mutating method's change survives kill -9 and restarts, with undo and redo", async () => {
  const env = await makeTestEnv();
  try {
    const undoNotes: string[] = [];
    const found = await audit(env, VARIANTS, undoNotes);
    assert.deepEqual(found, []);
    // Undo once after these is not their own undo: set_camera's keeps the camera where it is
    // (Goxel's undo never moves it), a save and an undo are no undo steps themselves.
    const noted = [...new Set(undoNotes.map((n) => n.slice(0, n.indexOf(":"))))];
    assert.deepEqual(noted, [
      "set_camera preset",
      "set_camera pose",
      "save_project",
      "undo two steps",
    ]);
  } finally {
    await env.cleanup();
  }
});

/** The i-th request of the burst, and what it does to the model of layer L1 and layer names. */
function burstOp(i: number): { method: string; params: Record<string, unknown> } {
  const at = (z: number) => [(i % 32) - 16, (Math.floor(i / 32) % 32) - 16, z];
  const color = [i % 256, 1 + (i >> 8) * 40, 77];
  if (i % 50 === 10) return { method: "goxel.create_layer", params: { name: `K${i}` } };
  if (i % 20 === 5) {
    return { method: "goxel.rename_layer", params: { layer_id: L2, name: `R${i}` } };
  }
  if (i % 30 === 7) {
    const voxels = [[...at(20), ...color], [...at(21), ...color]];
    return { method: "goxel.add_voxels", params: { voxels, layer_id: L1 } };
  }
  return {
    method: "goxel.add_voxel",
    params: { x: at(20)[0], y: at(20)[1], z: 20, color, layer_id: L1 },
  };
}

/** What the first `m` requests of the burst leave: L1's voxels above z 20, and layer names. */
function burstModel(m: number): string {
  const voxels: string[] = [], names = ["Layer.1", "B", "S"];
  for (let i = 0; i < m; i++) {
    const { method, params } = burstOp(i);
    if (method === "goxel.create_layer") names.push(String(params.name));
    else if (method === "goxel.rename_layer") names[1] = String(params.name);
    else if (method === "goxel.add_voxels") {
      for (const v of params.voxels as number[][]) {
        voxels.push(`${v.slice(0, 3)}:${v.slice(3)},255`);
      }
    } else {
      voxels.push(`${params.x},${params.y},20:${params.color},255`);
    }
  }
  return JSON.stringify([voxels.sort(), names]);
}

Deno.test("a kill -9 in a pipelined burst keeps every acknowledged change and a whole prefix", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env);
  let client = await RawClient.unix(env.socket);
  try {
    const made = await client.call("goxel.create_project", {
      name: "burst",
      width: 32,
      height: 32,
      depth: 32,
    });
    const c = bind(() => client, String(made.project_id));
    await buildFixture(c);
    const seq0 = Number((await c("goxel.get_project_info")).journal_seq);
    const N = 600;
    const text = Array.from(
      { length: N },
      (_, i) => JSON.stringify({ jsonrpc: "2.0", id: i + 1, ...burstOp(i) }) + "\n",
    ).join("");
    const sending = client.send(text).catch(() => {});
    let acked = 0;
    for (; acked < N / 3; acked++) {
      assert.equal((await client.read() as { error?: unknown }).error, undefined);
    }
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    await sending;
    for (;;) {
      const r = await client.read(2000).catch(() => null) as { error?: unknown } | null;
      if (!r) break;
      assert.equal(r.error, undefined);
      acked++;
    }
    client.close();
    daemon = await startDaemon(env);
    client = await RawClient.unix(env.socket);
    const observe = async () => {
      const page = await c("goxel.get_voxels_region", {
        min: [-16, -16, 20],
        max: [15, 15, 21],
        layer_id: L1,
      });
      const voxels = (page.voxels as { x: number; y: number; z: number; color: number[] }[])
        .map((v) => `${v.x},${v.y},${v.z}:${v.color}`);
      const layers = (await c("goxel.list_layers")).layers as { name: string }[];
      return JSON.stringify([voxels.sort(), layers.map((l) => l.name)]);
    };
    const seen = await observe();
    const m = Array.from({ length: N + 1 }, (_, k) => k).find((k) => burstModel(k) === seen);
    assert.ok(m !== undefined, "the state after the restart is a prefix of the burst");
    assert.ok(m >= acked, `every acknowledged change is back: ${m} applied, ${acked} acknowledged`);
    assert.equal(Number((await c("goxel.get_project_info")).journal_seq), seq0 + m);
    await c("goxel.undo");
    assert.equal(await observe(), burstModel(m - 1), "undo takes back the last change applied");
  } finally {
    client.close();
    daemon.proc.kill("SIGKILL");
    await daemon.proc.status;
    await env.cleanup();
  }
});
