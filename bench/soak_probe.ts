/**
 * The soak harness's measurements: the daemon's RSS, threads, CPU ticks, fds by kind and HTTP
 * port read from /proc, file counts and sizes under a directory, Prometheus metric sums,
 * percentiles, the least-squares slopes printed after a soak, and the `Probe` that settles, pings
 * and adds voxels on its own project to produce one `Row` of the table, printed with the fixed
 * `COLS`. It also sums the daemon's log by level and message for the closing report.
 */
import type { Client, SoakContext } from "./soak_client.ts";
import { sleep } from "./soak_client.ts";
import { procStatus } from "../tests/support_testing.ts";

/** The HTTP port: the LISTEN tcp socket among the daemon's fds. */
export function readHttpPort(pid: number): number {
  const inodes = new Set<string>();
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /socket:\[(\d+)\]/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`));
      if (m) inodes.add(m[1]);
    } catch { /* gone */ }
  }
  for (const line of Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[3] === "0A" && inodes.has(f[9])) return parseInt(f[1].split(":")[1], 16);
  }
  throw new Error("no HTTP listener found");
}

function readRssKb(pid: number): number {
  return procStatus(pid, "VmRSS");
}
function readThreads(pid: number): number {
  return procStatus(pid, "Threads");
}
function readCpuTicks(pid: number): number {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** The daemon's open fds: the total, a count per kind and the paths of plain files. */
export function readFds(
  pid: number,
): { total: number; kinds: Record<string, number>; files: string[] } {
  const kinds: Record<string, number> = {};
  const files: string[] = [];
  let total = 0;
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    let t = "?";
    try {
      t = Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`);
    } catch { /* closed meanwhile */ }
    total++;
    const k = t.startsWith("socket:")
      ? "socket"
      : t.startsWith("anon_inode:")
      ? t.slice(11).replace(/[\[\]]/g, "")
      : t.startsWith("pipe:")
      ? "pipe"
      : "file";
    kinds[k] = (kinds[k] ?? 0) + 1;
    if (k === "file") files.push(t);
  }
  return { total, kinds, files };
}

/** Files under `dir` (recursively): count, bytes and paths relative to `root`. */
export function walkDir(
  dir: string,
  root: string,
): { files: number; bytes: number; paths: string[] } {
  const r = { files: 0, bytes: 0, paths: [] as string[] };
  const go = (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    for (const e of entries) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) go(p);
      else {
        r.files++;
        r.paths.push(p.slice(root.length + 1));
        try {
          r.bytes += Deno.statSync(p).size;
        } catch { /* gone */ }
      }
    }
  };
  go(dir);
  return r;
}

function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
      sum += Number(line.split(" ").pop());
    }
  }
  return sum;
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** Least-squares slope of ys against xs. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length,
    mx = xs.reduce((a, b) => a + b, 0) / n,
    my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

/** Prints the slope per cycle of the leak-prone columns over the later half of the cycles. */
export function printSlopes(rows: Row[], cycles: number): void {
  const late = rows.filter((r) => r.cycle > 0).slice(Math.floor(cycles / 2));
  const xs = late.map((r) => r.cycle);
  console.log(`\nslopes per cycle over cycles ${xs[0]}..${xs[xs.length - 1]}:`);
  const keys: (keyof Row)[] = [
    "rss",
    "heap",
    "fds",
    "threads",
    "dataFiles",
    "dataKB",
    "runFiles",
    "pingP99",
    "addP50",
    "addBurstMs",
  ];
  for (const k of keys) {
    console.log(`  ${k}: ${slope(xs, late.map((r) => r[k] as number)).toFixed(3)}`);
  }
}

/** One measurement of the daemon, a line of the table. */
export interface Row {
  cycle: number;
  t: number;
  rss: number;
  heap: number;
  fds: number;
  fdKinds: string;
  threads: number;
  idleCpu: number;
  conns: number;
  jobs: number;
  subs: number;
  projects: number;
  journalBytes: number;
  dataFiles: number;
  dataKB: number;
  runFiles: number;
  tmpFiles: number;
  pingP50: number;
  pingP99: number;
  addP50: number;
  addP99: number;
  addBurstMs: number;
  logLines: number;
}

/** The table's columns in order (fd kinds come last, after these). */
export const COLS: (keyof Row)[] = [
  "cycle",
  "t",
  "rss",
  "heap",
  "fds",
  "threads",
  "idleCpu",
  "conns",
  "jobs",
  "subs",
  "projects",
  "journalBytes",
  "dataFiles",
  "dataKB",
  "runFiles",
  "tmpFiles",
  "pingP50",
  "pingP99",
  "addP50",
  "addP99",
  "addBurstMs",
  "logLines",
];

/** Prints the Markdown table header. */
export function printHeader(): void {
  console.log(`| ${COLS.join(" | ")} | fd kinds |`);
  console.log(`| ${COLS.map(() => "---").join(" | ")} | --- |`);
}

/** Prints one row of the Markdown table. */
export function printRow(r: Row): void {
  console.log(`| ${COLS.map((k) => r[k]).join(" | ")} | ${r.fdKinds} |`);
}

/** How a `Probe` measures. */
export interface ProbeOptions {
  /** Send SIGUSR2 and wait 1 s before each measurement (GOXEL_SOAK_GC=1). */
  forceGc: boolean;
  /** The time (performance.now()) that the `t` column counts from. */
  t0: number;
}

/** The fixed probe: one connection and project, measured the same way every time. */
export class Probe {
  /** The project the add_voxel probe writes to; replaced when it is closed. */
  project = "";
  #round = 0;
  constructor(
    readonly ctx: SoakContext,
    readonly client: Client,
    readonly options: ProbeOptions,
  ) {}

  /** Settles `settleMs`, then measures idle CPU, 200 pings, 200 add_voxel and the daemon. */
  async measure(cycle: number, settleMs = 3000): Promise<Row> {
    const { pid, paths } = this.ctx;
    if (this.options.forceGc) {
      Deno.kill(pid, "SIGUSR2");
      await sleep(1000);
    }
    const c0 = readCpuTicks(pid);
    await sleep(settleMs);
    const idleCpu = (readCpuTicks(pid) - c0) / (settleMs / 1000); // ticks (1/100 s) per second
    const { pings, adds, addBurstMs } = await this.#timeRequests();
    const m = await this.client.call("goxel.metrics");
    const text = typeof m === "string" ? m : m.text ?? JSON.stringify(m);
    const status = await this.client.call("goxel.status");
    const f = readFds(pid);
    const data = walkDir(paths.state, paths.tmp);
    let logLines = 0;
    try {
      logLines = Deno.readTextFileSync(paths.log).split("\n").length - 1;
    } catch { /* none */ }
    return {
      cycle,
      t: Math.round((performance.now() - this.options.t0) / 1000),
      rss: Math.round(readRssKb(pid) / 1024 * 10) / 10,
      heap: Math.round((status.memory?.heap_used_bytes ?? 0) / 1024 / 1024 * 10) / 10,
      fds: f.total,
      fdKinds: Object.entries(f.kinds).sort().map(([k, v]) => `${k}:${v}`).join(" "),
      threads: readThreads(pid),
      idleCpu: Math.round(idleCpu * 10) / 10,
      conns: sumMetric(text, "goxel_connections"),
      jobs: sumMetric(text, "goxel_worker_jobs"),
      subs: sumMetric(text, "goxel_subscribers"),
      projects: sumMetric(text, "goxel_open_projects"),
      journalBytes: sumMetric(text, "goxel_journal_bytes"),
      dataFiles: data.files,
      dataKB: Math.round(data.bytes / 1024),
      runFiles: walkDir(paths.run, paths.tmp).files,
      tmpFiles: walkDir(paths.dtmp, paths.tmp).files,
      pingP50: +percentile(pings, 0.5).toFixed(3),
      pingP99: +percentile(pings, 0.99).toFixed(3),
      addP50: +percentile(adds, 0.5).toFixed(3),
      addP99: +percentile(adds, 0.99).toFixed(3),
      addBurstMs: Math.round(addBurstMs),
      logLines,
    };
  }

  async #timeRequests(): Promise<{ pings: number[]; adds: number[]; addBurstMs: number }> {
    const pings: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await this.client.call("goxel.ping");
      pings.push(performance.now() - s);
    }
    const adds: number[] = [];
    const col = this.#round++ % 2 ? "#ff0000" : "#00ff00";
    const b0 = performance.now();
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await this.client.call("goxel.add_voxel", {
        x: i % 10,
        y: (i / 10) | 0,
        z: 0,
        color: col,
        project: this.project,
      });
      adds.push(performance.now() - s);
    }
    return { pings, adds, addBurstMs: performance.now() - b0 };
  }
}

/** Log lines at WARN and above counted by level and message (digits as N); unparsed lines too. */
export function summarizeLog(log: string): Record<string, number> {
  const out: Record<string, number> = {};
  let text = "";
  try {
    text = Deno.readTextFileSync(log);
  } catch { /* none */ }
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      const j = JSON.parse(line);
      if (j.level === "INFO" || j.level === "DEBUG") continue;
      const k = `${j.level} ${String(j.message).replace(/\d+/g, "N").slice(0, 120)}`;
      out[k] = (out[k] ?? 0) + 1;
    } catch {
      out[`unparsed ${line.slice(0, 80)}`] = (out[`unparsed ${line.slice(0, 80)}`] ?? 0) + 1;
    }
  }
  return out;
}
