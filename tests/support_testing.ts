/**
 * Test support for the end-to-end suites: runs the real goxel program (under Deno, or the
 * binary named by GOXEL_BIN) with a private runtime dir, and talks to it over real sockets.
 */
import { fileURLToPath as fromFileUrl } from "node:url";

const ROOT = new URL("../", import.meta.url);

/** The argv prefix that runs goxel: GOXEL_BIN, else `deno run -A main.ts`. */
export function goxelCommand(): string[] {
  const bin = Deno.env.get("GOXEL_BIN");
  if (bin) return [bin];
  return [
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    "--config",
    rootPath("deno.json"),
    rootPath("main.ts"),
  ];
}

/** Absolute path of a repo file. */
export function rootPath(rel: string): string {
  return fromFileUrl(new URL(rel, ROOT));
}

/** A private temporary environment: runtime dir, config dir, workspace. */
export interface TestEnv {
  dir: string;
  env: Record<string, string>;
  socket: string;
  cleanup(): Promise<void>;
}

/** Creates a temp dir with XDG dirs inside it so nothing touches the user's real ones. */
export async function makeTestEnv(): Promise<TestEnv> {
  const dir = await Deno.makeTempDir({ prefix: "gx" });
  const run = `${dir}/run`;
  await Deno.mkdir(run, { mode: 0o700 });
  const env: Record<string, string> = {
    XDG_RUNTIME_DIR: run,
    XDG_CONFIG_HOME: `${dir}/config`,
    XDG_STATE_HOME: `${dir}/state`,
    HOME: dir,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    NO_COLOR: "1",
  };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) env.DENO_DIR = denoDir;
  return {
    dir,
    env,
    socket: `${run}/goxel/goxel.sock`,
    async cleanup() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Result of running goxel to completion. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `goxel <args>` to completion. */
export async function runGoxel(
  args: string[],
  t: TestEnv,
  stdin?: string,
  cwd: string = t.dir,
): Promise<RunResult> {
  const [cmd, ...prefix] = goxelCommand();
  const proc = new Deno.Command(cmd, {
    args: [...prefix, ...args],
    env: t.env,
    clearEnv: true,
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A CLI that hangs fails its test instead of stalling the suite.
  const timer = setTimeout(() => proc.kill("SIGKILL"), RUN_TIMEOUT_MS);
  // Read while writing: a CLI may answer before it has read all its input.
  const output = proc.output().finally(() => clearTimeout(timer));
  if (stdin !== undefined) {
    const w = proc.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await output;
  const dec = new TextDecoder();
  const stderr = dec.decode(out.stderr) +
    (out.signal === "SIGKILL" ? `\n(killed after ${RUN_TIMEOUT_MS} ms)` : "");
  return { code: out.code, stdout: dec.decode(out.stdout), stderr };
}

/** How long runGoxel lets one CLI command run. */
const RUN_TIMEOUT_MS = 60_000;

/** A daemon started in the foreground as a child process. */
export interface Daemon {
  proc: Deno.ChildProcess;
  socket: string;
  stderr: () => string;
  /** Sends SIGTERM and waits for exit; returns the exit code. */
  stop(): Promise<number>;
}

/** Starts `goxel start --foreground` with extra args and waits until the socket answers. */
export async function startDaemon(
  t: TestEnv,
  args: string[] = [],
  configYaml?: string,
): Promise<Daemon> {
  const extra = [...args];
  if (configYaml !== undefined) {
    const file = `${t.dir}/config-${crypto.randomUUID()}.yaml`;
    await Deno.writeTextFile(file, configYaml);
    extra.push("--config", file);
  }
  const [cmd, ...prefix] = goxelCommand();
  const proc = new Deno.Command(cmd, {
    args: [...prefix, "start", "--foreground", "--socket", t.socket, ...extra],
    env: t.env,
    clearEnv: true,
    cwd: t.dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let err = "";
  const reader = proc.stderr.pipeThrough(new TextDecoderStream()).getReader();
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      err += value;
    }
  })();
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    try {
      const c = await Deno.connect({ transport: "unix", path: t.socket });
      c.close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let exited = false;
  const status = proc.status.then((s) => {
    exited = true;
    return s;
  });
  return {
    proc,
    socket: t.socket,
    stderr: () => err,
    async stop() {
      if (!exited) {
        try {
          proc.kill("SIGTERM");
        } catch { /* already gone */ }
      }
      return (await status).code;
    },
  };
}

/** A raw NDJSON connection for protocol-level tests. */
export class RawClient {
  #conn: Deno.Conn;
  #buffer = "";
  #lines: string[] = [];
  #waiters: (() => void)[] = [];
  #closed = false;
  #nextId = 1;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#pump();
  }

  /** Connects to a Unix socket. */
  static async unix(path: string): Promise<RawClient> {
    return new RawClient(await Deno.connect({ transport: "unix", path }));
  }

  /** Connects over TCP. */
  static async tcp(hostname: string, port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  /** True once the daemon closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  async #pump(): Promise<void> {
    const buf = new Uint8Array(65536);
    const dec = new TextDecoder();
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.#buffer += dec.decode(buf.subarray(0, n), { stream: true });
        let nl;
        while ((nl = this.#buffer.indexOf("\n")) >= 0) {
          this.#lines.push(this.#buffer.slice(0, nl));
          this.#buffer = this.#buffer.slice(nl + 1);
        }
        this.#wake();
      }
    } catch { /* reset */ }
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Writes raw text. */
  async send(text: string): Promise<void> {
    const data = new TextEncoder().encode(text);
    let off = 0;
    while (off < data.length) off += await this.#conn.write(data.subarray(off));
  }

  /** Reads the next reply line as JSON; rejects after `timeoutMs` or when closed. */
  async read(timeoutMs = 10000): Promise<unknown> {
    return JSON.parse(await this.readLine(timeoutMs));
  }

  /** Reads the next reply line as text; rejects after `timeoutMs` or when closed. */
  async readLine(timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.#lines.length === 0) {
      if (this.#closed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a reply");
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
    return this.#lines.shift()!;
  }

  /** Waits until the daemon closes the connection (or times out). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.#closed;
  }

  /** Calls a method and returns the whole response object. */
  async request(
    method: string,
    params?: unknown,
  ): Promise<
    { result?: unknown; error?: { code: number; message: string; data?: unknown }; id: unknown }
  > {
    const id = this.#nextId++;
    await this.send(
      JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }) +
        "\n",
    );
    return await this.read() as {
      result?: unknown;
      error?: { code: number; message: string };
      id: unknown;
    };
  }

  /** Calls a method and returns its result, throwing on an error reply. */
  async call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T> {
    const r = await this.request(method, params);
    if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result as T;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }
}

/**
 * A numeric field of /proc/PID/status as the kernel writes it: memory fields (VmRSS, RssAnon,
 * RssFile…) in kB, Threads as a count.
 */
export function procStatus(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(
    Deno.readTextFileSync(`/proc/${pid}/status`),
  );
  if (!m) throw new Error(`${field} is missing from /proc/${pid}/status`);
  return Number(m[1]);
}

/** Polls `check` until it returns true; throws `what` after `timeoutMs` (tests wait for effects). */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Bytes the daemon's journal has written since it started (its goxel_journal_bytes counter). */
export async function journalBytes(c: RawClient): Promise<number> {
  const text = await c.call<string>("goxel.metrics");
  return Number(/^goxel_journal_bytes (\d+)$/m.exec(text)?.[1]);
}

/** Loads a private copy of a fixture into the daemon (tests may save over it); returns its path. */
export async function loadFixtureCopy(c: RawClient, dir: string, fixture: string): Promise<string> {
  const { FIXTURES_DIR } = await import("./fixtures_testing.ts");
  const file = `${dir}/${fixture.split("/").pop()}`;
  await Deno.copyFile(`${FIXTURES_DIR}${fixture}`, file);
  await c.call("goxel.load_project", [file]);
  return file;
}
