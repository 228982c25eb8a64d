import assert from "node:assert/strict";
import { recoveryLines } from "./status.ts";

const RECOVERY = {
  projects_restored: 2,
  records_replayed: 7,
  ms: 3,
  read_only: [{
    project: "p1",
    reason: "its journal is damaged",
    moved_to: "/d/damaged/p1-1",
  }],
  failed: [{ dir: "/d/projects/p3", reason: "unreadable", moved_to: "/d/damaged/p3-1" }],
};

Deno.test("recoveryLines() says a read-only project's files were copied, a failed one's moved", () => {
  const lines = recoveryLines({ durability: "process", data_dir: "/d", recovery: RECOVERY });
  assert.deepEqual(lines, [
    "  durability process, data in /d",
    "  recovered 2 project(s), 7 journal record(s) in 3 ms",
    "  WARNING: project p1 is read-only: its journal is damaged (files copied to /d/damaged/p1-1)",
    "  WARNING: could not recover /d/projects/p3: unreadable (files moved to /d/damaged/p3-1)",
  ]);
});

Deno.test("recoveryLines() leaves out where a failed project's files went when they stayed", () => {
  const recovery = {
    ...RECOVERY,
    read_only: [],
    failed: [{ ...RECOVERY.failed[0], moved_to: null }],
  };
  const lines = recoveryLines({ durability: "process", data_dir: "/d", recovery });
  assert.equal(lines.at(-1), "  WARNING: could not recover /d/projects/p3: unreadable");
});
