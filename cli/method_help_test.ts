import assert from "node:assert/strict";
import { findMethod, type MethodDecl } from "../protocol/mod.ts";
import { describeParams, methodHelp, usageLine } from "./method_help.ts";

function decl(name: string): MethodDecl {
  const d = findMethod(name);
  assert.ok(d, `${name} is declared`);
  return d;
}

Deno.test("describeParams() lists positional params first, in their declared order", () => {
  const rows = describeParams(decl("goxel.add_voxel"));
  const names = rows.map((r) => r.name);
  assert.deepEqual(names.slice(0, 8), ["x", "y", "z", "r", "g", "b", "a", "layer_id"]);
  assert.deepEqual(names.slice(8).sort(), ["color", "project"]);
});

Deno.test("describeParams() marks required params and carries types and descriptions", async (t) => {
  const rows = new Map(describeParams(decl("goxel.add_voxel")).map((r) => [r.name, r]));
  const cases: [string, boolean, RegExp, RegExp][] = [
    ["x", true, /^integer/, /X coordinate/],
    ["z", true, /^integer/, /Z is up/],
    ["r", false, /^integer 0\.\.255$/, /Red 0\.\.255/],
    ["layer_id", false, /^integer/, /list_layers/],
    ["color", false, /^Color$/, /#rrggbb/],
    ["project", false, /^string$/, /Project id/],
  ];
  for (const [name, required, type, description] of cases) {
    await t.step(name, () => {
      const row = rows.get(name);
      assert.ok(row, `${name} is listed`);
      assert.equal(row.required, required);
      assert.match(row.type, type);
      assert.match(row.description, description);
    });
  }
});

Deno.test("usageLine() brackets optional params and keeps required ones in angle brackets", () => {
  assert.equal(
    usageLine(decl("goxel.add_voxel")),
    "Usage: goxel call add_voxel <x> <y> <z> [r] [g] [b] [a] [layer_id] [name=value ...]",
  );
  assert.equal(usageLine(decl("goxel.ping")), "Usage: goxel call ping");
});

Deno.test("methodHelp() names the colour forms and shows the declared example", () => {
  const help = methodHelp(decl("goxel.add_voxel"));
  assert.match(help, /Colours: hex "#rrggbb"/);
  assert.match(help, /color +Color, optional/);
  assert.match(help, /Examples:\n {2}goxel call add_voxel .*\n {2}goxel call add_voxel .*#00ff00/);
  assert.doesNotMatch(help, /string\|array/);
});

Deno.test("describeParams() gives no rows for a method without params", () => {
  assert.deepEqual(describeParams(decl("goxel.ping")), []);
  assert.doesNotMatch(methodHelp(decl("goxel.ping")), /Params/);
});
