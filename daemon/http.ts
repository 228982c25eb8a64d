/**
 * The HTTP listener (the runtime's own `node:http` server): /healthz, /readyz, /metrics
 * (Prometheus text), POST /rpc (JSON-RPC over HTTP through the same dispatcher and limits),
 * GET /ws (WebSocket JSON-RPC with change notifications) and the viewer at /.
 *
 * Loopback only unless allowed; then /rpc, /ws and /metrics need the token (`Authorization:
 * Bearer` or `?token=`; the page, its script and the probes are public). Browsers are kept out of
 * cross-site use: a request whose Origin is another site, or (on loopback) whose Host is not a
 * loopback name, is refused.
 *
 * Limits as on the socket: open connections (WebSockets included) are capped by
 * `limits.max_connections` (the listener's own count; 503 beyond); a POST body is held against the
 * {@link BufferBudget} of `limits.max_buffered_bytes` while it arrives (413 past
 * `limits.max_message_bytes`, 503 once the budget is spent, and the connection is closed); request
 * headers must arrive within `limits.auth_timeout_seconds` and a whole request within
 * `limits.idle_timeout_seconds` (408, then closed).
 */
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { concatBytes } from "../core/formats/bytes.ts";
import { BufferBudget, clip, ErrorCode, errorReplyOf, NULL_ID } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import type { Dispatcher } from "./dispatch.ts";
import { isLoopbackHost } from "../protocol/listen_address.ts";
import { viewerAsset } from "./http_viewer.ts";
import { WsGateway } from "./http_ws.ts";

/** How to run the listener. */
export interface HttpOptions {
  host: string;
  port: number;
  /** Required from every client when set (non-loopback listeners). */
  token: string | null;
  /** True once the daemon has finished recovery and serves requests. */
  ready: () => boolean;
  /** Bytes held for clients, shared with the socket transport when given (else the listener's). */
  budget?: BufferBudget;
}

/** Answers a request: status, content type, body; `close` ends the connection right after. */
type Send = (code: number, type: string, body: string | Uint8Array, close?: boolean) => void;

/** How often the runtime checks the header and request deadlines (as the socket's sweep). */
const DEADLINE_CHECK_MS = 250;
const JSON_TYPE = "application/json";

/** The HTTP listener and its WebSocket gateway. */
export class HttpListener {
  readonly #ctx: DaemonContext;
  readonly #dispatcher: Dispatcher;
  readonly #opts: HttpOptions;
  readonly #server: http.Server;
  readonly #ws: WsGateway;
  readonly #budget: BufferBudget;
  /** Open sockets (WebSockets included), counted against `max_connections`. */
  readonly #sockets = new Set<Duplex>();
  /** Sockets refused when they connected: whatever they send is not answered. */
  readonly #refused = new WeakSet<Duplex>();
  #nextId = 1_000_000;
  #address = "";

  constructor(ctx: DaemonContext, dispatcher: Dispatcher, opts: HttpOptions) {
    this.#ctx = ctx;
    this.#dispatcher = dispatcher;
    this.#opts = opts;
    this.#budget = opts.budget ?? new BufferBudget(ctx.config.limits.max_buffered_bytes);
    this.#ws = new WsGateway(ctx, dispatcher);
    this.#server = http.createServer(
      { connectionsCheckingInterval: DEADLINE_CHECK_MS, ...deadlinesOf(ctx.config.limits) },
      (req, res) => this.#route(req, res),
    );
    this.#server.on("connection", (socket: Socket) => this.#admit(socket));
    this.#server.on("upgrade", (req, socket, head) => this.#upgrade(req, socket, head));
    this.#server.on("clientError", (err, socket) => this.#clientError(err, socket));
  }

  /** "http://host:port" once listening. */
  get url(): string {
    return this.#address;
  }

  /** Open WebSocket connections. */
  get wsCount(): number {
    return this.#ws.count;
  }

  /** Starts listening; resolves with the URL. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#opts.port, this.#opts.host, () => {
        this.#server.off("error", reject);
        const a = this.#server.address() as AddressInfo;
        const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
        this.#address = `http://${host}:${a.port}`;
        resolve(this.#address);
      });
    });
  }

  /** Stops listening and closes every connection. */
  close(): void {
    this.#ws.closeAll();
    this.#server.close();
    this.#server.closeAllConnections?.();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Counts a new connection against `max_connections` and applies the current deadlines. */
  #admit(socket: Socket): void {
    const { limits } = this.#ctx.config;
    // Read at every connection, so that a config reload applies to the next ones.
    this.#budget.max = limits.max_buffered_bytes;
    Object.assign(this.#server, deadlinesOf(limits));
    const max = limits.max_connections;
    if (this.#sockets.size >= max) {
      this.#ctx.metrics.inc("goxel_rejected_total", '{limit="connections"}');
      this.#refused.add(socket);
      const message = `Too many connections: the limit is ${max}`;
      const body = errorReplyOf(NULL_ID, ErrorCode.BUSY, message, {
        limit: "max_connections",
        max,
      });
      return answerAndClose(socket, 503, JSON_TYPE, body);
    }
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
  }

  /** A request the parser refused, a deadline that passed, or a client that went away. */
  #clientError(err: Error & { code?: string }, socket: Duplex): void {
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      this.#ctx.metrics.inc("goxel_rejected_total", '{limit="request_timeout"}');
      const text = "Request timeout: headers are due within limits.auth_timeout_seconds and the " +
        "whole request within limits.idle_timeout_seconds\n";
      return answerAndClose(socket, 408, "text/plain", text);
    }
    const code = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    answerAndClose(socket, code, "text/plain", `Bad request: ${http.STATUS_CODES[code]}\n`);
  }

  #upgrade(req: http.IncomingMessage, socket: Duplex, head: Uint8Array): void {
    try {
      if (this.#refused.has(socket)) return void socket.destroy();
      const url = targetOf(req);
      if (!url) return answerAndClose(socket, 400, "text/plain", badTarget(req));
      const refusal = this.#refusal(req, url);
      if (refusal) return answerAndClose(socket, 403, "text/plain", refusal + "\n");
      if (url.pathname !== "/ws") {
        return answerAndClose(socket, 404, "text/plain", `Not found: ${url.pathname}\n`);
      }
      this.#ws.upgrade(req, socket, head, this.#nextId++);
    } catch (err) {
      this.#ctx.logBug("GET /ws", err);
      socket.destroy();
    }
  }

  /** Answers every request; the one place where a throw becomes a response (500). */
  #route(req: http.IncomingMessage, res: http.ServerResponse): void {
    // Refused when it connected: its 503 is on the way and the socket closes after it.
    if (this.#refused.has(req.socket)) return void req.socket.destroy();
    const url = targetOf(req);
    const send: Send = (code, type, body, close = false) => {
      if (res.headersSent) return;
      this.#ctx.metrics.inc(
        "goxel_http_requests_total",
        `{path="${pathLabel(url?.pathname ?? "")}",code="${code}"}`,
      );
      const headers: Record<string, string> = { "content-type": type, "cache-control": "no-store" };
      if (close) {
        headers.connection = "close";
        closeAfterAnswer(req, res);
      }
      res.writeHead(code, headers).end(body);
    };
    try {
      if (!url) return send(400, "text/plain", badTarget(req), true);
      this.#serve(req, url, send);
    } catch (err) {
      this.#ctx.logBug(`${req.method} ${url?.pathname}`, err);
      if (res.headersSent) return void res.destroy();
      send(500, "text/plain", "Internal error: the request could not be answered\n", true);
    }
  }

  #serve(req: http.IncomingMessage, url: URL, send: Send): void {
    const refusal = this.#refusal(req, url);
    if (refusal) return send(403, "text/plain", refusal + "\n");
    switch (`${req.method} ${url.pathname}`) {
      case "GET /healthz":
        return send(200, JSON_TYPE, '{"status":"ok"}\n');
      case "GET /readyz":
        return this.#opts.ready()
          ? send(200, JSON_TYPE, '{"status":"ready"}\n')
          : send(503, JSON_TYPE, '{"status":"starting"}\n');
      case "GET /metrics":
        return send(200, "text/plain; version=0.0.4; charset=utf-8", this.#ctx.metrics.render());
      case "POST /rpc":
        return this.#readBody(req, send, (text) => this.#rpc(text, send));
      case "GET /":
      case "GET /index.html":
      case "GET /viewer.js": {
        return void viewerAsset(url.pathname === "/viewer.js" ? "js" : "html").then(
          (asset) => send(asset.status, asset.type, asset.body),
          (err) => {
            this.#ctx.logBug("GET viewer", err);
            send(500, "text/plain", "Internal error: the viewer could not be loaded\n");
          },
        );
      }
    }
    if (ROUTED_PATHS.has(url.pathname)) {
      return send(405, "text/plain", `Method ${req.method} is not allowed on ${url.pathname}\n`);
    }
    send(404, "text/plain", `Not found: ${url.pathname}\n`);
  }

  /**
   * Receives a POST body. Its bytes are held against the shared budget until it is handed on,
   * like an unfinished line on the socket; past `max_message_bytes` (413) or once the budget is
   * spent (503) it is dropped, answered with a JSON-RPC error and the connection is closed.
   */
  #readBody(req: http.IncomingMessage, send: Send, done: (text: string) => void): void {
    const max = this.#ctx.config.limits.max_message_bytes;
    const declared = Number(req.headers["content-length"] ?? 0);
    let chunks: Uint8Array[] = [];
    let held = 0;
    let dropped = false;
    const release = () => {
      this.#budget.change(-held);
      held = 0;
      chunks = [];
    };
    const drop = (code: number, body: string) => {
      dropped = true;
      release();
      send(code, JSON_TYPE, body, true);
    };
    // A declared length past the limit is refused before a byte of it is read.
    if (declared > max) return drop(413, this.#tooLong(`${declared}`));
    req.on("data", (chunk: Uint8Array) => {
      if (dropped) return;
      held += chunk.length;
      this.#budget.change(chunk.length);
      chunks.push(chunk);
      if (held > max) drop(413, this.#tooLong(`${held}+`));
      else if (this.#budget.isExhausted) drop(503, this.#overBudget(held));
    });
    // A client that goes away mid-body gives its bytes back (after "end" this changes nothing).
    const abandon = () => {
      dropped = true;
      release();
    };
    req.on("error", abandon);
    req.on("close", abandon);
    req.on("end", () => {
      if (dropped) return;
      const bytes = concatBytes(chunks);
      release();
      done(new TextDecoder().decode(bytes));
    });
  }

  #rpc(text: string, send: Send): void {
    const failed = (err: unknown) => {
      this.#ctx.logBug("POST /rpc", err);
      send(500, JSON_TYPE, errorReplyOf(NULL_ID, ErrorCode.INTERNAL_ERROR, "Internal error"));
    };
    let out;
    try {
      out = this.#dispatcher.handleText(text, { connectionId: this.#nextId++, transport: "http" });
    } catch (err) {
      return failed(err);
    }
    // Like the socket: the reply leaves once the edits it acknowledges are durable.
    Promise.resolve(out).then((r) =>
      this.#ctx.journal.afterDurable(() =>
        r === null ? send(204, JSON_TYPE, "") : send(200, JSON_TYPE, r)
      )
    ).catch(failed);
  }

  #tooLong(bytes: string): string {
    this.#ctx.metrics.inc("goxel_rejected_total", '{limit="message_size"}');
    const max = this.#ctx.config.limits.max_message_bytes;
    const message = `Parse error: message of ${bytes} bytes exceeds the limit of ${max} bytes`;
    return errorReplyOf(NULL_ID, ErrorCode.PARSE_ERROR, message, {
      limit: "max_message_bytes",
      max,
    });
  }

  #overBudget(bytes: number): string {
    this.#ctx.metrics.inc("goxel_rejected_total", '{limit="buffered_bytes"}');
    const max = this.#budget.max;
    const message = `Server busy: a request body of ${bytes}+ bytes was dropped because the ` +
      `daemon already holds its limit of ${max} bytes of unprocessed input; retry later`;
    return errorReplyOf(NULL_ID, ErrorCode.BUSY, message, { limit: "max_buffered_bytes", max });
  }

  /** Why a request must be refused (token, foreign origin, rebinding), or null. */
  #refusal(req: http.IncomingMessage, url: URL): string | null {
    const host = req.headers.host ?? "";
    const origin = req.headers.origin;
    // "null" is what sandboxed frames, data: URLs and file:// pages send: foreign pages too.
    if (origin !== undefined) {
      const originHost = URL.parse(origin)?.host ?? "";
      if (originHost !== host) return `Forbidden: cross-origin request from ${origin}`;
    }
    if (!this.#opts.token) {
      const name = host.replace(/:\d+$/, "");
      return isLoopbackHost(name) ? null : `Forbidden: Host "${host}" is not a loopback name`;
    }
    // The page, its script and the probes reveal nothing; data (/rpc, /ws, /metrics) needs it.
    if (req.method === "GET" && PUBLIC_PATHS.has(url.pathname)) return null;
    const given = bearer(req) ?? url.searchParams.get("token");
    if (given !== null && sameToken(given, this.#opts.token)) return null;
    this.#ctx.metrics.inc("goxel_rejected_total", '{limit="auth"}');
    return "Forbidden: a token is required (Authorization: Bearer <token file> or ?token=)";
  }
}

/** Paths served without the token off loopback. */
const PUBLIC_PATHS = new Set(["/", "/index.html", "/viewer.js", "/healthz", "/readyz"]);

/** Every path served (another method on one of them is 405, not 404). */
const ROUTED_PATHS = new Set([...PUBLIC_PATHS, "/metrics", "/rpc", "/ws"]);

/**
 * The runtime's request deadlines from the limits: headers within `auth_timeout_seconds` (they
 * carry the token), the whole request within `idle_timeout_seconds` (0: never).
 */
function deadlinesOf(limits: DaemonContext["config"]["limits"]) {
  const requestTimeout = Math.ceil(limits.idle_timeout_seconds * 1000);
  const headersMs = Math.ceil(limits.auth_timeout_seconds * 1000);
  // The runtime refuses a headers deadline later than the request's.
  const headersTimeout = requestTimeout > 0 ? Math.min(headersMs, requestTimeout) : headersMs;
  return { requestTimeout, headersTimeout };
}

/** The request target as a URL, or null when it is not one (`GET http://[/`). */
function targetOf(req: http.IncomingMessage): URL | null {
  return URL.parse(req.url ?? "/", "http://x");
}

function badTarget(req: http.IncomingMessage): string {
  return `Bad request: the request target ${JSON.stringify(clip(req.url ?? ""))} is not a URL\n`;
}

/**
 * Answers on a raw socket (refused connections and upgrades, parse errors, deadlines) and closes
 * it once the answer is written; a socket that already carried a response is just closed.
 */
function answerAndClose(socket: Duplex, code: number, type: string, body: string): void {
  socket.on("error", () => socket.destroy());
  if (!socket.writable || ((socket as Partial<Socket>).bytesWritten ?? 0) > 0) {
    return void socket.destroy();
  }
  const length = new TextEncoder().encode(body).length;
  const head = `HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\ncontent-type: ${type}\r\n` +
    `content-length: ${length}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}

/**
 * Closes the connection once the answer is out, reading no more of the request: the rest of a
 * refused body would cost as much memory, while it passes, as holding it.
 */
function closeAfterAnswer(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.socket.pause();
  // The runtime resumes reading when the answer ends (to skip the rest of the body): not here.
  res.once("finish", () => {
    req.socket.pause();
    req.socket.end(() => req.socket.destroy());
  });
}

function bearer(req: http.IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return m ? m[1] : null;
}

function sameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given), b = new TextEncoder().encode(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function pathLabel(path: string): string {
  return ["/", "/healthz", "/readyz", "/metrics", "/rpc", "/ws", "/viewer.js"].includes(path)
    ? path
    : "other";
}
