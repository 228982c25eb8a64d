/**
 * `goxel mcp` on stdio at the edges of its input, driven over raw pipes the way an agent host
 * drives it: a line over the 10 MiB limit, malformed lines, the end of stdin with work in flight,
 * and a host that stops reading. Each must get an answer or an exit, never a hang. Runs against
 * GOXEL_BIN when set.
 */
import assert from "node:assert/strict";
import { goxelCommand, makeTestEnv, runGoxel, type TestEnv, waitFor } from "./support_testing.ts";

/** How long the server may take to exit once its input has ended or its output has gone. */
const EXIT_DEADLINE_MS = 10_000;
const MiB = 1024 * 1024;

type Reply = {
  id?: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
};

/** A `goxel mcp` subprocess with raw pipes: lines in, parsed replies out. */
class McpPipe {
  readonly replies: Reply[] = [];
  readonly notJson: string[] = [];
  stderr = "";
  readonly #proc: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #status: Promise<Deno.CommandStatus>;
  readonly #reading: Promise<unknown>;

  constructor(env: TestEnv, opts: { readStdout?: boolean; args?: string[] } = {}) {
    const [cmd, ...prefix] = goxelCommand();
    const args = [
      "mcp",
      "--no-spawn",
      "--socket",
      env.socket,
      "--root",
      env.dir,
      ...opts.args ?? [],
    ];
    this.#proc = new Deno.Command(cmd, {
      args: [...prefix, ...args],
      env: env.env,
      clearEnv: true,
      cwd: env.dir,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#proc.stdin.getWriter();
    this.#status = this.#proc.status;
    const stdout = opts.readStdout === false ? this.#proc.stdout.cancel() : this.#readStdout();
    this.#reading = Promise.all([stdout, this.#readStderr()]);
  }

  async #readStdout(): Promise<void> {
    let text = "";
    for await (const piece of this.#proc.stdout.pipeThrough(new TextDecoderStream())) {
      text += piece;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        try {
          this.replies.push(JSON.parse(line));
        } catch {
          this.notJson.push(line);
        }
      }
    }
  }

  async #readStderr(): Promise<void> {
    for await (const piece of this.#proc.stderr.pipeThrough(new TextDecoderStream())) {
      this.stderr += piece;
    }
  }

  /** Writes bytes; a server that stopped reading fails the test instead of blocking it. */
  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.#settle(this.#writer.write(bytes), "the server to read its input");
  }

  /** Sends one message as a line. */
  send(message: unknown): Promise<void> {
    return this.write(JSON.stringify(message) + "\n");
  }

  /** The reply with this id, once it arrives. */
  async reply(id: unknown): Promise<Reply> {
    await waitFor(`the reply to ${JSON.stringify(id)}`, () => this.#find(id) !== undefined);
    return this.#find(id)!;
  }

  #find(id: unknown): Reply | undefined {
    return this.replies.find((r) => r.id === id && ("result" in r || "error" in r));
  }

  /** Closes stdin (the host is done). */
  async endInput(): Promise<void> {
    await this.#settle(this.#writer.close(), "the server to take the end of its input");
  }

  /** The exit status; a server still running at the deadline is killed and the test fails. */
  async exit(): Promise<Deno.CommandStatus> {
    return await this.#settle(this.#status, "the server to exit");
  }

  async #settle<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`Timed out after ${EXIT_DEADLINE_MS} ms waiting for ${what}`));
      }, EXIT_DEADLINE_MS);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the process whatever its state; safe after it exited. */
  kill(): void {
    try {
      this.#proc.kill("SIGKILL");
    } catch { /* already exited */ }
  }

  /** Kills the process if still running and waits for every stream, so no resource leaks. */
  async dispose(): Promise<void> {
    this.kill();
    await this.#writer.close().catch(() => {});
    await this.#status;
    await this.#reading;
  }
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "h", version: "1" },
  },
};
const INITIALIZED = { jsonrpc: "2.0", method: "notifications/initialized" };

/** Starts a server in a fresh environment, initialises it and runs `body`; cleans up after. */
async function withServer(
  body: (mcp: McpPipe) => Promise<void>,
  opts?: { readStdout?: boolean; env?: TestEnv; args?: string[] },
): Promise<void> {
  const env = opts?.env ?? await makeTestEnv();
  const mcp = new McpPipe(env, opts);
  try {
    if (opts?.readStdout !== false) {
      await mcp.send(INITIALIZE);
      assert.ok((await mcp.reply(1)).result, "initialize succeeds");
      await mcp.send(INITIALIZED);
    }
    await body(mcp);
    assert.deepEqual(mcp.notJson, [], "stdout carries only JSON-RPC messages");
  } finally {
    await mcp.dispose();
    if (!opts?.env) await env.cleanup();
  }
}

/** A tools/call line bigger than the limit, written as the TypeScript SDK orders it (id last). */
function hugeToolCall(id: number, bytes: number): string {
  const voxels = Array.from({ length: Math.ceil(bytes / 24) }, (_, i) => [i, 0, 0, "#ff0000"]);
  const params = { name: "add_voxels", arguments: { voxels } };
  return JSON.stringify({ method: "tools/call", params, jsonrpc: "2.0", id }) + "\n";
}

Deno.test("goxel mcp answers a request over 10 MiB with its own id and goes on serving", async () => {
  await withServer(async (mcp) => {
    const line = hugeToolCall(2, 11 * MiB);
    assert.ok(line.length > 10 * MiB);
    // Split like a pipe would, so the limit is crossed in the middle of a read.
    for (let at = 0; at < line.length; at += MiB) await mcp.write(line.slice(at, at + MiB));
    await mcp.send({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    const refused = await mcp.reply(2);
    assert.equal(refused.error?.code, -32700);
    assert.match(refused.error?.message ?? "", /exceeds the limit of 10485760 bytes/);
    const tools = (await mcp.reply(3)).result?.tools as unknown[];
    assert.ok(tools.length > 40, "the next request is served");
    assert.match(mcp.stderr, /goxel: Refused a line of MCP input: .*exceeds the limit/);
    await mcp.endInput();
    assert.equal((await mcp.exit()).code, 0);
  });
});

Deno.test("goxel mcp answers an endless line without newline and exits 0 when stdin ends", async () => {
  await withServer(async (mcp) => {
    await mcp.write(new Uint8Array(11 * MiB).fill(0x61));
    await mcp.endInput();
    const status = await mcp.exit();
    assert.equal(status.code, 0, mcp.stderr);
    const refused = mcp.replies.find((r) => r.error);
    assert.deepEqual(
      [refused?.id, refused?.error?.code],
      [null, -32700],
      "the dropped line is answered with a null id",
    );
  });
});

Deno.test("goxel mcp answers malformed lines with JSON-RPC errors and a null id", async () => {
  await withServer(async (mcp) => {
    await mcp.write('{\n[]\nnull\n{"jsonrpc":"2.0","result":1}\n');
    await mcp.send({ jsonrpc: "2.0", id: 9, method: "ping" });
    assert.deepEqual((await mcp.reply(9)).result, {}, "the server still answers");
    const errors = mcp.replies.filter((r) => r.error).map((r) => [r.id, r.error?.code]);
    assert.deepEqual(errors, [[null, -32700], [null, -32600], [null, -32600], [null, -32600]]);
    await mcp.endInput();
    assert.equal((await mcp.exit()).code, 0);
  });
});

Deno.test("goxel mcp answers malformed params with −32602 and says which field is wrong", async () => {
  await withServer(async (mcp) => {
    const cases: [unknown, RegExp][] = [
      [{ method: "tools/call" }, /^Invalid tools\/call request: params: .*expected object/],
      [{ method: "tools/call", params: {} }, /^Invalid tools\/call request: name: .*string/],
      [
        { method: "tools/call", params: { name: "add_voxel", arguments: 5 } },
        /^Invalid tools\/call request: arguments: .*record/,
      ],
      [{ method: "resources/read", params: { uri: 7 } }, /^Invalid resources\/read request: uri:/],
      [{ method: "tools/list", params: { cursor: 5 } }, /^Invalid tools\/list request: cursor:/],
    ];
    for (const [i, [msg, message]] of cases.entries()) {
      await mcp.send({ jsonrpc: "2.0", id: 20 + i, ...(msg as object) });
      const error = (await mcp.reply(20 + i)).error;
      assert.equal(error?.code, -32602, JSON.stringify(msg));
      assert.match(error?.message ?? "", message);
    }
    await mcp.send({ jsonrpc: "2.0", id: 30, method: "tools/list" });
    assert.ok((await mcp.reply(30)).result?.tools, "well-formed requests are still served");
  });
});

/** The daemon's count of jobs running or queued on its worker pool. */
async function workerJobs(env: TestEnv): Promise<number> {
  const r = await runGoxel(["call", "metrics"], env);
  const text = JSON.parse(r.stdout) as string;
  return Number(/^goxel_worker_jobs (\d+)$/m.exec(text)?.[1] ?? NaN);
}

Deno.test("goxel mcp stops the daemon's work for a tool call the host cancels", async () => {
  const env = await makeTestEnv();
  try {
    assert.equal((await runGoxel(["start"], env)).code, 0);
    await withServer(async (mcp) => {
      const call = (id: number, name: string, args: unknown) =>
        mcp.send({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
      await call(40, "create_project", { name: "spin" });
      assert.equal((await mcp.reply(40)).result?.isError, undefined);
      // Would run for a minute: only a cancellation can stop it sooner.
      await call(41, "execute_script", { script: "for (;;) {}", timeout_ms: 60_000 });
      await waitFor("the script to start", async () => await workerJobs(env) === 1);
      await mcp.send({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: 41, reason: "the user pressed Escape" },
      });
      await waitFor("the script to stop", async () => await workerJobs(env) === 0, 5000);
      await call(42, "get_project_info", {});
      assert.equal((await mcp.reply(42)).result?.isError, undefined, "the session goes on");
    }, { env, args: ["--allow-scripts"] });
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

/** A stand-in daemon on `socket` that holds every request until `answer()` is called. */
async function holdingDaemon(socket: string) {
  await Deno.mkdir(socket.slice(0, socket.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  const listener = Deno.listen({ transport: "unix", path: socket });
  const open = new Set<Deno.Conn>();
  const requests: { id: unknown; method: string }[] = [];
  const { promise: released, resolve: answer } = Promise.withResolvers<void>();
  const serve = async (conn: Deno.Conn) => {
    let text = "";
    for await (const piece of conn.readable.pipeThrough(new TextDecoderStream())) {
      text += piece;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
        const request = JSON.parse(text.slice(0, nl));
        text = text.slice(nl + 1);
        requests.push(request);
        await released;
        const error = { code: -1108, message: "No project is open" };
        const reply = JSON.stringify({ jsonrpc: "2.0", id: request.id, error }) + "\n";
        await conn.write(new TextEncoder().encode(reply));
      }
    }
  };
  const accepting = (async () => {
    const serving: Promise<void>[] = [];
    for await (const conn of listener) {
      open.add(conn);
      // A connection the server closed is closed here too (reading it to its end did that).
      serving.push(serve(conn).catch(() => {}).finally(() => open.delete(conn)));
    }
    await Promise.all(serving);
  })();
  return {
    requests,
    answer,
    async close() {
      answer();
      listener.close();
      for (const conn of open) conn.close();
      await accepting;
    },
  };
}

Deno.test("goxel mcp answers the requests in flight before it exits at the end of stdin", async () => {
  const env = await makeTestEnv();
  const daemon = await holdingDaemon(env.socket);
  try {
    await withServer(async (mcp) => {
      const call = { name: "add_voxel", arguments: { x: 0, y: 0, z: 0 } };
      await mcp.send({ jsonrpc: "2.0", id: 4, method: "tools/call", params: call });
      await waitFor("the call to reach the daemon", () => daemon.requests.length === 1);
      await mcp.endInput();
      daemon.answer();
      assert.equal((await mcp.exit()).code, 0);
      const reply = mcp.replies.find((r) => r.id === 4);
      assert.equal(reply?.result?.isError, true, "the daemon's answer reached the host");
      assert.match(JSON.stringify(reply?.result), /No project is open/);
    }, { env });
  } finally {
    await daemon.close();
    await env.cleanup();
  }
});

Deno.test("goxel mcp exits with an error when its host stops reading stdout", async () => {
  await withServer(async (mcp) => {
    await mcp.send(INITIALIZE);
    // stdin stays open: only the broken stdout may end the server.
    const status = await mcp.exit();
    assert.equal(status.code, 1);
    await waitFor("the reason on stderr", () => /Cannot write MCP messages/.test(mcp.stderr));
  }, { readStdout: false });
});
