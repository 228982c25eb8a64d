/**
 * `goxel stop`, `status`, `start` and `call` at the edges of the lifecycle, with real processes:
 * a stale pid file naming someone else's process, a frozen daemon (kill -STOP), a socket this
 * user may not use, and where the socket and workspace come from (env, default config file).
 * Linux only: the daemon's lock is an abstract socket there, and the tests read /proc.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  goxelCommand,
  makeTestEnv,
  RawClient,
  runGoxel,
  type TestEnv,
  waitFor,
} from "./support_testing.ts";

const linux = Deno.build.os === "linux";
const isRoot = linux && Deno.uid() === 0;
/** The uid the permission tests run the CLI as when the suite runs as root. */
const NOBODY = 65534;

function pidFileOf(t: TestEnv): string {
  return `${t.env.XDG_RUNTIME_DIR}/goxel/goxel.pid`;
}

function readPid(path: string): number {
  return Number(Deno.readTextFileSync(path).trim());
}

/** True while the process runs; a zombie (killed, not reaped yet) has stopped running. */
function running(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
  } catch {
    return false;
  }
}

/** Kills what a test left behind: the pids given, stopped ones included. */
function killAll(...pids: number[]): void {
  for (const pid of pids) {
    if (!pid || !running(pid)) continue;
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
}

/** A harmless process that is not goxel, to stand in for a reused pid. */
function decoy(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["300"], stdout: "null", stderr: "null" }).spawn();
}

async function endDecoy(d: Deno.ChildProcess): Promise<void> {
  try {
    d.kill("SIGKILL");
  } catch { /* gone */ }
  await d.status;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs goxel, killing it after `limitMs` (a hang then fails the test quickly); `asUser` runs it
 * as that uid, with its own home, runtime and Deno cache dirs under `home`.
 */
async function runFor(
  args: string[],
  t: TestEnv,
  limitMs: number,
  asUser?: { uid: number; home: string },
): Promise<Run> {
  const prefix = asUser
    ? ["setpriv", `--reuid=${asUser.uid}`, `--regid=${asUser.uid}`, "--clear-groups", "--"]
    : [];
  const [cmd, ...rest] = [...prefix, ...goxelCommand()];
  const env = asUser
    ? {
      ...t.env,
      HOME: asUser.home,
      XDG_RUNTIME_DIR: `${asUser.home}/run`,
      XDG_CONFIG_HOME: `${asUser.home}/config`,
      XDG_STATE_HOME: `${asUser.home}/state`,
      DENO_DIR: `${asUser.home}/deno`,
    }
    : t.env;
  const started = Date.now();
  const proc = new Deno.Command(cmd, {
    args: [...rest, ...args],
    env,
    clearEnv: true,
    cwd: t.dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => proc.kill("SIGKILL"), limitMs);
  const out = await proc.output().finally(() => clearTimeout(timer));
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr) +
      (out.signal === "SIGKILL" ? `(killed after ${limitMs} ms)` : ""),
    ms: Date.now() - started,
  };
}

Deno.test({
  name: "stop never signals the process a stale pid file names, and removes the file",
  ignore: !linux,
  fn: async () => {
    const env = await makeTestEnv();
    const innocent = decoy();
    let daemon = 0;
    try {
      assert.equal((await runGoxel(["start"], env)).code, 0);
      daemon = readPid(pidFileOf(env));
      Deno.kill(daemon, "SIGKILL"); // a crash: the pid file stays behind
      await waitFor("the daemon to die", () => !running(daemon));
      await Deno.writeTextFile(pidFileOf(env), `${innocent.pid}\n`); // ...and its pid is reused
      const status = await runFor(["status"], env, 20_000);
      assert.equal(status.code, 3, status.stderr);
      const r = await runFor(["stop"], env, 20_000);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /goxel is not running/);
      assert.match(r.stdout, new RegExp(`removed the stale pid file naming pid ${innocent.pid}`));
      assert.ok(running(innocent.pid), "the process the stale pid file named is untouched");
      assert.equal(existsSync(pidFileOf(env)), false, "the stale pid file is gone");
      const again = await runFor(["stop"], env, 20_000);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /^goxel is not running on \S+\n$/);
    } finally {
      killAll(daemon);
      await endDecoy(innocent);
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "status and stop answer in bounded time when the daemon is frozen (kill -STOP)",
  ignore: !linux,
  fn: async (t) => {
    const env = await makeTestEnv();
    let daemon = 0;
    try {
      assert.equal((await runGoxel(["start"], env)).code, 0);
      daemon = readPid(pidFileOf(env));
      Deno.kill(daemon, "SIGSTOP");
      await t.step("status: unhealthy, not answering, exit 1", async () => {
        const [text, json] = await Promise.all([
          runFor(["status"], env, 15_000),
          runFor(["status", "--json"], env, 15_000),
        ]);
        assert.equal(text.code, 1, text.stdout + text.stderr);
        assert.match(text.stdout, new RegExp(`running \\(pid ${daemon}\\).* not answering`));
        assert.ok(text.ms < 10_000, `status took ${text.ms} ms`);
        assert.equal(json.code, 1, json.stdout + json.stderr);
        const s = JSON.parse(json.stdout);
        assert.deepEqual([s.running, s.healthy, s.answering, s.pid], [true, false, false, daemon]);
      });
      await t.step("stop signals nothing when the pid file names another process", async () => {
        const innocent = decoy();
        const saved = Deno.readTextFileSync(pidFileOf(env));
        try {
          await Deno.writeTextFile(pidFileOf(env), `${innocent.pid}\n`);
          const r = await runFor(["stop", "--timeout", "1"], env, 15_000);
          assert.equal(r.code, 1, r.stdout + r.stderr);
          assert.match(r.stderr, new RegExp(`pid ${innocent.pid} .* is not the daemon`));
          assert.ok(running(innocent.pid), "the other process is untouched");
          assert.ok(running(daemon), "the daemon is untouched too");
        } finally {
          await Deno.writeTextFile(pidFileOf(env), saved);
          await endDecoy(innocent);
        }
      });
      await t.step("stop --timeout 2 ends it within the bound", async () => {
        const r = await runFor(["stop", "--timeout", "2"], env, 20_000);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`goxel (stopped )?\\(pid ${daemon}\\)`));
        assert.ok(r.ms < 8_000, `stop took ${r.ms} ms`);
        await waitFor("the daemon to be gone", () => !running(daemon), 5_000);
      });
    } finally {
      if (running(daemon)) Deno.kill(daemon, "SIGCONT");
      killAll(daemon);
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "a socket this user may not use is reported as permission denied, never as not running",
  ignore: !linux,
  fn: async (t) => {
    const env = await makeTestEnv();
    // A socket others may see but not use: the daemon's own is in a 0700 dir, this one is not.
    await Deno.chmod(env.dir, 0o755);
    await Deno.mkdir(`${env.dir}/pub`, { mode: 0o755 });
    const socket = `${env.dir}/pub/g.sock`;
    const home = `${env.dir}/other`;
    await Deno.mkdir(home, { mode: 0o777 });
    await Deno.chmod(home, 0o777);
    const other = isRoot ? { uid: NOBODY, home } : undefined;
    let daemon = 0;
    try {
      // From source, or a binary in a checkout only root may read, `nobody` cannot run goxel.
      if (other && (await runFor(["--version"], env, 30_000, other)).code !== 0) {
        console.warn(
          `cli_lifecycle_e2e_test: skipping the permission steps: user ${NOBODY} cannot run ` +
            `goxel from ${goxelCommand().join(" ")} (the checkout is not readable to it)`,
        );
        return;
      }
      assert.equal((await runGoxel(["start", "--socket", socket], env)).code, 0);
      daemon = readPid(`${env.dir}/pub/g.pid`);
      if (!isRoot) await Deno.chmod(socket, 0o000); // refused to its owner too (root never is)
      await t.step("status exits 1 and names the socket, its owner and mode", async () => {
        const r = await runFor(["status", "--socket", socket], env, 30_000, other);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /permission denied/);
        assert.ok(r.stderr.includes(socket), r.stderr);
        assert.match(r.stderr, /owned by uid \d+.* with mode 0[0-7]{3}/);
        assert.doesNotMatch(r.stdout + r.stderr, /not running/);
      });
      await t.step("call --no-spawn says permission denied", async () => {
        const r = await runFor(
          ["call", "--no-spawn", "ping", "--socket", socket],
          env,
          30_000,
          other,
        );
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /permission denied/);
        assert.doesNotMatch(r.stderr, /is not running|start it with/);
      });
      await t.step("call without --no-spawn says so too, and starts no daemon", async () => {
        const started = Date.now();
        const r = await runFor(["call", "ping", "--socket", socket], env, 30_000, other);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /permission denied/);
        assert.doesNotMatch(r.stderr, /did not start|Cannot start/);
        assert.ok(Date.now() - started < 3000, "no attempt to start a daemon (5 s before)");
      });
      await t.step({
        name: "stop by another user fails (EPERM) and leaves the daemon running",
        ignore: !isRoot,
        fn: async () => {
          const r = await runFor(
            ["stop", "--socket", socket, "--timeout", "1"],
            env,
            30_000,
            other,
          );
          assert.equal(r.code, 1, r.stdout + r.stderr);
          assert.match(r.stderr, /not allowed/);
          assert.doesNotMatch(r.stdout, /stopped|killed/);
          assert.ok(running(daemon), "the daemon still runs");
        },
      });
    } finally {
      if (!isRoot && existsSync(socket)) await Deno.chmod(socket, 0o600);
      await runGoxel(["stop", "--socket", socket], env);
      killAll(daemon);
      await env.cleanup();
    }
  },
});

Deno.test({
  name:
    "the workspace is --workspace, else GOXEL_WORKSPACE, else the config file's, else where start ran",
  ignore: !linux,
  fn: async (t) => {
    const env = await makeTestEnv();
    const dirs = ["flag", "env", "file", "here"].map((d) => `${env.dir}/${d}`);
    const [flagDir, envDir, fileDir, here] = dirs;
    for (const d of dirs) await Deno.mkdir(d);
    const configFile = `${env.env.XDG_CONFIG_HOME}/goxel/config.yaml`;
    await Deno.mkdir(`${env.env.XDG_CONFIG_HOME}/goxel`, { recursive: true });
    /** Starts the daemon in `here`, saves a relative path over the socket, stops; where it went. */
    const saveDir = async (args: string[], extraEnv: Record<string, string>) => {
      const t2 = { ...env, env: { ...env.env, ...extraEnv } };
      const started = await runGoxel(["start", ...args], t2, undefined, here);
      assert.equal(started.code, 0, started.stderr);
      try {
        const c = await RawClient.unix(env.socket);
        await c.call("goxel.create_project", ["w", 8, 8, 8]);
        await c.call("goxel.save_project", ["probe.gox"]);
        c.close();
      } finally {
        assert.equal((await runGoxel(["stop"], env)).code, 0);
      }
      const found = dirs.filter((d) => existsSync(`${d}/probe.gox`));
      for (const d of found) await Deno.remove(`${d}/probe.gox`);
      return found;
    };
    try {
      await t.step("by default, where goxel start ran", async () => {
        assert.deepEqual(await saveDir([], {}), [here]);
      });
      await t.step("GOXEL_WORKSPACE", async () => {
        assert.deepEqual(await saveDir([], { GOXEL_WORKSPACE: envDir }), [envDir]);
      });
      await t.step("the default config file's workspace", async () => {
        await Deno.writeTextFile(configFile, `workspace: ${fileDir}\n`);
        assert.deepEqual(await saveDir([], {}), [fileDir]);
      });
      await t.step("GOXEL_WORKSPACE beats the config file", async () => {
        assert.deepEqual(await saveDir([], { GOXEL_WORKSPACE: envDir }), [envDir]);
      });
      await t.step("--workspace beats both", async () => {
        const got = await saveDir(["--workspace", flagDir], { GOXEL_WORKSPACE: envDir });
        assert.deepEqual(got, [flagDir]);
      });
    } finally {
      await runGoxel(["stop"], env);
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "start, status, call and stop all find the socket the default config file names",
  ignore: !linux,
  fn: async () => {
    const env = await makeTestEnv();
    const alt = `${env.dir}/alt.sock`;
    await Deno.mkdir(`${env.env.XDG_CONFIG_HOME}/goxel`, { recursive: true });
    await Deno.writeTextFile(`${env.env.XDG_CONFIG_HOME}/goxel/config.yaml`, `socket: ${alt}\n`);
    try {
      const started = await runGoxel(["start"], env);
      assert.equal(started.code, 0, started.stderr);
      assert.match(started.stdout, new RegExp(`on ${alt}\\n`));
      assert.ok(Deno.lstatSync(alt).isSocket, "the daemon listens where the config file says");
      assert.equal(existsSync(env.socket), false, "and not on the default socket");
      const status = await runGoxel(["status"], env);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.ok(status.stdout.includes(alt), status.stdout);
      assert.equal((await runGoxel(["call", "--no-spawn", "ping"], env)).code, 0);
      const stop = await runGoxel(["stop"], env);
      assert.equal(stop.code, 0, stop.stderr);
      assert.match(stop.stdout, /goxel stopped/);
      await waitFor("the socket to be removed", () => !existsSync(alt));
    } finally {
      await runGoxel(["stop", "--socket", alt], env);
      await runGoxel(["stop"], env);
      await env.cleanup();
    }
  },
});

/** True when util-linux `script` (a pseudo-terminal for a command) is installed. */
const haveScript = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "a call that starts the daemon says so on a terminal, and stays quiet in a pipe",
  ignore: !linux || !haveScript,
  fn: async () => {
    const env = await makeTestEnv();
    try {
      const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;
      const line = [...goxelCommand(), "call", "ping"].map(quote).join(" ");
      const tty = await new Deno.Command("script", {
        args: ["-qec", line, "/dev/null"],
        env: env.env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(tty.stdout);
      assert.equal(tty.code, 0, text);
      assert.match(text, /goxel: started the daemon \(pid \d+\) on /);
      assert.equal((await runGoxel(["stop"], env)).code, 0);
      const piped = await runGoxel(["call", "ping"], env);
      assert.equal(piped.code, 0);
      assert.equal(piped.stderr, "", "nothing on a pipe's stderr");
    } finally {
      await runGoxel(["stop"], env);
      await env.cleanup();
    }
  },
});
