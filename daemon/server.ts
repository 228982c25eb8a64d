/**
 * Socket transport: Unix socket and optional loopback TCP listeners, NDJSON framing, ordered
 * per-connection processing with one write per batch of replies, limits and TCP token auth.
 */
import { timingSafeEqual } from "node:crypto";
import net from "node:net";
import { ErrorCode, NdjsonDecoder } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import type { CallInfo, Dispatcher } from "./dispatch.ts";

type Item = string | { oversize: number };

/** One client connection. */
class Connection {
  readonly info: CallInfo;
  readonly #socket: net.Socket;
  readonly #server: RpcServer;
  readonly #decoder: NdjsonDecoder;
  #queue: Item[] = [];
  #head = 0;
  #out: string[] = [];
  #busy = false;
  #ended = false;
  #authenticated: boolean;

  constructor(server: RpcServer, socket: net.Socket, info: CallInfo, maxBytes: number) {
    this.#server = server;
    this.#socket = socket;
    // Cancels this client's long jobs (worker edits, decodes, scripts) when it disconnects.
    const disconnected = new AbortController();
    socket.on("close", () => disconnected.abort());
    this.info = { ...info, signal: disconnected.signal };
    this.#decoder = new NdjsonDecoder({ maxMessageBytes: maxBytes });
    this.#authenticated = info.transport === "unix";
    socket.on("data", (chunk: Uint8Array) => this.#enqueue(this.#decoder.push(chunk)));
    socket.on("end", () => {
      this.#ended = true;
      this.#enqueue(this.#decoder.end());
      if (!this.#busy) server.ctx.journal.afterDurable(() => socket.end());
    });
    socket.on("error", () => socket.destroy());
    socket.on("drain", () => socket.resume());
  }

  /** True while requests from this connection are being processed. */
  get isBusy(): boolean {
    return this.#busy || this.#head < this.#queue.length;
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.destroy();
  }

  #enqueue(events: { kind: string; text?: string; bytes?: number }[]): void {
    for (const ev of events) {
      this.#queue.push(ev.kind === "message" ? ev.text! : { oversize: ev.bytes ?? 0 });
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#busy) return;
    this.#busy = true;
    while (this.#head < this.#queue.length) {
      const item = this.#queue[this.#head++];
      const reply = this.#handle(item);
      if (typeof reply === "object" && reply !== null) {
        this.#flush();
        reply.then((r) => {
          if (r !== null) this.#out.push(r);
          this.#busy = false;
          this.#pump();
        });
        return;
      }
      if (reply !== null) this.#out.push(reply);
    }
    this.#queue = [];
    this.#head = 0;
    this.#busy = false;
    this.#flush();
    if (this.#ended) this.#server.ctx.journal.afterDurable(() => this.#socket.end());
  }

  #handle(item: Item): string | null | Promise<string | null> {
    if (typeof item !== "string") {
      this.#server.ctx.metrics.inc("goxel_rejected_total", '{limit="message_size"}');
      const max = this.#server.ctx.config.limits.max_message_bytes;
      return JSON.stringify({
        jsonrpc: "2.0",
        error: {
          code: ErrorCode.PARSE_ERROR,
          message:
            `Parse error: message of ${item.oversize} bytes exceeds the limit of ${max} bytes`,
          data: { limit: "max_message_bytes", max },
        },
        id: null,
      });
    }
    if (!this.#authenticated) return this.#authenticate(item);
    return this.#server.dispatcher.handleText(item, this.info);
  }

  #authenticate(text: string): string {
    let id: unknown = null;
    let token: unknown;
    try {
      const msg = JSON.parse(text);
      id = msg?.id ?? null;
      token = msg?.method === "goxel.authenticate" || msg?.method === "authenticate"
        ? msg?.params?.token ?? msg?.params?.[0]
        : undefined;
    } catch { /* answered below like any unauthenticated message */ }
    if (typeof token === "string" && this.#server.checkToken(token)) {
      this.#authenticated = true;
      return JSON.stringify({ jsonrpc: "2.0", result: { authenticated: true }, id });
    }
    this.#server.ctx.metrics.inc("goxel_rejected_total", '{limit="auth"}');
    this.#ended = true;
    return JSON.stringify({
      jsonrpc: "2.0",
      error: {
        code: ErrorCode.UNAUTHORIZED,
        message:
          "Authentication required: send goxel.authenticate with the token from the runtime dir first",
      },
      id,
    });
  }

  #flush(): void {
    if (this.#out.length === 0 || this.#socket.destroyed) {
      this.#out = [];
      return;
    }
    const text = this.#out.join("\n") + "\n";
    this.#out = [];
    // Replies leave only once the edits they acknowledge are as durable as configured.
    this.#server.ctx.journal.afterDurable(() => {
      if (!this.#socket.destroyed && !this.#socket.write(text)) this.#socket.pause();
    });
  }
}

/** The listeners and their connections. */
export class RpcServer {
  readonly ctx: DaemonContext;
  readonly dispatcher: Dispatcher;
  #listeners: net.Server[] = [];
  #connections = new Set<Connection>();
  #nextId = 1;
  #token: Uint8Array | null = null;
  #tcpAddress: string | null = null;

  constructor(ctx: DaemonContext, dispatcher: Dispatcher) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** "host:port" of the TCP listener, if any. */
  get tcpAddress(): string | null {
    return this.#tcpAddress;
  }

  /** Number of connections with requests in progress. */
  get busyCount(): number {
    return [...this.#connections].filter((c) => c.isBusy).length;
  }

  /** Listens on a Unix socket path. */
  listenUnix(path: string): Promise<void> {
    return this.#listen((s) => s.listen(path), "unix");
  }

  /** Listens on a TCP address; every connection must authenticate with `token` first. */
  async listenTcp(host: string, port: number, token: string): Promise<string> {
    this.#token = new TextEncoder().encode(token);
    await this.#listen((s) => s.listen(port, host), "tcp");
    const addr = this.#listeners.at(-1)!.address() as net.AddressInfo;
    this.#tcpAddress = `${addr.address}:${addr.port}`;
    return this.#tcpAddress;
  }

  /** Compares a presented token with the expected one in constant time. */
  checkToken(presented: string): boolean {
    if (!this.#token) return false;
    const given = new TextEncoder().encode(presented);
    return given.length === this.#token.length && timingSafeEqual(given, this.#token);
  }

  /** Stops accepting new connections (existing ones keep being served). */
  stopAccepting(): Promise<void> {
    // close() stops listening at once; its callback would wait for every client to leave.
    for (const s of this.#listeners) s.close();
    this.#listeners = [];
    return Promise.resolve();
  }

  /** Waits until no connection has a request in progress, or `timeoutMs` passes. */
  async drain(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.busyCount > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return this.busyCount === 0;
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const c of this.#connections) c.close();
    this.#connections.clear();
  }

  #listen(start: (s: net.Server) => void, transport: "unix" | "tcp"): Promise<void> {
    const server = net.createServer((socket) => this.#accept(socket, transport));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        server.on("error", () => {});
        this.#listeners.push(server);
        resolve();
      });
      start(server);
    });
  }

  #accept(socket: net.Socket, transport: "unix" | "tcp"): void {
    const { limits } = this.ctx.config;
    if (this.#connections.size >= limits.max_connections) {
      this.ctx.metrics.inc("goxel_rejected_total", '{limit="connections"}');
      socket.end(
        JSON.stringify({
          jsonrpc: "2.0",
          error: {
            code: ErrorCode.BUSY,
            message: `Too many connections: the limit is ${limits.max_connections}`,
          },
          id: null,
        }) + "\n",
      );
      return;
    }
    this.ctx.metrics.inc("goxel_connections_total", `{transport="${transport}"}`);
    const conn = new Connection(
      this,
      socket,
      { connectionId: this.#nextId++, transport },
      limits.max_message_bytes,
    );
    this.#connections.add(conn);
    socket.on("close", () => this.#connections.delete(conn));
    if (limits.idle_timeout_seconds > 0) {
      socket.setTimeout(limits.idle_timeout_seconds * 1000, () => {
        if (!conn.isBusy) {
          this.ctx.metrics.inc("goxel_rejected_total", '{limit="idle_timeout"}');
          socket.destroy();
        }
      });
    }
  }
}
