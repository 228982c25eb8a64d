/**
 * JSON-RPC over WebSocket (the `ws` package on the `node:http` upgrade): one text message per
 * JSON-RPC message, answered in order per connection, and change notifications pushed as text
 * messages (each connection is a change-stream Peer with its own bounded buffer).
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { type Answer, ErrorCode, findQueued, type QueuedText } from "../protocol/mod.ts";
import { cancelEarly, RunningRequests } from "./cancels.ts";
import type { Peer } from "./changes.ts";
import type { DaemonContext } from "./context.ts";
import type { CallInfo, Dispatcher } from "./dispatch.ts";
import { MAX_QUEUED_MESSAGES, MAX_UNSENT_BYTES } from "./server.ts";

// The parts of the `ws` package used here (its typings would pull @types/node into the check).
interface WebSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly OPEN: number;
  send(text: string, done: () => void): void;
  on(event: "message", fn: (data: unknown, isBinary: boolean) => void): void;
  on(event: "error" | "pong", fn: () => void): void;
  once(event: "close", fn: () => void): void;
  ping(): void;
  pause(): void;
  resume(): void;
  terminate(): void;
}
interface WsServer {
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    done: (ws: WebSocket) => void,
  ): void;
  close(): void;
}

/** One WebSocket client. */
class WsConnection implements Peer {
  readonly #ws: WebSocket;
  readonly #gateway: WsGateway;
  readonly #info: CallInfo;
  /** Messages waiting their turn; a cancel read early waits with its answer (in order). */
  #queue: (QueuedText | { answer: string | null })[] = [];
  readonly #running: RunningRequests;
  #queuedBytes = 0;
  #paused = false;
  #busy = false;
  #scheduled = false;
  #drainWaiters: (() => void)[] = [];
  /** When the oldest ping the peer has not answered was sent (performance.now()), or null. */
  #pingedAt: number | null = null;

  constructor(gateway: WsGateway, ws: WebSocket, id: number) {
    this.#gateway = gateway;
    this.#ws = ws;
    // A closed connection stops its jobs; goxel.cancel_request stops one by id.
    const closed = new AbortController();
    ws.once("close", () => closed.abort());
    this.#running = new RunningRequests(closed.signal);
    const signal = closed.signal;
    this.#info = { connectionId: id, transport: "ws", peer: this, signal, running: this.#running };
    const counted = (method: string) => gateway.dispatcher.countEarly(method);
    ws.on("pong", () => this.#pingedAt = null);
    ws.on("message", (data, isBinary) => {
      this.#pingedAt = null;
      if (isBinary) return this.#reply(binaryRefused());
      const text = String(data);
      const early = cancelEarly(text, this.#running, this, counted);
      if (early !== undefined) this.#queue.push({ answer: early as string | null });
      else {
        this.#queue.push({ text });
        this.#queuedBytes += text.length;
      }
      this.#schedule();
      this.#updateReading();
    });
    ws.on("error", () => ws.terminate());
  }

  get bufferedBytes(): number {
    return this.#ws.bufferedAmount;
  }

  /** Replies and notifications leave once what they report is durable, in order. */
  send(text: string): void {
    this.#gateway.ctx.journal.afterDurable(() => this.#sendNow(text));
  }

  #sendNow(text: string): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(text, () => {
      if (this.#ws.bufferedAmount === 0 && this.#drainWaiters.length) {
        const waiters = this.#drainWaiters;
        this.#drainWaiters = [];
        for (const fn of waiters) fn();
      }
      // Replies were waiting for the client to read: go on once half of them are gone.
      if (this.#queue.length && this.#ws.bufferedAmount <= MAX_UNSENT_BYTES / 2) this.#schedule();
    });
  }

  /** See MessageConnection.answerQueued: a cancel answers a queued message instead of it. */
  answerQueued(
    key: string,
    keyOf: (text: string) => string | undefined,
    answer: (text: string) => Answer,
  ): boolean {
    const at = findQueued(this.#queue, 0, key, keyOf);
    if (at < 0) return false;
    const { text } = this.#queue[at] as QueuedText;
    this.#queuedBytes -= text.length;
    this.#queue[at] = { answer: answer(text) as string | null };
    return true;
  }

  onDrain(fn: () => void): void {
    this.#drainWaiters.push(fn);
  }

  onClose(fn: () => void): void {
    this.#ws.once("close", fn);
  }

  close(): void {
    this.#ws.terminate();
  }

  /**
   * Pings the peer, or closes the connection when a ping sent `silentMs` ago or more is still
   * unanswered (a peer that vanished without closing: a dropped network, a sleeping laptop).
   * Browsers and WebSocket libraries answer pings by themselves, so an idle viewer stays. A
   * connection with work in hand (a request running or queued, input paused, replies not yet
   * written out) is not judged: its pongs may wait behind that work.
   */
  keepAlive(now: number, silentMs: number): boolean {
    if (this.#busy || this.#paused || this.#queue.length || this.#ws.bufferedAmount > 0) {
      this.#pingedAt = null;
      return true;
    }
    if (this.#pingedAt !== null) {
      if (now - this.#pingedAt < silentMs) return true;
      this.#ws.terminate();
      return false;
    }
    if (this.#ws.readyState !== this.#ws.OPEN) return true;
    this.#pingedAt = now;
    this.#ws.ping();
    return true;
  }

  #reply(text: string | null): void {
    if (text !== null) this.send(text);
  }

  /** Runs the pump in a later turn of the event loop (once, however many messages arrive). */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  /**
   * Answers queued messages in order, one at a time when async, for at most PUMP_SLICE_MS a turn
   * of the event loop. Backpressure as on the socket: messages wait while the client leaves
   * MAX_UNSENT_BYTES of replies unread, and the socket is not read while MAX_QUEUED_MESSAGES (or
   * max_message_bytes of them) wait. A client that sent pings and never read the replies made
   * both grow without bound and, answered all in one turn, kept every other client waiting for
   * seconds.
   */
  #pump(): void {
    const end = performance.now() + PUMP_SLICE_MS;
    while (!this.#busy && this.#queue.length && this.#ws.bufferedAmount <= MAX_UNSENT_BYTES) {
      const item = this.#queue.shift()!;
      if (!("text" in item)) {
        this.#reply(item.answer);
        continue;
      }
      this.#queuedBytes -= item.text.length;
      const out = this.#gateway.dispatcher.handleText(item.text, this.#info);
      if (out !== null && typeof out === "object") {
        this.#busy = true;
        out.then((r) => {
          this.#reply(r);
          this.#busy = false;
          this.#schedule();
        });
        break;
      }
      this.#reply(out);
      if (performance.now() > end) {
        this.#schedule();
        break;
      }
    }
    this.#updateReading();
  }

  /** Stops reading the socket while the queue is full; reads again once it is half empty. */
  #updateReading(): void {
    const limit = this.#gateway.ctx.config.limits.max_message_bytes;
    if (!this.#paused) {
      if (this.#queue.length < MAX_QUEUED_MESSAGES && this.#queuedBytes < limit) return;
      this.#ws.pause();
    } else {
      if (this.#queue.length > MAX_QUEUED_MESSAGES / 2 || this.#queuedBytes > limit / 2) return;
      this.#ws.resume();
    }
    this.#paused = !this.#paused;
  }
}

/** Longest run of answers in one turn of the event loop. */
const PUMP_SLICE_MS = 4;

function binaryRefused(): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    error: { code: ErrorCode.INVALID_REQUEST, message: "Invalid request: send JSON-RPC as text" },
    id: null,
  });
}

/** Accepts WebSocket upgrades and keeps their connections. */
export class WsGateway {
  readonly dispatcher: Dispatcher;
  readonly ctx: DaemonContext;
  readonly #wss: WsServer;
  #connections = new Set<WsConnection>();
  #keepAlive: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DaemonContext, dispatcher: Dispatcher) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: ctx.config.limits.max_message_bytes,
      perMessageDeflate: false,
    }) as WsServer;
  }

  /** Open connections. */
  get count(): number {
    return this.#connections.size;
  }

  /** Completes an upgrade of a request to /ws. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Uint8Array, id: number): void {
    const max = this.ctx.config.limits.max_connections;
    if (this.#connections.size >= max) {
      this.ctx.metrics.inc("goxel_rejected_total", '{limit="connections"}');
      socket.end("HTTP/1.1 503 Too many connections\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.ctx.metrics.inc("goxel_connections_total", '{transport="ws"}');
      const conn = new WsConnection(this, ws, id);
      this.#connections.add(conn);
      ws.once("close", () => this.#connections.delete(conn));
      this.#scheduleKeepAlive();
    });
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const c of this.#connections) c.close();
    this.#connections.clear();
    this.#wss.close();
    if (this.#keepAlive) clearTimeout(this.#keepAlive);
    this.#keepAlive = null;
  }

  /**
   * WebSocket peers are not closed for being quiet (a viewer only listens) but for not answering:
   * every half of `limits.idle_timeout_seconds` (at most 30 s) each is pinged, and one that leaves
   * a ping unanswered for the whole timeout is closed, so vanished peers cannot keep
   * `max_connections` slots and change-stream buffers forever. 0 (never) turns this off.
   */
  #scheduleKeepAlive(): void {
    if (this.#keepAlive || !this.#connections.size) return;
    const silentMs = this.ctx.config.limits.idle_timeout_seconds * 1000;
    const periodMs = silentMs > 0 ? Math.min(30_000, Math.max(100, silentMs / 2)) : 30_000;
    this.#keepAlive = setTimeout(() => {
      this.#keepAlive = null;
      const silent = this.ctx.config.limits.idle_timeout_seconds * 1000;
      if (silent > 0) {
        // Monotonic: a suspended host or a clock step must not look like silence.
        const now = performance.now();
        for (const c of this.#connections) {
          if (c.keepAlive(now, silent)) continue;
          this.#connections.delete(c);
          this.ctx.metrics.inc("goxel_rejected_total", '{limit="idle_timeout"}');
        }
      }
      this.#scheduleKeepAlive();
    }, periodMs);
    // The check must never keep a stopping daemon alive.
    this.#keepAlive.unref?.();
  }
}
