/**
 * Streamable HTTP transport for `goxel mcp --http host:port`: one MCP session per client, at
 * `/mcp`. Loopback only unless `--allow-non-loopback` with a token; the Host header is checked
 * on loopback (DNS rebinding) and a bearer token is required whenever one is set.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import process from "node:process";
import { Buffer } from "node:buffer";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { McpOptions } from "../protocol/start_options.ts";
import type { McpContext } from "./context.ts";
import { createSession, type ServerIdentity } from "./server.ts";
import type { ToolTable } from "./tools.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const MAX_BODY = 4 << 20;

/** Splits `host:port` (IPv6 in brackets); throws RangeError when malformed. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new RangeError(`--http wants host:port (e.g. 127.0.0.1:8765), got "${text}"`);
  }
  return { host: m[1] ?? m[2], port };
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
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

/** Serves MCP over HTTP until SIGINT/SIGTERM; returns the exit code. */
export async function serveHttp(
  ctx: McpContext,
  tools: ToolTable,
  identity: ServerIdentity,
  opts: McpOptions,
): Promise<number> {
  const { host, port } = parseHostPort(opts.http!);
  const loopback = LOOPBACK.has(host);
  if (!loopback && !opts.allowNonLoopback) {
    throw new RangeError(
      `Refusing to listen on ${host}: not a loopback address (pass --allow-non-loopback and set GOXEL_MCP_TOKEN)`,
    );
  }
  if (!loopback && !opts.token) {
    throw new RangeError(`Listening on ${host} needs a token: set GOXEL_MCP_TOKEN`);
  }
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts: Set<string> = new Set();
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) reply(res, 400, `Bad request: ${(err as Error).message}`);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/mcp") {
      return reply(res, 404, "Not found: the MCP endpoint is /mcp");
    }
    if (loopback && !allowedHosts.has(req.headers.host ?? "")) {
      return reply(res, 403, "Forbidden: unexpected Host header");
    }
    if (opts.token && !hasToken(req, opts.token)) {
      return reply(res, 401, "Unauthorized: send Authorization: Bearer <token>");
    }
    const body = req.method === "POST" ? await readBody(req) : undefined;
    const id = req.headers["mcp-session-id"];
    let transport = typeof id === "string" ? sessions.get(id) : undefined;
    if (!transport) {
      if (id !== undefined) return reply(res, 404, "Unknown MCP session: initialize again");
      if (req.method !== "POST" || !isInitializeRequest(body)) {
        return reply(res, 400, "Bad request: start with an initialize request");
      }
      transport = openSession();
    }
    await transport.handleRequest(req, res, body);
  }

  function openSession(): StreamableHTTPServerTransport {
    const session = createSession(ctx, tools, identity);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid: string) => void sessions.set(sid, transport),
      onsessionclosed: (sid: string) => void sessions.delete(sid),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      session.resources.stop();
    };
    void session.server.connect(transport);
    return transport;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  const names = host === "::1"
    ? ["[::1]"]
    : host === "localhost"
    ? ["localhost", "127.0.0.1"]
    : [host];
  allowedHosts = new Set([...names, "localhost"].map((h) => `${h}:${bound}`));
  const shown = host.includes(":") ? `[${host}]` : host;
  process.stderr.write(`goxel mcp: listening on http://${shown}:${bound}/mcp\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  for (const t of sessions.values()) await t.close().catch(() => {});
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return 0;
}
