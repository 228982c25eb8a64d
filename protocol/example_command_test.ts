import assert from "node:assert/strict";
import { exampleCommand } from "./example_command.ts";
import { findMethod, listMethods, type MethodDecl } from "./mod.ts";

const decl = (name: string) => findMethod(name) as MethodDecl;

Deno.test("exampleCommand() writes positional and named examples as goxel call lines", async (t) => {
  const cases: [string, unknown, string][] = [
    ["goxel.add_voxel", [1, 2, 3, "#ff0000"], "goxel call add_voxel 1 2 3 '#ff0000'"],
    [
      "goxel.add_voxel",
      { x: 1, y: 2, z: 3, color: [0, 255, 0] },
      "goxel call add_voxel x=1 y=2 z=3 'color=[0,255,0]'",
    ],
    [
      "goxel.create_project",
      ["my castle", 32, 32, 16],
      "goxel call create_project 'my castle' 32 32 16",
    ],
    ["goxel.echo", { text: "42" }, "goxel call echo 'text=\"42\"'"],
    ["goxel.ping", undefined, "goxel call ping"],
  ];
  for (const [name, params, expected] of cases) {
    await t.step(expected, () => assert.equal(exampleCommand(decl(name), { params }), expected));
  }
});

Deno.test("every method declares an example that the CLI can show", () => {
  for (const m of listMethods({ conformance: true })) {
    assert.ok(m.examples.length > 0, `${m.name} has an example`);
    assert.match(exampleCommand(m, m.examples[0]), /^goxel call \S+/);
  }
});
