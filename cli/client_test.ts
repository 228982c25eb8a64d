import assert from "node:assert/strict";
import net from "node:net";
import { NotRunningError, RpcClient, RpcError } from "./client.ts";

type Request = { id: number; method: string; params?: unknown };

/** A tiny NDJSON server on a Unix socket; `onRequests` sees every request received so far. */
async function withServer(
  onRequests: (reqs: Request[], socket: net.Socket) => void,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/goxel.sock`;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding("utf8");
    const reqs: Request[] = [];
    let buffer = "";
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) if (line.trim()) reqs.push(JSON.parse(line));
      if (lines.length) onRequests(reqs, socket);
    });
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    await fn(path);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    await Deno.remove(dir, { recursive: true });
  }
}

function reply(socket: net.Socket, msg: Record<string, unknown>): void {
  socket.write(JSON.stringify({ jsonrpc: "2.0", ...msg }) + "\n");
}

Deno.test("RpcClient.call() sends a request and resolves with its result", async () => {
  const seen: Request[] = [];
  await withServer((reqs, socket) => {
    for (const r of reqs.splice(0)) {
      seen.push(r);
      reply(socket, { id: r.id, result: { echoed: r.params ?? null, method: r.method } });
    }
  }, async (path) => {
    const client = await RpcClient.connect({ socket: path });
    try {
      assert.deepEqual(await client.call("goxel.ping"), { echoed: null, method: "goxel.ping" });
      assert.deepEqual(await client.call("goxel.get_voxel", [1, 2, 3]), {
        echoed: [1, 2, 3],
        method: "goxel.get_voxel",
      });
    } finally {
      client.close();
    }
  });
  assert.equal(seen.length, 2);
  assert.ok(!("params" in seen[0]), "no params member when none are given");
  assert.notEqual(seen[0].id, seen[1].id);
});

Deno.test("RpcClient matches replies that arrive out of order by id", async () => {
  await withServer((reqs, socket) => {
    if (reqs.length < 2) return;
    // Answer the second request first.
    for (const r of [...reqs].reverse()) reply(socket, { id: r.id, result: r.method });
    reqs.length = 0;
  }, async (path) => {
    const client = await RpcClient.connect({ socket: path });
    try {
      const results = await Promise.all([client.call("first"), client.call("second")]);
      assert.deepEqual(results, ["first", "second"]);
    } finally {
      client.close();
    }
  });
});

Deno.test("RpcClient.call() rejects with RpcError carrying code, message and data", async () => {
  await withServer((reqs, socket) => {
    for (const r of reqs.splice(0)) {
      reply(socket, {
        id: r.id,
        error: { code: -32602, message: "Invalid params", data: { issues: [{ path: ["x"] }] } },
      });
    }
  }, async (path) => {
    const client = await RpcClient.connect({ socket: path });
    try {
      await assert.rejects(client.call("goxel.get_voxel", ["a"]), (err: unknown) => {
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, -32602);
        assert.equal(err.message, "Invalid params");
        assert.deepEqual(err.data, { issues: [{ path: ["x"] }] });
        return true;
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("RpcClient passes lines that answer none of its calls to onUnmatched", async () => {
  await withServer((reqs, socket) => {
    for (const r of reqs.splice(0)) {
      socket.write("not json\n");
      reply(socket, { id: 999, result: "stray" });
      reply(socket, { id: null, error: { code: -32700, message: "Parse error" } });
      reply(socket, { id: r.id, result: "mine" });
    }
  }, async (path) => {
    const client = await RpcClient.connect({ socket: path });
    const unmatched: string[] = [];
    client.onUnmatched = (line) => unmatched.push(line);
    try {
      assert.equal(await client.call("goxel.ping"), "mine");
    } finally {
      client.close();
    }
    assert.equal(unmatched.length, 3);
    assert.equal(unmatched[0], "not json");
    assert.equal(JSON.parse(unmatched[1]).id, 999);
    assert.equal(JSON.parse(unmatched[2]).id, null);
  });
});

Deno.test("RpcClient.connect() to a missing socket rejects with NotRunningError naming it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/missing.sock`;
  try {
    await assert.rejects(RpcClient.connect({ socket: path }), (err: unknown) => {
      assert.ok(err instanceof NotRunningError);
      assert.ok(err.message.includes(path), err.message);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RpcClient rejects pending and later calls when the server closes mid-call", async () => {
  await withServer((_reqs, socket) => socket.destroy(), async (path) => {
    const client = await RpcClient.connect({ socket: path });
    try {
      await assert.rejects(client.call("goxel.ping"), NotRunningError);
      await assert.rejects(client.call("goxel.ping"), NotRunningError);
    } finally {
      client.close();
    }
  });
});
