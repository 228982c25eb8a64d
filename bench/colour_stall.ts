/**
 * Colour analyses of a 1 M-voxel model with about a million distinct colours, through a running
 * daemon (default config): each request's time and the longest a second client's ping waited
 * meanwhile (the event loop's stall). GOXEL_BIN=dist/goxel-linux-x64 deno run -A
 * bench/colour_stall.ts
 */
import { makeTestEnv, RawClient, startDaemon } from "../tests/support_testing.ts";

/** Sends one request on a connection of its own; returns the reply's size (only counted). */
async function rawCall(socket: string, method: string, params: unknown): Promise<number> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  try {
    const line = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) + "\n";
    await conn.write(new TextEncoder().encode(line));
    const buf = new Uint8Array(1 << 20);
    let total = 0;
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) throw new Error(`${method}: connection closed`);
      total += n;
      if (buf[n - 1] === 10) return total;
    }
  } finally {
    conn.close();
  }
}

const env = await makeTestEnv();
const daemon = await startDaemon(env);
const a = await RawClient.unix(env.socket), b = await RawClient.unix(env.socket);
try {
  await a.call("goxel.create_project", { name: "colours" });
  for (let part = 0; part < 4; part++) {
    const bytes = new Uint8Array(250000 * 16), view = new DataView(bytes.buffer);
    for (let i = 0; i < 250000; i++) {
      const k = part * 250000 + i;
      view.setInt32(i * 16, k & 127, true);
      view.setInt32(i * 16 + 4, (k >> 7) & 127, true);
      view.setInt32(i * 16 + 8, k >> 14, true);
      // About a million distinct colours: k spread over r, g, b.
      view.setUint32(i * 16 + 12, (0xff000000 | (k * 2654435761) & 0xffffff) >>> 0, true);
    }
    await a.call("goxel.add_voxels", { packed: bytes.toBase64() });
  }
  const cases: [string, string, Record<string, unknown>][] = [
    ["histogram, top 10", "goxel.get_color_histogram", { top_n: 10 }],
    ["histogram, 8-wide bins", "goxel.get_color_histogram", { bin_size: 8, top_n: 10 }],
    ["unique colours", "goxel.get_unique_colors", {}],
    ["unique colours, merged (10)", "goxel.get_unique_colors", { merge_similar: true }],
    ["unique colours, merged (2)", "goxel.get_unique_colors", {
      merge_similar: true,
      merge_threshold: 2,
    }],
  ];
  console.log("| request | time (ms) | longest ping wait (ms) | reply bytes |");
  console.log("| --- | --- | --- | --- |");
  for (const [name, method, params] of cases) {
    let going = true, worst = 0;
    const pinger = (async () => {
      while (going) {
        const t = performance.now();
        await b.call("goxel.ping");
        worst = Math.max(worst, performance.now() - t);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const t = performance.now();
    const bytes = await rawCall(env.socket, method, params);
    const ms = performance.now() - t;
    going = false;
    await pinger;
    console.log(`| ${name} | ${ms.toFixed(0)} | ${worst.toFixed(0)} | ${bytes} |`);
  }
} finally {
  a.close(), b.close();
  await daemon.stop();
  await env.cleanup();
}
