import assert from "node:assert/strict";
import { PathRefusedError, WorkspaceRoot } from "./root.ts";

Deno.test("WorkspaceRoot.resolve() keeps paths inside the root and refuses the rest", async (t) => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const outside = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/sub`);
  await Deno.symlink(outside, `${dir}/escape`);
  await Deno.symlink(`${dir}/sub`, `${dir}/inner`);
  const root = new WorkspaceRoot(dir);
  try {
    const accepted: [string, string][] = [
      ["a.gox", `${dir}/a.gox`],
      ["sub/b.gox", `${dir}/sub/b.gox`],
      ["sub/../c.gox", `${dir}/c.gox`],
      [`${dir}/new/d.gox`, `${dir}/new/d.gox`],
      ["inner/e.gox", `${dir}/inner/e.gox`],
    ];
    for (const [path, want] of accepted) {
      await t.step(`accepts ${path}`, () => assert.equal(root.resolve(path), want));
    }
    const refused: [string, RegExp][] = [
      ["../x.gox", /outside the workspace root/],
      ["sub/../../x.gox", /outside the workspace root/],
      ["/etc/passwd", /outside the workspace root/],
      ["escape/x.gox", /symbolic link leads outside/],
      ["escape", /symbolic link leads outside/],
      ["", /empty/],
      ["a\0b", /NUL/],
    ];
    for (const [path, pattern] of refused) {
      await t.step(`refuses ${JSON.stringify(path)}`, () => {
        assert.throws(() => root.resolve(path), (e) => e instanceof PathRefusedError);
        assert.throws(() => root.resolve(path), pattern);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
