/**
 * The kill loop behind tests/crash_test.ts and bench/durability.ts: a client pipelines random
 * mutating requests at a real daemon and records every reply; the daemon is SIGKILLed at a
 * random moment and restarted; the recovered project must equal an independent replay (a
 * second daemon with `durability: off`) of some prefix of the requests that includes every
 * acknowledged one. With `durability: batch` and the fsync-logging shim, each acknowledged
 * change must have been fsynced before its reply arrived.
 */
import {
  type Daemon,
  makeTestEnv,
  RawClient,
  startDaemon,
  type TestEnv,
} from "./support_testing.ts";

/** A project's observable state, compared between the recovered and the reference daemon. */
export interface Fingerprint {
  seq: number;
  layers: { id: number; name: string; visible: boolean; voxel_count: number; crc: number }[];
}

/** Options of one loop. */
export interface CrashOptions {
  iterations: number;
  seed: number;
  durability: "process" | "batch";
  /** A file the requests may import (absolute path). */
  importFile: string;
}

/** What the loop saw. */
export interface CrashReport {
  iterations: number;
  requests: number;
  acknowledged: number;
  /** Requests applied after the last acknowledgement (sent, applied, never answered). */
  unacknowledgedApplied: number;
  fsyncChecks: number;
  failures: string[];
}

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random mutating requests (some fail on purpose, e.g. deleting a missing layer). */
export function randomRequests(
  rand: () => number,
  n: number,
  importFile: string,
): [string, unknown][] {
  const i = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const color = () => [i(0, 255), i(0, 255), i(0, 255), 255];
  const out: [string, unknown][] = [];
  for (let k = 0; k < n; k++) {
    const r = rand();
    if (r < 0.35) {
      out.push(["goxel.add_voxel", { x: i(-12, 12), y: i(-12, 12), z: i(0, 20), color: color() }]);
    } else if (r < 0.45) {
      out.push(["goxel.remove_voxel", { x: i(-12, 12), y: i(-12, 12), z: i(0, 20) }]);
    } else if (r < 0.52) {
      out.push(["goxel.procedural_shape", {
        shape_type: ["sphere", "cube", "cylinder"][i(0, 2)],
        size_x: i(1, 6),
        size_y: i(1, 6),
        size_z: i(1, 6),
        center_x: i(-10, 10),
        center_y: i(-10, 10),
        center_z: i(0, 16),
        color: color(),
      }]);
    } else if (r < 0.57) {
      out.push(["goxel.draw_line", {
        from: [i(-10, 10), i(-10, 10), i(0, 10)],
        to: [i(-10, 10), i(-10, 10), i(0, 10)],
        color: color(),
      }]);
    } else if (r < 0.62) out.push(["goxel.create_layer", { name: `L${k}` }]);
    else if (r < 0.65) out.push(["goxel.delete_layer", { layer_id: i(1, 6) }]);
    else if (r < 0.68) {
      out.push(["goxel.set_layer_visibility", { layer_id: i(1, 6), visible: rand() < 0.5 }]);
    } else if (r < 0.71) out.push(["goxel.rename_layer", { layer_id: i(1, 6), name: `n${k}` }]);
    else if (r < 0.74) out.push(["goxel.set_active_layer", { layer_id: i(1, 6) }]);
    else if (r < 0.84) out.push(["goxel.undo", { steps: i(1, 3) }]);
    else if (r < 0.92) out.push(["goxel.redo", { steps: i(1, 2) }]);
    else if (r < 0.95) out.push(["goxel.import_file", { path: importFile }]);
    else if (r < 0.97) {
      out.push(["goxel.paint_voxels", {
        x: i(-12, 12),
        y: i(-12, 12),
        z: i(0, 20),
        color: color(),
      }]);
    } else {
      const voxels = Array.from(
        { length: i(1, 20) },
        () => ({ x: i(-12, 12), y: i(-12, 12), z: i(0, 20), color: color() }),
      );
      out.push(["goxel.add_voxels", { voxels }]);
    }
  }
  return out;
}

function line(id: number, method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
}

/** Reads the recovered or reference project's fingerprint over a connection. */
export async function fingerprint(c: RawClient): Promise<Fingerprint> {
  const info = await c.call<{ journal_seq: number }>("goxel.get_project_info");
  const list = await c.call<{ layers: Fingerprint["layers"] }>("goxel.list_layers", { crc: true });
  return { seq: info.journal_seq, layers: list.layers.map(pick) };
}

function pick(l: Fingerprint["layers"][0]): Fingerprint["layers"][0] {
  return { id: l.id, name: l.name, visible: l.visible, voxel_count: l.voxel_count, crc: l.crc };
}

/**
 * Replays `requests` on the reference daemon and returns the fingerprint after each prefix
 * (index k = after the first k requests), in one pipelined burst.
 */
export async function referenceStates(
  ref: RawClient,
  requests: [string, unknown][],
): Promise<Fingerprint[]> {
  await ref.call("goxel.create_project", { name: "crash", width: 32, height: 32, depth: 32 });
  let text = line(1, "goxel.get_project_info", {}) + line(2, "goxel.list_layers", { crc: true });
  requests.forEach(([m, p], k) => {
    const id = 10 + k * 3;
    text += line(id, m, p) + line(id + 1, "goxel.get_project_info", {}) +
      line(id + 2, "goxel.list_layers", { crc: true });
  });
  await ref.send(text);
  const replies = new Map<number, { result?: Record<string, unknown> }>();
  for (let n = 0; n < 2 + requests.length * 3; n++) {
    const r = await ref.read(60000) as { id: number; result?: Record<string, unknown> };
    replies.set(r.id, r);
  }
  const state = (infoId: number, listId: number): Fingerprint => ({
    seq: replies.get(infoId)!.result!.journal_seq as number,
    layers: (replies.get(listId)!.result!.layers as Fingerprint["layers"]).map(pick),
  });
  const out = [state(1, 2)];
  for (let k = 0; k < requests.length; k++) out.push(state(10 + k * 3 + 1, 10 + k * 3 + 2));
  await ref.call("goxel.close_project", { force: true });
  return out;
}

/** Runs the kill loop. */
export async function crashLoop(opts: CrashOptions): Promise<CrashReport> {
  const report: CrashReport = {
    iterations: 0,
    requests: 0,
    acknowledged: 0,
    unacknowledgedApplied: 0,
    fsyncChecks: 0,
    failures: [],
  };
  const refEnv = await makeTestEnv();
  const ref = await startDaemon(refEnv, ["--workspace", refEnv.dir], "durability: off\n");
  const refClient = await RawClient.unix(refEnv.socket);
  try {
    for (let it = 0; it < opts.iterations; it++) {
      const failure = await oneIteration(opts, opts.seed + it, refClient, report);
      report.iterations++;
      if (failure) report.failures.push(`seed ${opts.seed + it}: ${failure}`);
    }
  } finally {
    refClient.close();
    await ref.stop();
    await refEnv.cleanup();
  }
  return report;
}

async function oneIteration(
  opts: CrashOptions,
  seed: number,
  ref: RawClient,
  report: CrashReport,
): Promise<string | null> {
  const rand = rng(seed);
  const env = await makeTestEnv();
  const fsyncLog = `${env.dir}/fsync.log`;
  if (opts.durability === "batch") {
    env.env.GOXEL_JOURNAL_TEST_SHIM = JSON.stringify({ fsyncLog, fsyncDelayMs: 2 });
  }
  let daemon: Daemon | null = null;
  try {
    daemon = await startDaemon(env, ["--workspace", env.dir], `durability: ${opts.durability}\n`);
    const requests = randomRequests(rand, 40 + Math.floor(rand() * 200), opts.importFile);
    const killAfter = Math.floor(rand() * (requests.length + 1));
    const { acked, fsynced } = await runUntilKilled(
      env,
      daemon,
      requests,
      killAfter,
      fsyncLog,
      rand,
    );
    report.requests += requests.length;
    report.acknowledged += acked;
    daemon = await startDaemon(env, ["--workspace", env.dir], `durability: ${opts.durability}\n`);
    const c = await RawClient.unix(env.socket);
    const got = await fingerprint(c);
    c.close();
    const states = await referenceStates(ref, requests);
    const same = (a: Fingerprint, b: Fingerprint) => JSON.stringify(a) === JSON.stringify(b);
    let k = acked;
    while (k < states.length && !same(states[k], got)) k++;
    if (k === states.length) {
      return `recovered state matches no prefix of ${acked}..${requests.length} requests: got ${
        JSON.stringify(got)
      }, ` +
        `after the acknowledged ones expected ${JSON.stringify(states[acked])}`;
    }
    report.unacknowledgedApplied += k - acked;
    for (const [i, durable] of fsynced) {
      report.fsyncChecks++;
      if (states[i + 1].seq > states[i].seq && durable < states[i + 1].seq) {
        return `reply ${i} (seq ${
          states[i + 1].seq
        }) arrived before its fsync (fsynced up to ${durable})`;
      }
    }
    return null;
  } finally {
    await daemon?.stop();
    await env.cleanup();
  }
}

/**
 * Pipelines `requests` in random chunks and SIGKILLs the daemon once `killAfter` replies came
 * back. Returns how many replies arrived and, per reply in batch mode, the highest fsynced seq
 * read from the shim's log at the moment the reply arrived.
 */
async function runUntilKilled(
  env: TestEnv,
  daemon: Daemon,
  requests: [string, unknown][],
  killAfter: number,
  fsyncLog: string,
  rand: () => number,
): Promise<{ acked: number; fsynced: [number, number][] }> {
  const c = await RawClient.unix(env.socket);
  const created = await c.request("goxel.create_project", {
    name: "crash",
    width: 32,
    height: 32,
    depth: 32,
  });
  if (created.error) throw new Error(`create_project failed: ${created.error.message}`);
  const batch = env.env.GOXEL_JOURNAL_TEST_SHIM !== undefined;
  const fsynced: [number, number][] = [];
  let acked = 0, killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    daemon.proc.kill("SIGKILL");
  };
  if (killAfter === 0) kill();
  const sender = (async () => {
    let k = 0;
    while (k < requests.length && !killed) {
      const n = 1 + Math.floor(rand() * 40);
      const text = requests.slice(k, k + n).map(([m, p], j) => line(100 + k + j, m, p)).join("");
      k += n;
      try {
        await c.send(text);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, rand() < 0.3 ? 1 : 0));
    }
  })();
  while (!killed || acked < requests.length) {
    let reply: { id: number; error?: { code: number; message: string } };
    try {
      reply = await c.read(30000) as typeof reply;
    } catch {
      break;
    }
    if (reply.error?.code === -32602) {
      throw new Error(`the loop sent bad params: ${reply.error.message}`);
    }
    const index = reply.id - 100;
    if (batch) fsynced.push([index, highestFsynced(fsyncLog)]);
    acked = index + 1;
    if (acked >= killAfter) kill();
    if (acked === requests.length) break;
  }
  kill();
  await sender;
  c.close();
  await daemon.proc.status;
  return { acked, fsynced };
}

function highestFsynced(path: string): number {
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return 0;
  }
  let max = 0;
  for (const m of text.matchAll(/^fsync p\d+:(\d+)$/gm)) max = Math.max(max, Number(m[1]));
  return max;
}
