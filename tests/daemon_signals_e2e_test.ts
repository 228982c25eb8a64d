/**
 * Signals and reloads found wanting by a CLI audit: SIGUSR1 (sent by logrotate set-ups written
 * for nginx) reopens the log instead of killing the daemon, a reload reads the default config
 * file as it is now (created or removed since the start), and a log file that cannot be opened
 * stops the start with exit 1.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

async function waitFor(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when a batch of two pings is refused (max_batch 1 applies). */
async function batchRefused(c: RawClient): Promise<boolean> {
  const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
  await c.send(JSON.stringify([ping(1), ping(2)]) + "\n");
  return !Array.isArray(await c.read());
}

Deno.test("SIGUSR1 reopens the log file and the daemon keeps serving", async () => {
  const env = await makeTestEnv();
  const log = `${env.dir}/goxel.log`;
  const daemon = await startDaemon(env, ["--log-file", log]);
  try {
    await Deno.rename(log, `${log}.1`);
    daemon.proc.kill("SIGUSR1");
    await waitFor("the reopened log", async () => {
      const text = await Deno.readTextFile(log).catch(() => "");
      return text.includes("Reopened logs");
    });
    const c = await RawClient.unix(env.socket);
    assert.equal((await c.call<{ pong: boolean }>("ping")).pong, true);
    c.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a reload reads the default config file as it is now", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env); // no config file yet
  const c = await RawClient.unix(env.socket);
  try {
    const file = `${env.env.XDG_CONFIG_HOME}/goxel/config.yaml`;
    await Deno.mkdir(`${env.env.XDG_CONFIG_HOME}/goxel`, { recursive: true });
    await Deno.writeTextFile(file, "limits:\n  max_batch: 1\n");
    daemon.proc.kill("SIGHUP");
    await waitFor("the file created after the start to apply", () => batchRefused(c));
    await Deno.remove(file);
    daemon.proc.kill("SIGHUP");
    await waitFor("the defaults to come back", async () => !(await batchRefused(c)));
    assert.doesNotMatch(daemon.stderr(), /Reload on SIGHUP failed/);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a log file that cannot be opened stops the start with exit 1", async () => {
  const env = await makeTestEnv();
  try {
    // Under a regular file: no one, not even root, can create it.
    await Deno.writeTextFile(`${env.dir}/plain`, "");
    const r = await runGoxel(["start", "--log-file", `${env.dir}/plain/goxel.log`], env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /Cannot open the log file ".*plain\/goxel\.log"/);
    assert.equal((await runGoxel(["status"], env)).code, 3, "nothing is running");
  } finally {
    await env.cleanup();
  }
});
