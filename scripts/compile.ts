/**
 * Builds the single-file goxel binaries with `bun build --compile` (Bun comes from npm into
 * .tools/) and writes dist/SHA256SUMS.
 *
 * Usage: `deno task compile [linux-x64|linux-arm64|darwin-x64|darwin-arm64 ...] [--outdir DIR]`
 * (no target = all four).
 */

/** Release targets: goxel name suffix → bun `--target`. */
export const TARGETS = {
  "linux-x64": "bun-linux-x64",
  "linux-arm64": "bun-linux-arm64",
  "darwin-x64": "bun-darwin-x64",
  "darwin-arm64": "bun-darwin-arm64",
} as const;

/** A goxel release target name such as `linux-x64`. */
export type Target = keyof typeof TARGETS;

/** The Bun release the binaries are built with (installed from npm into .tools/). */
export const BUN_VERSION = "1.4.5";

import { buildWeb, type WebBuild } from "./build_web.ts";

/** Product source folders scanned for `new Worker(...)` calls. */
const SOURCE_DIRS = ["cli", "daemon", "protocol", "core", "mcp"];

/**
 * The entrypoints' root. Inside a compiled binary a bundled module's `import.meta.url` is that
 * of the file it was bundled into: `file:///$bunfs/root/<binary name>` for main.ts,
 * `/$bunfs/root/<chunk>.js` for a split chunk; extra entrypoints are stored at
 * `/$bunfs/root/<path relative to --root>.js` (Bun also accepts the `.ts` name). Rooting at
 * daemon/ therefore makes the daemon's `new URL("./worker.ts", import.meta.url)` resolve in
 * the binary exactly as it does from source.
 */
const ENTRY_ROOT = "daemon";

/** The repository root as a file-system path. */
export const REPO_ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(
  /\/$/,
  "",
);

/** Runs a command in the repository root and returns its stdout; throws with stderr on failure. */
async function run(cmd: string, args: string[], cwd = REPO_ROOT): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  if (!out.success) {
    const err = text.decode(out.stderr).trim() || text.decode(out.stdout).trim();
    throw new Error(`Cannot run ${cmd} ${args.join(" ")}: ${err || `exit code ${out.code}`}`);
  }
  return text.decode(out.stdout);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sourceFiles(path);
    else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) yield path;
  }
}

/**
 * Finds the worker entry files (relative to root) that must be extra entrypoints. Fails when a
 * worker is started in a way that cannot resolve inside the binary: only
 * `new Worker(new URL("./name.ts", import.meta.url))` written in a file directly in daemon/.
 */
export async function discoverWorkers(root = REPO_ROOT): Promise<string[]> {
  const found = new Set<string>();
  const anyWorker = /new Worker\(/g;
  const urlWorker =
    /^new Worker\(\s*new URL\(\s*["']\.\/([\w-]+\.ts)["']\s*,\s*import\.meta\.url\s*\)/;
  for (const dir of SOURCE_DIRS) {
    for await (const file of sourceFiles(`${root}/${dir}`)) {
      const text = await Deno.readTextFile(file);
      const rel = file.slice(root.length + 1);
      for (const m of text.matchAll(anyWorker)) {
        const name = urlWorker.exec(text.slice(m.index))?.[1];
        const direct = rel.startsWith(`${ENTRY_ROOT}/`) && rel.split("/").length === 2;
        if (!name || !direct || !await isFile(`${root}/${ENTRY_ROOT}/${name}`)) {
          throw new Error(
            `Cannot compile: ${rel} starts a worker that will not resolve in the binary; use ` +
              `new Worker(new URL("./name.ts", import.meta.url)) in a file directly in ${ENTRY_ROOT}/`,
          );
        }
        found.add(`${ENTRY_ROOT}/${name}`);
      }
    }
  }
  return [...found].sort();
}

/** Returns the path of Bun BUN_VERSION in .tools/, installing it from npm when missing. */
export async function ensureBun(root = REPO_ROOT): Promise<string> {
  const bun = `${root}/.tools/node_modules/bun/bin/bun.exe`;
  if (await isFile(bun)) {
    const version = await run(bun, ["--version"]).catch(() => "");
    if (version.trim() === BUN_VERSION) return bun;
  }
  console.error(`Installing bun@${BUN_VERSION} from npm into .tools/`);
  await run("npm", [
    "install",
    "--prefix",
    `${root}/.tools`,
    "--no-audit",
    "--no-fund",
    `bun@${BUN_VERSION}`,
  ], root);
  const version = await run(bun, ["--version"]).catch((e) => `${e}`);
  if (version.trim() !== BUN_VERSION) {
    throw new Error(`Cannot use Bun from .tools/: expected ${BUN_VERSION}, got ${version.trim()}`);
  }
  return bun;
}

/** Makes sure node_modules/ (where Bun resolves the npm imports) matches deno.json. */
async function ensureNodeModules(root: string): Promise<void> {
  if (await isFile(`${root}/node_modules/commander/package.json`)) return;
  console.error("Creating node_modules/ with deno install");
  await run(Deno.execPath(), ["install", "--quiet"], root);
}

/** Returns `git rev-parse --short HEAD`, or "unknown" outside a git checkout. */
export async function gitCommit(root = REPO_ROOT): Promise<string> {
  try {
    return (await run("git", ["rev-parse", "--short", "HEAD"], root)).trim();
  } catch {
    return "unknown";
  }
}

/** What a binary is built from: the product sources (the ones present), staged. */
const PRODUCT = ["main.ts", "version.ts", "cli", "core", "daemon", "protocol", "mcp"];

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from).catch(() => null);
  if (!info) return;
  if (info.isFile) return void (from.endsWith("_test.ts") || await Deno.copyFile(from, to));
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
}

/**
 * Copies the product sources to `<root>/dist/.stage` (inside the repository, so node_modules/
 * resolves) with the built viewer written into daemon/http_viewer_embedded.ts; the source tree
 * itself is never modified. Returns the staging directory.
 */
export async function stageSources(web: WebBuild, root = REPO_ROOT): Promise<string> {
  const stage = `${root}/dist/.stage`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(stage, { recursive: true });
  for (const p of PRODUCT) await copyTree(`${root}/${p}`, `${stage}/${p}`);
  await Deno.writeTextFile(
    `${stage}/daemon/http_viewer_embedded.ts`,
    "/** The viewer bundle (generated by scripts/compile.ts). */\n" +
      `export const EMBEDDED_VIEWER: { html: string; js: string } | null = ${
        JSON.stringify({ html: web.html, js: web.js })
      };\n`,
  );
  return stage;
}

/** Options for compileTarget. */
export interface CompileOptions {
  bun: string;
  /** Worker entry files relative to root (see discoverWorkers). */
  workers: string[];
  target: Target;
  outDir: string;
  commit: string;
  /** The staged sources (see stageSources). */
  root?: string;
}

/** Compiles one target to `<outDir>/goxel-<target>` and returns its path. */
export async function compileTarget(o: CompileOptions): Promise<string> {
  const root = o.root ?? REPO_ROOT;
  const outfile = `${o.outDir}/goxel-${o.target}`;
  await run(o.bun, [
    "build",
    "--compile",
    `--target=${TARGETS[o.target]}`,
    `--root=${ENTRY_ROOT}`,
    // Precompiled bytecode cuts start-up (`goxel --version`) about threefold; ESM needs --compile.
    "--bytecode",
    "--format=esm",
    // Each dynamic import() becomes its own chunk, loaded when first run: `--version` loads only
    // main.ts, `goxel call` the CLI, and only the daemon loads the engine (2.7× → 1.3× a bare
    // `bun -e 0` for --version). Chunks live in /$bunfs/root/ like the worker entrypoints, so a
    // worker URL resolved from a chunk still finds its entry.
    "--splitting",
    `--define=GOXEL_COMMIT=${JSON.stringify(o.commit)}`,
    // A CLI must not pick up .env or bunfig.toml from whatever directory it is run in.
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--outfile=${outfile}`,
    "main.ts",
    ...o.workers,
  ], root);
  // Never strip: the bundle is appended to the runtime and strip would drop it.
  return outfile;
}

/** Returns the lowercase hex SHA-256 of a file. */
export async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes `<dir>/SHA256SUMS` (sha256sum format) for every `goxel-*` file in dir and returns it. */
export async function writeChecksums(dir: string): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.startsWith("goxel-")) names.push(e.name);
  }
  names.sort();
  const lines = await Promise.all(
    names.map(async (n) => `${await sha256File(`${dir}/${n}`)}  ${n}\n`),
  );
  const path = `${dir}/SHA256SUMS`;
  await Deno.writeTextFile(path, lines.join(""));
  return path;
}

/** The release target of the machine running this script, or null when it is not one. */
export function hostTarget(): Target | null {
  const os = Deno.build.os === "darwin" ? "darwin" : Deno.build.os === "linux" ? "linux" : null;
  const arch = Deno.build.arch === "x86_64"
    ? "x64"
    : Deno.build.arch === "aarch64"
    ? "arm64"
    : null;
  return os && arch ? `${os}-${arch}` as Target : null;
}

/** Runs a freshly built host binary's `--version` and checks it carries the commit. */
async function smokeTest(binary: string, commit: string): Promise<string> {
  const version = (await run(binary, ["--version"])).trim();
  if (!version.includes(commit)) {
    throw new Error(
      `Cannot verify ${binary}: --version printed "${version}" without commit ${commit}`,
    );
  }
  return version;
}

function parseArgs(args: string[]): { targets: Target[]; outDir: string } {
  const targets: Target[] = [];
  let outDir = `${REPO_ROOT}/dist`;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--outdir" && args[i + 1]) {
      const dir = args[++i];
      outDir = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
    } else if (a in TARGETS) targets.push(a as Target);
    else {
      throw new Error(
        `Cannot compile: unknown argument "${a}" (targets: ${Object.keys(TARGETS).join(", ")})`,
      );
    }
  }
  return { targets: targets.length ? targets : Object.keys(TARGETS) as Target[], outDir };
}

async function main(args: string[]): Promise<void> {
  const { targets, outDir } = parseArgs(args);
  const bun = await ensureBun();
  await ensureNodeModules(REPO_ROOT);
  const commit = await gitCommit();
  const workers = await discoverWorkers();
  await Deno.mkdir(outDir, { recursive: true });
  const web = await buildWeb();
  const root = await stageSources(web);
  for (const target of targets) {
    const started = performance.now();
    const file = await compileTarget({ bun, workers, target, outDir, commit, root });
    const mb = ((await Deno.stat(file)).size / 1e6).toFixed(1);
    const ms = Math.round(performance.now() - started);
    const note = target === hostTarget() ? `, ${await smokeTest(file, commit)}` : "";
    console.log(`${file} (${mb} MB, ${ms} ms${note})`);
  }
  console.log(await writeChecksums(outDir));
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(1);
  }
}
