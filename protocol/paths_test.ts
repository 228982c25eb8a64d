import assert from "node:assert/strict";
import { defaultPaths, type RuntimePaths, socketSiblings } from "./paths.ts";

const HOME = "/home/me";

Deno.test("defaultPaths() puts runtime files in XDG_RUNTIME_DIR/goxel when it is set", () => {
  const expected: RuntimePaths = {
    runtimeDir: "/run/user/1000/goxel",
    socket: "/run/user/1000/goxel/goxel.sock",
    defaultSocket: "/run/user/1000/goxel/goxel.sock",
    pidFile: "/run/user/1000/goxel/goxel.pid",
    tokenFile: "/run/user/1000/goxel/token",
    configFile: "/home/me/.config/goxel/config.yaml",
    logFile: "/home/me/.local/state/goxel/goxel.log",
  };
  const paths = defaultPaths({
    env: { XDG_RUNTIME_DIR: "/run/user/1000", TMPDIR: "/ignored" },
    uid: 1000,
    home: HOME,
  });
  assert.deepEqual(paths, expected);
});

Deno.test("defaultPaths() falls back to a per-uid dir in TMPDIR or /tmp", async (t) => {
  const cases: [string, Record<string, string>, number, string][] = [
    ["no TMPDIR", {}, 1000, "/tmp/goxel-1000"],
    ["empty XDG_RUNTIME_DIR", { XDG_RUNTIME_DIR: "" }, 501, "/tmp/goxel-501"],
    ["TMPDIR", { TMPDIR: "/var/tmp" }, 42, "/var/tmp/goxel-42"],
    ["TMPDIR with trailing slashes", { TMPDIR: "/private/var/T//" }, 7, "/private/var/T/goxel-7"],
    ["empty TMPDIR", { TMPDIR: "" }, 0, "/tmp/goxel-0"],
  ];
  for (const [label, env, uid, runtimeDir] of cases) {
    await t.step(label, () => {
      const paths = defaultPaths({ env, uid, home: HOME });
      assert.equal(paths.runtimeDir, runtimeDir);
      assert.equal(paths.socket, `${runtimeDir}/goxel.sock`);
      assert.equal(paths.pidFile, `${runtimeDir}/goxel.pid`);
      assert.equal(paths.tokenFile, `${runtimeDir}/token`);
    });
  }
});

Deno.test("defaultPaths() honours GOXEL_SOCKET and derives the pid and token files from it", () => {
  const paths = defaultPaths({
    env: { XDG_RUNTIME_DIR: "/run/user/1", GOXEL_SOCKET: "/srv/g/work.sock" },
    uid: 1,
    home: HOME,
  });
  assert.equal(paths.runtimeDir, "/run/user/1/goxel");
  assert.equal(paths.socket, "/srv/g/work.sock");
  assert.equal(paths.defaultSocket, "/run/user/1/goxel/goxel.sock", "the default stays known");
  assert.equal(paths.pidFile, "/srv/g/work.pid");
  assert.equal(paths.tokenFile, "/srv/g/work.token");
});

Deno.test("defaultPaths() places config and log by XDG, home and GOXEL_CONFIG", async (t) => {
  const cases: [string, Record<string, string>, string, string][] = [
    [
      "defaults from home",
      {},
      "/home/me/.config/goxel/config.yaml",
      "/home/me/.local/state/goxel/goxel.log",
    ],
    [
      "XDG_CONFIG_HOME and XDG_STATE_HOME",
      { XDG_CONFIG_HOME: "/cfg", XDG_STATE_HOME: "/state" },
      "/cfg/goxel/config.yaml",
      "/state/goxel/goxel.log",
    ],
    [
      "empty XDG variables",
      { XDG_CONFIG_HOME: "", XDG_STATE_HOME: "" },
      "/home/me/.config/goxel/config.yaml",
      "/home/me/.local/state/goxel/goxel.log",
    ],
    [
      "GOXEL_CONFIG wins over XDG_CONFIG_HOME",
      { XDG_CONFIG_HOME: "/cfg", GOXEL_CONFIG: "/etc/goxel.yaml" },
      "/etc/goxel.yaml",
      "/home/me/.local/state/goxel/goxel.log",
    ],
  ];
  for (const [label, env, configFile, logFile] of cases) {
    await t.step(label, () => {
      const paths = defaultPaths({ env, uid: 1000, home: HOME });
      assert.equal(paths.configFile, configFile);
      assert.equal(paths.logFile, logFile);
    });
  }
});

Deno.test("socketSiblings() names the pid and token files after the socket", async (t) => {
  const cases: [string, { pidFile: string; tokenFile: string }][] = [
    ["/run/goxel/goxel.sock", { pidFile: "/run/goxel/goxel.pid", tokenFile: "/run/goxel/token" }],
    ["/tmp/x.sock", { pidFile: "/tmp/x.pid", tokenFile: "/tmp/x.token" }],
    ["/tmp/plain", { pidFile: "/tmp/plain.pid", tokenFile: "/tmp/plain.token" }],
    ["goxel.sock", { pidFile: "./goxel.pid", tokenFile: "./token" }],
    ["x.sock", { pidFile: "./x.pid", tokenFile: "./x.token" }],
    ["/a.sock.sock", { pidFile: "/a.sock.pid", tokenFile: "/a.sock.token" }],
  ];
  for (const [socket, expected] of cases) {
    await t.step(socket, () => assert.deepEqual(socketSiblings(socket), expected));
  }
});
