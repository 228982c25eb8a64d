import assert from "node:assert/strict";
import { listMethods, METHODS } from "./mod.ts";
import { buildOpenRpc, paramOrder } from "./openrpc.ts";

const INFO = { title: "goxel", version: "0.0.0-test" };

Deno.test("buildOpenRpc() emits an OpenRPC 1.3 document listing every method", () => {
  const methods = listMethods({ conformance: true });
  const doc = buildOpenRpc(methods, INFO);
  assert.match(doc.openrpc, /^1\.3\.\d+$/);
  assert.deepEqual(doc.info, INFO);
  assert.deepEqual(doc.methods.map((m) => m.name), methods.map((m) => m.name));
  const text = JSON.stringify(doc);
  assert.deepEqual(JSON.parse(text), doc, "the document is plain JSON");
  assert.ok(!text.includes('"$schema"'));
});

Deno.test("each OpenRPC method has summary, params in positional order, result and examples", async (t) => {
  const doc = buildOpenRpc(listMethods({ conformance: true }), INFO);
  for (const m of doc.methods) {
    await t.step(m.name, () => {
      const decl = listMethods({ conformance: true }).find((d) => d.name === m.name)!;
      assert.ok(m.summary.length > 0);
      assert.equal(m.paramStructure, "either");
      assert.deepEqual(m.params.map((p) => p.name), paramOrder(decl));
      assert.equal(
        new Set(m.params.map((p) => p.name)).size,
        m.params.length,
        "unique param names",
      );
      for (const p of m.params) {
        assert.equal(typeof p.required, "boolean");
        assert.equal(typeof p.schema, "object");
      }
      assert.equal(m.result.name, "result");
      assert.equal(typeof m.result.schema, "object");
      assert.equal(m.examples?.length, decl.examples.length);
    });
  }
});

Deno.test("OpenRPC params carry requiredness and JSON Schema types from zod", () => {
  const doc = buildOpenRpc([METHODS["goxel.add_voxel"]], INFO);
  const params = Object.fromEntries(doc.methods[0].params.map((p) => [p.name, p]));
  assert.equal(params.x.required, true);
  assert.equal(params.x.schema.type, "integer");
  assert.equal(params.color.required, false);
  assert.equal(params.color.schema.title, "Color");
  assert.equal(params.project.required, false);
  const example = doc.methods[0].examples![0];
  assert.deepEqual(example.params.slice(0, 3), [{ name: "x", value: 0 }, { name: "y", value: 0 }, {
    name: "z",
    value: 0,
  }]);
});
