/**
 * Streamable HTTP transport for `goxel mcp --http host:port`: one MCP session per client, at
 * `/mcp`. Loopback only unless `--allow-non-loopback` with a token; the Host header is checked
 * on loopback (DNS rebinding) and a bearer token is required whenever one is set.
 */
import { isLoopbackHost, parseHostPort } from "../protocol/listen_address.ts";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import process from "node:process";
import { Buffer } from "node:buffer";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { McpOptions } from "../protocol/start_options.ts";
import type { McpContext } from "./context.ts";
import { DaemonLink } from "./daemon_link.ts";
import { createSession, type ServerIdentity } from "./server.ts";
import type { ToolTable } from "./tools.ts";

const MAX_BODY = 4 << 20;

/** Splits `host:port` (IPv6 in brackets); throws RangeError when malformed. */
export function mcpListen(text: string): { host: string; port: number } {
  const address = parseHostPort(text, null);
  if (!address) {
    throw new RangeError(`--http wants host:port (e.g. 127.0.0.1:8765), got "${text}"`);
  }
  return address;
}

function reply(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

function hasToken(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "");
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RangeError("Request body too large");
    parts.push(chunk as Buffer);
  }
  return parts.length ? JSON.parse(Buffer.concat(parts).toString("utf8")) : undefined;
}

/** Refuses an address other than loopback unless allowed and protected by a token. */
function checkListenAddress(host: string, opts: McpOptions): void {
  if (isLoopbackHost(host)) return;
  if (!opts.allowNonLoopback) {
    throw new RangeError(
      `Refusing to listen on ${host}: not a loopback address (pass --allow-non-loopback and set GOXEL_MCP_TOKEN)`,
    );
  }
  if (!opts.token) throw new RangeError(`Listening on ${host} needs a token: set GOXEL_MCP_TOKEN`);
}

/**
 * Sessions one listener keeps at once, each with a daemon connection: well under the daemon's
 * default max_connections (256), so MCP clients never take every connection. An initialize
 * past it closes the session idle longest; only when every one has a request open does it get
 * 503.
 */
export const MAX_SESSIONS = 64;
/** Default idle time after which a session without an open stream is closed. */
export const SESSION_IDLE_SECONDS = 1800;

interface Session {
  transport: StreamableHTTPServerTransport;
  /** When its last request ended (performance.now()). */
  lastSeen: number;
  /** Its requests still open (a GET event stream stays open while the client listens). */
  open: number;
}

/**
 * The MCP sessions of one HTTP listener, each with its own transport and server. A client that
 * goes away without DELETE leaves its session behind: sessions with no open request for
 * `idleSeconds` are closed (each polled the daemon every second and kept its server).
 */
class HttpSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #sweep: ReturnType<typeof setInterval>;
  /** `Host` header values accepted on loopback (set once the port is known). */
  allowedHosts = new Set<string>();

  constructor(
    readonly ctx: McpContext,
    readonly tools: ToolTable,
    readonly identity: ServerIdentity,
    readonly opts: { loopback: boolean; token?: string; idleSeconds?: number },
  ) {
    const idleMs = (opts.idleSeconds ?? SESSION_IDLE_SECONDS) * 1000;
    this.#sweep = setInterval(() => this.#closeIdle(idleMs), Math.min(60_000, idleMs / 4));
    (this.#sweep as { unref?: () => void }).unref?.();
  }

  /** Answers one HTTP request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/mcp") {
      return reply(res, 404, "Not found: the MCP endpoint is /mcp");
    }
    if (this.opts.loopback && !this.allowedHosts.has(req.headers.host ?? "")) {
      return reply(res, 403, "Forbidden: unexpected Host header");
    }
    // A browser page of another site (DNS rebinding) sends its own Origin: the spec says refuse.
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedHosts.has(URL.parse(origin)?.host ?? "")) {
      return reply(res, 403, `Forbidden: requests from origin ${origin} are refused`);
    }
    if (this.opts.token && !hasToken(req, this.opts.token)) {
      return reply(res, 401, "Unauthorized: send Authorization: Bearer <token>");
    }
    const body = req.method === "POST" ? await readBody(req) : undefined;
    const id = req.headers["mcp-session-id"];
    const session = typeof id === "string" ? this.#sessions.get(id) : undefined;
    let transport = session?.transport;
    if (!transport) {
      if (id !== undefined) return reply(res, 404, "Unknown MCP session: initialize again");
      if (req.method !== "POST" || !isInitializeRequest(body)) {
        return reply(res, 400, "Bad request: start with an initialize request");
      }
      if (this.#sessions.size >= MAX_SESSIONS && !this.#closeIdlest()) {
        return reply(res, 503, `Too many MCP sessions (${MAX_SESSIONS}) all busy: retry later`);
      }
      transport = this.#open();
    }
    if (session) {
      session.open++;
      res.once("close", () => {
        session.open--;
        session.lastSeen = performance.now();
      });
    }
    await transport.handleRequest(req, res, body);
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    clearInterval(this.#sweep);
    for (const s of this.#sessions.values()) await s.transport.close().catch(() => {});
  }

  #closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const s of [...this.#sessions.values()]) {
      if (s.open === 0 && now - s.lastSeen > idleMs) void s.transport.close().catch(() => {});
    }
  }

  /** Closes the session whose last request ended longest ago; false when all have one open. */
  #closeIdlest(): boolean {
    let idlest: [string, Session] | null = null;
    for (const entry of this.#sessions) {
      if (entry[1].open === 0 && (!idlest || entry[1].lastSeen < idlest[1].lastSeen)) {
        idlest = entry;
      }
    }
    if (!idlest) return false;
    this.#sessions.delete(idlest[0]);
    void idlest[1].transport.close().catch(() => {});
    return true;
  }

  #open(): StreamableHTTPServerTransport {
    // Each session has its own daemon connection (one slow call held up every session's
    // requests and resource polls) and its own current project (see ToolTable).
    const link = new DaemonLink(this.ctx.link.options);
    const ctx = { ...this.ctx, link };
    const session = createSession(ctx, this.tools.forSession(ctx), this.identity);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid: string) =>
        void this.#sessions.set(sid, { transport, lastSeen: performance.now(), open: 0 }),
      onsessionclosed: (sid: string) => void this.#sessions.delete(sid),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
      session.resources.stop();
      link.close();
    };
    void session.server.connect(transport);
    return transport;
  }
}

function hostNames(host: string, port: number): Set<string> {
  const names = host === "::1" ? ["[::1]"] : host === "localhost" ? ["127.0.0.1"] : [host];
  return new Set([...names, "localhost"].map((h) => `${h}:${port}`));
}

/** Serves MCP over HTTP until SIGINT/SIGTERM; returns the exit code. */
export async function serveHttp(
  ctx: McpContext,
  tools: ToolTable,
  identity: ServerIdentity,
  opts: McpOptions,
): Promise<number> {
  const { host, port } = mcpListen(opts.http!);
  checkListenAddress(host, opts);
  const sessions = new HttpSessions(ctx, tools, identity, {
    loopback: isLoopbackHost(host),
    token: opts.token,
    idleSeconds: opts.sessionIdleSeconds,
  });
  const server = createServer((req, res) => {
    sessions.handle(req, res).catch((err) => {
      if (res.headersSent) return void res.end();
      if (err instanceof SyntaxError) reply(res, 400, `Parse error: ${err.message}`, -32700);
      else reply(res, 400, `Bad request: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  sessions.allowedHosts = hostNames(host, bound);
  const shown = host.includes(":") ? `[${host}]` : host;
  process.stderr.write(`goxel mcp: listening on http://${shown}:${bound}/mcp\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await sessions.closeAll();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive connections (a client's spare fetch sockets) would hold the close open.
  server.closeAllConnections?.();
  await closed;
  return 0;
}
