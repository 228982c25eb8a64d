/**
 * `.gox` load and save through running daemons (request over the socket, decode or encode on
 * the worker pool, file I/O), several daemons side by side in one run with interleaved repeats.
 * Each daemon is `label=command…`, e.g. the compiled binaries of this tree and of a yardstick:
 *
 *   deno run -A bench/gox_daemon_bench.ts base=/tmp/gox-base/dist/goxel-linux-x64 \
 *     this=dist/goxel-linux-x64 "deno=deno run -A main.ts" [--reps 11]
 *
 * Cases: the 768 000-voxel project of vengi/test_material.vox saved as .gox, and
 * vengi/chr_knight.gox. Prints medians in ms (default config).
 */
import { connect, type Socket } from "node:net";

const FIXTURES = Deno.env.get("GOXEL_FIXTURES") ??
  new URL("../../shared/fixtures", import.meta.url).pathname;
const args = [...Deno.args];
const repsAt = args.indexOf("--reps");
const REPS = repsAt >= 0 ? Number(args.splice(repsAt, 2)[1]) : 11;

interface Daemon {
  label: string;
  proc: Deno.ChildProcess;
  sock: Socket;
  call(method: string, params: unknown): Promise<unknown>;
}

async function start(label: string, cmd: string[], dir: string): Promise<Daemon> {
  const socket = `${dir}/${label}.sock`;
  const proc = new Deno.Command(cmd[0], {
    args: [...cmd.slice(1), "start", "--foreground", "--socket", socket, "--workspace", dir],
    env: { XDG_RUNTIME_DIR: dir, XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir, HOME: dir },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 30000;
  let sock: Socket | null = null;
  while (!sock && Date.now() < deadline) {
    sock = await new Promise<Socket | null>((resolve) => {
      const s = connect(socket, () => resolve(s));
      s.on("error", () => resolve(null));
    });
    if (!sock) await new Promise((r) => setTimeout(r, 100));
  }
  if (!sock) throw new Error(`${label} did not start`);
  let buf = "", id = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  sock.on("data", (d) => {
    buf += d.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      waiting.get(msg.id)?.(msg);
    }
  });
  const s = sock;
  return {
    label,
    proc,
    sock: s,
    call(method, params) {
      const n = ++id;
      return new Promise((resolve, reject) => {
        waiting.set(n, (m) => {
          const r = m as { error?: { message: string }; result?: unknown };
          if (r.error) reject(new Error(`${label} ${method}: ${r.error.message}`));
          else resolve(r.result);
        });
        s.write(JSON.stringify({ jsonrpc: "2.0", id: n, method, params }) + "\n");
      });
    },
  };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const dir = await Deno.makeTempDir({ prefix: "goxbench" });
  const { decodeVox } = await import("../core/formats/vox.ts");
  const { encodeGox } = await import("../core/formats/gox.ts");
  const project = `${dir}/project.gox`;
  const image = decodeVox(Deno.readFileSync(`${FIXTURES}/vengi/test_material.vox`));
  image.carried = null;
  image.cameras.splice(1);
  Deno.writeFileSync(project, encodeGox(image));
  const knight = `${FIXTURES}/vengi/chr_knight.gox`;
  const daemons: Daemon[] = [];
  for (const spec of args) {
    const [label, cmd] = spec.split("=");
    daemons.push(await start(label, cmd.split(" "), dir));
  }
  const cases: [string, string, boolean][] = [
    ["load 768k-voxel project", project, false],
    ["save 768k-voxel project", project, true],
    ["load chr_knight.gox", knight, false],
    ["save chr_knight.gox", knight, true],
  ];
  console.log(`| case | ${daemons.map((d) => d.label).join(" | ")} |`);
  console.log(`| --- | ${daemons.map(() => "---").join(" | ")} |`);
  for (const [name, file, save] of cases) {
    const times = daemons.map(() => [] as number[]);
    for (let r = 0; r < REPS; r++) {
      for (const [i, d] of daemons.entries()) {
        const load = () => d.call("goxel.load_project", { path: file });
        if (!save) times[i].push(await timed(load));
        else {
          await load();
          times[i].push(
            await timed(() => d.call("goxel.save_project", { path: `${dir}/${d.label}.gox` })),
          );
        }
        await d.call("goxel.close_project", { force: true });
      }
    }
    console.log(`| ${name} | ${times.map((t) => median(t).toFixed(1)).join(" | ")} |`);
  }
  for (const d of daemons) {
    await d.call("goxel.shutdown", {}).catch(() => {});
    d.sock.destroy();
    await d.proc.status;
  }
  await Deno.remove(dir, { recursive: true });
}

await main();
