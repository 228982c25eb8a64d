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

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = Deno.env.get("GOXEL_BIN") ?? `${ROOT}dist/goxel-linux-x64`;
const FIXTURES = Deno.env.get("GOXEL_FIXTURES") ?? `${ROOT}../shared/fixtures`;

function flag(name: string, def: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : def;
}
const MINUTES = Number(flag("minutes", "12"));
const IDLE_S = Number(flag("idle", "60"));
const REPRO = flag("repro", "");
const REPRO_N = Number(flag("n", "1000"));
/** Parts of the mix to run (default all): short,editors,lifecycle,renders,scripts,cancels,mcp,errors,subscribers. */
const ONLY = flag("only", "short,editors,lifecycle,renders,scripts,cancels,mcp,errors,subscribers")
  .split(",");
const on = (part: string) => ONLY.includes(part);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = new TextEncoder();
const dec = new TextDecoder();

// ---------------------------------------------------------------- environment and daemon

const TMP = await Deno.makeTempDir({ prefix: "goxel-soak-" });
const RUN = `${TMP}/run`;
const SOCK = `${RUN}/soak.sock`;
const WORK = `${TMP}/work`;
const OUT = `${TMP}/out`;
const DTMP = `${TMP}/tmp`;
for (const d of [WORK, OUT, DTMP]) await Deno.mkdir(d, { recursive: true });
await Deno.mkdir(RUN, { mode: 0o700 });
const ENV: Record<string, string> = {
  XDG_RUNTIME_DIR: RUN,
  XDG_STATE_HOME: `${TMP}/state`,
  XDG_CONFIG_HOME: `${TMP}/config`,
  HOME: TMP,
  TMPDIR: DTMP,
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  NO_COLOR: "1",
};
// JavaScriptCore options for the daemon (e.g. BUN_JSC_collectContinuously=1 to see the live heap).
for (const [k, v] of Object.entries(Deno.env.toObject())) if (k.startsWith("BUN_JSC_")) ENV[k] = v;
const STATE = `${TMP}/state/goxel`;
const LOG = `${STATE}/goxel.log`;

const FIXTURE_FILES = [
  "ephtracy/monu9.vox",
  "ephtracy/chr_knight.vox",
  "ephtracy/teapot.vox",
  "vengi/chr_knight.gox",
  "vengi/robo.qb",
  "vengi/slab6_vox_test.kv6",
  "vengi/gox-shape-3-layers.gox",
  "goxel/example1.gox",
  "gnome-wizard/untitled.gox",
];
for (const f of FIXTURE_FILES) {
  await Deno.copyFile(`${FIXTURES}/${f}`, `${WORK}/${f.split("/")[1]}`);
}
await Deno.writeFile(`${WORK}/corrupt.vox`, crypto.getRandomValues(new Uint8Array(4096)));
await Deno.writeFile(
  `${WORK}/truncated.gox`,
  (await Deno.readFile(`${WORK}/chr_knight.gox`)).slice(0, 700),
);

async function goxel(
  args: string[],
  stdin?: string,
): Promise<{ code: number; out: string; err: string }> {
  const p = new Deno.Command(BIN, {
    args,
    env: ENV,
    clearEnv: true,
    cwd: WORK,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(enc.encode(stdin));
    await w.close();
  }
  const o = await p.output();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

const started = await goxel(["start", "--socket", SOCK, "--http", "127.0.0.1:0"]);
if (started.code !== 0) throw new Error(`start failed: ${started.out}${started.err}`);
const PID = Number(/pid (\d+)/.exec(started.out + started.err)![1]);

/** The HTTP port: the LISTEN tcp socket among the daemon's fds. */
function httpPort(): number {
  const inodes = new Set<string>();
  for (const e of Deno.readDirSync(`/proc/${PID}/fd`)) {
    try {
      const m = /socket:\[(\d+)\]/.exec(Deno.readLinkSync(`/proc/${PID}/fd/${e.name}`));
      if (m) inodes.add(m[1]);
    } catch { /* gone */ }
  }
  for (const line of Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[3] === "0A" && inodes.has(f[9])) return parseInt(f[1].split(":")[1], 16);
  }
  throw new Error("no HTTP listener found");
}
const HTTP_PORT = httpPort();
const HTTP = `http://127.0.0.1:${HTTP_PORT}`;

// ---------------------------------------------------------------- clients

type Reply = { id?: unknown; result?: any; error?: { code: number; message: string; data?: any } };

/** An NDJSON JSON-RPC client on the Unix socket, replies matched by id; notifications counted. */
class Client {
  conn: Deno.UnixConn;
  #buf = "";
  #pending = new Map<unknown, (r: Reply) => void>();
  #next = 1;
  notifications = 0;
  closed = false;
  /** Hand replies with id null to the oldest waiting request (see #pump). */
  nullToOldest = false;
  #done: Promise<void>;
  constructor(conn: Deno.UnixConn, readPaused = false) {
    this.conn = conn;
    this.#done = readPaused ? Promise.resolve() : this.#pump();
  }
  static async open(readPaused = false): Promise<Client> {
    return new Client(await Deno.connect({ transport: "unix", path: SOCK }), readPaused);
  }
  async #pump(): Promise<void> {
    const b = new Uint8Array(1 << 16);
    const d = new TextDecoder();
    try {
      for (;;) {
        const n = await this.conn.read(b);
        if (n === null) break;
        this.#buf += d.decode(b.subarray(0, n), { stream: true });
        let nl;
        while ((nl = this.#buf.indexOf("\n")) >= 0) {
          const line = this.#buf.slice(0, nl);
          this.#buf = this.#buf.slice(nl + 1);
          let msg: Reply & { method?: string };
          try {
            msg = JSON.parse(line);
          } catch {
            continue;
          }
          if (msg.method) {
            this.notifications++;
            continue;
          }
          // A reply with id null (a line the daemon could not read: too long, not JSON) goes
          // to the oldest request still waiting.
          const key = msg.id === null && this.nullToOldest && this.#pending.size
            ? this.#pending.keys().next().value
            : msg.id;
          const w = this.#pending.get(key);
          if (w) {
            this.#pending.delete(key);
            w(msg);
          }
        }
      }
    } catch { /* reset */ }
    this.closed = true;
    for (const w of this.#pending.values()) w({ error: { code: 0, message: "connection closed" } });
    this.#pending.clear();
  }
  async write(text: string): Promise<void> {
    const data = enc.encode(text);
    let off = 0;
    while (off < data.length) off += await this.conn.write(data.subarray(off));
  }
  /** Sends a request and returns [id, promise of its reply]. */
  send(method: string, params?: unknown): [number, Promise<Reply>] {
    const id = this.#next++;
    const p = new Promise<Reply>((r) => this.#pending.set(id, r));
    this.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n").catch(() => {});
    return [id, p];
  }
  request(method: string, params?: unknown): Promise<Reply> {
    return this.send(method, params)[1];
  }
  async call(method: string, params?: unknown): Promise<any> {
    const r = await this.request(method, params);
    if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  }
  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
  async closeAndWait(): Promise<void> {
    this.close();
    await this.#done;
  }
}

// ---------------------------------------------------------------- bookkeeping

const counts: Record<string, number> = {};
const unexpected: Record<string, number> = {};
function count(what: string, n = 1): void {
  counts[what] = (counts[what] ?? 0) + n;
}
function oops(what: string, e: unknown): void {
  const k = `${what}: ${String((e as Error)?.message ?? e).slice(0, 140)}`;
  unexpected[k] = (unexpected[k] ?? 0) + 1;
}
async function safe(what: string, f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    oops(what, e);
  }
}
const rnd = (n: number) => Math.floor(Math.random() * n);
const color = () => [rnd(256), rnd(256), rnd(256), 255];
async function pool<T>(items: T[], width: number, f: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await f(items[i++]);
    }),
  );
}

// ---------------------------------------------------------------- traffic

/** Short-lived connections: normal, abrupt (requests unread), half-close, torn line, burst. */
async function shortConnections(n: number): Promise<void> {
  await pool([...Array(n).keys()], 8, async (i) => {
    await safe("short", async () => {
      const c = await Client.open();
      count("short_conn");
      switch (i % 5) {
        case 0:
          await c.call("goxel.ping");
          await c.call("goxel.get_status");
          await c.call("goxel.list_projects");
          await c.closeAndWait();
          break;
        case 1: // abrupt: requests written, connection dropped before any reply is read
          c.send("goxel.ping");
          c.send("goxel.get_voxel", [0, 0, 0]);
          c.send("goxel.list_layers");
          await sleep(0);
          c.close();
          break;
        case 2: { // half-close: requests, then shutdown(SHUT_WR), replies read to EOF
          const a = c.request("goxel.ping");
          const b = c.request("goxel.version");
          await c.conn.closeWrite();
          await Promise.all([a, b]);
          await c.closeAndWait();
          break;
        }
        case 3: // a torn request line, then close
          await c.write('{"jsonrpc":"2.0","id":1,"method":"goxel.pi');
          c.close();
          break;
        case 4: { // pipelined burst, half of the replies read
          const ps = Array.from({ length: 50 }, (_, k) => c.request("goxel.get_voxel", [k, 0, 0]));
          await Promise.all(ps.slice(0, 25));
          c.close();
          break;
        }
      }
    });
  });
}

/** A long-lived editor on its own project. */
class Editor {
  c!: Client;
  project = "";
  constructor(readonly name: string) {}
  async open(): Promise<void> {
    this.c = await Client.open();
    this.project = (await this.c.call("goxel.create_project", {
      name: this.name,
      width: 64,
      height: 64,
      depth: 64,
    })).project_id;
  }
  async cycle(): Promise<void> {
    const c = this.c, project = this.project;
    for (let k = 0; k < 100; k++) {
      await c.call("goxel.add_voxel", {
        x: rnd(64) - 32,
        y: rnd(64) - 32,
        z: rnd(32),
        color: color(),
        project,
      });
    }
    count("add_voxel", 100);
    const list = Array.from(
      { length: 500 },
      () => [rnd(64) - 32, rnd(64) - 32, rnd(32), ...color()],
    );
    await c.call("goxel.add_voxels", { voxels: list, project });
    const packed = new Uint8Array(16 * 2000);
    const dv = new DataView(packed.buffer);
    for (let k = 0; k < 2000; k++) {
      dv.setInt32(16 * k, rnd(64) - 32, true);
      dv.setInt32(16 * k + 4, rnd(64) - 32, true);
      dv.setInt32(16 * k + 8, rnd(32), true);
      dv.setUint32(16 * k + 12, (Math.random() * 0xffffffff) | 0xff000000, true);
    }
    await c.call("goxel.add_voxels", { packed: btoa(String.fromCharCode(...packed)), project });
    for (const shape_type of ["sphere", "cube", "cylinder"]) {
      await c.call("goxel.procedural_shape", {
        shape_type,
        size_x: 8 + rnd(12),
        size_y: 8 + rnd(12),
        size_z: 8 + rnd(12),
        center_x: rnd(40) - 20,
        center_y: rnd(40) - 20,
        center_z: rnd(20),
        color: color(),
        project,
      });
    }
    await c.call("goxel.draw_line", {
      from: [-20, -20, 0],
      to: [20, 20, rnd(30)],
      color: color(),
      radius: 1.5,
      project,
    });
    const l1 =
      (await c.call("goxel.create_layer", { name: "tmp", color: color(), project })).layer_id;
    await c.call("goxel.add_voxels", { voxels: list.slice(0, 100), layer_id: l1, project });
    const l2 = (await c.call("goxel.create_layer", { name: "tmp2", project })).layer_id;
    await c.call("goxel.procedural_shape", {
      shape_type: "sphere",
      size_x: 6,
      size_y: 6,
      size_z: 6,
      layer_id: l2,
      color: color(),
      project,
    });
    await c.call("goxel.merge_layers", { source_layer_id: l2, target_layer_id: l1, project });
    await c.call("goxel.delete_layer", { layer_id: l1, project });
    await c.call("goxel.undo", { steps: 5, project });
    await c.call("goxel.redo", { steps: 3, project });
    await c.call("goxel.redo", { steps: 2, project }); // back to one layer: the project stays the same size
    await c.call("goxel.list_materials", { project });
    await c.call("goxel.list_layers", { project });
    await c.call("goxel.get_bounding_box", { project });
    count("editor_cycle");
  }
}

/** Fixture projects loaded, edited, saved, exported, checkpointed, restored and closed. */
async function projectLifecycle(): Promise<void> {
  const c = await Client.open();
  const exts = ["obj", "gltf", "vox", "ply", "qb", "glb", "stl"];
  let k = 0;
  for (const f of FIXTURE_FILES) {
    const file = f.split("/")[1];
    await safe(`lifecycle ${file}`, async () => {
      const p = (await c.call("goxel.load_project", { path: `${WORK}/${file}` })).project_id;
      await c.call("goxel.add_voxel", { x: 1, y: 2, z: 3, color: color(), project: p });
      await c.call("goxel.save_project", { path: `${OUT}/${file}.gox`, project: p });
      const ext = exts[k++ % exts.length];
      await c.call("goxel.export_model", {
        path: `${OUT}/${file}.${ext}`,
        project: p,
        overwrite_sidecars: true,
      });
      await c.call("goxel.checkpoint", { name: "c1", project: p });
      await c.call("goxel.procedural_shape", {
        shape_type: "cube",
        size_x: 5,
        size_y: 5,
        size_z: 5,
        project: p,
      });
      await c.call("goxel.checkpoint", { name: "c2", project: p });
      await c.call("goxel.restore_checkpoint", { name: "c1", project: p });
      await c.call("goxel.list_checkpoints", { project: p });
      await c.call("goxel.close_project", { project: p, force: true });
      count("project_lifecycle");
    });
  }
  for (let i = 0; i < 10; i++) {
    await safe("create/close", async () => {
      const p = (await c.call("goxel.create_project", {
        name: `tmp${i}`,
        width: 32,
        height: 32,
        depth: 32,
      })).project_id;
      if (i % 2) {
        await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: p });
      }
      await c.call("goxel.close_project", { project: p, force: true });
      count("create_close");
    });
  }
  await c.closeAndWait();
}

/** Renders on a persistent monu9 project: small and 1024² to files, managed files cleaned up. */
async function renders(rc: Client, project: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await safe(
      "render small",
      () =>
        rc.call("goxel.render_scene", {
          output_path: `${OUT}/small.png`,
          width: 128,
          height: 128,
          camera_preset: "isometric",
          project,
        }),
    );
  }
  for (let i = 0; i < 2; i++) {
    await safe(
      "render 1024",
      () =>
        rc.call("goxel.render_scene", {
          output_path: `${OUT}/big.png`,
          width: 1024,
          height: 1024,
          project,
        }),
    );
  }
  await safe(
    "render path",
    () =>
      rc.call("goxel.render_scene", {
        output_path: `${OUT}/path.png`,
        width: 256,
        height: 256,
        quality: "path",
        project,
      }),
  );
  for (let i = 0; i < 3; i++) {
    await safe("render managed", async () => {
      const r = await rc.call("goxel.render_scene", {
        width: 256,
        height: 256,
        options: { return_mode: "file_path" },
        project,
      });
      const path = r.file?.path ?? r.file?.file_path ?? r.output_path;
      await rc.call("goxel.get_render_info", { path });
      await rc.call("goxel.cleanup_render", { path });
    });
  }
  count("render", 11);
}

/** Scripts: small, writing, erroring, timing out, out of memory. */
async function scripts(c: Client, project: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await safe("script small", () => c.call("goxel.execute_script", { script: "1 + 1", project }));
  }
  for (let i = 0; i < 2; i++) {
    await safe("script write", () =>
      c.call("goxel.execute_script", {
        script:
          "const v = goxel.image.activeLayer.volume; for (let i = 0; i < 200; i++) v.setAt([i % 20, (i / 20) | 0, 5], [i, 100, 200]); v.count",
        project,
      }));
  }
  const expectErr = async (what: string, params: unknown) => {
    const r = await c.request("goxel.execute_script", params);
    if (!r.error) oops(what, "no error");
  };
  await safe(
    "script throw",
    () => expectErr("script throw", { script: "throw new Error('x')", project }),
  );
  await safe("script syntax", () => expectErr("script syntax", { script: "let = ;", project }));
  await safe(
    "script timeout",
    () => expectErr("script timeout", { script: "for (;;) {}", timeout_ms: 300, project }),
  );
  await safe(
    "script oom",
    () =>
      expectErr("script oom", {
        script: "const a = []; for (;;) a.push(new Array(1e5).fill(1));",
        project,
      }),
  );
  count("script", 11);
}

/** cancel_request of a running script and of a running render; a connection dropped mid-render. */
async function cancels(project: string): Promise<void> {
  const c = await Client.open();
  await safe("cancel script", async () => {
    const [id, p] = c.send("goxel.execute_script", {
      script: "for (;;) {}",
      timeout_ms: 20000,
      project,
    });
    await sleep(150);
    await c.call("goxel.cancel_request", { id });
    const r = await p;
    if (!r.error) oops("cancel script", "not cancelled");
  });
  await safe("cancel render", async () => {
    const [id, p] = c.send("goxel.render_scene", {
      output_path: `${OUT}/cancel.png`,
      width: 2048,
      height: 2048,
      quality: "path",
      project,
    });
    await sleep(150);
    await c.call("goxel.cancel_request", { id });
    await p;
  });
  await c.closeAndWait();
  await safe("drop mid-render", async () => {
    const d = await Client.open();
    d.send("goxel.render_scene", {
      output_path: `${OUT}/dropped.png`,
      width: 2048,
      height: 2048,
      quality: "path",
      project,
    });
    await sleep(150);
    await d.closeAndWait();
  });
  await safe("drop mid-script", async () => {
    const d = await Client.open();
    d.send("goxel.execute_script", { script: "for (;;) {}", timeout_ms: 20000, project });
    await sleep(150);
    await d.closeAndWait();
  });
  count("cancel", 4);
}

/** Change-stream subscribers that come and go, on the socket and on /ws. */
async function subscribers(project: string, during: Promise<void>): Promise<void> {
  const subs: Client[] = [];
  for (let i = 0; i < 6; i++) {
    await safe("subscribe", async () => {
      const s = await Client.open();
      await s.call("goxel.subscribe", i % 2 ? { project } : {});
      subs.push(s);
    });
  }
  // A subscriber that never reads.
  let slow: Client | undefined;
  await safe("slow subscriber", async () => {
    slow = await Client.open(true);
    await slow.write(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "goxel.subscribe", params: {} }) + "\n",
    );
  });
  const sockets: WebSocket[] = [];
  for (let i = 0; i < 4; i++) {
    await safe("ws", async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${HTTP_PORT}/ws`);
      await new Promise((ok, bad) => {
        ws.onopen = ok;
        ws.onerror = () => bad(new Error("ws error"));
      });
      ws.onmessage = () => count("ws_message");
      ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "goxel.subscribe",
          params: i % 2 ? { project } : {},
        }),
      );
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "goxel.ping" }));
      ws.send(
        JSON.stringify({ jsonrpc: "2.0", id: 3, method: "goxel.get_tiles", params: { project } }),
      );
      sockets.push(ws);
    });
  }
  count("subscriber", 11);
  await during;
  for (const [i, s] of subs.entries()) {
    if (i % 3 === 0) await safe("unsubscribe", () => s.call("goxel.unsubscribe", {}));
    await s.closeAndWait();
  }
  slow?.close();
  for (const ws of sockets) ws.close();
}

/** `goxel mcp` over stdio: initialize, a few tool calls, exit (one per cycle killed mid-call). */
async function mcpSession(kill: boolean): Promise<void> {
  const p = new Deno.Command(BIN, {
    args: ["mcp", "--no-spawn", "--socket", SOCK, "--root", OUT],
    env: ENV,
    clearEnv: true,
    cwd: OUT,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const w = p.stdin.getWriter();
  const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const replies = new Map<number, any>();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (m.id !== undefined) replies.set(m.id, m);
      }
    }
  })().catch(() => {});
  const send = (m: unknown) => w.write(enc.encode(JSON.stringify(m) + "\n"));
  const wait = async (id: number) => {
    const end = Date.now() + 30000;
    while (!replies.has(id)) {
      if (Date.now() > end) throw new Error(`mcp reply ${id} timed out`);
      await sleep(5);
    }
    return replies.get(id);
  };
  let id = 1;
  const tool = async (name: string, args: unknown) => {
    const n = ++id;
    await send({ jsonrpc: "2.0", id: n, method: "tools/call", params: { name, arguments: args } });
    const r = await wait(n);
    if (r.error || r.result?.isError) {
      throw new Error(`mcp ${name}: ${JSON.stringify(r.error ?? r.result.content).slice(0, 200)}`);
    }
    return r.result;
  };
  try {
    await send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "soak", version: "1" },
      },
    });
    await wait(1);
    await send({ jsonrpc: "2.0", method: "notifications/initialized" });
    if (kill) {
      await send({
        jsonrpc: "2.0",
        id: 99,
        method: "tools/call",
        params: { name: "render_view", arguments: { project: "monu9", max_size: 1024 } },
      });
      await sleep(30);
      p.kill("SIGKILL");
      count("mcp_killed");
    } else {
      const pr = (await tool("create_project", { name: "mcp", width: 32, height: 32, depth: 32 }))
        .structuredContent.project_id;
      await tool("add_voxel", { x: 1, y: 1, z: 1, color: "#ff00ff" });
      await tool("procedural_shape", {
        shape_type: "sphere",
        size_x: 9,
        size_y: 9,
        size_z: 9,
        color: "#00ff00",
      });
      await tool("describe_project", {});
      await tool("render_view", { max_size: 256 });
      await tool("checkpoint", { name: "m1" });
      await tool("restore_checkpoint", { name: "m1" });
      await tool("close_project", { project: pr, force: true });
      count("mcp_session");
    }
  } finally {
    await w.close().catch(() => {});
    const t = setTimeout(() => {
      oops("mcp", "did not exit within 10 s of stdin closing");
      try {
        p.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10000);
    await p.status;
    clearTimeout(t);
    await pump;
  }
}

/** Errors: bad JSON, unknown methods, bad params, limits, bad files, HTTP errors. */
async function errors(): Promise<void> {
  const c = await Client.open();
  let raw = "";
  for (let i = 0; i < 50; i++) raw += `{"jsonrpc":"2.0","id":"bad${i}","method":\n`;
  await c.write(raw);
  for (let i = 0; i < 50; i++) await c.request(`goxel.no_such_method_${i % 5}`);
  for (let i = 0; i < 20; i++) await c.request("goxel.add_voxel", { x: 1.5, y: "a", q: 1 });
  for (let i = 0; i < 5; i++) {
    const r = await c.request("goxel.procedural_shape", {
      shape_type: "cube",
      size_x: 300,
      size_y: 300,
      size_z: 300,
      project: "monu9",
    });
    if (!r.error) oops("limit", "no error for 27 M voxels");
  }
  const deep = "[".repeat(100) + "]".repeat(100);
  for (let i = 0; i < 5; i++) {
    await c.write(`{"jsonrpc":"2.0","id":7,"method":"goxel.echo","params":${deep}}\n`);
  }
  await c.request("goxel.list_projects"); // replies in order: everything above has been answered
  const batch = Array.from(
    { length: 1001 },
    (_, i) => ({ jsonrpc: "2.0", id: i, method: "goxel.ping" }),
  );
  await c.write(JSON.stringify(batch) + "\n");
  await c.request("goxel.ping");
  for (let i = 0; i < 5; i++) {
    await c.request("goxel.load_project", { path: `${WORK}/missing${i}.vox` });
  }
  for (let i = 0; i < 3; i++) {
    await c.request("goxel.load_project", { path: `${WORK}/corrupt.vox` });
  }
  for (let i = 0; i < 3; i++) {
    await c.request("goxel.load_project", { path: `${WORK}/truncated.gox` });
  }
  await c.request("goxel.close_project", { project: "p99999" });
  await c.closeAndWait();
  // A line over limits.max_message_bytes (16 MiB): the connection is answered and may be closed.
  await safe("oversize", async () => {
    const big = await Client.open();
    big.nullToOldest = true;
    const r = big.request("goxel.echo", ["x".repeat(17 << 20)]);
    await Promise.race([r, sleep(5000)]);
    await big.closeAndWait();
  });
  // HTTP
  for (let i = 0; i < 10; i++) {
    await safe("http", async () => {
      await (await fetch(`${HTTP}/rpc`, {
        method: "POST",
        body: '{"jsonrpc":"2.0","id":1,"method":"goxel.ping"}',
      })).text();
      await (await fetch(`${HTTP}/rpc`, { method: "POST", body: "{bad" })).text();
      await (await fetch(`${HTTP}/nope`)).text();
    });
  }
  await safe("http metrics", async () => void await (await fetch(`${HTTP}/metrics`)).text());
  await safe("http healthz", async () => void await (await fetch(`${HTTP}/healthz`)).text());
  count("error_round");
}

// ---------------------------------------------------------------- measurements

function rssKb(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${PID}/status`))![1]);
}
function threads(): number {
  return Number(/Threads:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${PID}/status`))![1]);
}
function cpuTicks(): number {
  const f = Deno.readTextFileSync(`/proc/${PID}/stat`).split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]);
}
function fds(): { total: number; kinds: Record<string, number>; files: string[] } {
  const kinds: Record<string, number> = {};
  const files: string[] = [];
  let total = 0;
  for (const e of Deno.readDirSync(`/proc/${PID}/fd`)) {
    let t = "?";
    try {
      t = Deno.readLinkSync(`/proc/${PID}/fd/${e.name}`);
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
function walk(dir: string): { files: number; bytes: number; paths: string[] } {
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
        r.paths.push(p.slice(TMP.length + 1));
        try {
          r.bytes += Deno.statSync(p).size;
        } catch { /* gone */ }
      }
    }
  };
  go(dir);
  return r;
}
function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
      sum += Number(line.split(" ").pop());
    }
  }
  return sum;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

interface Row {
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

// deno-lint-ignore prefer-const
let probe: Client;
let probeProject = "";
let probeRound = 0;
const t0 = performance.now();

/**
 * GOXEL_SOAK_GC=1: send SIGUSR2 before each measurement, for a daemon built to run a full
 * collection on it (not the release binary, whose SIGUSR2 only reopens the log): the heap
 * column is then the live heap, not what the collector has not got round to yet.
 */
const FORCE_GC = Deno.env.get("GOXEL_SOAK_GC") === "1";

async function measure(cycle: number, settleMs = 3000): Promise<Row> {
  if (FORCE_GC) {
    Deno.kill(PID, "SIGUSR2");
    await sleep(1000);
  }
  const c0 = cpuTicks();
  await sleep(settleMs);
  const idleCpu = (cpuTicks() - c0) / (settleMs / 1000); // ticks (1/100 s) per second
  const pings: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    await probe.call("goxel.ping");
    pings.push(performance.now() - s);
  }
  const adds: number[] = [];
  const col = probeRound++ % 2 ? "#ff0000" : "#00ff00";
  const b0 = performance.now();
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    await probe.call("goxel.add_voxel", {
      x: i % 10,
      y: (i / 10) | 0,
      z: 0,
      color: col,
      project: probeProject,
    });
    adds.push(performance.now() - s);
  }
  const addBurstMs = performance.now() - b0;
  const m = await probe.call("goxel.metrics");
  const text = typeof m === "string" ? m : m.text ?? JSON.stringify(m);
  const status = await probe.call("goxel.status");
  const f = fds();
  const data = walk(STATE);
  let logLines = 0;
  try {
    logLines = Deno.readTextFileSync(LOG).split("\n").length - 1;
  } catch { /* none */ }
  return {
    cycle,
    t: Math.round((performance.now() - t0) / 1000),
    rss: Math.round(rssKb() / 1024 * 10) / 10,
    heap: Math.round((status.memory?.heap_used_bytes ?? 0) / 1024 / 1024 * 10) / 10,
    fds: f.total,
    fdKinds: Object.entries(f.kinds).sort().map(([k, v]) => `${k}:${v}`).join(" "),
    threads: threads(),
    idleCpu: Math.round(idleCpu * 10) / 10,
    conns: metric(text, "goxel_connections"),
    jobs: metric(text, "goxel_worker_jobs"),
    subs: metric(text, "goxel_subscribers"),
    projects: metric(text, "goxel_open_projects"),
    journalBytes: metric(text, "goxel_journal_bytes"),
    dataFiles: data.files,
    dataKB: Math.round(data.bytes / 1024),
    runFiles: walk(RUN).files,
    tmpFiles: walk(DTMP).files,
    pingP50: +pct(pings, 0.5).toFixed(3),
    pingP99: +pct(pings, 0.99).toFixed(3),
    addP50: +pct(adds, 0.5).toFixed(3),
    addP99: +pct(adds, 0.99).toFixed(3),
    addBurstMs: Math.round(addBurstMs),
    logLines,
  };
}

const COLS: (keyof Row)[] = [
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
function printHeader(): void {
  console.log(`| ${COLS.join(" | ")} | fd kinds |`);
  console.log(`| ${COLS.map(() => "---").join(" | ")} | --- |`);
}
function printRow(r: Row): void {
  console.log(`| ${COLS.map((k) => r[k]).join(" | ")} | ${r.fdKinds} |`);
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

function logSummary(): Record<string, number> {
  const out: Record<string, number> = {};
  let text = "";
  try {
    text = Deno.readTextFileSync(LOG);
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

// ---------------------------------------------------------------- repro mode

const REPROS: Record<string, (c: Client, i: number) => Promise<void>> = {
  "ping-conn": async () => {
    const c = await Client.open();
    await c.call("goxel.ping");
    await c.closeAndWait();
  },
  "abrupt-conn": async () => {
    const c = await Client.open();
    c.send("goxel.ping");
    c.send("goxel.list_layers");
    await sleep(0);
    c.close();
  },
  "halfclose-conn": async () => {
    const c = await Client.open();
    const a = c.request("goxel.ping");
    await c.conn.closeWrite();
    await a;
    await c.closeAndWait();
  },
  "torn-conn": async () => {
    const c = await Client.open();
    await c.write('{"jsonrpc":"2.0","id":1,"method":"goxel.pi');
    c.close();
  },
  "create-close": async (c, i) => {
    const p =
      (await c.call("goxel.create_project", { name: `r${i}`, width: 16, height: 16, depth: 16 }))
        .project_id;
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: p });
    await c.call("goxel.close_project", { project: p, force: true });
  },
  "load-close": async (c) => {
    const p = (await c.call("goxel.load_project", { path: `${WORK}/chr_knight.vox` })).project_id;
    await c.call("goxel.close_project", { project: p, force: true });
  },
  "checkpoint-close": async (c) => {
    const p =
      (await c.call("goxel.create_project", { name: "ck", width: 16, height: 16, depth: 16 }))
        .project_id;
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000", project: p });
    await c.call("goxel.checkpoint", { name: "a", project: p });
    await c.call("goxel.restore_checkpoint", { name: "a", project: p });
    await c.call("goxel.close_project", { project: p, force: true });
  },
  "render-small": async (c) => {
    await c.call("goxel.render_scene", {
      output_path: `${OUT}/r.png`,
      width: 128,
      height: 128,
      project: "monu9",
    });
  },
  "render-managed": async (c) => {
    const r = await c.call("goxel.render_scene", {
      width: 64,
      height: 64,
      options: { return_mode: "file_path" },
      project: "monu9",
    });
    await c.call("goxel.cleanup_render", { path: r.file?.path ?? r.file?.file_path });
  },
  "script-write": async (c) =>
    void await c.call("goxel.execute_script", {
      script:
        "const v = goxel.image.activeLayer.volume; for (let i = 0; i < 200; i++) v.setAt([i % 20, (i / 20) | 0, 5], [i, 100, 200]); v.count",
      project: "monu9",
    }),
  "script": async (c) =>
    void await c.call("goxel.execute_script", { script: "1 + 1", project: "monu9" }),
  "script-timeout": async (c) =>
    void await c.request("goxel.execute_script", {
      script: "for (;;) {}",
      timeout_ms: 50,
      project: "monu9",
    }),
  "script-cancel": async (c) => {
    const [id, p] = c.send("goxel.execute_script", {
      script: "for (;;) {}",
      timeout_ms: 20000,
      project: "monu9",
    });
    await sleep(20);
    await c.call("goxel.cancel_request", { id });
    await p;
  },
  "subscribe-conn": async () => {
    const s = await Client.open();
    await s.call("goxel.subscribe", {});
    await s.closeAndWait();
  },
  "ws": async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${HTTP_PORT}/ws`);
    await new Promise((ok, bad) => {
      ws.onopen = ok;
      ws.onerror = () => bad(new Error("ws error"));
    });
    const got = new Promise((r) => ws.onmessage = r);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "goxel.subscribe", params: {} }));
    await got;
    const closed = new Promise((r) => ws.onclose = r);
    ws.close();
    await closed;
  },
  "http-rpc": async () => {
    await (await fetch(`${HTTP}/rpc`, {
      method: "POST",
      body: '{"jsonrpc":"2.0","id":1,"method":"goxel.ping"}',
    })).text();
  },
  "mcp": async () => await mcpSession(false),
  "bad-json": async (c) => {
    await c.write('{"jsonrpc":"2.0","id":"b","method":\n');
    await c.request("goxel.ping");
  },
  "load-corrupt": async (c) =>
    void await c.request("goxel.load_project", { path: `${WORK}/corrupt.vox` }),
  "oversize": async () => {
    const big = await Client.open();
    big.nullToOldest = true;
    const r = big.request("goxel.echo", ["x".repeat(17 << 20)]);
    await Promise.race([r, sleep(5000)]);
    await big.closeAndWait();
  },
  "render-cancel": async (c) => {
    const [id, p] = c.send("goxel.render_scene", {
      output_path: `${OUT}/cancel.png`,
      width: 2048,
      height: 2048,
      quality: "path",
      project: "monu9",
    });
    await sleep(50);
    await c.call("goxel.cancel_request", { id });
    await p;
  },
  "render-1024": async (c) => {
    await c.call("goxel.render_scene", {
      output_path: `${OUT}/big.png`,
      width: 1024,
      height: 1024,
      project: "monu9",
    });
  },
  "editor": async (c, i) => {
    if (i === 0) {
      await c.call("goxel.create_project", { name: "ed", width: 64, height: 64, depth: 64 });
    }
    await c.call("goxel.add_voxel", {
      x: rnd(64) - 32,
      y: rnd(64) - 32,
      z: rnd(32),
      color: color(),
      project: "ed",
    });
  },
};

// ---------------------------------------------------------------- main

probe = await Client.open();
probeProject =
  (await probe.call("goxel.create_project", { name: "probe", width: 16, height: 16, depth: 16 }))
    .project_id;
const rc = await Client.open();
const renderProject =
  (await rc.call("goxel.load_project", { path: `${WORK}/monu9.vox` })).project_id;

console.log(`# goxel soak: ${BIN}, pid ${PID}, http ${HTTP_PORT}, tmp ${TMP}`);
const rows: Row[] = [];
printHeader();
const base = await measure(0);
rows.push(base);
printRow(base);

if (REPRO) {
  const op = REPROS[REPRO];
  if (!op) throw new Error(`unknown repro ${REPRO}; one of ${Object.keys(REPROS).join(", ")}`);
  const c = await Client.open();
  const step = Math.max(1, Math.floor(REPRO_N / 5));
  for (let i = 0; i < REPRO_N; i++) {
    await safe(REPRO, () => op(c, i));
    if ((i + 1) % step === 0) {
      const r = await measure(i + 1, 1000);
      rows.push(r);
      printRow(r);
    }
  }
  await c.closeAndWait();
  const r = await measure(-1, 10000);
  printRow(r);
  const fd = fds();
  console.log(`\nfile fds now: ${fd.files.join(", ")}`);
  console.log(`data dir: ${walk(STATE).paths.join(", ")}`);
  console.log(`run dir: ${walk(RUN).paths.join(", ")}`);
} else {
  const editors = [new Editor("editorA"), new Editor("editorB")];
  for (const e of editors) await e.open();
  const sc = await Client.open();
  const end = performance.now() + MINUTES * 60_000;
  let cycle = 0;
  while (performance.now() < end) {
    cycle++;
    const work = (async () => {
      await Promise.all([
        on("short") && shortConnections(150),
        ...(on("editors") ? editors.map((e) => safe(`editor ${e.name}`, () => e.cycle())) : []),
        on("lifecycle") && safe("lifecycle", projectLifecycle),
        on("renders") && safe("renders", () => renders(rc, renderProject)),
        on("scripts") && safe("scripts", () => scripts(sc, renderProject)),
        on("cancels") && safe("cancels", () => cancels(renderProject)),
        on("mcp") && (async () => {
          for (let i = 0; i < 3; i++) await safe("mcp", () => mcpSession(false));
          await safe("mcp kill", () => mcpSession(true));
        })(),
        on("errors") && safe("errors", errors),
        sleep(5000), // a cycle lasts at least this long
      ]);
    })();
    if (on("subscribers")) await safe("subscribers", () => subscribers(editors[0].project, work));
    else await work;
    const r = await measure(cycle);
    rows.push(r);
    printRow(r);
  }
  // Slopes over the later half of the cycles.
  const late = rows.filter((r) => r.cycle > 0).slice(Math.floor(cycle / 2));
  const xs = late.map((r) => r.cycle);
  console.log(`\nslopes per cycle over cycles ${xs[0]}..${xs[xs.length - 1]}:`);
  for (
    const k of [
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
    ] as (keyof Row)[]
  ) {
    console.log(`  ${k}: ${slope(xs, late.map((r) => r[k] as number)).toFixed(3)}`);
  }
  // Close everything and see what comes back.
  for (const e of editors) {
    await safe(
      "close editor",
      () => e.c.call("goxel.close_project", { project: e.project, force: true }),
    );
  }
  for (const e of editors) await e.c.closeAndWait();
  await safe(
    "close render",
    () => rc.call("goxel.close_project", { project: renderProject, force: true }),
  );
  await rc.closeAndWait();
  await sc.closeAndWait();
  const left = await probe.call("goxel.list_projects");
  const others = (left.projects ?? []).filter((p: any) => (p.id ?? p.project_id) !== probeProject);
  for (const p of others) {
    await safe(
      "close leftover",
      () => probe.call("goxel.close_project", { project: p.id ?? p.project_id, force: true }),
    );
  }
  await safe(
    "close probe",
    () => probe.call("goxel.close_project", { project: probeProject, force: true }),
  );
  console.log(
    `\nleftover projects closed at the end: ${
      others.map((p: any) => `${p.id ?? p.project_id} ${p.name}`).join(", ") || "none"
    }`,
  );
  console.log(`idle ${IDLE_S} s …`);
  await sleep(IDLE_S * 1000);
  probeProject =
    (await probe.call("goxel.create_project", { name: "probe2", width: 16, height: 16, depth: 16 }))
      .project_id;
  const fin = await measure(-1);
  await safe(
    "close probe2",
    () => probe.call("goxel.close_project", { project: probeProject, force: true }),
  );
  printHeader();
  printRow(base);
  printRow(fin);
  const fd = fds();
  console.log(`\nfile fds at the end: ${fd.files.join(", ")}`);
  console.log(`data dir at the end: ${walk(STATE).paths.join(", ")}`);
  console.log(`run dir at the end: ${walk(RUN).paths.join(", ")}`);
  console.log(`daemon TMPDIR at the end: ${walk(DTMP).paths.join(", ")}`);
  console.log(`out dir: ${walk(OUT).files} files`);
}
await probe.closeAndWait();
console.log(`\ncounts: ${JSON.stringify(counts)}`);
console.log(`unexpected: ${JSON.stringify(unexpected, null, 1)}`);
console.log(`log (WARN and above): ${JSON.stringify(logSummary(), null, 1)}`);
const stop = await goxel(["stop", "--socket", SOCK]);
console.log(`stop: ${stop.code} ${stop.out.trim()} ${stop.err.trim()}`);
if (!Deno.args.includes("--keep")) await Deno.remove(TMP, { recursive: true });
else console.log(`kept ${TMP}`);
