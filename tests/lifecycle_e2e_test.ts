/**
 * The daemon's lifecycle as a user drives it, with real processes and a temporary runtime dir:
 * start/status/call/reload/stop, stale files after kill -9, single instance, auto-start races,
 * signals and TCP tokens.
 */
import assert from "node:assert/strict";
import {
  makeTestEnv,
  RawClient,
  runGoxel,
  startDaemon,
  type TestEnv,
  waitFor,
} from "./support_testing.ts";

function pidOf(t: TestEnv): number {
  return Number(Deno.readTextFileSync(`${t.env.XDG_RUNTIME_DIR}/goxel/goxel.pid`).trim());
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Counts running daemons (started with --daemonized) serving this socket. */
function daemonsFor(socket: string): number {
  let n = 0;
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).split("\0");
      if (cmd.includes("--daemonized") && cmd.includes(socket)) n++;
    } catch { /* gone */ }
  }
  return n;
}

async function waitGone(pid: number, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  // A zombie child of ours still answers kill(0); the daemon is detached, so this is the real test.
  return !alive(pid);
}

Deno.test("start --daemonize, status, call, reload (valid and invalid), stop", async (t) => {
  const env = await makeTestEnv();
  const config = `${env.dir}/goxel.yaml`;
  await Deno.writeTextFile(config, "log:\n  level: info\nlimits:\n  max_batch: 1000\n");
  try {
    await t.step("status before start exits 3", async () => {
      const r = await runGoxel(["status"], env);
      assert.equal(r.code, 3);
      assert.match(r.stdout, /not running/);
    });
    await t.step("start --daemonize returns once the daemon answers", async () => {
      const r = await runGoxel(["start", "--daemonize", "--config", config], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /goxel started \(pid \d+\)/);
      const mode = (await Deno.stat(`${env.env.XDG_RUNTIME_DIR}/goxel`)).mode! & 0o777;
      assert.equal(mode, 0o700);
      assert.equal((await Deno.stat(env.socket)).mode! & 0o777, 0o600);
    });
    await t.step("status exits 0 and reports the pid", async () => {
      const r = await runGoxel(["status", "--json"], env);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout);
      assert.equal(s.pid, pidOf(env));
      assert.equal(s.healthy, true);
    });
    await t.step("start while running says so and exits 0", async () => {
      const r = await runGoxel(["start"], env);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`already running \\(pid ${pidOf(env)}\\)`));
      assert.equal(r.stderr, "", "nothing to warn about");
      const http = await runGoxel(["start", "--http", "127.0.0.1:0"], env);
      assert.equal(http.code, 0);
      assert.match(http.stderr, /--http not applied to the running daemon/);
    });
    await t.step("call edits and reads back", async () => {
      assert.equal((await runGoxel(["call", "add_voxel", "1", "2", "3", "#ff0000"], env)).code, 0);
      const r = await runGoxel(["call", "goxel.get_voxel", "1", "2", "3"], env);
      assert.deepEqual(JSON.parse(r.stdout).color, [255, 0, 0, 255]);
    });
    await t.step("reload applies a valid change and names restart-only keys", async () => {
      await Deno.writeTextFile(
        config,
        "log:\n  level: debug\nlimits:\n  max_batch: 2\nworkers: 3\n",
      );
      const r = await runGoxel(["reload"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Changed: limits.max_batch, log.level, workers/);
      assert.match(r.stdout, /Needs a restart: workers/);
      const c = await RawClient.unix(env.socket);
      await c.send(
        JSON.stringify([1, 2, 3].map((id) => ({ jsonrpc: "2.0", id, method: "ping" }))) + "\n",
      );
      assert.match((await c.read() as { error: { message: string } }).error.message, /limit of 2/);
      c.close();
    });
    await t.step("reload of an invalid file fails and the daemon keeps its config", async () => {
      await Deno.writeTextFile(config, "limits:\n  max_batch: lots\n");
      const r = await runGoxel(["reload"], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /limits.max_batch/);
      assert.match(r.stderr, /goxel.yaml:2:3/);
      assert.equal((await runGoxel(["call", "ping"], env)).code, 0, "still serving");
    });
    await t.step("stop waits for the daemon to exit and removes its files", async () => {
      const pid = pidOf(env);
      const r = await runGoxel(["stop"], env);
      const returnedAt = Date.now();
      assert.equal(r.code, 0, r.stderr);
      assert.ok(await waitGone(pid));
      // The daemon's last log line is "Stopped"; stop must not linger after it (it once polled a
      // zombie for 1.5 s). The CLI's own exit is included, so this bounds the whole command.
      const log = await Deno.readTextFile(`${env.env.XDG_STATE_HOME}/goxel/goxel.log`);
      const stopped = log.trim().split("\n").map((l) => JSON.parse(l))
        .findLast((l) => l.message === "Stopped");
      assert.ok(stopped, "the daemon logged Stopped");
      const lag = returnedAt - Date.parse(stopped["@timestamp"]);
      assert.ok(lag <= 200, `stop returned ${lag} ms after the daemon logged Stopped`);
      await assert.rejects(Deno.stat(env.socket));
      await assert.rejects(Deno.stat(`${env.env.XDG_RUNTIME_DIR}/goxel/goxel.pid`));
      const again = await runGoxel(["stop"], env);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /not running/);
      assert.equal((await runGoxel(["status"], env)).code, 3);
    });
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("kill -9 leaves a stale socket and pid file that do not block the next start", async () => {
  const env = await makeTestEnv();
  try {
    assert.equal((await runGoxel(["start"], env)).code, 0);
    const pid = pidOf(env);
    Deno.kill(pid, "SIGKILL");
    assert.ok(await waitGone(pid));
    await Deno.stat(env.socket); // the stale socket is still there
    const r = await runGoxel(["start"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(pidOf(env), pid);
    assert.equal((await runGoxel(["call", "ping"], env)).code, 0);
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("two concurrent first calls start exactly one daemon", async () => {
  const env = await makeTestEnv();
  try {
    const [a, b] = await Promise.all([
      runGoxel(["call", "ping"], env),
      runGoxel(["call", "ping"], env),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    // Both calls returned, so the daemon they used answers; a second one would have exited
    // already, having lost the lock (it never got as far as answering).
    assert.equal(daemonsFor(env.socket), 1);
    assert.equal((await runGoxel(["call", "--no-spawn", "ping"], env)).code, 0);
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("SIGHUP reloads the config, SIGTERM stops cleanly with exit 0", async () => {
  const env = await makeTestEnv();
  const config = `${env.dir}/c.yaml`;
  await Deno.writeTextFile(config, "limits:\n  max_batch: 1000\n");
  const daemon = await startDaemon(env, ["--config", config]);
  try {
    await Deno.writeTextFile(config, "limits:\n  max_batch: 1\n");
    daemon.proc.kill("SIGHUP");
    const c = await RawClient.unix(env.socket);
    let refused = false;
    await waitFor("the new max_batch to apply", async () => {
      await c.send(
        JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }, {
          jsonrpc: "2.0",
          id: 2,
          method: "ping",
        }]) + "\n",
      );
      refused = !Array.isArray(await c.read());
      return refused;
    });
    assert.ok(refused, "the new max_batch applies after SIGHUP");
    await Deno.writeTextFile(config, "limits: [not, a, map]\n");
    daemon.proc.kill("SIGHUP");
    await waitFor(
      "the failed reload to be logged",
      () => /Reload on SIGHUP failed/.test(daemon.stderr()),
    );
    assert.equal(
      (await c.call("ping")).pong,
      true,
      "an invalid config on SIGHUP keeps the daemon serving",
    );
    c.close();
    const started = Date.now();
    assert.equal(await daemon.stop(), 0);
    assert.ok(Date.now() - started < 2000, "an idle daemon stops within 2 s");
    await assert.rejects(Deno.stat(env.socket));
    assert.match(daemon.stderr(), /Reload on SIGHUP failed, keeping the old config/);
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("SIGTERM leaves user files alone by default; the journal brings the edit back", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env, ["--workspace", env.dir]);
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["a", 16, 16, 16]);
    await c.call("goxel.save_project", ["a.gox"]);
    const before = await Deno.readFile(`${env.dir}/a.gox`);
    await c.call("goxel.procedural_shape", ["sphere", 8, 8, 8, 0, 0, 4]);
    c.close();
    assert.equal(await daemon.stop(), 0);
    assert.deepEqual(
      await Deno.readFile(`${env.dir}/a.gox`),
      before,
      "the user's file is untouched",
    );
    daemon = await startDaemon(env, ["--workspace", env.dir]);
    const again = await RawClient.unix(env.socket);
    const info = await again.call<{ dirty: boolean; voxel_count: number; name: string }>(
      "goxel.get_project_info",
    );
    assert.equal(info.name, "a");
    assert.equal(info.dirty, true, "the unsaved edit is still unsaved");
    assert.ok(info.voxel_count > 0, "the edit came back from the journal");
    again.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("SIGTERM autosaves dirty projects that have a path when autosave_on_exit is on", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--workspace", env.dir], "autosave_on_exit: true\n");
  try {
    const c = await RawClient.unix(env.socket);
    await c.call("goxel.create_project", ["a", 16, 16, 16]);
    await c.call("goxel.save_project", ["a.gox"]);
    const before = (await Deno.stat(`${env.dir}/a.gox`)).size;
    await c.call("goxel.procedural_shape", ["sphere", 8, 8, 8, 0, 0, 4]);
    c.close();
    assert.equal(await daemon.stop(), 0);
    assert.ok((await Deno.stat(`${env.dir}/a.gox`)).size > before, "the edit was saved on exit");
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a TCP client must present the token", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env, ["--tcp", "127.0.0.1:0"]);
  try {
    const status = await (await RawClient.unix(env.socket)).call<{ tcp: string }>("status");
    const port = Number(status.tcp.split(":").pop());
    const token = (await Deno.readTextFile(`${env.env.XDG_RUNTIME_DIR}/goxel/token`)).trim();
    assert.equal((await Deno.stat(`${env.env.XDG_RUNTIME_DIR}/goxel/token`)).mode! & 0o777, 0o600);
    const intruder = await RawClient.tcp("127.0.0.1", port);
    const r = await intruder.request("ping");
    assert.equal(r.error?.code, -1111);
    assert.ok(await intruder.waitClosed(), "the connection is closed after a refusal");
    assert.match(r.error?.message ?? "", /Authentication required/);
    const wrong = await RawClient.tcp("127.0.0.1", port);
    const mismatch = await wrong.request("goxel.authenticate", { token: "0".repeat(64) });
    assert.equal(mismatch.error?.code, -1111);
    assert.match(mismatch.error?.message ?? "", /Authentication failed: the token does not match/);
    const friend = await RawClient.tcp("127.0.0.1", port);
    // As read from the token file, newline included.
    assert.deepEqual(await friend.call("goxel.authenticate", { token: token + "\n" }), {
      authenticated: true,
    });
    assert.equal((await friend.call("ping")).pong, true);
    friend.close();
    const refused = await runGoxel([
      "start",
      "--foreground",
      "--socket",
      `${env.dir}/x.sock`,
      "--tcp",
      "0.0.0.0:0",
    ], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /only loopback addresses/);
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("startup errors are reported on the terminal with exit 1", async (t) => {
  const env = await makeTestEnv();
  try {
    await t.step("unsafe runtime dir", async () => {
      await Deno.chmod(env.env.XDG_RUNTIME_DIR, 0o700);
      await Deno.mkdir(`${env.env.XDG_RUNTIME_DIR}/goxel`, { mode: 0o755 });
      await Deno.chmod(`${env.env.XDG_RUNTIME_DIR}/goxel`, 0o755);
      const r = await runGoxel(["start"], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /mode 755 lets other users in/);
      await Deno.chmod(`${env.env.XDG_RUNTIME_DIR}/goxel`, 0o700);
    });
    await t.step("bad config names the key, file, line and column", async () => {
      await Deno.writeTextFile(`${env.dir}/bad.yaml`, "log:\n  level: loud\n");
      const r = await runGoxel(["start", "--config", `${env.dir}/bad.yaml`], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /log.level: .*bad.yaml:2:3/);
    });
    await t.step("socket path too long", async () => {
      const r = await runGoxel(["start", "--socket", `${env.dir}/${"s".repeat(120)}.sock`], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Socket path is too long/);
    });
  } finally {
    await env.cleanup();
  }
});

Deno.test("shell completion offers method names", async (t) => {
  const env = await makeTestEnv();
  try {
    await t.step("the completion callback lists matching methods", async () => {
      const r = await runGoxel(["complete", "--", "call", "add_v"], env);
      assert.match(r.stdout, /^add_voxel\t/m);
      assert.match(r.stdout, /^add_voxels\t/m);
    });
  } finally {
    await env.cleanup();
  }
});
