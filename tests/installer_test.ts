/**
 * install.sh end to end: serves the compiled binary and SHA256SUMS over loopback HTTP, installs
 * into a temporary HOME, runs the installed binary (version, daemon round trip through the
 * worker pool) and checks that a tampered binary or a missing checksum entry installs nothing.
 */
import assert from "node:assert/strict";
import { hostTarget, REPO_ROOT } from "../scripts/compile.ts";

const INSTALL_SH = `${REPO_ROOT}/install.sh`;
const TARGET = hostTarget();
const ASSET = `goxel-${TARGET}`;
const DIST = `${REPO_ROOT}/dist`;
const SOURCES = ["main.ts", "version.ts", "cli", "daemon", "protocol", "core"];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command (asynchronously, so the in-process HTTP server keeps serving). */
async function sh(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<Result> {
  const child = new Deno.Command(cmd, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    clearEnv: opts.env !== undefined,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function mtime(path: string): Promise<number> {
  const st = await Deno.stat(path);
  if (!st.isDirectory) return st.mtime?.getTime() ?? 0;
  let newest = 0;
  for await (const e of Deno.readDir(path)) {
    newest = Math.max(newest, await mtime(`${path}/${e.name}`));
  }
  return newest;
}

/** Builds the host binary when it is missing or older than the sources; returns why it cannot. */
async function ensureBinary(): Promise<string | null> {
  if (TARGET === null) return `no goxel release target for ${Deno.build.os}/${Deno.build.arch}`;
  const binary = `${DIST}/${ASSET}`;
  const built = await mtime(binary).catch(() => 0);
  const sources = Math.max(...await Promise.all(SOURCES.map((s) => mtime(`${REPO_ROOT}/${s}`))));
  const sums = await Deno.readTextFile(`${DIST}/SHA256SUMS`).catch(() => "");
  if (built > sources && sums.includes(`  ${ASSET}\n`)) {
    // A commit since the build changes no source mtime but must show in --version.
    const [version, commit] = await Promise.all([
      sh(binary, ["--version"]),
      sh("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT }),
    ]);
    if (version.stdout.includes(commit.stdout.trim())) return null;
  }
  const r = await sh(Deno.execPath(), ["run", "-A", `${REPO_ROOT}/scripts/compile.ts`, TARGET]);
  return r.code === 0 ? null : `cannot build ${ASSET} (is npm/bun reachable?): ${r.stderr.trim()}`;
}

const skipReason = await ensureBinary();
if (skipReason) console.error(`installer_test: skipping the install tests: ${skipReason}`);

/** Serves /good, /tampered and /missing release directories from dist/ on 127.0.0.1. */
function serveReleases(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const [, variant, name] = new URL(req.url).pathname.split("/");
    const sums = await Deno.readTextFile(`${DIST}/SHA256SUMS`);
    if (name === "SHA256SUMS") {
      const body = variant === "missing"
        ? sums.split("\n").filter((l) => !l.endsWith(`  ${ASSET}`)).join("\n")
        : sums;
      return new Response(body);
    }
    if (name !== ASSET) return new Response("not found", { status: 404 });
    if (variant === "tampered") return new Response("#!/bin/sh\necho owned\n");
    return new Response((await Deno.open(`${DIST}/${ASSET}`)).readable);
  });
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

function envFor(home: string, base: string, shell = "/bin/sh"): Record<string, string> {
  return {
    HOME: home,
    GOXEL_INSTALL: `${home}/.goxel`,
    GOXEL_INSTALL_BASE: base,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    SHELL: shell,
    XDG_RUNTIME_DIR: `${home}/run`,
    XDG_CONFIG_HOME: `${home}/config`,
    XDG_STATE_HOME: `${home}/state`,
  };
}

Deno.test("install.sh is valid POSIX sh", async (t) => {
  await t.step("sh -n accepts it", async () => {
    const r = await sh("sh", ["-n", INSTALL_SH]);
    assert.equal(r.code, 0, r.stderr);
  });
  await t.step("its last line calls main, so a truncated download runs nothing", async () => {
    const lines = (await Deno.readTextFile(INSTALL_SH)).trimEnd().split("\n");
    assert.equal(lines.at(-1), 'main "$@"');
  });
  const shellcheck = await sh("shellcheck", ["--version"]).then((r) => r.code === 0, () => false);
  await t.step({
    name: "shellcheck -s sh reports nothing",
    ignore: !shellcheck,
    fn: async () => {
      const r = await sh("shellcheck", ["-s", "sh", INSTALL_SH]);
      assert.equal(r.code, 0, r.stdout);
    },
  });
});

Deno.test({
  name: "install.sh installs a verified binary that runs the daemon, and refuses bad downloads",
  ignore: skipReason !== null,
  fn: async (t) => {
    const tmp = await Deno.makeTempDir({ prefix: "goxel-install-" });
    const server = serveReleases();
    const url = `http://127.0.0.1:${server.addr.port}`;
    try {
      await t.step(
        "piped `sh -s -- -y --no-modify-path` installs binary and completions",
        async () => {
          const home = `${tmp}/ok`;
          const script = await Deno.readTextFile(INSTALL_SH);
          const r = await sh("sh", ["-s", "--", "-y", "--no-modify-path"], {
            env: envFor(home, `${url}/good`),
            stdin: script,
          });
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /Checksum verified/);
          assert.match(r.stdout, /is not on PATH/);
          const st = await Deno.stat(`${home}/.goxel/bin/goxel`);
          assert.equal(st.mode! & 0o777, 0o755);
          for (const f of ["goxel.bash", "_goxel", "goxel.fish"]) {
            const text = await Deno.readTextFile(`${home}/.goxel/completions/${f}`);
            assert.match(text, /goxel/, f);
          }
          assert.equal(
            await exists(`${home}/.bashrc`),
            false,
            "--no-modify-path must not touch rc files",
          );
        },
      );

      const goxel = `${tmp}/ok/.goxel/bin/goxel`;
      const env = envFor(`${tmp}/ok`, "");
      await t.step(
        "the installed goxel --version reports version, commit and runtime",
        async () => {
          const commit = (await sh("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT }))
            .stdout.trim();
          const r = await sh(goxel, ["--version"], { env });
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /\d+\.\d+\.\d+/);
          assert.ok(r.stdout.includes(commit), `expected commit ${commit} in ${r.stdout}`);
          assert.match(r.stdout, /bun \d/);
        },
      );

      await t.step(
        "the installed binary runs a daemon and both worker kinds: start, ping, load, script, stop",
        async () => {
          const sock = `${tmp}/g.sock`;
          const call = (...args: string[]) =>
            sh(goxel, ["call", "--socket", sock, ...args], { env, cwd: tmp });
          const started = await sh(goxel, ["start", "--daemonize", "--socket", sock], {
            env,
            cwd: tmp,
          });
          assert.equal(started.code, 0, started.stderr);
          try {
            const ping = await call("ping");
            assert.equal(ping.code, 0, ping.stderr);
            assert.match(ping.stdout, /pong/);
            // load_project decodes and execute_script runs its sandbox on daemon/worker.ts: both
            // fail with "Cannot find module '/$bunfs/root/…'" if the worker entry is not in the binary.
            assert.equal((await call("create_project", "w", "4", "4", "4")).code, 0);
            const saved = await call("save_project", `${tmp}/w.vox`);
            assert.equal(saved.code, 0, saved.stderr);
            const loaded = await call("load_project", `${tmp}/w.vox`);
            assert.equal(loaded.code, 0, loaded.stderr);
            const script = await call("execute_script", "script=1+2");
            assert.equal(script.code, 0, script.stderr);
            assert.match(script.stdout, /"result":3/);
          } finally {
            const stopped = await sh(goxel, ["stop", "--socket", sock], { env, cwd: tmp });
            assert.equal(stopped.code, 0, stopped.stderr);
          }
          assert.equal(await exists(sock), false, "stop must remove the socket");
        },
      );

      const refusals = [
        { variant: "tampered", message: /checksum mismatch for goxel-/ },
        { variant: "missing", message: /SHA256SUMS has no entry for goxel-/ },
      ];
      for (const { variant, message } of refusals) {
        await t.step(`a ${variant} download is refused and nothing is installed`, async () => {
          const home = `${tmp}/${variant}`;
          await Deno.mkdir(home);
          const r = await sh("sh", [INSTALL_SH, "-y"], {
            env: envFor(home, `${url}/${variant}`, "/bin/bash"),
          });
          assert.notEqual(r.code, 0);
          assert.match(r.stderr, message);
          assert.match(r.stderr, /nothing was installed/);
          assert.deepEqual([...Deno.readDirSync(home)], [], "nothing may be written to HOME");
        });
      }

      await t.step(
        "-y adds a PATH line to the shell rc and --uninstall removes everything",
        async () => {
          const home = `${tmp}/rc`;
          await Deno.mkdir(home);
          await Deno.writeTextFile(`${home}/.bashrc`, "alias ll='ls -l'\n");
          const e = envFor(home, `${url}/good`, "/bin/bash");
          const r = await sh("sh", [INSTALL_SH, "-y", "--no-completions"], { env: e });
          assert.equal(r.code, 0, r.stderr);
          assert.match(
            await Deno.readTextFile(`${home}/.bashrc`),
            /export PATH="[^"]*\/\.goxel\/bin:\$PATH"/,
          );
          assert.equal(await exists(`${home}/.goxel/completions`), false);
          const u = await sh("sh", [INSTALL_SH, "--uninstall"], { env: e });
          assert.equal(u.code, 0, u.stderr);
          assert.equal(await Deno.readTextFile(`${home}/.bashrc`), "alias ll='ls -l'\n");
          assert.equal(await exists(`${home}/.goxel`), false);
        },
      );
    } finally {
      await server.shutdown();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
