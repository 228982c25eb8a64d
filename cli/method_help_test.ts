import assert from "node:assert/strict";
import { findMethod, type MethodDecl } from "../protocol/mod.ts";
import { describeParams } from "./method_help.ts";

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
  const cases: [string, boolean, string, RegExp][] = [
    ["x", true, "integer", /X coordinate/],
    ["z", true, "integer", /Z is up/],
    ["r", false, "integer", /Red 0\.\.255/],
    ["layer_id", false, "integer", /list_layers/],
    ["project", false, "string", /Project id/],
  ];
  for (const [name, required, type, description] of cases) {
    await t.step(name, () => {
      const row = rows.get(name);
      assert.ok(row, `${name} is listed`);
      assert.equal(row.required, required);
      assert.equal(row.type, type);
      assert.match(row.description, description);
    });
  }
});

Deno.test("describeParams() shows a union param's alternatives", () => {
  const color = describeParams(decl("goxel.add_voxel")).find((r) => r.name === "color");
  assert.ok(color);
  assert.equal(color.required, false);
  assert.match(color.type, /string/);
  assert.match(color.type, /object/);
});

Deno.test("describeParams() gives no rows for a method without params", () => {
  assert.deepEqual(describeParams(decl("goxel.ping")), []);
});
