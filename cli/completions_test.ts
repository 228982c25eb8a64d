/**
 * Golden test: completions/goxel.{bash,zsh,fish} must equal what `goxel completions <shell>`
 * prints. Regenerate with: GOXEL_UPDATE_COMPLETIONS=1 deno test -A cli/completions_test.ts
 */
import assert from "node:assert/strict";
import { completionScript, SHELLS } from "./completions.ts";

for (const shell of SHELLS) {
  Deno.test(`completions/goxel.${shell} is up to date`, async () => {
    const file = new URL(`../completions/goxel.${shell}`, import.meta.url);
    const expected = completionScript(shell);
    if (Deno.env.get("GOXEL_UPDATE_COMPLETIONS") === "1") await Deno.writeTextFile(file, expected);
    const actual = await Deno.readTextFile(file).catch(() => "");
    assert.ok(
      actual === expected,
      `completions/goxel.${shell} is stale: run GOXEL_UPDATE_COMPLETIONS=1 deno test -A cli/completions_test.ts`,
    );
    assert.match(actual, /goxel complete --/);
  });
}
