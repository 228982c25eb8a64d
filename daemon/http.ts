/**
 * The HTTP listener (the runtime's own `node:http` server): /healthz, /readyz, /metrics
 * (Prometheus text), POST /rpc (JSON-RPC over HTTP through the same dispatcher and limits),
 * GET /ws (WebSocket JSON-RPC with change notifications) and the viewer at /.
 *
 * Loopback only unless allowed; then /rpc, /ws and /metrics need the token (`Authorization:
 * Bearer` or `?token=`; the page, its script and the probes are public). Browsers are kept out of cross-site use: a request whose Origin is another
 * site, or (on loopback) whose Host is not a loopback name, is refused.
 */
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { concatBytes } from "../core/formats/bytes.ts";
import { ErrorCode } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import type { Dispatcher } from "./dispatch.ts";
import { isLoopbackHost } from "./http_control.ts";
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
}

/** The HTTP listener and its WebSocket gateway. */
export class HttpListener {
  readonly #ctx: DaemonContext;
  readonly #dispatcher: Dispatcher;
  readonly #opts: HttpOptions;
  readonly #server: http.Server;
  readonly #ws: WsGateway;
  #nextId = 1_000_000;
  #address = "";

  constructor(ctx: DaemonContext, dispatcher: Dispatcher, opts: HttpOptions) {
    this.#ctx = ctx;
    this.#dispatcher = dispatcher;
    this.#opts = opts;
    this.#ws = new WsGateway(ctx, dispatcher);
    this.#server = http.createServer((req, res) => this.#route(req, res));
    this.#server.on("upgrade", (req, socket, head) => {
      const refusal = this.#refusal(req);
      if (refusal || new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
        socket.end(`HTTP/1.1 ${refusal ? 403 : 404} ${refusal ?? "Not Found"}\r\n\r\n`);
        return;
      }
      this.#ws.upgrade(req, socket, head, this.#nextId++);
    });
    this.#server.on("clientError", (_err, socket) => socket.destroy());
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
  }

  #route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    const refusal = this.#refusal(req);
    const count = (code: number) =>
      this.#ctx.metrics.inc(
        "goxel_http_requests_total",
        `{path="${pathLabel(url.pathname)}",code="${code}"}`,
      );
    const send = (code: number, type: string, body: string | Uint8Array) => {
      count(code);
      res.writeHead(code, { "content-type": type, "cache-control": "no-store" }).end(body);
    };
    if (refusal) return send(403, "text/plain", refusal + "\n");
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /healthz":
        return send(200, "application/json", '{"status":"ok"}\n');
      case "GET /readyz":
        return this.#opts.ready()
          ? send(200, "application/json", '{"status":"ready"}\n')
          : send(503, "application/json", '{"status":"starting"}\n');
      case "GET /metrics":
        return send(200, "text/plain; version=0.0.4; charset=utf-8", this.#ctx.metrics.render());
      case "POST /rpc":
        return this.#rpc(req, (code, body) => send(code, "application/json", body));
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
    if (url.pathname === "/rpc" || url.pathname === "/ws") {
      return send(405, "text/plain", `Method ${req.method} is not allowed on ${url.pathname}\n`);
    }
    send(404, "text/plain", `Not found: ${url.pathname}\n`);
  }

  #rpc(req: http.IncomingMessage, reply: (code: number, body: string) => void): void {
    const max = this.#ctx.config.limits.max_message_bytes;
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on("data", (c: Uint8Array) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on("error", () => {});
    req.on("end", () => {
      if (size > max) {
        this.#ctx.metrics.inc("goxel_rejected_total", '{limit="message_size"}');
        return reply(
          413,
          rpcError(
            ErrorCode.PARSE_ERROR,
            `Parse error: message of ${size} bytes exceeds the limit of ${max} bytes`,
            { limit: "max_message_bytes", max },
          ),
        );
      }
      const text = new TextDecoder().decode(concatBytes(chunks));
      let out;
      try {
        out = this.#dispatcher.handleText(text, {
          connectionId: this.#nextId++,
          transport: "http",
        });
      } catch (err) {
        this.#ctx.logBug("POST /rpc", err);
        return reply(500, rpcError(ErrorCode.INTERNAL_ERROR, "Internal error"));
      }
      // Like the socket: the reply leaves once the edits it acknowledges are durable.
      Promise.resolve(out).then((r) =>
        this.#ctx.journal.afterDurable(() => r === null ? reply(204, "") : reply(200, r))
      );
    });
  }

  /** Why a request must be refused (token, foreign origin, rebinding), or null. */
  #refusal(req: http.IncomingMessage): string | null {
    const host = req.headers.host ?? "";
    const origin = req.headers.origin;
    if (origin && origin !== "null") {
      let originHost = "";
      try {
        originHost = new URL(origin).host;
      } catch { /* refused below */ }
      if (originHost !== host) return `Forbidden: cross-origin request from ${origin}`;
    }
    if (!this.#opts.token) {
      const name = host.replace(/:\d+$/, "");
      return isLoopbackHost(name) ? null : `Forbidden: Host "${host}" is not a loopback name`;
    }
    // The page, its script and the probes reveal nothing; data (/rpc, /ws, /metrics) needs it.
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && PUBLIC_PATHS.has(url.pathname)) return null;
    const given = bearer(req) ?? url.searchParams.get("token");
    if (given !== null && sameToken(given, this.#opts.token)) return null;
    this.#ctx.metrics.inc("goxel_rejected_total", '{limit="auth"}');
    return "Forbidden: a token is required (Authorization: Bearer <token file> or ?token=)";
  }
}

/** Paths served without the token off loopback. */
const PUBLIC_PATHS = new Set(["/", "/index.html", "/viewer.js", "/healthz", "/readyz"]);

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

function rpcError(code: number, message: string, data?: unknown): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return JSON.stringify({ jsonrpc: "2.0", error, id: null });
}
