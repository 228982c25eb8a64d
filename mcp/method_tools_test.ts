import assert from "node:assert/strict";
import { compactSchema } from "./compact_schema.ts";
import { findMethod } from "../protocol/mod.ts";
import { buildOpenRpc } from "../protocol/openrpc.ts";
import {
  confinePaths,
  methodTools,
  PROJECT_PARAM,
  toolInputSchema,
  toolNameOf,
} from "./method_tools.ts";

Deno.test("methodTools() offers each method that declares tool hints, scripts only when allowed", () => {
  const names = methodTools({ allowScripts: false }).map((t) => t.tool.name);
  assert.ok(names.includes("add_voxel") && names.includes("checkpoint"));
  assert.ok(!names.includes("execute_script"));
  assert.ok(!names.includes("shutdown") && !names.includes("authenticate"));
  assert.ok(methodTools({ allowScripts: true }).some((t) => t.tool.name === "execute_script"));
});

Deno.test("a tool's input schema is the rpc.discover param schemas of its method", () => {
  const decl = findMethod("goxel.add_voxel")!;
  const doc = buildOpenRpc([decl], { title: "t", version: "1" });
  const schema = toolInputSchema(decl);
  for (const p of doc.methods[0].params) {
    // The channels r, g, b, a are left out: a tool takes `color`.
    if (["r", "g", "b", "a"].includes(p.name)) {
      assert.equal(schema.properties?.[p.name], undefined, p.name);
      continue;
    }
    // `project` says what a tool's default is: its session's current project.
    const want = p.name === "project" ? { ...p.schema, description: PROJECT_PARAM } : p.schema;
    assert.deepEqual(schema.properties?.[p.name], compactSchema(want));
  }
  assert.deepEqual(schema.required, ["x", "y", "z"]);
  assert.deepEqual(schema.properties?.x, {
    type: "integer",
    description: "X coordinate of the voxel",
  });
});

Deno.test("tool annotations follow the declared hints with MCP's defaults", () => {
  const byName = new Map(methodTools({ allowScripts: false }).map((t) => [t.tool.name, t.tool]));
  assert.deepEqual(byName.get("get_voxel")!.annotations, {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  });
  assert.equal(byName.get("delete_layer")!.annotations!.destructiveHint, true);
  assert.equal(byName.get("add_voxel")!.annotations!.idempotentHint, true);
  assert.equal(toolNameOf("goxel.draw_shape"), "draw_shape");
});

Deno.test("confinePaths() rewrites only path params", () => {
  const out = confinePaths({ path: "a.gox", output_path: "b.png", name: "c" }, (p) => `/r/${p}`);
  assert.deepEqual(out, { path: "/r/a.gox", output_path: "/r/b.png", name: "c" });
});

Deno.test("documented results validate against the output schemas with the SDK client's validator", async () => {
  const { AjvJsonSchemaValidator } = await import("@modelcontextprotocol/sdk/validation/ajv");
  const ajv = new AjvJsonSchemaValidator();
  let checked = 0;
  for (const { decl, tool } of methodTools({ allowScripts: true })) {
    if (!tool.outputSchema) continue;
    const validate = ajv.getValidator(tool.outputSchema as never);
    for (const ex of decl.examples) {
      if (ex.result === undefined) continue;
      const out = validate(ex.result);
      assert.ok(out.valid, `${decl.name}: ${out.errorMessage}`);
      checked++;
    }
  }
  assert.ok(checked > 20, `only ${checked} examples checked`);
});
