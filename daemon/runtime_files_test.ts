import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  acquireLock,
  checkSocketParent,
  checkSocketPath,
  clearStaleSocket,
  ensurePrivateDir,
  isProcessAlive,
  isSocketAlive,
  MAX_SOCKET_PATH,
  readPid,
  removeFiles,
  StartupError,
  writePidFile,
  writeTokenFile,
} from "./runtime_files.ts";

async function withTempDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  // A short prefix keeps socket paths well under the 107-byte limit.
  const dir = await Deno.makeTempDir({ prefix: "gxrt" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Binds a Unix socket in a child process that exits without closing it (as after kill -9). */
async function leaveStaleSocket(path: string): Promise<void> {
  // Deno unlinks the file when a listener closes, so only a process that dies leaves one.
  const code = `Deno.listen({ transport: "unix", path: ${JSON.stringify(path)} }); Deno.exit(0);`;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code] }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

function isStartupError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof StartupError, String(err));
    assert.equal(err.name, "StartupError");
    assert.match(err.message, pattern);
    return true;
  };
}

Deno.test("ensurePrivateDir() creates missing directories with mode 0700", async () => {
  await withTempDir((dir) => {
    const target = join(dir, "a", "goxel");
    ensurePrivateDir(target);
    const info = Deno.lstatSync(target);
    assert.ok(info.isDirectory);
    assert.equal(info.mode! & 0o777, 0o700);
    ensurePrivateDir(target);
  });
});

Deno.test("ensurePrivateDir() refuses directories open to other users", async (t) => {
  await withTempDir(async (dir) => {
    for (const mode of [0o755, 0o750, 0o701, 0o707]) {
      await t.step(`mode ${mode.toString(8)}`, () => {
        const target = join(dir, `m${mode.toString(8)}`);
        Deno.mkdirSync(target);
        Deno.chmodSync(target, mode);
        assert.throws(() => ensurePrivateDir(target), isStartupError(/chmod 700/));
        assert.throws(() => ensurePrivateDir(target), isStartupError(/lets other users in/));
      });
    }
  });
});

Deno.test("ensurePrivateDir() refuses a symlink or a non-directory", async (t) => {
  await withTempDir(async (dir) => {
    const real = join(dir, "real");
    Deno.mkdirSync(real, { mode: 0o700 });
    Deno.chmodSync(real, 0o700);
    const link = join(dir, "link");
    Deno.symlinkSync(real, link);
    const file = join(dir, "file");
    Deno.writeTextFileSync(file, "");
    const cases: [string, string][] = [["symlink to a private directory", link], [
      "regular file",
      file,
    ]];
    for (const [name, path] of cases) {
      await t.step(name, () => {
        assert.throws(() => ensurePrivateDir(path), isStartupError(new RegExp(path)));
      });
    }
  });
});

Deno.test("checkSocketPath() accepts up to 107 bytes and refuses longer paths", async (t) => {
  const cases: [string, string, boolean][] = [
    ["107 ASCII bytes", "/" + "a".repeat(MAX_SOCKET_PATH - 1), true],
    ["108 ASCII bytes", "/" + "a".repeat(MAX_SOCKET_PATH), false],
    ["54 two-byte characters (108 bytes)", "é".repeat(54), false],
    ["a short path", "/tmp/goxel.sock", true],
  ];
  assert.equal(MAX_SOCKET_PATH, 107);
  for (const [name, path, ok] of cases) {
    await t.step(name, () => {
      if (ok) checkSocketPath(path);
      else assert.throws(() => checkSocketPath(path), isStartupError(/too long \(108 bytes/));
    });
  }
});

Deno.test("acquireLock() refuses a second holder until the first releases", async () => {
  await withTempDir(async (dir) => {
    const sock = join(dir, "goxel.sock");
    const release = await acquireLock(sock);
    try {
      await assert.rejects(acquireLock(sock), isStartupError(/already running/));
      const other = await acquireLock(join(dir, "other.sock"));
      other();
    } finally {
      release();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await acquireLock(sock);
    again();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

Deno.test("acquireLock() names the running pid from the pid file beside the socket", async () => {
  await withTempDir(async (dir) => {
    const sock = join(dir, "goxel.sock");
    Deno.writeTextFileSync(join(dir, "goxel.pid"), "4242\n");
    const release = await acquireLock(sock);
    try {
      await assert.rejects(acquireLock(sock), isStartupError(/already running \(pid 4242\) on /));
    } finally {
      release();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

Deno.test("clearStaleSocket() removes a socket file nobody listens on", async (t) => {
  await withTempDir(async (dir) => {
    await t.step("a leftover Unix socket file", async () => {
      const path = join(dir, "stale.sock");
      await leaveStaleSocket(path);
      assert.ok(Deno.lstatSync(path).isSocket);
      assert.equal(await isSocketAlive(path), false);
      await clearStaleSocket(path);
      assert.equal(existsSync(path), false);
    });
    await t.step("a regular file at the socket path is never deleted", async () => {
      const path = join(dir, "plain.sock");
      Deno.writeTextFileSync(path, "precious");
      await assert.rejects(clearStaleSocket(path), isStartupError(/it exists and is not a socket/));
      assert.equal(Deno.readTextFileSync(path), "precious");
    });
    await t.step("nothing at the path", async () => {
      await clearStaleSocket(join(dir, "none.sock"));
    });
  });
});

Deno.test("clearStaleSocket() refuses while something listens on the socket", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "live.sock");
    const listener = Deno.listen({ transport: "unix", path });
    try {
      assert.equal(await isSocketAlive(path), true);
      await assert.rejects(clearStaleSocket(path), isStartupError(/is in use by another process/));
      assert.ok(existsSync(path), "a live socket is left in place");
    } finally {
      listener.close();
    }
  });
});

Deno.test("readPid() reads a positive integer or returns null", async (t) => {
  await withTempDir(async (dir) => {
    const cases: [string, string | null, number | null][] = [
      ["pid with newline", "1234\n", 1234],
      ["pid with spaces", "  77  ", 77],
      ["text", "abc\n", null],
      ["zero", "0\n", null],
      ["negative", "-5\n", null],
      ["fraction", "1.5\n", null],
      ["empty", "", null],
      ["missing file", null, null],
    ];
    for (const [i, [name, content, expected]] of cases.entries()) {
      await t.step(name, () => {
        const path = join(dir, `pid${i}`);
        if (content !== null) Deno.writeTextFileSync(path, content);
        assert.equal(readPid(path), expected);
      });
    }
  });
});

Deno.test("writePidFile() writes this process's pid", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "goxel.pid");
    writePidFile(path);
    assert.equal(Deno.readTextFileSync(path), `${Deno.pid}\n`);
    assert.equal(readPid(path), Deno.pid);
    assert.equal(Deno.statSync(path).mode! & 0o022, 0, "not writable by group or others");
  });
});

Deno.test("writePidFile() refuses a symlink in the pid file's place", async () => {
  await withTempDir((dir) => {
    const victim = join(dir, "victim.txt");
    Deno.writeTextFileSync(victim, "keep me");
    const path = join(dir, "goxel.pid");
    Deno.symlinkSync(victim, path);
    assert.throws(() => writePidFile(path), isStartupError(/it is a symbolic link/));
    assert.equal(Deno.readTextFileSync(victim), "keep me");
  });
});

Deno.test("checkSocketParent() refuses symlinked, missing and group-writable directories", async (t) => {
  await withTempDir(async (dir) => {
    const real = join(dir, "real");
    Deno.mkdirSync(real, { mode: 0o700 });
    await t.step("a private directory is fine", () => checkSocketParent(join(real, "g.sock")));
    await t.step("a symlinked directory", () => {
      Deno.symlinkSync(real, join(dir, "link"));
      assert.throws(
        () => checkSocketParent(join(dir, "link", "g.sock")),
        isStartupError(/symlink/),
      );
    });
    await t.step("a missing directory (never created)", () => {
      assert.throws(
        () => checkSocketParent(join(dir, "nope", "g.sock")),
        isStartupError(/Cannot use/),
      );
      assert.equal(existsSync(join(dir, "nope")), false);
    });
    await t.step("a group-writable directory", () => {
      const open = join(dir, "open");
      Deno.mkdirSync(open);
      Deno.chmodSync(open, 0o777);
      assert.throws(
        () => checkSocketParent(join(open, "g.sock")),
        isStartupError(/lets other users/),
      );
    });
  });
});

Deno.test("writeTokenFile() writes a fresh 64-hex-digit token in a 0600 file", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "token");
    Deno.writeTextFileSync(path, "old token", { mode: 0o644 });
    Deno.chmodSync(path, 0o644);
    const token = writeTokenFile(path);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(Deno.readTextFileSync(path), `${token}\n`);
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    const next = writeTokenFile(path);
    assert.notEqual(next, token);
    assert.equal(Deno.readTextFileSync(path), `${next}\n`);
  });
});

Deno.test("isProcessAlive() is true for this process and false for an exited one", async () => {
  assert.equal(isProcessAlive(Deno.pid), true);
  const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
  const status = await child.status;
  assert.ok(status.success);
  assert.equal(isProcessAlive(child.pid), false);
});

Deno.test("removeFiles() removes the given files and skips missing or empty entries", async () => {
  await withTempDir((dir) => {
    const a = join(dir, "a"), b = join(dir, "b");
    Deno.writeTextFileSync(a, "");
    Deno.writeTextFileSync(b, "");
    removeFiles(a, null, undefined, "", join(dir, "missing"), b);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});
