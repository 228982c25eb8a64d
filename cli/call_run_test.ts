import assert from "node:assert/strict";
import { type CallArgs, parseCallArgv } from "./call_run.ts";
import { Output } from "./output.ts";
import { buildProgram } from "./program.ts";

/** What commander makes of argv for `call` (its action replaced by a recorder), or null. */
async function commanderParse(argv: string[]): Promise<CallArgs | null> {
  const out = new Output({}, () => false);
  out.stderr = () => {};
  const program = buildProgram({
    env: {},
    cwd: "/",
    build: { version: "0", commit: "x", runtime: "test" },
  } as never, out);
  let seen: CallArgs | null = null;
  program.commands.find((c) => c.name() === "call")!.action((...a: unknown[]) => {
    const [method, args, o] = a as [string, string[], object];
    seen = { ...o, method, args };
  });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch {
    return null; // a usage error
  }
  return seen;
}

Deno.test("parseCallArgv() reads what commander reads, or leaves the argv to commander", async (t) => {
  const fast: string[][] = [
    ["call", "ping"],
    ["call", "add_voxel", "1", "2", "3", "#ff0000"],
    ["call", "add_voxel", "x=1", "y=2", "z=3", "color=[0,255,0]"],
    ["call", "--socket", "/tmp/s.sock", "ping"],
    ["call", "ping", "--socket=/tmp/s.sock", "--no-spawn", "--json"],
    ["call", "get_voxel", "--params", '{"x":1,"y":2,"z":3}', "--project", "p2"],
    ["call", "save_project", "out.gox", "--project=p1"],
    ["call", "add_voxel", "1", "--json", "2", "3", "red"],
  ];
  for (const argv of fast) {
    await t.step(argv.join(" "), async () => {
      const parsed = parseCallArgv(argv);
      assert.ok(parsed, "the fast path takes it");
      // Commander leaves unset flags out and sets spawn: true by default.
      assert.deepEqual({ spawn: true, ...parsed }, await commanderParse(argv));
    });
  }
  const slow: string[][] = [
    ["call"],
    ["call", "-"],
    ["call", "watch"],
    ["call", "add_voxel", "--help"],
    ["call", "add_voxel", "-h"],
    ["call", "add_voxel", "-5", "2", "3", "red"],
    ["call", "ping", "--bogus"],
    ["call", "ping", "--socket"],
    ["call", "ping", "--json=yes"],
    ["call", "--", "ping"],
    ["methods"],
    ["start"],
  ];
  for (const argv of slow) {
    await t.step(`to commander: ${argv.join(" ")}`, () => assert.equal(parseCallArgv(argv), null));
  }
});
