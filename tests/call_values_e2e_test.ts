/**
 * `goxel call` values as a user types them, against a real daemon: a param declared as a string
 * keeps the text (`2024`, `null`, `true`), every other param reads JSON when it parses.
 */
import assert from "node:assert/strict";
import { makeTestEnv, runGoxel, type TestEnv } from "./support_testing.ts";

async function call(env: TestEnv, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await runGoxel(["call", ...args], env);
  assert.equal(r.code, 0, `goxel call ${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

Deno.test("goxel call keeps the text of string params and reads JSON for the others", async (t) => {
  const env = await makeTestEnv();
  try {
    const names: [string, string[], string][] = [
      ["a number-like name", ["2024", "8", "8", "8"], "2024"],
      ["null as a name", ["null", "8", "8", "8"], "null"],
      ["true as a name", ["true", "4", "4", "4"], "true"],
      ["a quoted JSON string", ['"1999"', "4", "4", "4"], "1999"],
      ["a number-like name=value", ["name=2025", "width=4", "height=4", "depth=4"], "2025"],
    ];
    for (const [label, args, name] of names) {
      await t.step(`create_project: ${label}`, async () => {
        await call(env, "create_project", ...args);
        const info = await call(env, "get_project_info");
        assert.equal(info.name, name);
        assert.equal(typeof info.width, "number");
      });
    }
    await t.step("save_project: a number-like path, positional and with --project", async () => {
      await call(env, "save_project", "2024", "gox");
      assert.ok((await Deno.stat(`${env.dir}/2024`)).isFile);
      const { project_id } = await call(env, "get_project_info");
      await call(env, "save_project", "2025", "format=gox", "--project", String(project_id));
      assert.ok((await Deno.stat(`${env.dir}/2025`)).isFile);
    });
    await t.step("rename_layer: an id stays a number, a name stays text", async () => {
      const { layers } = await call(env, "list_layers") as { layers: { id: number }[] };
      await call(env, "rename_layer", String(layers[0].id), "7");
      const after = await call(env, "list_layers") as { layers: { name: string }[] };
      assert.equal(after.layers[0].name, "7");
    });
    await t.step("numbers, colours and JSON lists still parse", async () => {
      await call(env, "add_voxel", "1", "2", "3", "#ff0000");
      await call(env, "add_voxel", "x=2", "y=2", "z=3", "color=[0,255,0]");
      assert.deepEqual((await call(env, "get_voxel", "1", "2", "3")).color, [255, 0, 0, 255]);
      assert.deepEqual((await call(env, "get_voxel", "2", "2", "3")).color, [0, 255, 0, 255]);
    });
    await t.step("a string param still refuses what its schema refuses", async () => {
      const r = await runGoxel(["call", "create_project", "", "8", "8", "8"], env);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /name/);
    });
    await t.step("a mistyped name=value is a usage error naming the method's params", async () => {
      for (
        const args of [["add_voxel", "1", "2", "3", "colr=#ff0000"], ["get_voxel", "1", "prjct=p1"]]
      ) {
        const r = await runGoxel(["call", ...args], env);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, /unknown param "(colr|prjct)" .*\(params: x, y, z, /);
      }
    });
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});
