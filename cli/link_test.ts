import assert from "node:assert/strict";
import net from "node:net";
import process from "node:process";
import { NotRunningError, openLink, SocketPermissionError, whyDenied } from "./link.ts";

const uid = process.getuid?.() ?? -1;
const noop = { data() {}, error() {}, close() {} };

Deno.test("whyDenied() names the socket's owner and mode, and who is asking", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/goxel.sock`;
  try {
    await Deno.writeTextFile(path, "");
    await Deno.chmod(path, 0o640);
    const why = whyDenied(path);
    assert.match(why, new RegExp(`^the socket is owned by uid ${uid}\\b.* with mode 0640; `));
    assert.match(why, new RegExp(`you are uid ${uid}\\b`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("whyDenied() names the nearest directory it can see when the socket is out of sight", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.chmod(dir, 0o700);
    // Missing path parts stand for ones this user may not look into.
    const why = whyDenied(`${dir}/hidden/goxel/goxel.sock`);
    assert.match(
      why,
      new RegExp(`^the directory ${dir} is owned by uid ${uid}\\b.* with mode 0700`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SocketPermissionError says permission denied, names the path and keeps the cause", () => {
  const cause = Object.assign(new Error("connect EACCES"), { code: "EACCES" });
  const err = new SocketPermissionError("/nonexistent/goxel.sock", { cause });
  assert.equal(err.reason, "permission_denied");
  assert.equal(err.path, "/nonexistent/goxel.sock");
  assert.equal(err.cause, cause);
  assert.match(
    err.message,
    /^Cannot connect to goxel on \/nonexistent\/goxel\.sock: permission denied \(/,
  );
  assert.ok(!(err instanceof NotRunningError), "never reported as not running");
});

Deno.test({
  name: "openLink() to a socket this user may not write rejects with SocketPermissionError",
  // root may write any socket; the end-to-end suite covers root by running the CLI as nobody.
  ignore: uid === 0 || Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/goxel.sock`;
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(path, r));
    try {
      await Deno.chmod(path, 0o000);
      await assert.rejects(openLink({ socket: path }, noop, 2000), (err: unknown) => {
        assert.ok(err instanceof SocketPermissionError, String(err));
        assert.match(err.message, /mode 0000/);
        return true;
      });
    } finally {
      await new Promise((r) => server.close(r));
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("openLink() to a missing socket is still NotRunningError", async () => {
  await assert.rejects(
    openLink({ socket: "/nonexistent/goxel.sock" }, noop, 2000),
    (err: unknown) => err instanceof NotRunningError && /ENOENT/.test(err.message),
  );
});
