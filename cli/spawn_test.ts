import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { selfCommand } from "./spawn.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** Runs fn with process.argv[1] set to script (removed when undefined), restoring it after. */
function withScript<T>(script: string | undefined, fn: () => T): T {
  const saved = [...process.argv];
  process.argv.length = 1;
  if (script !== undefined) process.argv.push(script);
  try {
    return fn();
  } finally {
    process.argv.length = 0;
    process.argv.push(...saved);
  }
}

Deno.test("selfCommand() under Deno runs the script again with -A", () => {
  const cmd = selfCommand();
  assert.equal(cmd[0], process.execPath);
  assert.equal(cmd[0], Deno.execPath());
  assert.deepEqual(cmd.slice(1, 4), ["run", "-A", "--quiet"]);
  assert.equal(cmd.at(-1), process.argv[1]);
});

Deno.test("selfCommand() builds the argv prefix from the running script", async (t) => {
  const exe = process.execPath;
  const cases: [string, string | undefined, string[]][] = [
    [
      "a script beside deno.json gets --config",
      `${REPO}/main.ts`,
      [exe, "run", "-A", "--quiet", "--config", `${REPO}/deno.json`, `${REPO}/main.ts`],
    ],
    [
      "a script in a folder without deno.json gets none",
      `${REPO}/cli/mod.ts`,
      [exe, "run", "-A", "--quiet", `${REPO}/cli/mod.ts`],
    ],
    ["a compiled binary (no script)", undefined, [exe]],
    ["a compiled binary (script is the executable)", exe, [exe]],
    ["a bun-compiled binary", "/$bunfs/root/goxel", [exe]],
  ];
  for (const [label, script, expected] of cases) {
    await t.step(label, () => assert.deepEqual(withScript(script, selfCommand), expected));
  }
});
