// JSON-RPC replies are read as loose JSON throughout the soak harness.
// deno-lint-ignore-file no-explicit-any
/**
 * The soak harness's shared pieces: an NDJSON JSON-RPC client on the daemon's Unix socket
 * (replies matched by id, notifications counted), the tally of counted operations and unexpected
 * failures, the context every traffic generator and probe is handed (paths, daemon environment,
 * pid and HTTP port, the client factory, the tally), and a few small helpers (sleep, random
 * colours, a bounded worker pool). Nothing here holds module-level state.
 */

/** Sleeps for `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Shared UTF-8 encoder. */
export const enc = new TextEncoder();

/** A random integer in [0, n). */
export const rnd = (n: number): number => Math.floor(Math.random() * n);

/** A random opaque RGBA colour. */
export const color = (): number[] => [rnd(256), rnd(256), rnd(256), 255];

/** Runs `f` over `items` with at most `width` calls in flight. */
export async function pool<T>(
  items: T[],
  width: number,
  f: (t: T) => Promise<void>,
): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await f(items[i++]);
    }),
  );
}

/** One JSON-RPC reply as read off the wire. */
export type Reply = {
  id?: unknown;
  result?: any;
  error?: { code: number; message: string; data?: any };
};

/** An NDJSON JSON-RPC client on the Unix socket, replies matched by id; notifications counted. */
export class Client {
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
  /** Connects to the socket at `path`; with `readPaused` nothing is ever read. */
  static async open(path: string, readPaused = false): Promise<Client> {
    return new Client(await Deno.connect({ transport: "unix", path }), readPaused);
  }
  async #pump(): Promise<void> {
    const b = new Uint8Array(1 << 16);
    const d = new TextDecoder();
    try {
      for (;;) {
        const n = await this.conn.read(b);
        if (n === null) break;
        this.#buf += d.decode(b.subarray(0, n), { stream: true });
        this.#drainLines();
      }
    } catch { /* reset */ }
    this.closed = true;
    for (const w of this.#pending.values()) w({ error: { code: 0, message: "connection closed" } });
    this.#pending.clear();
  }
  #drainLines(): void {
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
  /** Writes raw text to the socket, all of it. */
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
  /** Sends a request and returns its reply, error or not. */
  request(method: string, params?: unknown): Promise<Reply> {
    return this.send(method, params)[1];
  }
  /** Sends a request and returns its result, throwing on an error reply. */
  async call(method: string, params?: unknown): Promise<any> {
    const r = await this.request(method, params);
    if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  }
  /** Closes the connection without waiting for the reader. */
  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
  /** Closes the connection and waits until its reader has finished. */
  async closeAndWait(): Promise<void> {
    this.close();
    await this.#done;
  }
}

/** Counted operations and unexpected failures, with the helpers that add to them. */
export interface Tally {
  counts: Record<string, number>;
  unexpected: Record<string, number>;
  count(what: string, n?: number): void;
  oops(what: string, e: unknown): void;
  safe(what: string, f: () => Promise<unknown>): Promise<void>;
}

/** Creates an empty tally whose methods may be destructured. */
export function createTally(): Tally {
  const counts: Record<string, number> = {};
  const unexpected: Record<string, number> = {};
  const count = (what: string, n = 1): void => {
    counts[what] = (counts[what] ?? 0) + n;
  };
  const oops = (what: string, e: unknown): void => {
    const k = `${what}: ${String((e as Error)?.message ?? e).slice(0, 140)}`;
    unexpected[k] = (unexpected[k] ?? 0) + 1;
  };
  const safe = async (what: string, f: () => Promise<unknown>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      oops(what, e);
    }
  };
  return { counts, unexpected, count, oops, safe };
}

/** The private temporary tree the daemon runs in. */
export interface SoakPaths {
  /** Root of the temporary tree (HOME). */
  tmp: string;
  /** XDG_RUNTIME_DIR. */
  run: string;
  /** The daemon's Unix socket. */
  sock: string;
  /** Copied fixtures and generated bad files; the daemon's cwd. */
  work: string;
  /** Saves, exports and renders. */
  out: string;
  /** The daemon's TMPDIR. */
  dtmp: string;
  /** The daemon's data dir ($XDG_STATE_HOME/goxel). */
  state: string;
  /** The daemon's log file. */
  log: string;
}

/** What traffic generators and probes are handed instead of module state. */
export interface SoakContext {
  /** The goxel binary. */
  bin: string;
  /** The environment every goxel process gets (the only one: clearEnv). */
  env: Record<string, string>;
  paths: SoakPaths;
  /** The daemon's pid. */
  pid: number;
  /** The daemon's HTTP port on 127.0.0.1. */
  httpPort: number;
  /** `http://127.0.0.1:PORT`. */
  http: string;
  /** Opens a new client on the daemon's socket. */
  open(readPaused?: boolean): Promise<Client>;
  tally: Tally;
}
