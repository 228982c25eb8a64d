/**
 * Socket transport: Unix socket and optional loopback TCP listeners. Framing, ordering,
 * backpressure and replies are protocol/'s {@link MessageConnection}; this file adds what is the
 * daemon's own: connection slots, TCP token authentication with its deadline and its own small
 * cap (so unauthenticated TCP clients can never take the slots of Unix-socket clients), idle
 * closing counted from the last complete message, and the errors for dropped lines.
 */
import { timingSafeEqual } from "node:crypto";
import net from "node:net";
import { clearInterval, setInterval } from "node:timers";
import {
  BufferBudget,
  ErrorCode,
  errorReplyOf,
  idText,
  MessageConnection,
  needsRawId,
  NULL_ID,
  rawIds,
  resultReply,
  RpcError,
  type Transport,
  validateEnvelope,
} from "../protocol/mod.ts";
import { cancelEarly, RunningRequests } from "./cancels.ts";
import type { Peer } from "./changes.ts";
import type { DaemonContext } from "./context.ts";
import type { CallInfo, Dispatcher } from "./dispatch.ts";

/** Unanswered messages one connection may queue before it stops being read. */
export const MAX_QUEUED_MESSAGES = 1024;
/** Unsent reply bytes one connection may hold before it stops being read and served. */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
/** How often idle connections and authentication deadlines are checked. */
const SWEEP_MS = 250;

/** One client connection and the daemon's facts about it (a change-stream Peer too). */
class Client implements Peer {
  readonly info: CallInfo;
  readonly socket: net.Socket;
  readonly conn: MessageConnection;
  readonly openedAt: number;
  authenticated: boolean;

  constructor(server: RpcServer, socket: net.Socket, connection: CallInfo) {
    const ctx = server.ctx;
    const limits = ctx.config.limits;
    // Cancels this client's long jobs (worker edits, decodes, scripts) when its socket closes.
    const disconnected = new AbortController();
    socket.on("close", () => disconnected.abort());
    const running = new RunningRequests(disconnected.signal);
    const counted = (method: string) => server.dispatcher.countEarly(method);
    const info = { ...connection, peer: this, signal: disconnected.signal, running };
    this.info = info;
    this.#journal = ctx.journal;
    this.socket = socket;
    this.openedAt = ctx.clock();
    this.authenticated = info.transport === "unix";
    this.conn = new MessageConnection(
      durableTransport(socket, ctx),
      {
        message: (text) =>
          this.authenticated
            ? server.dispatcher.handleText(text, this.info, true)
            : server.authenticate(this, text),
        oversize: (bytes) => server.tooLong(bytes),
        overBudget: (bytes) => server.overBudget(bytes),
        failed: (err) => ctx.logBug("(connection)", err),
        // A cancel is handled as soon as it is read, not behind the work it cancels.
        early: (text) =>
          this.authenticated ? cancelEarly(text, running, this.conn, counted) : undefined,
      },
      {
        maxMessageBytes: limits.max_message_bytes,
        maxQueuedMessages: MAX_QUEUED_MESSAGES,
        maxQueuedBytes: limits.max_message_bytes,
        maxUnsentBytes: MAX_UNSENT_BYTES,
      },
      server.budget,
      ctx.clock,
    );
    socket.on("data", (chunk: Uint8Array) => this.conn.receive(chunk));
    socket.on("end", () => this.conn.endOfInput());
    socket.on("drain", () => this.conn.writable());
    socket.on("error", () => socket.destroy());
  }

  // Peer (daemon/changes.ts): notifications leave in order with the replies (after what they
  // report is durable); drain waiters run once the last write is flushed.
  readonly #journal: DaemonContext["journal"];
  #drainWaiters: (() => void)[] = [];
  send(text: string): void {
    this.#journal.afterDurable(() => {
      if (this.socket.destroyed) return;
      this.socket.write(text + "\n", () => {
        if (this.socket.writableLength > 0 || !this.#drainWaiters.length) return;
        for (const fn of this.#drainWaiters.splice(0)) fn();
      });
    });
  }
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }
  onDrain(fn: () => void): void {
    this.#drainWaiters.push(fn);
  }
  onClose(fn: () => void): void {
    this.socket.once("close", fn);
  }
}

/**
 * The socket as the connection's transport, except that replies (and the end of the stream)
 * leave only once the edits they acknowledge are as durable as configured.
 */
function durableTransport(socket: net.Socket, ctx: DaemonContext): Transport {
  return {
    write(text) {
      ctx.journal.afterDurable(() => {
        if (!socket.destroyed) socket.write(text);
      });
      return true;
    },
    get writableLength() {
      return socket.writableLength;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => ctx.journal.afterDurable(() => socket.end()),
    destroy: () => socket.destroy(),
  };
}

/** The listeners and their connections. */
export class RpcServer {
  readonly ctx: DaemonContext;
  readonly dispatcher: Dispatcher;
  readonly budget: BufferBudget;
  #listeners: net.Server[] = [];
  /** Unix clients and authenticated TCP clients: these share `max_connections`. */
  #clients = new Set<Client>();
  /** TCP clients that have not authenticated yet: capped by `max_unauthenticated`. */
  #pending = new Set<Client>();
  #nextId = 1;
  #token: Uint8Array | null = null;
  #tcpAddress: string | null = null;
  #sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(ctx: DaemonContext, dispatcher: Dispatcher) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    this.budget = new BufferBudget(ctx.config.limits.max_buffered_bytes);
  }

  /** Number of open connections (authenticated or not). */
  get connectionCount(): number {
    return this.#clients.size + this.#pending.size;
  }

  /** "host:port" of the TCP listener, if any. */
  get tcpAddress(): string | null {
    return this.#tcpAddress;
  }

  /** Number of connections with requests in progress. */
  get busyCount(): number {
    let n = 0;
    for (const c of this.#clients) if (c.conn.isBusy) n++;
    return n;
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

  /**
   * Stops the requests still running on worker jobs (a stop's grace is over): each answers
   * −1110; resolves once they have, or after `replyMs`.
   */
  async cancelRunning(replyMs: number): Promise<void> {
    const error = new RpcError(
      ErrorCode.SHUTTING_DOWN,
      "The daemon is stopping: the request was stopped after shutdown_grace_ms",
      { reason: "shutting_down" },
    );
    for (const c of this.#clients) c.info.running?.cancelAll(error);
    await this.drain(replyMs);
  }

  /** Closes every connection and stops the idle sweep. */
  closeAll(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = null;
    for (const c of [...this.#clients, ...this.#pending]) c.conn.dispose();
    this.#clients.clear();
    this.#pending.clear();
  }

  /** Answers a message from a TCP client that has not authenticated yet. */
  authenticate(client: Client, text: string): string | null {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch { /* answered below like any unauthenticated message */ }
    const checked = validateEnvelope(msg);
    const req = checked.ok ? checked.request : null;
    const id = !req || !Object.hasOwn(req, "id")
      ? (checked.ok ? undefined : idText(checked.id))
      : needsRawId(req.id)
      ? rawIds(text)[0] ?? NULL_ID
      : idText(req.id);
    const isAuth = req?.method === "goxel.authenticate" || req?.method === "authenticate";
    const params = req?.params as Record<string, unknown> | unknown[] | undefined;
    const token = isAuth ? (Array.isArray(params) ? params[0] : params?.token) : undefined;
    // A token read from its file with the newline at its end is still that token.
    if (typeof token === "string" && this.checkToken(token.trim())) {
      return this.#admit(client, id);
    }
    this.ctx.metrics.inc("goxel_rejected_total", '{limit="auth"}');
    client.conn.closeAfterReplies();
    // A notification is never answered, not even to refuse it.
    if (id === undefined) return null;
    return errorReplyOf(
      id,
      ErrorCode.UNAUTHORIZED,
      isAuth
        ? "Authentication failed: the token does not match the token file in the runtime dir " +
          "(it changes at each start)"
        : "Authentication required: send goxel.authenticate with the token from the runtime dir first",
    );
  }

  /** Answers a line longer than `max_message_bytes`. */
  tooLong(bytes: number): string {
    this.ctx.metrics.inc("goxel_rejected_total", '{limit="message_size"}');
    const max = this.ctx.config.limits.max_message_bytes;
    return errorReplyOf(
      NULL_ID,
      ErrorCode.PARSE_ERROR,
      `Parse error: message of ${bytes} bytes exceeds the limit of ${max} bytes`,
      { limit: "max_message_bytes", max },
    );
  }

  /** Answers a line dropped because the daemon holds `max_buffered_bytes` for clients. */
  overBudget(bytes: number): string {
    this.ctx.metrics.inc("goxel_rejected_total", '{limit="buffered_bytes"}');
    const max = this.budget.max;
    return errorReplyOf(
      NULL_ID,
      ErrorCode.BUSY,
      `Server busy: a message of ${bytes}+ bytes was dropped because the daemon already holds ` +
        `its limit of ${max} bytes of unprocessed input; retry later`,
      { limit: "max_buffered_bytes", max },
    );
  }

  #admit(client: Client, id: string | undefined): string | null {
    this.#pending.delete(client);
    const max = this.ctx.config.limits.max_connections;
    if (this.#clients.size >= max) {
      this.ctx.metrics.inc("goxel_rejected_total", '{limit="connections"}');
      client.conn.closeAfterReplies();
      return id === undefined ? null : this.#tooMany(id, max);
    }
    client.authenticated = true;
    this.#clients.add(client);
    return id === undefined ? null : resultReply(id, { authenticated: true });
  }

  #tooMany(id: string, max: number): string {
    return errorReplyOf(id, ErrorCode.BUSY, `Too many connections: the limit is ${max}`, {
      limit: "max_connections",
      max,
    });
  }

  #listen(start: (s: net.Server) => void, transport: "unix" | "tcp"): Promise<void> {
    // Half-open: a client may send its requests and shut its side; the replies still go out.
    const server = net.createServer({ allowHalfOpen: true }, (s) => this.#accept(s, transport));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        server.on("error", () => {});
        this.#listeners.push(server);
        this.#startSweeping();
        resolve();
      });
      start(server);
    });
  }

  #accept(socket: net.Socket, transport: "unix" | "tcp"): void {
    const { limits } = this.ctx.config;
    this.budget.max = limits.max_buffered_bytes;
    const full = transport === "unix"
      ? this.#clients.size >= limits.max_connections
      : this.#pending.size >= limits.max_unauthenticated;
    if (full) {
      const limit = transport === "unix" ? "connections" : "unauthenticated";
      this.ctx.metrics.inc("goxel_rejected_total", `{limit="${limit}"}`);
      const max = transport === "unix" ? limits.max_connections : limits.max_unauthenticated;
      socket.on("error", () => socket.destroy());
      socket.end(
        errorReplyOf(NULL_ID, ErrorCode.BUSY, `Too many connections: the limit is ${max}`, {
          limit: `max_${limit}`,
          max,
        }) + "\n",
      );
      return;
    }
    this.ctx.metrics.inc("goxel_connections_total", `{transport="${transport}"}`);
    const client = new Client(this, socket, { connectionId: this.#nextId++, transport });
    (client.authenticated ? this.#clients : this.#pending).add(client);
    socket.on("close", () => {
      this.#clients.delete(client);
      this.#pending.delete(client);
      client.conn.dispose();
    });
  }

  #startSweeping(): void {
    if (this.#sweeper) return;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
    // The sweep must never keep a stopping daemon alive.
    this.#sweeper.unref();
  }

  /** Closes idle connections and TCP clients past their authentication deadline. */
  #sweep(): void {
    const { limits } = this.ctx.config;
    const now = this.ctx.clock();
    const authMs = limits.auth_timeout_seconds * 1000;
    for (const c of this.#pending) {
      if (now - c.openedAt < authMs) continue;
      this.ctx.metrics.inc("goxel_rejected_total", '{limit="auth_timeout"}');
      this.#pending.delete(c);
      c.conn.dispose();
    }
    if (limits.idle_timeout_seconds <= 0) return;
    const idleMs = limits.idle_timeout_seconds * 1000;
    for (const c of this.#clients) {
      if (c.conn.isBusy || now - c.conn.lastMessageAt < idleMs) continue;
      this.ctx.metrics.inc("goxel_rejected_total", '{limit="idle_timeout"}');
      this.#clients.delete(c);
      c.conn.dispose();
    }
  }
}
