import assert from "node:assert/strict";
import { findMethod } from "../protocol/mod.ts";
import type { MethodDecl } from "../protocol/method.ts";
import { buildParams, parseValue } from "./call_params.ts";
import { UsageError } from "./errors.ts";

function decl(name: string): MethodDecl {
  const d = findMethod(name);
  assert.ok(d, `${name} is declared`);
  return d;
}

Deno.test("parseValue() reads JSON when it parses and keeps the text otherwise", async (t) => {
  const cases: [string, unknown][] = [
    ["42", 42],
    ["-1.5", -1.5],
    ["[1,2,3]", [1, 2, 3]],
    ['{"a":1}', { a: 1 }],
    ["true", true],
    ["null", null],
    ['"quoted"', "quoted"],
    ["#ff0000", "#ff0000"],
    ["hello", "hello"],
    ["", ""],
    ["1 2", "1 2"],
  ];
  for (const [text, expected] of cases) {
    await t.step(JSON.stringify(text), () => assert.deepEqual(parseValue(text), expected));
  }
});

Deno.test("buildParams() sends all-positional args as an array", async (t) => {
  const cases: [string, string[], unknown][] = [
    ["goxel.get_voxel", ["1", "2", "3"], [1, 2, 3]],
    ["goxel.get_voxel", ["-1", "0", "7", "2"], [-1, 0, 7, 2]],
    ["goxel.add_voxel", ["1", "2", "3", "#ff0000"], [1, 2, 3, "#ff0000"]],
    ["goxel.ping", [], []],
  ];
  for (const [name, args, expected] of cases) {
    await t.step(`${name} ${args.join(" ")}`, () => {
      assert.deepEqual(buildParams(decl(name), args, "/home/me"), expected);
    });
  }
});

Deno.test("buildParams() makes an object when a name=value arg is given", async (t) => {
  const cases: [string, string[], Record<string, unknown>][] = [
    ["goxel.get_voxel", ["1", "2", "3", "layer_id=2"], { x: 1, y: 2, z: 3, layer_id: 2 }],
    ["goxel.get_voxel", ["layer_id=4", "5", "6", "7"], { x: 5, y: 6, z: 7, layer_id: 4 }],
    ["goxel.get_voxel", ["1", "2", "z=9"], { x: 1, y: 2, z: 9 }],
    ["goxel.get_voxel", ["x=1", "y=2", "z=3"], { x: 1, y: 2, z: 3 }],
    [
      "goxel.add_voxel",
      ["1", "2", "3", "#ff0000", "layer_id=2"],
      { x: 1, y: 2, z: 3, color: "#ff0000", layer_id: 2 },
    ],
    [
      "goxel.add_voxel",
      ["1", "2", "3", "255", "0", "0", "layer_id=2"],
      { x: 1, y: 2, z: 3, r: 255, g: 0, b: 0, layer_id: 2 },
    ],
    [
      "goxel.add_voxel",
      ["x=1", "y=2", "z=3", "color=[0,255,0]"],
      { x: 1, y: 2, z: 3, color: [0, 255, 0] },
    ],
  ];
  for (const [name, args, expected] of cases) {
    await t.step(`${name} ${args.join(" ")}`, () => {
      assert.deepEqual(buildParams(decl(name), args, "/home/me"), expected);
    });
  }
});

Deno.test("buildParams() refuses name=value with an unknown name unless the param takes text", () => {
  for (const args of [["1", "2", "w=3"], ["1", "2", "3", "prjct=p1"]]) {
    assert.throws(
      () => buildParams(decl("goxel.get_voxel"), args, "/home/me"),
      (err: unknown) =>
        err instanceof UsageError &&
        /unknown param "(w|prjct)" .*\(params: x, y, z, /.test(err.message),
    );
  }
  assert.deepEqual(
    buildParams(decl("goxel.execute_script"), ["x=5; x * 2", "timeout_ms=100"], "/home/me"),
    { script: "x=5; x * 2", timeout_ms: 100 },
    "a script is text: its own `=` is no param name",
  );
});

Deno.test("buildParams() rejects a param given twice and too many positional args", async (t) => {
  const cases: [string, string, string[], RegExp][] = [
    ["a name and its position", "goxel.get_voxel", ["x=1", "1", "2", "3"], /x is given twice/],
    [
      "a colour form and color=",
      "goxel.add_voxel",
      ["1", "2", "3", "#ff0000", "color=#00ff00"],
      /color is given twice/,
    ],
    [
      "five args for four params",
      "goxel.get_voxel",
      ["1", "2", "3", "4", "5"],
      /at most 4 positional argument\(s\) \(x, y, z, layer_id\), got 5/,
    ],
    ["an arg for a method without params", "goxel.ping", ["1"], /at most 0 .*\(none\), got 1/],
  ];
  for (const [label, name, args, message] of cases) {
    await t.step(label, () => {
      assert.throws(() => buildParams(decl(name), args, "/home/me"), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, message);
        return true;
      });
    });
  }
});

Deno.test("buildParams() resolves relative path params against cwd and keeps others", async (t) => {
  const cases: [string, string, string[], unknown][] = [
    ["positional relative path", "goxel.save_project", ["out.gox"], ["/home/me/out.gox"]],
    ["positional ../ path", "goxel.save_project", ["../x/a.vox"], ["/home/x/a.vox"]],
    ["positional absolute path", "goxel.save_project", ["/srv/a.gox"], ["/srv/a.gox"]],
    [
      "named path with a format",
      "goxel.save_project",
      ["path=sub/a.vox", "format=vox"],
      { path: "/home/me/sub/a.vox", format: "vox" },
    ],
    [
      "positional path mixed with a named format",
      "goxel.save_project",
      ["a.gox", "format=gox"],
      { path: "/home/me/a.gox", format: "gox" },
    ],
    [
      "named output_path",
      "goxel.render_scene",
      ["output_path=img/scene.png", "width=64"],
      { output_path: "/home/me/img/scene.png", width: 64 },
    ],
    [
      "absolute output_path",
      "goxel.render_scene",
      ["output_path=/tmp/s.png"],
      { output_path: "/tmp/s.png" },
    ],
    ["non-path string params", "goxel.add_voxel", ["1", "2", "3", "red"], [1, 2, 3, "red"]],
  ];
  for (const [label, name, args, expected] of cases) {
    await t.step(label, () => {
      assert.deepEqual(buildParams(decl(name), args, "/home/me"), expected);
    });
  }
});

Deno.test("buildParams() collects rest params and treats null as omitted when mixing name=value", async () => {
  const { findMethod } = await import("../protocol/mod.ts");
  assert.throws(
    () => buildParams(findMethod("goxel.echo")!, ["1", "2", "args=[3]"], "/x"),
    /args is given twice/,
  );
  assert.deepEqual(buildParams(findMethod("sum", { conformance: true })!, ["1", "2"], "/x"), [
    1,
    2,
  ]);
  assert.deepEqual(
    buildParams(findMethod("goxel.get_voxel")!, ["1", "null", "3", "layer_id=2"], "/x"),
    {
      x: 1,
      z: 3,
      layer_id: 2,
    },
  );
});
