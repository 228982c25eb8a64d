/**
 * The bare NDJSON echo ceiling: node:net, JSON.parse per line, one write per read chunk. Runs under
 * Deno or Bun (bench/server_load.ts runs it on the runtime of what it measures).
 */
import { rmSync } from "node:fs";
import net from "node:net";
import process from "node:process";

const path = process.argv.at(-1)!;
rmSync(path, { force: true });
net.createServer((socket) => {
  let buffer = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    const out: string[] = [];
    for (const line of lines) {
      if (!line) continue;
      const msg = JSON.parse(line);
      out.push(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: msg.params }));
    }
    if (out.length) socket.write(out.join("\n") + "\n");
  });
  socket.on("error", () => socket.destroy());
}).listen(path, () => console.log("READY"));
