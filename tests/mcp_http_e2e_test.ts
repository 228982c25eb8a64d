/**
 * `goxel mcp --http` end to end: the real program as a subprocess, driven by the MCP SDK's own
 * client and raw requests over Streamable HTTP: the token, the listen address check and idle
 * sessions. Runs against GOXEL_BIN when set.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { callTool, startMcpHttp, textOf } from "./mcp_support_testing.ts";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";
import { MAX_SESSIONS } from "../mcp/http.ts";

/** An MCP initialize request (protocol version `version`). */
function initialize(version = "2025-11-25") {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "t", version: "1" } },
  };
}

/** POSTs one JSON-RPC message to an MCP endpoint, in a session when one is named. */
function postMcp(url: URL, body: unknown, session?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(session ? { "mcp-session-id": session } : {}),
    },
    body: JSON.stringify(body),
  });
}

Deno.test("goxel mcp --http with GOXEL_MCP_TOKEN serves only clients that present it", async () => {
  const env = await makeTestEnv();
  const mcp = await startMcpHttp(env, ["--no-spawn", "--socket", env.socket], "s3cret-token");
  try {
    assert.ok((await mcp.client.listTools()).tools.length > 40);
    for (const authorization of [undefined, "Bearer wrong-token"]) {
      const res = await fetch(mcp.url, {
        method: "POST",
        headers: authorization ? { authorization } : {},
        body: "{}",
      });
      assert.equal(res.status, 401);
      assert.match(await res.text(), /Authorization: Bearer/);
    }
  } finally {
    await mcp.close();
    await env.cleanup();
  }
});

Deno.test("goxel mcp refuses a non-loopback --http address without the flag and a token", async () => {
  const env = await makeTestEnv();
  try {
    const plain = await runGoxel(["mcp", "--http", "0.0.0.0:0"], env);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /not a loopback address/);
    const noToken = await runGoxel(["mcp", "--http", "0.0.0.0:0", "--allow-non-loopback"], env);
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /needs a token: set GOXEL_MCP_TOKEN/);
  } finally {
    await env.cleanup();
  }
});

Deno.test("goxel mcp --http closes sessions left idle past --session-idle", async () => {
  const env = await makeTestEnv();
  const mcp = await startMcpHttp(env, [
    "--no-spawn",
    "--socket",
    env.socket,
    "--session-idle",
    "1",
  ]);
  const post = (body: unknown, session?: string) => postMcp(mcp.url, body, session);
  try {
    // A client that initializes and goes away without DELETE.
    const init = await post(initialize("2025-03-26"));
    const session = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    assert.ok(session, "the server named the session");
    const alive = await post({ jsonrpc: "2.0", id: 2, method: "tools/list" }, session);
    assert.equal(alive.status, 200);
    await alive.body?.cancel();
    await new Promise((r) => setTimeout(r, 2500));
    const gone = await post({ jsonrpc: "2.0", id: 3, method: "tools/list" }, session);
    assert.equal(gone.status, 404);
    assert.match(await gone.text(), /Unknown MCP session/);
    // The connected SDK client keeps its event stream open: its session stays.
    assert.ok((await mcp.client.listTools()).tools.length > 40);
    const bad = await runGoxel(["mcp", "--http", "127.0.0.1:0", "--session-idle", "0"], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--session-idle wants a number of seconds/);
  } finally {
    await mcp.close();
    await env.cleanup();
  }
});

Deno.test("goxel mcp --http past MAX_SESSIONS closes the idlest session, keeping daemon connections in bounds", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const mcp = await startMcpHttp(env, ["--no-spawn", "--socket", daemon.socket]);
  const post = (body: unknown, session?: string) => postMcp(mcp.url, body, session);
  const open = async () => {
    const init = await post(initialize());
    assert.equal(init.status, 200);
    await init.body?.cancel();
    const id = init.headers.get("mcp-session-id")!;
    // A call, so the session holds its daemon connection.
    const call = await post({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "list_projects", arguments: {} },
    }, id);
    assert.equal(call.status, 200);
    await call.body?.cancel();
    return id;
  };
  try {
    const first = await open();
    for (let i = 1; i < MAX_SESSIONS + 5; i++) await open();
    const gone = await post({ jsonrpc: "2.0", id: 3, method: "tools/list" }, first);
    assert.equal(gone.status, 404, "the idlest session made room");
    await gone.body?.cancel();
    const c = await RawClient.unix(daemon.socket);
    const status = await c.call<{ connections: number }>("goxel.status");
    c.close();
    // The SDK client's own session, MAX_SESSIONS raw ones and this status call at most.
    assert.ok(status.connections <= MAX_SESSIONS + 2, `${status.connections} connections`);
  } finally {
    await mcp.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("goxel mcp --http refuses other sites' origins and answers bad JSON with -32700", async () => {
  const env = await makeTestEnv();
  const mcp = await startMcpHttp(env, ["--no-spawn", "--socket", env.socket]);
  try {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(mcp.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
        body,
      });
    const init = JSON.stringify(initialize());
    const evil = await post(init, { origin: "http://evil.example" });
    assert.equal(evil.status, 403);
    assert.match(await evil.text(), /origin http:\/\/evil\.example/);
    const own = await post(init, { origin: new URL(mcp.url).origin });
    assert.equal(own.status, 200, "its own origin is served");
    await own.body?.cancel();
    const broken = await post("{bad");
    assert.equal(broken.status, 400);
    assert.equal((await broken.json()).error.code, -32700);
  } finally {
    await mcp.close();
    await env.cleanup();
  }
});

Deno.test("goxel mcp --http: each session keeps its own current project", async () => {
  const env = await makeTestEnv();
  const mcp = await startMcpHttp(env, ["--socket", env.socket]);
  const other = new Client({ name: "second-agent", version: "1.0.0" });
  await other.connect(new StreamableHTTPClientTransport(new URL(mcp.url)));
  try {
    const id = async (client: Client, name: string) =>
      ((await callTool(client, "create_project", { name })).structuredContent as {
        project_id: string;
      }).project_id;
    const alpha = await id(mcp.client, "alpha");
    const beta = await id(other, "beta"); // now the daemon's current project
    const added = await callTool(mcp.client, "add_voxel", { x: 1, y: 2, z: 3, color: "#ff0000" });
    assert.ok(!added.isError, textOf(added));
    const count = async (
      client: Client,
      project?: string,
    ) => ((await callTool(client, "get_project_info", project ? { project } : {}))
      .structuredContent as { project_id: string; voxel_count: number });
    assert.equal((await count(mcp.client)).project_id, alpha, "its current project is alpha");
    assert.equal((await count(mcp.client, alpha)).voxel_count, 1, "the first agent's edit");
    assert.equal((await count(other, beta)).voxel_count, 0, "nothing in the other's project");
    assert.equal((await count(other)).project_id, beta, "each sees its own");
  } finally {
    await other.close();
    await mcp.close();
    await runGoxel(["stop", "--socket", env.socket], env); // the daemon goxel mcp started
    await env.cleanup();
  }
});
