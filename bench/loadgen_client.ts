/**
 * The C load client (bench/loadgen.c) for the benches: compiled once with cc, then run against a
 * socket as `loadgen SOCKET WINDOW TOTAL LINE` (requests per write, requests in all, the line).
 */
const SOURCE = new URL("./loadgen.c", import.meta.url).pathname;

/** Compiles bench/loadgen.c into `dir`; returns the program's path, or null without a compiler. */
export async function buildLoadgen(dir: string): Promise<string | null> {
  const exe = `${dir}/loadgen`;
  try {
    const out = await new Deno.Command("cc", { args: ["-O2", "-o", exe, SOURCE] }).output();
    return out.success ? exe : null;
  } catch {
    return null;
  }
}

/** Requests per second the client measured: `window` requests per write, `total` in all. */
export async function runLoadgen(
  exe: string,
  socket: string,
  window: number,
  total: number,
  line: string,
): Promise<number> {
  const out = await new Deno.Command(exe, {
    args: [socket, String(window), String(total), line],
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** Waits until a server accepts connections on the Unix socket at `path` (10 s at most). */
export async function waitSocket(path: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      (await Deno.connect({ transport: "unix", path })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`no server on ${path}`);
}
