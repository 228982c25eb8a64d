/**
 * Floors for bench/startup.ts, compiled with the same Bun as goxel: the least a compiled Bun
 * program pays to do what `goxel call ping` does (connect, send, print the result: with Bun's
 * own socket and a direct write, or with node:net and process.stdout) and to idle as a
 * Unix-socket server (with and without two worker threads).
 * `floor ping|ping-net --socket PATH` | `floor serve PATH [workers]` (each mode loads only its
 * own modules)
 */
import { writeSync } from "node:fs";
import process from "node:process";

interface BunConnect {
  connect(o: {
    unix: string;
    socket: {
      open(s: { write(t: string): number }): void;
      data(s: unknown, chunk: Uint8Array): void;
    };
  }): Promise<unknown>;
}

const [mode, ...rest] = process.argv.slice(2);
const socketPath = rest[rest.indexOf("--socket") + 1];
if (mode === "ping") {
  let text = "";
  const decoder = new TextDecoder();
  (globalThis as unknown as { Bun: BunConnect }).Bun.connect({
    unix: socketPath,
    socket: {
      open: (s) => s.write('{"jsonrpc":"2.0","id":1,"method":"goxel.ping"}\n'),
      data(_s, chunk) {
        text += decoder.decode(chunk);
        const nl = text.indexOf("\n");
        if (nl < 0) return;
        writeSync(1, JSON.stringify(JSON.parse(text.slice(0, nl)).result) + "\n");
        process.exit(0);
      },
    },
  });
} else if (mode === "ping-net") {
  const { default: net } = await import("node:net");
  const socket = net.connect(socketPath);
  socket.write('{"jsonrpc":"2.0","id":1,"method":"goxel.ping"}\n');
  let text = "";
  socket.on("data", (chunk) => {
    text += chunk;
    const nl = text.indexOf("\n");
    if (nl < 0) return;
    process.stdout.write(JSON.stringify(JSON.parse(text.slice(0, nl)).result) + "\n");
    process.exit(0);
  });
} else if (mode === "serve") {
  // Loaded here so that each mode pays only for its own modules.
  const { default: net } = await import("node:net");
  const { Worker } = await import("node:worker_threads");
  net.createServer((s) => s.pipe(s)).listen(rest[0]);
  for (let i = 0; i < Number(rest[1] ?? 0); i++) new Worker("0", { eval: true });
  setInterval(() => {}, 1 << 30);
}
