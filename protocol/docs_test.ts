/**
 * Golden test: docs/methods.md must equal what protocol/docs.ts renders from the declarations,
 * passed through `deno fmt` (so `deno fmt --check` and this test agree). Regenerate with:
 *   GOXEL_UPDATE_DOCS=1 deno test -A protocol/docs_test.ts
 */
import assert from "node:assert/strict";
import { describeType, renderMethodsMarkdown } from "./docs.ts";
import { listMethods, METHOD_GROUPS } from "./mod.ts";

const DOC = new URL("../docs/methods.md", import.meta.url);

async function formatMarkdown(text: string): Promise<string> {
  const cwd = new URL("..", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("docs/methods.md is up to date with the method declarations", async () => {
  const expected = await formatMarkdown(renderMethodsMarkdown(METHOD_GROUPS));
  if (Deno.env.get("GOXEL_UPDATE_DOCS") === "1") await Deno.writeTextFile(DOC, expected);
  const actual = await Deno.readTextFile(DOC).catch(() => "");
  assert.ok(
    actual === expected,
    "docs/methods.md is stale: run GOXEL_UPDATE_DOCS=1 deno test -A protocol/docs_test.ts",
  );
});

Deno.test("the method reference documents every method with its params in positional order", () => {
  const md = renderMethodsMarkdown(METHOD_GROUPS);
  for (const m of listMethods({ conformance: true })) {
    assert.ok(md.includes(`### \`${m.name}\``), `${m.name} is missing`);
  }
  const addVoxel = md.slice(md.indexOf("### `goxel.add_voxel`"));
  const order = ["x", "y", "z", "r", "g", "b", "a", "layer_id"].map((p) =>
    addVoxel.indexOf(`| \`${p}\` |`)
  );
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.ok(order.every((i) => i > 0));
});

Deno.test("describeType() gives short labels for common schemas", async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ type: "integer", minimum: 0, maximum: 255 }, "integer 0..255"],
    [{ type: "integer", minimum: -2147483648, maximum: 2147483647 }, "integer"],
    [{ type: "integer", minimum: 1 }, "integer ≥ 1"],
    [{ type: "array", items: { type: "string" } }, "string[]"],
    [{ type: "array", prefixItems: [{ type: "number" }, { type: "number" }] }, "[number, number]"],
    [{ enum: ["up", "down"] }, '"up" | "down"'],
    [{ anyOf: [{ type: "string" }, { type: "null" }] }, "string | null"],
    [{ title: "Color", anyOf: [] }, "Color"],
    [{}, "any"],
  ];
  for (const [schema, label] of cases) {
    await t.step(label, () => assert.equal(describeType(schema), label));
  }
});
