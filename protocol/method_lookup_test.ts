import assert from "node:assert/strict";
import { METHOD_PREFIX, methodResolver } from "./method_lookup.ts";

interface Entry {
  name: string;
  aliases: readonly string[];
  conformance: boolean;
}

const ENTRIES: Entry[] = [
  { name: "goxel.ping", aliases: [], conformance: false },
  { name: "goxel.version", aliases: ["goxel.get_version"], conformance: false },
  { name: "goxel.paint_voxels", aliases: ["goxel.paint_voxel"], conformance: false },
  { name: "subtract", aliases: [], conformance: true },
  { name: "goxel.hidden", aliases: [], conformance: true },
];

Deno.test("METHOD_PREFIX is goxel.", () => {
  assert.equal(METHOD_PREFIX, "goxel.");
});

Deno.test("methodResolver() finds names, aliases and unprefixed names", async (t) => {
  const find = methodResolver(ENTRIES);
  const cases: [string, string | undefined][] = [
    ["goxel.ping", "goxel.ping"],
    ["ping", "goxel.ping"],
    ["goxel.get_version", "goxel.version"],
    ["get_version", "goxel.version"],
    ["version", "goxel.version"],
    ["paint_voxel", "goxel.paint_voxels"],
    ["goxel.nope", undefined],
    ["nope", undefined],
    ["Ping", undefined],
    ["", undefined],
  ];
  for (const [name, expected] of cases) {
    await t.step(JSON.stringify(name), () => assert.equal(find(name)?.name, expected));
  }
});

Deno.test("methodResolver() finds conformance entries only when asked, by exact name", async (t) => {
  const find = methodResolver(ENTRIES);
  const cases: [string, boolean, string | undefined][] = [
    ["subtract", false, undefined],
    ["subtract", true, "subtract"],
    ["goxel.hidden", false, undefined],
    ["goxel.hidden", true, "goxel.hidden"],
    ["hidden", true, undefined],
    ["goxel.subtract", true, undefined],
    ["ping", true, "goxel.ping"],
  ];
  for (const [name, conformance, expected] of cases) {
    await t.step(`${name} conformance=${conformance}`, () => {
      assert.equal(find(name, { conformance })?.name, expected);
    });
  }
});

Deno.test("methodResolver() returns the entry object itself", () => {
  const find = methodResolver(ENTRIES);
  assert.equal(find("get_version"), ENTRIES[1]);
});

Deno.test("methodResolver() throws TypeError when two entries claim a name", async (t) => {
  const cases: [string, Entry[], RegExp][] = [
    [
      "an alias claims another method's name",
      [
        { name: "goxel.a", aliases: [], conformance: false },
        { name: "goxel.b", aliases: ["goxel.a"], conformance: false },
      ],
      /goxel\.a is claimed by goxel\.a and goxel\.b/,
    ],
    [
      "two methods share a name",
      [
        { name: "goxel.a", aliases: [], conformance: false },
        { name: "goxel.a", aliases: [], conformance: true },
      ],
      /goxel\.a is claimed/,
    ],
    [
      "two aliases collide",
      [
        { name: "goxel.a", aliases: ["goxel.x"], conformance: false },
        { name: "goxel.b", aliases: ["goxel.x"], conformance: false },
      ],
      /goxel\.x is claimed by goxel\.a and goxel\.b/,
    ],
  ];
  for (const [label, entries, message] of cases) {
    await t.step(label, () => {
      assert.throws(() => methodResolver(entries), (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, message);
        return true;
      });
    });
  }
});

Deno.test("methodResolver() accepts an entry listing its own name as an alias", () => {
  const entry = { name: "goxel.a", aliases: ["goxel.a"], conformance: false };
  assert.equal(methodResolver([entry])("a"), entry);
});
