/**
 * Logging end to end: a log that cannot be written never stops the daemon, requests are not
 * logged by default (failures always are), and log.access logs each one.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { makeTestEnv, RawClient, startDaemon, waitFor } from "./support_testing.ts";

Deno.test("a log that cannot be written (disk full) does not stop the daemon", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env, [], "log:\n  file: /dev/full\n  access: true\n");
  try {
    const c = await RawClient.unix(env.socket);
    for (let i = 0; i < 3; i++) await c.call("goxel.ping");
    await new Promise((r) => setTimeout(r, 300)); // past the batch delay: the write fails
    assert.equal((await c.request("goxel.no_such_method")).error?.code, -32601);
    assert.deepEqual(Object.keys(await c.call("goxel.ping") as object).sort(), [
      "pong",
      "timestamp",
    ]);
    await waitFor("the failure to be reported", () => /cannot write the log/.test(daemon.stderr()));
    c.close();
    assert.equal(await daemon.stop(), 0, "it stops cleanly: " + daemon.stderr());
    // Warnings are written at once, inside the request that logs them (every request is "slow").
    daemon = await startDaemon(
      env,
      [],
      "log:\n  file: /dev/full\n  level: warning\n  slow_ms: 0\n",
    );
    const w = await RawClient.unix(env.socket);
    for (let i = 0; i < 3; i++) assert.ok(await w.call("goxel.ping"));
    w.close();
  } finally {
    assert.equal(await daemon.stop(), 0, "it stops cleanly: " + daemon.stderr());
    await env.cleanup();
  }
});

Deno.test("requests are not logged by default; failures always are; log.access logs each", async () => {
  const env = await makeTestEnv();
  let daemon = await startDaemon(env, ["--log-level", "info"]);
  try {
    const c = await RawClient.unix(env.socket);
    for (let i = 0; i < 5; i++) await c.call("goxel.ping");
    assert.equal((await c.request("goxel.no_such_method")).error?.code, -32601);
    await waitFor("the failure to be logged", () => /failed with -32601/.test(daemon.stderr()));
    assert.doesNotMatch(daemon.stderr(), /goxel\.ping\\?"? ok in/);
    c.close();
    await daemon.stop();
    daemon = await startDaemon(env, ["--log-level", "info"], "log:\n  access: true\n");
    const a = await RawClient.unix(env.socket);
    await a.call("goxel.ping");
    await waitFor("the access log line", () => /goxel\.ping\\?"? ok in/.test(daemon.stderr()));
    a.close();
    await daemon.stop();
    // In a log file too, lines arrive in batches but soon, even when no later line follows.
    const file = `${env.dir}/access.log`;
    daemon = await startDaemon(env, ["--log-file", file], "log:\n  access: true\n");
    const f = await RawClient.unix(env.socket);
    for (let i = 0; i < 3; i++) await f.call("goxel.ping");
    const read = () => existsSync(file) ? Deno.readTextFileSync(file) : ""; // opened at a first line
    const pings = () => read().match(/goxel\.ping\\?"? ok in/g)?.length ?? 0;
    await waitFor("three access lines in the file", () => pings() === 3, 2000);
    const line = JSON.parse(
      Deno.readTextFileSync(file).split("\n").findLast((l) => /ping/.test(l))!,
    );
    assert.equal(line.properties.method, "goxel.ping");
    assert.equal(line.level, "INFO");
    f.close();
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});
