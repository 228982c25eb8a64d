import assert from "node:assert/strict";
import { findMethod, listMethods, METHODS, parseParams } from "./mod.ts";
import { decodePackedVoxels, encodePackedVoxels, forEachPackedVoxel } from "./voxel_list.ts";

const ALL = listMethods({ conformance: true });

/** The C daemon's 34 methods (anchor §1.2) with their positional order where it has one. */
const C_DAEMON: [string, string[]][] = [
  ["goxel.create_project", ["name", "width", "height", "depth"]],
  ["goxel.load_project", ["path"]],
  ["goxel.save_project", ["path"]],
  ["goxel.export_model", ["path", "format"]],
  ["goxel.render_scene", ["output_path", "width", "height"]],
  ["goxel.add_voxel", ["x", "y", "z", "r", "g", "b", "a", "layer_id"]],
  ["goxel.remove_voxel", ["x", "y", "z", "layer_id"]],
  ["goxel.get_voxel", ["x", "y", "z"]],
  ["goxel.paint_voxels", ["x", "y", "z", "r", "g", "b", "a", "layer_id"]],
  ["goxel.flood_fill", ["x", "y", "z", "r", "g", "b", "a", "layer_id"]],
  ["goxel.procedural_shape", [
    "shape_type",
    "size_x",
    "size_y",
    "size_z",
    "center_x",
    "center_y",
    "center_z",
    "r",
    "g",
    "b",
    "a",
    "layer_id",
  ]],
  ["goxel.batch_operations", []],
  ["goxel.list_layers", []],
  ["goxel.create_layer", ["name", "r", "g", "b", "visible"]],
  ["goxel.delete_layer", ["layer_id", "layer_name"]],
  ["goxel.merge_layers", ["source_layer_id", "target_layer_id"]],
  ["goxel.set_layer_visibility", ["layer_id", "visible"]],
  ["goxel.get_status", []],
  ["goxel.execute_script", []],
  ["goxel.get_voxels_region", []],
  ["goxel.get_layer_voxels", []],
  ["goxel.get_bounding_box", []],
  ["goxel.get_color_histogram", []],
  ["goxel.find_voxels_by_color", []],
  ["goxel.get_unique_colors", []],
  ["goxel.get_render_info", ["path"]],
  ["goxel.cleanup_render", ["path"]],
  ["goxel.list_renders", []],
  ["echo", []],
  ["version", []],
  ["status", []],
  ["ping", []],
  ["list_methods", []],
  ["add_voxels", ["voxels"]],
];

/** Named params the C daemon's named-only methods read (anchor §1.2). */
const C_NAMED: Record<string, string[]> = {
  "goxel.batch_operations": ["operations"],
  "goxel.execute_script": ["script", "path", "name", "timeout_ms"],
  "goxel.get_voxels_region": ["min", "max", "layer_id", "color_filter", "offset", "limit"],
  "goxel.get_layer_voxels": ["layer_id", "color_filter", "offset", "limit"],
  "goxel.get_bounding_box": ["layer_id", "exact"],
  "goxel.get_color_histogram": ["layer_id", "region", "bin_size", "sort_by_count", "top_n"],
  "goxel.find_voxels_by_color": [
    "color",
    "tolerance",
    "layer_id",
    "region",
    "max_results",
    "include_locations",
  ],
  "goxel.get_unique_colors": [
    "layer_id",
    "region",
    "merge_similar",
    "merge_threshold",
    "sort_by_count",
  ],
  "goxel.render_scene": ["output_path", "width", "height", "camera_preset", "options"],
};

Deno.test("every declaration is well-formed", async (t) => {
  for (const d of ALL) {
    await t.step(d.name, () => {
      if (d.flags.conformance) assert.match(d.name, /^[a-z_]+$/);
      else assert.match(d.name, /^(goxel\.[a-z][a-z0-9_]*|rpc\.discover)$/);
      assert.match(d.summary, /^[A-Z].{10,}[.)]$/, "summary is one sentence");
      const keys = Object.keys(d.params.shape);
      for (const p of d.positional) {
        assert.ok(keys.includes(p.replace(/^\.\.\./, "")), `positional ${p}`);
      }
      assert.equal(new Set(d.positional).size, d.positional.length);
      if (d.flags.project) assert.ok("project" in d.params.shape, "project param added");
      assert.ok(d.examples.length >= 1, "has an example");
    });
  }
});

Deno.test("every example's params parse and its result matches the result schema", async (t) => {
  for (const d of ALL) {
    for (const [i, ex] of d.examples.entries()) {
      await t.step(`${d.name} #${i + 1}`, () => {
        const r = parseParams(d, ex.params);
        assert.ok(r.ok, r.ok ? "" : r.message);
        if (ex.result !== undefined) {
          const check = d.result.safeParse(ex.result);
          assert.ok(check.success, check.error?.message);
        }
      });
    }
  }
});

Deno.test("names and aliases are unique and resolve to their declaration", () => {
  const seen = new Set<string>();
  for (const d of ALL) {
    for (const n of [d.name, ...(d.flags.aliases ?? [])]) {
      assert.ok(!seen.has(n), `${n} declared twice`);
      seen.add(n);
      assert.equal(findMethod(n, { conformance: true }), d);
    }
  }
  assert.equal(Object.keys(METHODS).length, ALL.length);
});

Deno.test("findMethod() accepts names without the goxel. prefix and hides conformance methods", async (t) => {
  await t.step("prefix optional", () => {
    assert.equal(findMethod("ping"), METHODS["goxel.ping"]);
    assert.equal(findMethod("get_version"), METHODS["goxel.version"]);
    assert.equal(findMethod("paint_voxel"), METHODS["goxel.paint_voxels"]);
  });
  await t.step("conformance methods by exact name only when enabled", () => {
    assert.equal(findMethod("subtract"), undefined);
    assert.equal(findMethod("subtract", { conformance: true }), METHODS.subtract);
    assert.equal(findMethod("goxel.subtract", { conformance: true }), undefined);
    assert.equal(listMethods().some((m) => m.flags.conformance), false);
  });
  await t.step("names the spec vectors require to be unknown", () => {
    for (const n of ["foobar", "foo.get", "rpc.foo", "", "goxel.", "GOXEL.PING"]) {
      assert.equal(findMethod(n, { conformance: true }), undefined, n);
    }
  });
});

Deno.test("the C daemon's 34 methods keep their names and positional order", async (t) => {
  assert.equal(C_DAEMON.length, 34);
  for (const [name, order] of C_DAEMON) {
    await t.step(name, () => {
      const d = findMethod(name);
      assert.ok(d, `${name} is missing`);
      assert.deepEqual(d.positional.slice(0, order.length), order);
      const keys = Object.keys(d.params.shape);
      for (const p of C_NAMED[name] ?? []) assert.ok(keys.includes(p), `${name} lacks ${p}`);
    });
  }
});

Deno.test("C daemon call forms parse, and its silent coercions are now errors", async (t) => {
  const ok: [string, unknown, Record<string, unknown>][] = [
    ["goxel.add_voxel", [1, 2, 3, 255, 0, 0, 255, 2], {
      x: 1,
      y: 2,
      z: 3,
      r: 255,
      g: 0,
      b: 0,
      a: 255,
      layer_id: 2,
    }],
    ["goxel.add_voxel", [1, 2, 3, "#ff000080", 2], {
      x: 1,
      y: 2,
      z: 3,
      color: [255, 0, 0, 128],
      layer_id: 2,
    }],
    ["goxel.add_voxel", { x: 0, y: 0, z: 0, color: { r: 1, g: 2, b: 3 } }, {
      x: 0,
      y: 0,
      z: 0,
      color: [1, 2, 3, 255],
    }],
    ["goxel.procedural_shape", ["ellipsoid", 5, 5, 5], {
      shape_type: "sphere",
      size_x: 5,
      size_y: 5,
      size_z: 5,
    }],
    ["goxel.render_scene", ["/tmp/a.png", 64, 64], {
      output_path: "/tmp/a.png",
      width: 64,
      height: 64,
    }],
    ["goxel.batch_operations", [[{ type: "add_voxel", x: 0, y: 0, z: 0 }]], {
      operations: [{ type: "add_voxel", x: 0, y: 0, z: 0 }],
    }],
    ["subtract", { subtrahend: 23, minuend: 42 }, { minuend: 42, subtrahend: 23 }],
    ["sum", [1, 2, 4], { values: [1, 2, 4] }],
  ];
  for (const [name, raw, value] of ok) {
    await t.step(`${name} ${JSON.stringify(raw)}`, () => {
      assert.deepEqual(parseParams(findMethod(name, { conformance: true })!, raw), {
        ok: true,
        value,
      });
    });
  }
  const bad: [string, unknown, RegExp][] = [
    ["goxel.add_voxel", [1.7, 2, 3, 255, 0, 0], /x: expected an integer, got 1\.7/],
    ["goxel.add_voxel", { position: { x: 1, y: 2, z: 3 } }, /unknown param "position"/],
    [
      "goxel.add_voxel",
      { x: 1, y: 2, z: 3, color: "#ff0000", r: 1, g: 2, b: 3 },
      /either color or r, g, b/,
    ],
    ["goxel.procedural_shape", ["torus"], /shape_type/],
    ["goxel.render_scene", { width: 10 }, /output_path/],
    ["goxel.render_scene", ["/tmp/a.png", 64, 64, "sideways"], /camera_preset/],
    ["goxel.batch_operations", { operations: [{ type: "explode" }] }, /operations\[0\]\.type/],
    ["goxel.execute_script", { script: "1", path: "a.js" }, /exactly one of script and path/],
    ["goxel.delete_layer", [0], /layer_id or layer_name/],
    ["goxel.get_voxels_region", { min: [0, 0, 0], max: [0, 0] }, /max/],
    ["goxel.add_voxels", {}, /exactly one of voxels and packed/],
    ["goxel.add_voxels", { packed: "AAAA" }, /16-byte records/],
    ["subtract", [1, 2, 3], /at most 2 positional/],
  ];
  for (const [name, raw, message] of bad) {
    await t.step(`${name} rejects ${JSON.stringify(raw)}`, () => {
      const r = parseParams(findMethod(name, { conformance: true })!, raw);
      assert.ok(!r.ok);
      assert.match(r.message, message);
    });
  }
});

Deno.test("voxel lists accept objects, tuples and packed records", () => {
  const r = parseParams(METHODS["goxel.add_voxels"], {
    voxels: [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7], { x: -1, y: 0, z: 9, color: "#010203" }, {
      x: 0,
      y: 0,
      z: 0,
    }],
  });
  assert.deepEqual(r.ok && r.value.voxels, [
    [1, 2, 3, 4, 5, 6, 255],
    [1, 2, 3, 4, 5, 6, 7],
    [-1, 0, 9, 1, 2, 3, 255],
    [0, 0, 0, 255, 255, 255, 255],
  ]);
  const packed = encodePackedVoxels([[-5, 7, 2147483647, 255, 128, 0, 255], [0, 0, 0, 1, 2, 3, 4]]);
  const bytes = decodePackedVoxels(packed)!;
  assert.equal(bytes.length, 32);
  const seen: number[][] = [];
  forEachPackedVoxel(bytes, (x, y, z, rgba) => seen.push([x, y, z, rgba]));
  assert.deepEqual(seen, [[-5, 7, 2147483647, 0xff0080ff], [0, 0, 0, 0x04030201]]);
  assert.equal(decodePackedVoxels("AAAA"), null, "3 bytes is not a whole record");
  assert.equal(decodePackedVoxels("!!!!AAAAAAAAAAAAAAAAAAAA"), null);
});
