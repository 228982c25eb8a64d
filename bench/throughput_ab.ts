/**
 * Issue 15's two pipelined loads against several compiled binaries and one echo, interleaved:
 * per round the echo (Bun NDJSON, bench/echo_server.ts) and then each binary's daemon (default
 * config) take the C client's add_voxel ×64 on one connection and ×64 on 8 connections; each
 * binary's figures are printed as ratios to that round's echo.
 *   deno run -A bench/throughput_ab.ts BIN [BIN ...]   (ROUNDS=n, default 5)
 */
import { resolve } from "node:path";
import { buildLoadgen, runLoadgen, waitSocket } from "./loadgen_client.ts";

if (Deno.args.length === 0) {
  console.error("usage: deno run -A bench/throughput_ab.ts BIN [BIN ...]");
  Deno.exit(2);
}
const ROOT = new URL("../", import.meta.url).pathname;
const BUN = `${ROOT}.tools/node_modules/bun/bin/bun.exe`;
const dir = await Deno.makeTempDir({ prefix: "gx-tput-" });
const loadgen = await buildLoadgen(dir);
if (!loadgen) {
  console.error("throughput_ab: no C compiler, so no load client");
  Deno.exit(1);
}

const line = (id: number, method: string, params: unknown) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

const echoSock = `${dir}/echo.sock`;
const echo = new Deno.Command(BUN, {
  args: [`${ROOT}bench/echo_server.ts`, echoSock],
  stdout: "null",
}).spawn();
await waitSocket(echoSock);

const daemons: { sock: string; proc: Deno.ChildProcess }[] = [];
for (const [i, bin] of Deno.args.entries()) {
  const home = `${dir}/d${i}`;
  await Deno.mkdir(home);
  const sock = `${home}/goxel.sock`;
  const proc = new Deno.Command(resolve(bin), {
    args: ["start", "--foreground", "--socket", sock],
    stdout: "null",
    stderr: "null",
    env: { XDG_RUNTIME_DIR: home, XDG_STATE_HOME: `${home}/state`, HOME: home },
  }).spawn();
  await waitSocket(sock);
  const c = await Deno.connect({ transport: "unix", path: sock });
  await c.write(new TextEncoder().encode(line(1, "goxel.create_project", ["b", 256, 256]) + "\n"));
  await c.read(new Uint8Array(4096));
  c.close();
  daemons.push({ sock, proc });
}

const ECHO = line(1, "echo", { x: 1, name: "voxel" });
const ADD = line(1, "goxel.add_voxel", [1, 2, 3, 255, 0, 0, 255]);
const one = (sock: string, text: string) => runLoadgen(loadgen, sock, 64, 1_000_000, text);
const eight = async (sock: string, text: string) =>
  (await Promise.all(Array.from({ length: 8 }, () => runLoadgen(loadgen, sock, 64, 200_000, text))))
    .reduce((a, b) => a + b, 0);

try {
  console.log(`add_voxel against the echo, ×64 / 8 connections ×64: ${Deno.args.join(" | ")}`);
  for (let round = 0; round < Number(Deno.env.get("ROUNDS") ?? 5); round++) {
    const e1 = await one(echoSock, ECHO), e8 = await eight(echoSock, ECHO);
    const cells: string[] = [];
    for (const { sock } of daemons) {
      const a1 = await one(sock, ADD), a8 = await eight(sock, ADD);
      cells.push(`${(a1 / e1).toFixed(3)} / ${(a8 / e8).toFixed(3)}`);
    }
    const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
    console.log(`round ${round}: echo ${k(e1)} / ${k(e8)} per s; ${cells.join(" | ")}`);
  }
} finally {
  echo.kill();
  for (const { proc } of daemons) proc.kill("SIGTERM");
  await Promise.all([echo.status, ...daemons.map((d) => d.proc.status)]);
  await Deno.remove(dir, { recursive: true });
}
