/**
 * The `format` help of the file methods (protocol/) against the codec registry (core/): a method
 * that reads names only formats goxel can read, all of them; one that writes names only formats
 * goxel can write.
 */
import assert from "node:assert/strict";
import { CODECS, findCodec } from "../core/formats/mod.ts";
import { exportModel, importFile, loadProject, saveProject } from "../protocol/methods/project.ts";
import type { MethodDecl } from "../protocol/method.ts";

/** The format names a method's `format` param help lists (the text before the ";"). */
function namedFormats(method: MethodDecl): string[] {
  const text = (method.params.shape.format as { description?: string }).description ?? "";
  const list = text.split(";")[0].replace(/^.*?(case-insensitive:|e\.g\.)/, "");
  return list.match(/[a-z0-9_]+/g) ?? [];
}

Deno.test("the format help of reading methods lists exactly the formats goxel can read", async (t) => {
  const readable = CODECS.filter((c) => c.decode).map((c) => c.name);
  for (const method of [loadProject, importFile]) {
    await t.step(method.name, () => {
      const named = namedFormats(method);
      for (const name of named) {
        assert.ok(
          findCodec(name, "decode"),
          `${method.name} names "${name}", which cannot be read`,
        );
      }
      for (const name of readable) {
        assert.ok(named.includes(name), `${method.name} does not name readable "${name}"`);
      }
    });
  }
});

Deno.test("the format help of writing methods names only formats goxel can write", async (t) => {
  for (const method of [saveProject, exportModel]) {
    await t.step(method.name, () => {
      const named = namedFormats(method);
      assert.ok(named.length > 3, `${method.name}: no formats found in its help`);
      for (const name of named) {
        assert.ok(
          findCodec(name, "encode"),
          `${method.name} names "${name}", which cannot be written`,
        );
      }
    });
  }
});

Deno.test("the path help of reading methods says where a relative path is taken from", () => {
  for (const method of [loadProject, importFile]) {
    const text = (method.params.shape.path as { description?: string }).description ?? "";
    assert.match(text, /caller's directory with goxel call/, method.name);
    assert.match(text, /daemon's workspace/, method.name);
    assert.doesNotMatch(text, /working directory/, method.name);
  }
});
