/** Test support for `goxel mcp`: starts it as a subprocess and connects the SDK's own client. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { goxelCommand, type TestEnv } from "./support_testing.ts";

/** An SDK client connected to a `goxel mcp` subprocess. */
export interface McpHandle {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

/** Starts `goxel mcp <args>` on stdio and connects an SDK client to it. */
export async function startMcpStdio(t: TestEnv, args: string[]): Promise<McpHandle> {
  const [cmd, ...prefix] = goxelCommand();
  const transport = new StdioClientTransport({
    command: cmd,
    args: [...prefix, "mcp", ...args],
    env: t.env,
    cwd: t.dir,
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (d: Uint8Array) => err += new TextDecoder().decode(d));
  const client = new Client({ name: "goxel-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close() };
}

/** Starts `goxel mcp --http 127.0.0.1:0 <args>` and connects an SDK client over Streamable HTTP. */
export async function startMcpHttp(
  t: TestEnv,
  args: string[],
  token?: string,
): Promise<McpHandle & { url: URL }> {
  const [cmd, ...prefix] = goxelCommand();
  const proc = new Deno.Command(cmd, {
    args: [...prefix, "mcp", "--http", "127.0.0.1:0", ...args],
    env: token ? { ...t.env, GOXEL_MCP_TOKEN: token } : t.env,
    clearEnv: true,
    cwd: t.dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let err = "";
  const reader = proc.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const url = await (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`goxel mcp --http exited: ${err}`);
      err += value;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) return new URL(m[1]);
    }
  })();
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      err += value;
    }
  })();
  const client = new Client({ name: "goxel-e2e-http", version: "1.0.0" });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return {
    client,
    url,
    stderr: () => err,
    async close() {
      await client.close();
      proc.kill("SIGTERM");
      await proc.status;
    },
  };
}

/** The text of a tool result's first text block. */
export function textOf(result: CallToolResult): string {
  const blocks = result.content as { type: string; text?: string }[];
  return blocks.find((c) => c.type === "text")?.text ?? "";
}

/** Calls a tool and returns its result (typed). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }) as CallToolResult;
}
