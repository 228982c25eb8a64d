import assert from "node:assert/strict";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { listMethods } from "../protocol/mod.ts";
import { paramDescriptors } from "../protocol/openrpc.ts";
import type { z } from "zod";
import { compactSchema } from "./compact_schema.ts";

const Vec3 = {
  type: "array",
  prefixItems: [0, 1, 2].map(() => ({
    type: "integer",
    minimum: -2147483648,
    maximum: 2147483647,
  })),
  minItems: 3,
  maxItems: 3,
  title: "Vec3Int",
};

Deno.test("compactSchema() writes tuples of one item schema as items, without int32 bounds or titles", () => {
  assert.deepEqual(compactSchema(Vec3), {
    type: "array",
    items: { type: "integer" },
    minItems: 3,
    maxItems: 3,
  });
  const mixed = { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }] };
  assert.deepEqual(compactSchema(mixed), mixed, "a tuple of different items stays a tuple");
});

Deno.test("compactSchema() leaves property names and data alone", () => {
  const schema = {
    type: "object",
    properties: { title: { type: "string", title: "T" }, minimum: { type: "integer" } },
    default: { title: "kept" },
    enum: [{ title: "kept" }],
  };
  assert.deepEqual(compactSchema(schema), {
    type: "object",
    properties: { title: { type: "string" }, minimum: { type: "integer" } },
    default: { title: "kept" },
    enum: [{ title: "kept" }],
  });
});

Deno.test("compacted param schemas accept every sample value the daemon accepts", () => {
  const ajv = new AjvJsonSchemaValidator();
  const samples: unknown[] = [
    0,
    -5,
    3.5,
    "#ff0000",
    "x",
    [1, 2, 3],
    [1, 2, 3, 4],
    [1, "2", 3],
    [1, 2],
    { r: 1, g: 2, b: 3 },
    { min: [0, 0, 0], max: [1, 1, 1] },
    null,
    true,
    [],
  ];
  let accepted = 0;
  for (const decl of listMethods({ conformance: true })) {
    const shape = (decl.params as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
    for (const p of paramDescriptors(decl)) {
      const small = ajv.getValidator(compactSchema(p.schema) as never);
      for (const v of samples) {
        if (!shape[p.name]?.safeParse(v).success) continue;
        assert.ok(small(v).valid, `${decl.name}.${p.name} refuses ${JSON.stringify(v)}`);
        accepted++;
      }
    }
  }
  assert.ok(accepted > 300, `${accepted} accepted samples`);
  // Where a validator ignores draft 2020-12's prefixItems, the tuple's items went unchecked.
  const vec = ajv.getValidator(compactSchema(Vec3) as never);
  assert.equal(vec([1, "2", 3]).valid, false);
});
