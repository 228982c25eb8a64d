import assert from "node:assert/strict";
import { z } from "zod";
import { compileFastParams, compileFastPositional } from "./fast_params.ts";
import { listMethods } from "./mod.ts";
import { namedParams } from "./positional.ts";

/** Values tried for every param: plain ones the fast path may take and ones only zod may. */
const VALUES: unknown[] = [
  0,
  1,
  -1,
  7,
  255,
  256,
  -129,
  1.5,
  2 ** 31,
  -(2 ** 31),
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  1e300,
  "",
  "a",
  "p1",
  "#ff0000",
  "cube",
  "x".repeat(300),
  true,
  false,
  null,
  [1, 2, 3],
  { r: 1, g: 2, b: 3 },
];

/** Every input the test feeds a method: its examples, then each param set to each value. */
function inputs(params: z.ZodObject, examples: readonly { params: unknown }[]): unknown[] {
  const keys = Object.keys(params.shape);
  const out: unknown[] = examples.map((e) => e.params);
  const base = Object.fromEntries(keys.map((k) => [k, 1]));
  for (const k of keys) {
    for (const v of VALUES) {
      out.push({ [k]: v });
      out.push({ ...base, [k]: v });
    }
  }
  out.push({}, { ...base, unknown_key: 1 });
  return out;
}

Deno.test("the fast path accepts only what zod accepts, with the same output", () => {
  let fastAccepted = 0, compiled = 0;
  for (const decl of listMethods({ conformance: true })) {
    const fast = compileFastParams(decl.params);
    if (!fast) continue;
    compiled++;
    for (const raw of inputs(decl.params, decl.examples)) {
      const named = namedParams(decl, raw);
      if (typeof named === "string") continue;
      if (!fast(named)) continue;
      fastAccepted++;
      const zod = decl.params.safeParse(named);
      assert.ok(
        zod.success,
        `${decl.name}: fast path accepted ${JSON.stringify(named)}, zod refused`,
      );
      assert.deepEqual(zod.data, named, `${decl.name}: zod changes ${JSON.stringify(named)}`);
    }
  }
  assert.ok(compiled > 20, `only ${compiled} methods have a fast path`);
  assert.ok(fastAccepted > 100, `the fast path accepted only ${fastAccepted} inputs`);
});

/** Positional inputs: array examples, then each position set to each value (the rest 1). */
function positionalInputs(positional: readonly string[], examples: readonly { params: unknown }[]) {
  const out: unknown[][] = examples.flatMap((e) => Array.isArray(e.params) ? [e.params] : []);
  for (let n = 0; n <= positional.length + 1; n++) {
    for (let at = 0; at < n; at++) {
      for (const v of VALUES) out.push(Array.from({ length: n }, (_, i) => i === at ? v : 1));
    }
  }
  return out;
}

Deno.test("the positional fast path accepts only what zod accepts, as namedParams names it", () => {
  let fastAccepted = 0, compiled = 0;
  for (const decl of listMethods({ conformance: true })) {
    const fast = compileFastPositional(decl.params, decl.positional);
    if (!fast) continue;
    compiled++;
    for (const raw of positionalInputs(decl.positional, decl.examples)) {
      const value = fast(raw);
      if (!value) continue;
      fastAccepted++;
      const named = namedParams(decl, raw);
      assert.deepEqual(value, named, `${decl.name}: ${JSON.stringify(raw)} named otherwise`);
      const zod = decl.params.safeParse(named);
      assert.ok(
        zod.success,
        `${decl.name}: fast path accepted ${JSON.stringify(raw)}, zod refused`,
      );
      assert.deepEqual(zod.data, value, `${decl.name}: zod changes ${JSON.stringify(raw)}`);
    }
  }
  assert.ok(compiled > 20, `only ${compiled} methods have a positional fast path`);
  assert.ok(fastAccepted > 100, `the positional fast path accepted only ${fastAccepted} inputs`);
});

Deno.test("the positional fast path takes add_voxel's [x, y, z, r, g, b, a] only", () => {
  const decl = listMethods().find((m) => m.name === "goxel.add_voxel")!;
  const fast = compileFastPositional(decl.params, decl.positional)!;
  assert.deepEqual(fast([1, -2, 3, 255, 0, 0, 255]), {
    x: 1,
    y: -2,
    z: 3,
    r: 255,
    g: 0,
    b: 0,
    a: 255,
  });
  assert.deepEqual(fast([1, 2, 3, null, null, null, null, 2]), { x: 1, y: 2, z: 3, layer_id: 2 });
  const declined: [string, unknown[]][] = [
    ["r without g and b (the declared refinement)", [1, 2, 3, 255]],
    ["a missing required param", [1, 2]],
    ["a null required param", [1, null, 3]],
    ["a fraction", [1.5, 2, 3]],
    ["a channel out of range", [1, 2, 3, 256, 0, 0]],
    ["too many params", [1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ];
  for (const [what, args] of declined) assert.equal(fast(args), null, what);
});

Deno.test("the fast path declines transforms, refinements it cannot see, defaults and unknown keys", () => {
  const cases: [string, z.ZodObject, Record<string, unknown>][] = [
    ["a transformed string", z.strictObject({ s: z.string().transform((v) => v.length) }), {
      s: "abc",
    }],
    ["a custom refinement", z.strictObject({ n: z.int().refine((v) => v > 5) }), { n: 1 }],
    ["a regex", z.strictObject({ s: z.string().regex(/^a$/) }), { s: "b" }],
    ["a multiple_of", z.strictObject({ n: z.int().multipleOf(90) }), { n: 45 }],
    ["an unknown key", z.strictObject({ n: z.int() }), { n: 1, m: 2 }],
    ["a missing required key", z.strictObject({ n: z.int() }), {}],
    [
      "an object refinement that fails",
      z.strictObject({ a: z.int().optional(), b: z.int().optional() })
        .superRefine((p, ctx) => {
          if ((p.a === undefined) !== (p.b === undefined)) {
            ctx.addIssue({ code: "custom", message: "together" });
          }
        }),
      { a: 1 },
    ],
  ];
  for (const [what, schema, input] of cases) {
    const fast = compileFastParams(schema);
    assert.ok(!fast || !fast(input), `${what}: the fast path accepted ${JSON.stringify(input)}`);
  }
  assert.equal(
    compileFastParams(z.strictObject({ n: z.int().default(3) })),
    null,
    "defaults change the output",
  );
});

Deno.test("the fast path takes plain integer params such as add_voxel's", () => {
  const decl = listMethods().find((m) => m.name === "goxel.add_voxel")!;
  const fast = compileFastParams(decl.params)!;
  assert.ok(fast);
  assert.equal(fast({ x: 1, y: -2, z: 3, r: 255, g: 0, b: 0, a: 255 }), true);
  assert.equal(
    fast({ x: 1, y: 2, z: 3, r: 255 }),
    false,
    "r without g and b is refused (by the declared refinement)",
  );
  assert.equal(fast({ x: 1.5, y: 2, z: 3 }), false);
  assert.equal(
    fast({ x: 1, y: 2, z: 3, color: "#ff0000" }),
    false,
    "colours go through zod's transform",
  );
});
