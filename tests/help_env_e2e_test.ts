/**
 * `goxel --help` lists every GOXEL_* environment variable the product reads (found in the
 * sources of main.ts, cli/, daemon/, mcp/ and protocol/), each with a meaning.
 */
import assert from "node:assert/strict";
import { makeTestEnv, rootPath, runGoxel } from "./support_testing.ts";

/** Read by the product but not for users: a test hook. */
const INTERNAL = new Set(["GOXEL_JOURNAL_TEST_SHIM"]);

/** Every `env.GOXEL_X` (or `env["GOXEL_X"]`) the product code reads. */
async function variablesRead(): Promise<Set<string>> {
  const found = new Set<string>();
  const scan = async (path: string): Promise<void> => {
    if (Deno.statSync(path).isDirectory) {
      for await (const e of Deno.readDir(path)) await scan(`${path}/${e.name}`);
      return;
    }
    if (!path.endsWith(".ts") || /_test(ing)?\.ts$/.test(path)) return;
    const text = await Deno.readTextFile(path);
    for (const m of text.matchAll(/env(?:\.|\[")(GOXEL_[A-Z0-9_]+)/g)) found.add(m[1]);
  };
  for (const top of ["main.ts", "cli", "daemon", "mcp", "protocol"]) await scan(rootPath(top));
  return found;
}

Deno.test("goxel --help lists every GOXEL_ environment variable users can set", async () => {
  const read = await variablesRead();
  assert.ok(read.has("GOXEL_SOCKET") && read.has("GOXEL_DURABILITY"), [...read].join(", "));
  const env = await makeTestEnv();
  try {
    const help = await runGoxel(["--help"], env);
    assert.equal(help.code, 0, help.stderr);
    const section = help.stdout.split("Environment:\n")[1] ?? "";
    for (const name of [...read].filter((n) => !INTERNAL.has(n))) {
      assert.match(section, new RegExp(`^  ${name} +\\S`, "m"), `${name} is not in goxel --help`);
    }
  } finally {
    await env.cleanup();
  }
});
