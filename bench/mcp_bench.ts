/**
 * `goxel mcp` overhead: an add_voxel tool call through the SDK client over stdio against the same
 * call on the daemon socket (the yardstick), interleaved rounds, medians; and render_view of a
 * 1 M-voxel project at 512 px against render_scene on the socket.
 * Run: deno run -A bench/mcp_bench.ts   (GOXEL_BIN=dist/goxel-linux-x64 for the binary)
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { goxelCommand, makeTestEnv, RawClient, startDaemon } from "../tests/support_testing.ts";

const ROUNDS = 15;
const CALLS = 200;
const RENDERS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const env = await makeTestEnv();
const daemon = await startDaemon(env);
const [cmd, ...prefix] = goxelCommand();
const client = new Client({ name: "bench", version: "1" });
await client.connect(
  new StdioClientTransport({
    command: cmd,
    args: [...prefix, "mcp", "--no-spawn", "--socket", env.socket, "--root", env.dir],
    env: env.env,
    cwd: env.dir,
    stderr: "inherit",
  }),
);
const raw = await RawClient.unix(env.socket);

async function direct(i: number): Promise<void> {
  const r = await raw.request("goxel.add_voxel", { x: i % 50, y: 1, z: 1, color: "#ff0000" });
  if (r.error) throw new Error(r.error.message);
}

async function viaMcp(i: number): Promise<void> {
  const r = await client.callTool({
    name: "add_voxel",
    arguments: { x: i % 50, y: 2, z: 1, color: "#00ff00" },
  });
  if (r.isError) throw new Error(JSON.stringify(r.content));
}

async function perCall(fn: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await fn(i);
  return (performance.now() - t0) / CALLS;
}

await raw.request("goxel.create_project", ["bench", 128, 128, 128]);
for (let i = 0; i < 50; i++) await Promise.all([direct(i), viaMcp(i)]); // warm-up
const directMs: number[] = [], mcpMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  directMs.push(await perCall(direct));
  mcpMs.push(await perCall(viaMcp));
}
const d = median(directMs), m = median(mcpMs);

await raw.request("goxel.create_project", ["million", 128, 128, 128]);
const shape = await raw.request("goxel.procedural_shape", {
  shape_type: "cube",
  size_x: 100,
  size_y: 100,
  size_z: 100,
  center_x: 0,
  center_y: 0,
  center_z: 50,
  color: "#3080ff",
});
if (shape.error) throw new Error(shape.error.message);
const count = (await raw.request("goxel.get_project_info")).result as { voxel_count: number };
const renderDirect: number[] = [], renderMcp: number[] = [];
for (let r = 0; r < RENDERS; r++) {
  let t0 = performance.now();
  const out = await raw.request("goxel.render_scene", {
    width: 512,
    height: 512,
    camera_preset: "isometric",
    options: { return_mode: "file_path" },
  });
  renderDirect.push(performance.now() - t0);
  await raw.request("goxel.cleanup_render", [(out.result as { file: { path: string } }).file.path]);
  t0 = performance.now();
  const view = await client.callTool({ name: "render_view", arguments: {} });
  renderMcp.push(performance.now() - t0);
  if (view.isError) throw new Error(JSON.stringify(view.content));
}

console.log(`| Measure | Direct socket | Via goxel mcp | Difference |`);
console.log(`|---|---|---|---|`);
console.log(
  `| add_voxel round trip (median of ${ROUNDS} rounds × ${CALLS}) | ${d.toFixed(3)} ms | ` +
    `${m.toFixed(3)} ms | +${(m - d).toFixed(3)} ms |`,
);
console.log(
  `| ${count.voxel_count} voxels rendered at 512×512 (median of ${RENDERS}) | ` +
    `${median(renderDirect).toFixed(0)} ms (render_scene) | ` +
    `${median(renderMcp).toFixed(0)} ms (render_view) | ` +
    `+${(median(renderMcp) - median(renderDirect)).toFixed(0)} ms |`,
);

raw.close();
await client.close();
await daemon.stop();
await env.cleanup();
