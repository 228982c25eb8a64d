/**
 * Floors for bench/startup.ts, compiled with the same Bun as goxel: the least a compiled Bun
 * program pays to do what `goxel call ping` does (connect with node:net, send, print the result)
 * and to idle as a Unix-socket server (with and without two worker threads).
 * `floor ping --socket PATH` | `floor serve PATH [workers]`
 */
import net from "node:net";
import process from "node:process";
import { Worker } from "node:worker_threads";

const [mode, ...rest] = process.argv.slice(2);
if (mode === "ping") {
  const socket = net.connect(rest[rest.indexOf("--socket") + 1]);
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
  net.createServer((s) => s.pipe(s)).listen(rest[0]);
  for (let i = 0; i < Number(rest[1] ?? 0); i++) new Worker("0", { eval: true });
  setInterval(() => {}, 1 << 30);
}
