// JSON-RPC replies are read as loose JSON throughout this harness.
// deno-lint-ignore-file no-explicit-any
/**
 * Soak test: the compiled daemon under mixed traffic for many minutes, looking for leaks and
 * slowdowns (RSS, fds, threads, files on disk, per-request latency) across cycles.
 *
 *   GOXEL_BIN=dist/goxel-linux-x64 deno run -A bench/soak.ts [--minutes 12] [--idle 60]
 *   GOXEL_BIN=dist/goxel-linux-x64 deno run -A bench/soak.ts --repro NAME [--n 1000]
 *
 * The daemon is started with its defaults (`goxel start --socket S --http 127.0.0.1:0`, daemonized,
 * so its log is `$XDG_STATE_HOME/goxel/goxel.log`) in a private temporary XDG/HOME/TMPDIR. Each
 * cycle runs the same mix (short-lived connections with normal, abrupt and half closes; two
 * long-lived editors; fixture projects loaded, edited, saved, exported, checkpointed, restored and
 * closed; renders small and 1024², managed render files; scripts; cancels; socket and WebSocket
 * subscribers; `goxel mcp` stdio sessions; errors), then settles 3 s and records the daemon's RSS,
 * fds by kind, threads, idle CPU, its own metrics, the data dir and runtime dir, and a fixed probe
 * (200 pings, 200 add_voxel). At the end every project is closed and, after `--idle` seconds, what
 * came back is reported. `--repro NAME` repeats one operation N times instead (see REPROS) and
 * prints the figures before and after, to narrow a leak down. Fixtures come from GOXEL_FIXTURES or
 * ../shared/fixtures and are copied to the temporary dir (never written in place).
 *
 * Options: `--only short,editors,lifecycle,renders,scripts,cancels,mcp,errors,subscribers` runs
 * part of the mix; `--keep` keeps the temporary dir; BUN_JSC_* variables are passed to the daemon;
 * GOXEL_SOAK_GC=1 sends SIGUSR2 before each measurement, for a daemon built to run a full
 * collection on it (the heap column is then the live heap; the release binary only reopens its
 * log on SIGUSR2).
 */
import { fileURLToPath } from "node:url";
import { Client, createTally, sleep } from "./soak_client.ts";
import type { SoakContext, SoakPaths } from "./soak_client.ts";
import {
  printHeader,
  printRow,
  printSlopes,
  Probe,
  readFds,
  readHttpPort,
  summarizeLog,
  walkDir,
} from "./soak_probe.ts";
import type { Row } from "./soak_probe.ts";
import { checkRepro, runRepro } from "./soak_repro.ts";
import {
  Editor,
  FIXTURE_FILES,
  runCancels,
  runProjectLifecycle,
  runRenders,
  runScripts,
  runShortConnections,
} from "./soak_traffic.ts";
import { runErrors, runMcpSession, runSubscribers } from "./soak_traffic_more.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The parts of the mix, all run by default. */
const PARTS = "short,editors,lifecycle,renders,scripts,cancels,mcp,errors,subscribers";

/** The command line and environment, read once. */
interface Options {
  bin: string;
  fixtures: string;
  minutes: number;
  idleS: number;
  repro: string;
  reproN: number;
  /** Parts of the mix to run (`--only`, default all of PARTS). */
  only: string[];
  keep: boolean;
  /**
   * GOXEL_SOAK_GC=1: send SIGUSR2 before each measurement, for a daemon built to run a full
   * collection on it (not the release binary, whose SIGUSR2 only reopens the log): the heap
   * column is then the live heap, not what the collector has not got round to yet.
   */
  forceGc: boolean;
}

function flag(name: string, def: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : def;
}

function readOptions(): Options {
  return {
    bin: Deno.env.get("GOXEL_BIN") ?? `${ROOT}dist/goxel-linux-x64`,
    fixtures: Deno.env.get("GOXEL_FIXTURES") ?? `${ROOT}../shared/fixtures`,
    minutes: Number(flag("minutes", "12")),
    idleS: Number(flag("idle", "60")),
    repro: flag("repro", ""),
    reproN: Number(flag("n", "1000")),
    only: flag("only", PARTS).split(","),
    keep: Deno.args.includes("--keep"),
    forceGc: Deno.env.get("GOXEL_SOAK_GC") === "1",
  };
}

// ---------------------------------------------------------------- environment and daemon

/** Creates the private temporary tree, the daemon's environment and the copied fixtures. */
async function prepareTree(
  fixtures: string,
): Promise<{ paths: SoakPaths; env: Record<string, string> }> {
  const tmp = await Deno.makeTempDir({ prefix: "goxel-soak-" });
  const run = `${tmp}/run`;
  const state = `${tmp}/state/goxel`;
  const paths: SoakPaths = {
    tmp,
    run,
    sock: `${run}/soak.sock`,
    work: `${tmp}/work`,
    out: `${tmp}/out`,
    dtmp: `${tmp}/tmp`,
    state,
    log: `${state}/goxel.log`,
  };
  for (const d of [paths.work, paths.out, paths.dtmp]) await Deno.mkdir(d, { recursive: true });
  await Deno.mkdir(run, { mode: 0o700 });
  const env: Record<string, string> = {
    XDG_RUNTIME_DIR: run,
    XDG_STATE_HOME: `${tmp}/state`,
    XDG_CONFIG_HOME: `${tmp}/config`,
    HOME: tmp,
    TMPDIR: paths.dtmp,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    NO_COLOR: "1",
  };
  // JavaScriptCore options for the daemon (e.g. BUN_JSC_collectContinuously=1 to see the live heap).
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (k.startsWith("BUN_JSC_")) env[k] = v;
  }
  for (const f of FIXTURE_FILES) {
    await Deno.copyFile(`${fixtures}/${f}`, `${paths.work}/${f.split("/")[1]}`);
  }
  await Deno.writeFile(`${paths.work}/corrupt.vox`, crypto.getRandomValues(new Uint8Array(4096)));
  await Deno.writeFile(
    `${paths.work}/truncated.gox`,
    (await Deno.readFile(`${paths.work}/chr_knight.gox`)).slice(0, 700),
  );
  return { paths, env };
}

/** Runs the goxel binary in the private environment and returns its exit code and output. */
async function runGoxel(
  bin: string,
  env: Record<string, string>,
  cwd: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(bin, {
    args,
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** Starts the daemon with its defaults and returns the context the traffic is handed. */
async function startDaemon(
  bin: string,
  paths: SoakPaths,
  env: Record<string, string>,
): Promise<SoakContext> {
  const started = await runGoxel(bin, env, paths.work, [
    "start",
    "--socket",
    paths.sock,
    "--http",
    "127.0.0.1:0",
  ]);
  if (started.code !== 0) throw new Error(`start failed: ${started.out}${started.err}`);
  const pid = Number(/pid (\d+)/.exec(started.out + started.err)![1]);
  const httpPort = readHttpPort(pid);
  return {
    bin,
    env,
    paths,
    pid,
    httpPort,
    http: `http://127.0.0.1:${httpPort}`,
    open: (readPaused = false) => Client.open(paths.sock, readPaused),
    tally: createTally(),
  };
}

// ---------------------------------------------------------------- soak mode

/** The long-lived connections of a soak run besides the probe. */
interface Clients {
  editors: Editor[];
  /** The render connection and its monu9 project. */
  rc: Client;
  renderProject: string;
  /** The script connection. */
  sc: Client;
}

/** Runs one cycle of the mix: the parts in `only` in parallel, for at least 5 s. */
async function runCycle(ctx: SoakContext, only: string[], cl: Clients): Promise<void> {
  const { safe } = ctx.tally;
  const on = (part: string) => only.includes(part);
  const { editors, rc, renderProject, sc } = cl;
  const work = (async () => {
    await Promise.all([
      on("short") && runShortConnections(ctx, 150),
      ...(on("editors") ? editors.map((e) => safe(`editor ${e.name}`, () => e.cycle())) : []),
      on("lifecycle") && safe("lifecycle", () => runProjectLifecycle(ctx)),
      on("renders") && safe("renders", () => runRenders(ctx, rc, renderProject)),
      on("scripts") && safe("scripts", () => runScripts(ctx, sc, renderProject)),
      on("cancels") && safe("cancels", () => runCancels(ctx, renderProject)),
      on("mcp") && (async () => {
        for (let i = 0; i < 3; i++) await safe("mcp", () => runMcpSession(ctx, false));
        await safe("mcp kill", () => runMcpSession(ctx, true));
      })(),
      on("errors") && safe("errors", () => runErrors(ctx)),
      sleep(5000), // a cycle lasts at least this long
    ]);
  })();
  if (on("subscribers")) {
    await safe("subscribers", () => runSubscribers(ctx, editors[0].project, work));
  } else await work;
}

/** Closes every project and connection but the probe's connection; prints what was left over. */
async function closeEverything(ctx: SoakContext, probe: Probe, cl: Clients): Promise<void> {
  const { safe } = ctx.tally;
  for (const e of cl.editors) {
    await safe(
      "close editor",
      () => e.c.call("goxel.close_project", { project: e.project, force: true }),
    );
  }
  for (const e of cl.editors) await e.c.closeAndWait();
  await safe(
    "close render",
    () => cl.rc.call("goxel.close_project", { project: cl.renderProject, force: true }),
  );
  await cl.rc.closeAndWait();
  await cl.sc.closeAndWait();
  const pc = probe.client;
  const left = await pc.call("goxel.list_projects");
  const others = (left.projects ?? []).filter((p: any) => (p.id ?? p.project_id) !== probe.project);
  for (const p of others) {
    await safe(
      "close leftover",
      () => pc.call("goxel.close_project", { project: p.id ?? p.project_id, force: true }),
    );
  }
  await safe(
    "close probe",
    () => pc.call("goxel.close_project", { project: probe.project, force: true }),
  );
  console.log(
    `\nleftover projects closed at the end: ${
      others.map((p: any) => `${p.id ?? p.project_id} ${p.name}`).join(", ") || "none"
    }`,
  );
}

/** Runs cycles for `minutes`, closes everything, idles and compares the end with the start. */
async function runSoak(
  ctx: SoakContext,
  probe: Probe,
  rows: Row[],
  opts: Options,
  render: { rc: Client; renderProject: string },
): Promise<void> {
  const editors = [new Editor(ctx, "editorA"), new Editor(ctx, "editorB")];
  for (const e of editors) await e.open();
  const cl: Clients = { editors, ...render, sc: await ctx.open() };
  const end = performance.now() + opts.minutes * 60_000;
  let cycle = 0;
  while (performance.now() < end) {
    cycle++;
    await runCycle(ctx, opts.only, cl);
    const r = await probe.measure(cycle);
    rows.push(r);
    printRow(r);
  }
  printSlopes(rows, cycle);
  await closeEverything(ctx, probe, cl);
  console.log(`idle ${opts.idleS} s …`);
  await sleep(opts.idleS * 1000);
  probe.project = await createProbeProject(probe.client, "probe2");
  const fin = await probe.measure(-1);
  await ctx.tally.safe(
    "close probe2",
    () => probe.client.call("goxel.close_project", { project: probe.project, force: true }),
  );
  printHeader();
  printRow(rows[0]);
  printRow(fin);
  const { paths } = ctx;
  const at = (dir: string) => walkDir(dir, paths.tmp);
  console.log(`\nfile fds at the end: ${readFds(ctx.pid).files.join(", ")}`);
  console.log(`data dir at the end: ${at(paths.state).paths.join(", ")}`);
  console.log(`run dir at the end: ${at(paths.run).paths.join(", ")}`);
  console.log(`daemon TMPDIR at the end: ${at(paths.dtmp).paths.join(", ")}`);
  console.log(`out dir: ${at(paths.out).files} files`);
}

// ---------------------------------------------------------------- main

/** Creates the probe's 16³ project and returns its id. */
async function createProbeProject(c: Client, name: string): Promise<string> {
  return (await c.call("goxel.create_project", { name, width: 16, height: 16, depth: 16 }))
    .project_id;
}

/** Prints the tallies and the log summary, stops the daemon and removes the temporary tree. */
async function finish(ctx: SoakContext, opts: Options): Promise<void> {
  const { tally, paths } = ctx;
  console.log(`\ncounts: ${JSON.stringify(tally.counts)}`);
  console.log(`unexpected: ${JSON.stringify(tally.unexpected, null, 1)}`);
  console.log(`log (WARN and above): ${JSON.stringify(summarizeLog(paths.log), null, 1)}`);
  const stop = await runGoxel(ctx.bin, ctx.env, paths.work, ["stop", "--socket", paths.sock]);
  console.log(`stop: ${stop.code} ${stop.out.trim()} ${stop.err.trim()}`);
  if (!opts.keep) await Deno.remove(paths.tmp, { recursive: true });
  else console.log(`kept ${paths.tmp}`);
}

async function main(): Promise<void> {
  const opts = readOptions();
  if (opts.repro) checkRepro(opts.repro);
  const { paths, env } = await prepareTree(opts.fixtures);
  const ctx = await startDaemon(opts.bin, paths, env);
  const t0 = performance.now();
  const probe = new Probe(ctx, await ctx.open(), { forceGc: opts.forceGc, t0 });
  probe.project = await createProbeProject(probe.client, "probe");
  const rc = await ctx.open();
  const renderProject =
    (await rc.call("goxel.load_project", { path: `${paths.work}/monu9.vox` })).project_id;

  console.log(`# goxel soak: ${opts.bin}, pid ${ctx.pid}, http ${ctx.httpPort}, tmp ${paths.tmp}`);
  const rows: Row[] = [];
  printHeader();
  const base = await probe.measure(0);
  rows.push(base);
  printRow(base);
  if (opts.repro) await runRepro(ctx, probe, rows, opts.repro, opts.reproN);
  else await runSoak(ctx, probe, rows, opts, { rc, renderProject });
  await probe.client.closeAndWait();
  await finish(ctx, opts);
}

await main();
