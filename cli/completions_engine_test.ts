import assert from "node:assert/strict";
import type { Command } from "commander";
import { addCompletions } from "./completions.ts";
import { completeWords, DIRECTIVE, formatReply } from "./completions_engine.ts";
import type { CliDeps } from "./deps.ts";
import { Output } from "./output.ts";
import { buildProgram } from "./program.ts";

/** The real command tree, with the completion commands as `goxel complete` sees it. */
function tree(): Command {
  const out = new Output({}, () => false);
  const deps = { env: {}, cwd: "/", build: { version: "0", commit: "x", runtime: "test" } };
  const program = buildProgram(deps as unknown as CliDeps, out);
  addCompletions(program, deps as unknown as CliDeps, out);
  return program as unknown as Command;
}

const FILES = DIRECTIVE.files;
const NO_FILES = DIRECTIVE.noFiles;

Deno.test("completeWords() lets the shell complete file names where a path goes", async (t) => {
  const cases: [string, string[]][] = [
    ["info's file", ["info", ""]],
    ["info's file, started", ["info", "snowman.g"]],
    ["render's input", ["render", ""]],
    ["render's output", ["render", "a.vox", ""]],
    ["convert's output", ["convert", "a.vox", ""]],
    ["convert's output after an option", ["convert", "--greedy", "a.vox", ""]],
    ["start --config", ["start", "--config", ""]],
    ["start --config=", ["start", "--config=sn"]],
    ["start --log-file", ["start", "--log-file", "x"]],
    ["start --workspace", ["start", "--workspace", ""]],
    ["mcp --root", ["mcp", "--root", ""]],
    ["call --socket", ["call", "--socket", ""]],
    ["a method's path param", ["call", "load_project", ""]],
    ["a method's path param after --project", ["call", "--project", "p1", "save_project", "x"]],
    ["a path param by name", ["call", "save_project", "path=sn"]],
    ["a path param after a named one", ["call", "export_model", "format=vox", ""]],
    ["render_scene's output_path", ["call", "goxel.render_scene", ""]],
  ];
  const program = tree();
  for (const [label, words] of cases) {
    await t.step(label, () => {
      assert.deepEqual(completeWords(program, words), { items: [], directive: FILES });
    });
  }
});

Deno.test("completeWords() turns file names off where no path goes", async (t) => {
  const cases: [string, string[]][] = [
    ["a command name", ["sta"]],
    ["a method's coordinate", ["call", "add_voxel", ""]],
    ["the param after a negative number", ["call", "load_project", "-1", ""]],
    ["a method's format (after its path)", ["call", "save_project", "a.gox", ""]],
    ["a non-path param by name", ["call", "save_project", "format=v"]],
    ["an unknown method's args", ["call", "nope", ""]],
    ["a value that is not a path", ["render", "a", "b", "--size", ""]],
    ["options", ["render", "--"]],
  ];
  const program = tree();
  for (const [label, words] of cases) {
    await t.step(label, () => assert.equal(completeWords(program, words).directive, NO_FILES));
  }
});

Deno.test("completeWords() offers commands, methods, options and choices", async (t) => {
  const cases: [string, string[], string[]][] = [
    ["commands", ["st"], ["start", "stop", "status"]],
    ["methods", ["call", "add_v"], ["add_voxel", "add_voxels"]],
    ["methods with the goxel. prefix", ["call", "goxel.add_v"], [
      "goxel.add_voxel",
      "goxel.add_voxels",
    ]],
    ["methods after an option", ["call", "--no-spawn", "get_vox"], [
      "get_voxel",
      "get_voxels_region",
    ]],
    ["help topics: commands", ["help", "con"], ["convert"]],
    ["help topics: methods", ["help", "add_v"], ["add_voxel", "add_voxels"]],
    ["help topics: prefixed methods", ["help", "goxel.undo"], ["goxel.undo"]],
    ["an option's choices", ["render", "a", "b", "--camera", "is"], ["isometric"]],
    ["an option's choices after =", ["render", "a", "b", "--camera=to"], ["top"]],
    ["an option's choices after = (empty)", ["render", "--quality="], ["raster", "path"]],
    ["long options", ["status", "--"], ["--socket", "--json", "--help"]],
    ["shells", ["completions", "f"], ["fish"]],
  ];
  const program = tree();
  for (const [label, words, values] of cases) {
    await t.step(label, () => {
      assert.deepEqual(completeWords(program, words).items.map((c) => c.value), values);
    });
  }
});

Deno.test("completeWords() describes methods by their summary", () => {
  const [item] = completeWords(tree(), ["call", "ping"]).items;
  assert.equal(item.value, "ping");
  assert.match(item.description, /\w/);
});

Deno.test("formatReply() prints value<TAB>description lines, then :directive", () => {
  assert.equal(
    formatReply({
      items: [{ value: "top", description: "" }, { value: "a", description: "b" }],
      directive: 4,
    }),
    "top\t\na\tb\n:4\n",
  );
  assert.equal(formatReply({ items: [], directive: 0 }), ":0\n");
});
