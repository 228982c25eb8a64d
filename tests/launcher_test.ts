/**
 * The source checkout's launcher (`./goxel`, a shell script): it runs from a symlink on PATH
 * (absolute or relative, chained), as the completions and the MCP setup assume a plain `goxel`.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { makeTestEnv, rootPath } from "./support_testing.ts";

Deno.test("./goxel runs through absolute and relative symlinks", async () => {
  const t = await makeTestEnv();
  try {
    await Deno.mkdir(`${t.dir}/bin`);
    await Deno.mkdir(`${t.dir}/other`);
    await Deno.symlink(rootPath("goxel"), `${t.dir}/bin/goxel`);
    // A relative link to the absolute one, from another directory.
    await Deno.symlink("../bin/goxel", `${t.dir}/other/gx`);
    for (const link of [`${t.dir}/bin/goxel`, `${t.dir}/other/gx`]) {
      const out = await new Deno.Command(link, {
        args: ["--version"],
        cwd: t.dir,
        env: { ...t.env, PATH: `${dirname(Deno.execPath())}:/usr/bin:/bin` },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      assert.equal(out.code, 0, `${link}: ${dec.decode(out.stderr)}`);
      assert.match(dec.decode(out.stdout), /^goxel \d+\.\d+\.\d+ \(/);
    }
  } finally {
    await t.cleanup();
  }
});
