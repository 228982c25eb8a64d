import assert from "node:assert/strict";
import { DaemonLink, DaemonUnavailableError, resolveDaemonSocket } from "./daemon_link.ts";

Deno.test("resolveDaemonSocket() takes the flag, then GOXEL_SOCKET, then the runtime dir", async () => {
  assert.equal(await resolveDaemonSocket({}, "/w", "s.sock"), "/w/s.sock");
  assert.equal(await resolveDaemonSocket({ GOXEL_SOCKET: "/x.sock" }, "/w"), "/x.sock");
  assert.equal(
    await resolveDaemonSocket({ XDG_RUNTIME_DIR: "/run/u" }, "/w"),
    "/run/u/goxel/goxel.sock",
  );
});

Deno.test("resolveDaemonSocket() reads socket: from the default config file, as the CLI does", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/config/goxel`, { recursive: true });
    await Deno.writeTextFile(`${dir}/config/goxel/config.yaml`, "socket: from-config.sock\n");
    const env = { XDG_CONFIG_HOME: `${dir}/config`, XDG_RUNTIME_DIR: "/run/u" };
    assert.equal(await resolveDaemonSocket(env, "/w"), "/w/from-config.sock");
    assert.equal(await resolveDaemonSocket({ ...env, GOXEL_SOCKET: "/x.sock" }, "/w"), "/x.sock");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DaemonLink.call() fails fast with a clear error when nothing listens", async () => {
  const dir = await Deno.makeTempDir();
  const link = new DaemonLink({
    socket: `${dir}/none.sock`,
    spawn: false,
    env: {},
    workspace: dir,
  });
  try {
    const started = Date.now();
    await assert.rejects(
      link.call("goxel.ping"),
      (e) => e instanceof DaemonUnavailableError && /start it with: goxel start/.test(e.message),
    );
    assert.ok(Date.now() - started < 2000);
  } finally {
    link.close();
    await Deno.remove(dir, { recursive: true });
  }
});
