import assert from "node:assert/strict";
import { streamRequests } from "./call_stream.ts";
import type { RpcClient } from "./client.ts";
import { CliError } from "./errors.ts";
import type { Output } from "./output.ts";

/** A client that answers every line that carries an id with a reply echoing the line. */
function fakeClient() {
  const sent: string[] = [];
  const client = {
    onUnmatched: (_line: string) => {},
    onClose: () => {},
    writeRaw(text: string) {
      sent.push(text);
      const msg = JSON.parse(text);
      const answered = Array.isArray(msg) ? msg.some((m) => "id" in m) : "id" in msg;
      if (answered) queueMicrotask(() => client.onUnmatched(`reply to ${text.trim()}`));
      return true;
    },
  };
  return { client: client as unknown as RpcClient & typeof client, sent };
}

function fakeOutput() {
  const lines: string[] = [];
  return { out: { line: (l: string) => lines.push(l) } as unknown as Output, lines };
}

async function* chunks(parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield p;
}

Deno.test("goxel call - keeps a character split across stdin reads whole", async () => {
  const bytes = new TextEncoder().encode(
    '{"jsonrpc":"2.0","id":1,"method":"echo","params":{"n":"é✓"}}\n',
  );
  const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
  const { client, sent } = fakeClient();
  const { out, lines } = fakeOutput();
  await streamRequests(client, out, chunks([bytes.slice(0, cut), bytes.slice(cut)]), (p) => p);
  assert.equal(JSON.parse(sent[0]).params.n, "é✓");
  assert.equal(lines.length, 1);
});

Deno.test("goxel call - resolves relative file paths like the other call forms", async () => {
  const input = [
    '{"jsonrpc":"2.0","id":1,"method":"save_project","params":{"path":"a.gox"}}',
    '{"jsonrpc":"2.0","id":9007199254740993,"method":"goxel.load_project","params":["b.vox"]}',
    '{"jsonrpc":"2.0","id":3,"method":"save_project","params":["/abs.gox"]}',
    '{"jsonrpc":"2.0","method":"add_voxel","params":[1,2,3]}',
  ].join("\n") + "\n";
  const { client, sent } = fakeClient();
  const { out, lines } = fakeOutput();
  const enc = new TextEncoder();
  await streamRequests(client, out, chunks([enc.encode(input)]), (p) => `/home/me/${p}`);
  assert.equal(JSON.parse(sent[0]).params.path, "/home/me/a.gox");
  assert.match(sent[1], /"params":\["\/home\/me\/b.vox"\]/);
  assert.match(sent[1], /"id":9007199254740993[,}]/, "a big id keeps its digits");
  assert.equal(
    sent[2].trim(),
    '{"jsonrpc":"2.0","id":3,"method":"save_project","params":["/abs.gox"]}',
  );
  assert.equal(lines.length, 3, "the notification gets no reply and is not waited for");
});

Deno.test("goxel call - fails instead of hanging when the daemon closes the connection", async () => {
  const closing = {
    onUnmatched: (_line: string) => {},
    onClose: () => {},
    writeRaw(_text: string) {
      queueMicrotask(() => closing.onClose());
      return true;
    },
  };
  const { out } = fakeOutput();
  const input = new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
  await assert.rejects(
    streamRequests(closing as unknown as RpcClient, out, chunks([input]), (p) => p),
    /closed the connection with 1 request\(s\) unanswered/,
  );
});

Deno.test("goxel call - prints every reply, then fails when any of them carries an error", async () => {
  const client = {
    onUnmatched: (_line: string) => {},
    onClose: () => {},
    writeRaw(text: string) {
      const msg = JSON.parse(text);
      const reply = (m: { id: number; method: string }) =>
        m.method === "bad"
          ? { jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "no" } }
          : { jsonrpc: "2.0", id: m.id, result: { name: "error" } };
      const line = JSON.stringify(Array.isArray(msg) ? msg.map(reply) : reply(msg));
      queueMicrotask(() => client.onUnmatched(line));
      return true;
    },
  } as unknown as RpcClient;
  const run = async (input: string) => {
    const { out, lines } = fakeOutput();
    const enc = new TextEncoder();
    try {
      await streamRequests(client, out, chunks([enc.encode(input)]), (p) => p);
      return { lines, error: undefined };
    } catch (err) {
      return { lines, error: err as CliError };
    }
  };
  const ok = await run('{"id":1,"method":"a"}\n{"id":2,"method":"b"}\n');
  assert.equal(ok.error, undefined, 'a result that mentions "error" is not an error');
  const bad = await run(
    '{"id":1,"method":"bad"}\n[{"id":2,"method":"a"},{"id":3,"method":"bad"}]\n{"id":4,"method":"a"}\n',
  );
  assert.equal(bad.lines.length, 3, "every reply is printed first");
  assert.ok(bad.error instanceof CliError);
  assert.equal(bad.error.exitCode, 1);
  assert.equal(bad.error.message, "2 of 3 replies carried an error");
});
