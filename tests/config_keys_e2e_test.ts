/**
 * A misspelt key inside a config section (`limits.max_conections`, `log.bogus`) is refused with
 * its file, line and column, by `goxel start` and by `goxel reload` (which keeps the old config).
 */
import assert from "node:assert/strict";
import { makeTestEnv, runGoxel } from "./support_testing.ts";

Deno.test({
  name: "goxel start and reload refuse an unknown nested config key and say where it is",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const env = await makeTestEnv();
    const dir = `${env.env.XDG_CONFIG_HOME}/goxel`;
    const file = `${dir}/config.yaml`;
    await Deno.mkdir(dir, { recursive: true });
    try {
      await Deno.writeTextFile(file, "limits:\n  max_conections: 3\n");
      const refused = await runGoxel(["start"], env);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.ok(
        refused.stderr.includes(
          `unknown key limits.max_conections (did you mean max_connections?) (${file}:2:3)`,
        ),
        refused.stderr,
      );

      await Deno.writeTextFile(file, "limits:\n  max_connections: 3\n");
      const started = await runGoxel(["start"], env);
      assert.equal(started.code, 0, started.stderr);
      await Deno.writeTextFile(file, "limits:\n  max_connections: 4\nlog:\n  bogus: 1\n");
      const bad = await runGoxel(["reload"], env);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /keeps the old one/);
      assert.ok(bad.stderr.includes(`unknown key log.bogus (${file}:4:3)`), bad.stderr);

      // The refused reload changed nothing: the next good one still finds 3 → 4 to apply.
      await Deno.writeTextFile(file, "limits:\n  max_connections: 4\n");
      const good = await runGoxel(["reload"], env);
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /Changed: limits\.max_connections/);
    } finally {
      await runGoxel(["stop"], env);
      await env.cleanup();
    }
  },
});
