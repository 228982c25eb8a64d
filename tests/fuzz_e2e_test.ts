/**
 * A bounded, seeded fuzz run against a real daemon: random params for every declared method and
 * mutated fixture files through load_project and `goxel info`. Passes when no request hangs
 * past 5 s, the daemon never crashes (it answers ping after everything) and its RSS stays under
 * the limit. Set GOXEL_FUZZ_SEED to replay a run; GOXEL_FUZZ_ROUNDS for more params per method.
 */
import { rng } from "./crash_loop.ts";
import assert from "node:assert/strict";
import { extname, join } from "node:path";
import { listMethods } from "../protocol/mod.ts";
import { daemonPid, rssBytes } from "./abuse_support_testing.ts";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

const SEED = Number(Deno.env.get("GOXEL_FUZZ_SEED") ?? 20261130);
const ROUNDS = Number(Deno.env.get("GOXEL_FUZZ_ROUNDS") ?? 50);
const HANG_MS = 5000;
const RSS_LIMIT = 1024 * 1024 * 1024;
const FIXTURES = Deno.env.get("GOXEL_FIXTURES_DIR") ??
  new URL("../../shared/fixtures/", import.meta.url).pathname;
/** Methods that end or reconfigure the daemon are not fuzzed. */
const SKIPPED = new Set(["goxel.shutdown", "goxel.reload_config"]);
const DECODABLE = [".vox", ".gox", ".qb", ".kv6", ".kvx", ".vxl", ".txt", ".gpl"];

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 1 ? 8 : 11));
  const ints = [0, 1, -1, 7, 255, 256, 65535, 1 << 20, 2 ** 31, -(2 ** 31), 1e9, 2 ** 53];
  switch (pick) {
    case 0:
      return ints[Math.floor(rand() * ints.length)];
    case 1:
      return Math.floor(rand() * 200) - 100;
    case 2:
      return rand() * 1e6 - 5e5;
    case 3:
      return rand() < 0.5;
    case 4:
      return null;
    case 5:
      return ["", "cube", "sphere", "x", "layer", "a.gox", "b.vox", "c.obj", "1 + 1", "red"][
        Math.floor(rand() * 10)
      ];
    case 6:
      return "#" + Math.floor(rand() * 0xffffff).toString(16).padStart(6, "0");
    case 7:
      return [0, 1, 2].map(() => Math.floor(rand() * 400) - 200);
    case 8:
      return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
    case 9:
      return { min: randomValue(rand, depth + 1), max: randomValue(rand, depth + 1) };
    default:
      return { x: randomValue(rand, depth + 1) };
  }
}

function paramNames(params: unknown): string[] {
  const shape = (params as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function randomParams(rand: () => number, names: string[]): unknown {
  if (rand() < 0.15) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand));
  const out: Record<string, unknown> = {};
  for (const n of names) if (rand() < 0.6) out[n] = randomValue(rand);
  if (rand() < 0.1) out.unexpected = randomValue(rand);
  return out;
}

/** Flips bits, truncates or overwrites a 32-bit word with a huge value. */
function mutate(rand: () => number, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const kind = Math.floor(rand() * 3);
  if (kind === 0) {
    for (let i = 0; i < 8; i++) out[Math.floor(rand() * out.length)] ^= 1 << (i % 8);
  } else if (kind === 1) return out.subarray(0, Math.floor(rand() * out.length));
  else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < 4 && out.length >= 4; i++) {
      const at = Math.floor(rand() * (out.length - 3));
      view.setUint32(at, [0x7fffffff, 0x40000000, 0xffffffff, 1 << 20][i], true);
    }
  }
  return out;
}

async function fixtureFiles(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (DECODABLE.includes(extname(e.name).toLowerCase())) found.push(path);
    }
  };
  try {
    await walk(FIXTURES);
  } catch {
    console.warn("fuzz_e2e_test: ../shared/fixtures is absent; mutated-file cases are skipped");
  }
  return found.sort();
}

async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hung for more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test(`fuzz: every method and mutated fixtures (seed ${SEED})`, async () => {
  const rand = rng(SEED);
  const env = await makeTestEnv();
  const d = await startDaemon(env, ["--workspace", env.dir], "limits:\n  script_memory_mb: 32\n");
  const c = await RawClient.unix(d.socket);
  const pid = await daemonPid(c);
  let peak = 0, requests = 0, errors = 0, mutated = 0;
  const send = async (method: string, params: unknown) => {
    requests++;
    const r = await within(
      HANG_MS,
      `${method} ${JSON.stringify(params)?.slice(0, 200)}`,
      c.request(method, params),
    );
    if (r.error) errors++;
    assert.ok(r.error || "result" in r, `${method}: a reply without result or error`);
  };
  try {
    await c.request("goxel.create_project", { name: "fuzz" });
    for (const decl of listMethods()) {
      if (SKIPPED.has(decl.name)) continue;
      const names = paramNames(decl.params);
      for (let i = 0; i < ROUNDS; i++) await send(decl.name, randomParams(rand, names));
      peak = Math.max(peak, await rssBytes(pid));
    }
    const files = (await fixtureFiles()).flatMap((f) => [f, f]).slice(0, 80);
    for (const [i, file] of files.entries()) {
      const bytes = mutate(rand, await Deno.readFile(file));
      const path = join(env.dir, `mutated${i}${extname(file)}`);
      await Deno.writeFile(path, bytes);
      await send("goxel.load_project", [path]);
      mutated++;
      if (i % 16 === 0) {
        const r = await within(30_000, `goxel info ${file}`, runGoxel(["info", path], env));
        // A clean refusal is one "goxel: …" line and a small exit code; a crash is a signal,
        // a stack trace or an internal error.
        const clean = r.code === 0 ||
          (r.code < 10 && /^goxel: /.test(r.stderr) && !/^\s+at |Internal error/m.test(r.stderr));
        assert.ok(clean, `goxel info crashed (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
      }
      peak = Math.max(peak, await rssBytes(pid));
    }
    const pong = await within(HANG_MS, "ping", c.request("goxel.ping"));
    assert.ok(!pong.error, "the daemon still answers after the fuzz run");
  } finally {
    c.close();
    const code = await d.stop();
    await env.cleanup();
    console.log(
      `fuzz: seed ${SEED}, ${requests} requests (${errors} errors), ${mutated} mutated files, ` +
        `peak RSS ` +
        `${(peak / 1048576).toFixed(0)} MiB, exit ${code}`,
    );
    assert.ok(peak < RSS_LIMIT, `peak RSS ${peak} > ${RSS_LIMIT}`);
    assert.equal(code, 0, "the daemon did not crash");
  }
});
