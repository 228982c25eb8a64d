/**
 * Where a daemon keeps its journals when it runs on another socket: `--socket`, GOXEL_SOCKET and
 * the config file's `socket` all give it its own `sockets/<hash>` data directory, so it neither
 * takes over the default daemon's sessions nor is refused while the default daemon runs.
 */
import assert from "node:assert/strict";
import { makeTestEnv, runGoxel, type TestEnv } from "./support_testing.ts";

const linux = Deno.build.os === "linux";

/** The data directory `goxel status` reports. */
function dataDirOf(stdout: string): string {
  const m = stdout.match(/data in (\S+)/);
  assert.ok(m, `no data directory in: ${stdout}`);
  return m[1];
}

/** Starts a daemon with extra args and env, reads its data dir from status, then stops it. */
async function dataDirWhenStarted(
  t: TestEnv,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  const run = { ...t, env: { ...t.env, ...env } };
  const started = await runGoxel(["start", ...args], run);
  assert.equal(started.code, 0, started.stdout + started.stderr);
  try {
    // Exit 1 (running, but unhealthy on a busy machine) still reports the data directory.
    const status = await runGoxel(["status", ...args], run);
    assert.ok(status.code <= 1, status.stdout + status.stderr);
    return dataDirOf(status.stdout);
  } finally {
    assert.equal((await runGoxel(["stop", ...args], run)).code, 0);
  }
}

Deno.test({
  name: "a daemon on another socket keeps its own data dir however the socket is named",
  ignore: !linux,
  fn: async (t) => {
    const env = await makeTestEnv();
    const altDir = `${env.dir}/alt`;
    await Deno.mkdir(altDir, { mode: 0o700 });
    const alt = `${altDir}/s3.sock`;
    const configFile = `${env.dir}/alt.yaml`;
    await Deno.writeTextFile(configFile, `socket: ${alt}\n`);
    const stateDir = `${env.env.XDG_STATE_HOME}/goxel`;
    try {
      const started = await runGoxel(["start"], env);
      assert.equal(started.code, 0, started.stderr);
      const defaultDir = dataDirOf((await runGoxel(["status"], env)).stdout);
      assert.equal(defaultDir, stateDir);
      const byFlag = await dataDirWhenStarted(env, ["--socket", alt], {});
      assert.match(byFlag, new RegExp(`^${stateDir}/sockets/[0-9a-f]{8}$`));
      await t.step("GOXEL_SOCKET, while the default daemon runs", async () => {
        assert.equal(await dataDirWhenStarted(env, [], { GOXEL_SOCKET: alt }), byFlag);
      });
      await t.step("the config file's socket, while the default daemon runs", async () => {
        assert.equal(await dataDirWhenStarted(env, [], { GOXEL_CONFIG: configFile }), byFlag);
      });
      assert.equal((await runGoxel(["stop"], env)).code, 0);
      await t.step("GOXEL_SOCKET, with no default daemon", async () => {
        assert.equal(await dataDirWhenStarted(env, [], { GOXEL_SOCKET: alt }), byFlag);
      });
    } finally {
      await runGoxel(["stop", "--socket", alt], env);
      await runGoxel(["stop"], env);
      await env.cleanup();
    }
  },
});
