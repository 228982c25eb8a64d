import assert from "node:assert/strict";
import { ConfigError, diffConfig, loadConfig } from "./config.ts";

async function withFile(text: string, fn: (file: string) => Promise<void>): Promise<void> {
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    await Deno.writeTextFile(file, text);
    await fn(file);
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("loadConfig() fills every default from nothing", async () => {
  const c = await loadConfig({});
  assert.equal(c.limits.max_message_bytes, 16 * 1024 * 1024);
  assert.equal(c.limits.max_depth, 64);
  assert.equal(c.limits.max_batch, 1000);
  assert.equal(c.limits.max_connections, 256);
  assert.equal(c.tcp.enabled, false);
  assert.equal(c.tcp.host, "127.0.0.1");
  assert.equal(c.log.level, "info");
  assert.equal(c.history_limit, 256);
});

Deno.test("loadConfig() layers flags over env over file over defaults", async () => {
  await withFile("log:\n  level: error\nlimits:\n  max_batch: 5\nworkers: 4\n", async (file) => {
    const c = await loadConfig({
      file,
      env: { GOXEL_LOG_LEVEL: "warning" },
      flags: { workers: 3, log: { level: undefined } },
    });
    assert.equal(c.log.level, "warning", "env beats the file");
    assert.equal(c.limits.max_batch, 5, "the file beats defaults");
    assert.equal(c.workers, 3, "flags beat the file");
    assert.equal(c.limits.max_depth, 64, "untouched keys keep their defaults");
  });
});

Deno.test("loadConfig() takes an empty file, or one of comments only, as setting nothing", async () => {
  for (const text of ["", "\n", "# nothing here yet\n"]) {
    await withFile(text, async (file) => {
      const c = await loadConfig({ file });
      assert.equal(c.limits.max_batch, 1000, JSON.stringify(text));
    });
  }
  await withFile("- a list\n", async (file) => {
    await assert.rejects(loadConfig({ file }), /the top level must be a mapping of keys/);
  });
});

Deno.test("loadConfig() names the key, file, line and column of each problem", async (t) => {
  const cases: [string, RegExp][] = [
    ["log:\n  level: loud\n", /log.level: .*:2:3\)/],
    ["limits:\n  max_depth: 1.5\n", /limits.max_depth: .*:2:3\)/],
    ["workers: 2\nbogus: 1\n", /unknown key bogus .*:2:1\)/],
    ["limits:\n  max_conections: 3\n", /unknown key limits.max_conections .*:2:3\)/],
    ["log:\n  bogus: 1\n", /unknown key log.bogus .*:2:3\)/],
    ["checkpoint:\n  max_seconds: 5\n  every: 1\n", /unknown key checkpoint.every .*:3:3\)/],
    ["tcp:\n  port: 99999\n", /tcp.port: .*:2:3\)/],
    ["log: [1, 2\n", /:\d+:\d+: [^\n]*[^:\n]$/], // no dangling colon before a quoted excerpt
    ["- a list\n", /the top level must be a mapping/],
  ];
  for (const [text, pattern] of cases) {
    await t.step(JSON.stringify(text), async () => {
      await withFile(text, async (file) => {
        const err = await loadConfig({ file }).then(() => null, (e) => e);
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
        assert.match(err.message, pattern);
      });
    });
  }
  await t.step("a missing file", async () => {
    await assert.rejects(
      loadConfig({ file: "/nonexistent/goxel.yaml" }),
      /cannot read config file/,
    );
  });
});

Deno.test("diffConfig() separates keys applied at once from restart-only ones", async () => {
  const a = await loadConfig({});
  const b = await loadConfig({
    flags: { limits: { max_batch: 2 }, tcp: { enabled: true }, socket: "/tmp/x.sock" },
  });
  const r = diffConfig(a, b);
  assert.deepEqual(r.changed, ["limits.max_batch", "socket", "tcp.enabled"]);
  assert.deepEqual(r.applied, ["limits.max_batch"]);
  assert.deepEqual(r.restart_required, ["socket", "tcp.enabled"]);
  assert.deepEqual(diffConfig(a, a).changed, []);
});

Deno.test("loadConfig() rejects an unknown key in every section of the file", async (t) => {
  const sections = ["tcp", "http", "log", "limits", "changes", "render", "script", "checkpoint"];
  for (const section of sections) {
    await t.step(section, async () => {
      await withFile(`${section}:\n  typo_key: 1\n`, async (file) => {
        await assert.rejects(
          loadConfig({ file }),
          new RegExp(`unknown key ${section}\\.typo_key \\(${file}:2:3\\)`),
        );
      });
    });
  }
  await t.step("each unknown key is named with its own place", async () => {
    await withFile("log:\n  a: 1\n  b: 2\n", async (file) => {
      const err = await loadConfig({ file }).then(() => null, (e) => e);
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.issues, [
        `unknown key log.a (${file}:2:3)`,
        `unknown key log.b (${file}:3:3)`,
      ]);
    });
  });
});
