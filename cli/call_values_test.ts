/**
 * How `goxel call` reads param values: params declared as strings keep the text as typed, the
 * others read JSON when it parses.
 */
import assert from "node:assert/strict";
import { METHOD_INDEX } from "../protocol/method_index.ts";
import { findMethod, listMethods } from "../protocol/mod.ts";
import { buildParams, findEntry, parseParamValue } from "./call_params.ts";

function entry(name: string) {
  const e = findEntry(name, { conformance: true });
  assert.ok(e, `${name} is in the index`);
  return e;
}

Deno.test("parseParamValue() keeps the text of string params and reads JSON for others", async (t) => {
  const cases: [string, string, string, unknown][] = [
    ["create_project", "name", "2024", "2024"],
    ["create_project", "name", "null", "null"],
    ["create_project", "name", "true", "true"],
    ["create_project", "name", "[1,2]", "[1,2]"],
    ["create_project", "name", "castle", "castle"],
    ["create_project", "name", "", ""],
    ["create_project", "name", '"2024"', "2024"],
    ["create_project", "name", '"', '"'],
    ["create_project", "name", '"a" "b"', '"a" "b"'],
    ["save_project", "path", "2024", "2024"],
    ["procedural_shape", "shape_type", "1", "1"],
    ["create_project", "width", "8", 8],
    ["create_project", "width", "null", null],
    ["add_voxel", "color", "[0,255,0]", [0, 255, 0]],
    ["add_voxel", "color", "#ff0000", "#ff0000"],
    ["move_layer", "to", "2", 2],
    ["echo", "args", "2024", 2024],
  ];
  for (const [method, param, text, expected] of cases) {
    await t.step(`${method} ${param}=${text}`, () => {
      assert.deepEqual(parseParamValue(entry(method), param, text), expected);
    });
  }
});

Deno.test("buildParams() sends string params as typed, by position and by name", async (t) => {
  const cases: [string, string[], unknown][] = [
    ["goxel.create_project", ["2024", "8", "8", "8"], ["2024", 8, 8, 8]],
    ["goxel.create_project", ["null", "8", "8", "8"], ["null", 8, 8, 8]],
    ["goxel.create_project", ["name=2024", "width=8"], { name: "2024", width: 8 }],
    ["goxel.save_project", ["2024"], ["/home/me/2024"]],
    ["goxel.save_project", ["2024", "format=vox"], { path: "/home/me/2024", format: "vox" }],
    ["goxel.create_layer", ["true", "1", "2", "3"], ["true", 1, 2, 3]],
    ["goxel.rename_layer", ["2", "3"], [2, "3"]],
    ["goxel.procedural_shape", ["cube", "2", "2", "2"], ["cube", 2, 2, 2]],
    ["goxel.add_voxel", ["1", "2", "3", "#ff0000", "4"], [1, 2, 3, "#ff0000", 4]],
  ];
  for (const [name, args, expected] of cases) {
    await t.step(`${name} ${args.join(" ")}`, () => {
      assert.deepEqual(buildParams(findMethod(name)!, args, "/home/me"), expected);
    });
  }
});

Deno.test("the index marks exactly the params whose wire type is only a string", () => {
  const create = entry("goxel.create_project");
  assert.deepEqual(create.strings, ["name"]);
  assert.ok(entry("goxel.add_voxel").strings.includes("project"));
  assert.ok(!entry("goxel.add_voxel").strings.includes("color"), "a colour may be an array");
  assert.ok(!entry("goxel.move_layer").strings.includes("to"), "to may be an index");
  for (const e of METHOD_INDEX) {
    for (const s of e.strings) assert.ok(e.params.includes(s), `${e.name} ${s}`);
  }
});

Deno.test("no string param sits where a colour form shifts positional args", () => {
  // buildParams maps an arg to a param by its declared position; a colour given as one value
  // shifts the args after it, which is fine only while none of those params is a string.
  for (const decl of listMethods({ conformance: true })) {
    if (!decl.arrayForm) continue;
    const shifted = decl.positional.slice(decl.positional.indexOf("r"));
    const strings = entry(decl.name).strings.filter((p) => shifted.includes(p));
    assert.deepEqual(strings, [], decl.name);
  }
});
