import assert from "node:assert/strict";
import { acquireLock } from "../daemon/runtime_files.ts";
import { holdsLock, isAlive, isLockHeld, lockName, readPidFile, startTime } from "./daemon_lock.ts";

const linux = Deno.build.os === "linux";

/** A child that sleeps until killed (a harmless process that is not the daemon). */
function sleeper(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
}

Deno.test("isLockHeld() and holdsLock() see the lock the daemon's acquireLock takes", async () => {
  const dir = await Deno.makeTempDir();
  const socket = `${dir}/goxel.sock`;
  try {
    assert.equal(await isLockHeld(socket), false, "nobody holds it yet");
    const release = await acquireLock(socket);
    try {
      assert.equal(await isLockHeld(socket), true);
      assert.equal(holdsLock(Deno.pid, socket), true, "this process holds it");
      assert.equal(await isLockHeld(`${dir}/other.sock`), false, "a lock is per socket");
    } finally {
      release();
    }
    await new Promise((r) => setTimeout(r, 0)); // close() completes on the next turn
    assert.equal(await isLockHeld(socket), false, "released");
    assert.equal(holdsLock(Deno.pid, socket), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "holdsLock() is false for a live process that does not hold the lock",
  ignore: !linux,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const socket = `${dir}/goxel.sock`;
    // Started first: a child started later inherits the lock's descriptor (no close-on-exec).
    const decoy = sleeper();
    const release = await acquireLock(socket);
    try {
      assert.equal(holdsLock(decoy.pid, socket), false);
    } finally {
      decoy.kill("SIGKILL");
      await decoy.status;
      release();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("lockName() is the abstract name the daemon binds", () => {
  assert.equal(
    lockName("/run/user/1/goxel/goxel.sock"),
    "\0goxel-lock:/run/user/1/goxel/goxel.sock",
  );
});

Deno.test({
  name: "startTime() tells two processes apart and stays the same for one",
  ignore: !linux,
  fn: async () => {
    const a = sleeper();
    const b = sleeper();
    try {
      assert.ok(startTime(a.pid) !== null);
      assert.equal(startTime(a.pid), startTime(a.pid));
      assert.equal(startTime(Deno.pid), startTime(Deno.pid));
      assert.notEqual(`${a.pid}:${startTime(a.pid)}`, `${b.pid}:${startTime(b.pid)}`);
    } finally {
      a.kill("SIGKILL");
      b.kill("SIGKILL");
      await Promise.all([a.status, b.status]);
    }
    assert.equal(startTime(a.pid), null, "gone (reaped)");
  },
});

Deno.test("isAlive() is true for a running process and false once it has exited", async () => {
  const child = sleeper();
  assert.equal(isAlive(child.pid), true);
  child.kill("SIGKILL");
  // Not reaped yet: a zombie counts as gone.
  const deadline = Date.now() + 5000;
  while (isAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(isAlive(child.pid), false);
  await child.status;
  assert.equal(isAlive(Deno.pid), true);
});

Deno.test("readPidFile() reads a pid and refuses anything else", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string, string | null, number | null][] = [
      ["a pid and a newline", "1234\n", 1234],
      ["a pid with spaces", "  42 ", 42],
      ["an empty file", "", null],
      ["text", "goxel\n", null],
      ["zero", "0\n", null],
      ["a negative number", "-5\n", null],
      ["a fraction", "1.5\n", null],
      ["no file", null, null],
    ];
    for (const [label, text, want] of cases) {
      await t.step(label, async () => {
        const path = `${dir}/${label.replaceAll(" ", "_")}.pid`;
        if (text !== null) await Deno.writeTextFile(path, text);
        assert.equal(readPidFile(path), want);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
