import assert from "node:assert/strict";
import { discoverWorkers, hostTarget, sha256File, TARGETS, writeChecksums } from "./compile.ts";

Deno.test("discoverWorkers() finds the daemon's worker entry file in the repository", async () => {
  const workers = await discoverWorkers();
  // Scripts run on the same pool (daemon/script_job.ts), so daemon/worker.ts is the only entry.
  assert.deepEqual(workers, ["daemon/worker.ts"]);
});

Deno.test("discoverWorkers() rejects workers that cannot resolve in the binary", async (t) => {
  const cases = [
    { name: "accepts a worker beside a daemon/ file", file: "daemon/p.ts", ok: true },
    {
      name: "rejects a worker started from a daemon/ subfolder",
      file: "daemon/sub/p.ts",
      ok: false,
    },
    { name: "rejects a worker started from cli/", file: "cli/p.ts", ok: false },
    {
      name: "rejects a string path",
      file: "daemon/p.ts",
      code: 'new Worker("./w.ts");',
      ok: false,
    },
    {
      name: "rejects a worker file that does not exist",
      file: "daemon/p.ts",
      code: 'new Worker(new URL("./gone.ts", import.meta.url));',
      ok: false,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const root = await Deno.makeTempDir();
      try {
        for (const d of ["cli", "daemon/sub", "protocol", "core", "mcp"]) {
          await Deno.mkdir(`${root}/${d}`, { recursive: true });
        }
        await Deno.writeTextFile(`${root}/daemon/w.ts`, "");
        const code = c.code ?? 'new Worker(new URL("./w.ts", import.meta.url), { workerData: 1 });';
        await Deno.writeTextFile(`${root}/${c.file}`, code);
        if (c.ok) assert.deepEqual(await discoverWorkers(root), ["daemon/w.ts"]);
        else await assert.rejects(discoverWorkers(root), /will not resolve in the binary/);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    });
  }
});

Deno.test("writeChecksums() lists every goxel-* file in sha256sum format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/goxel-linux-x64`, "abc");
    await Deno.writeTextFile(`${dir}/goxel-darwin-arm64`, "");
    await Deno.writeTextFile(`${dir}/notes.txt`, "ignored");
    const sums = await Deno.readTextFile(await writeChecksums(dir));
    assert.equal(
      sums,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  goxel-darwin-arm64\n" +
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  goxel-linux-x64\n",
    );
    assert.equal(
      await sha256File(`${dir}/goxel-linux-x64`),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostTarget() names a release target on Linux and macOS", () => {
  const host = hostTarget();
  if (Deno.build.os === "linux" || Deno.build.os === "darwin") {
    assert.ok(host !== null && host in TARGETS, String(host));
  } else assert.equal(host, null);
});
