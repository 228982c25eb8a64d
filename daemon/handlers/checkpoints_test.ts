import assert from "node:assert/strict";
import { safeDirName } from "./checkpoints.ts";

Deno.test("safeDirName() never yields a path that leaves its parent", () => {
  assert.equal(safeDirName("castle", "p1"), "castle");
  assert.equal(safeDirName("../etc", "p1"), "__etc");
  assert.equal(safeDirName("..", "p1"), "_");
  assert.equal(safeDirName("a/b c", "p1"), "a_b_c");
  assert.equal(safeDirName("", "p1"), "p1");
});
