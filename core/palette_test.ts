import assert from "node:assert/strict";
import { packRgba } from "./color.ts";
import {
  BUILTIN_PALETTES,
  DB32,
  findBuiltinPalette,
  findEntryByName,
  formatGpl,
  MAGICAVOXEL,
  parseGpl,
} from "./palette.ts";
import { FIXTURES as ALL_FIXTURES, haveFixtures } from "../tests/fixtures_testing.ts";

const FIXTURES = new URL("goxel/", ALL_FIXTURES);
const hasFixtures = haveFixtures("palette_test");
const readFixture = (name: string) => Deno.readTextFileSync(new URL(name, FIXTURES));

Deno.test({
  name: "parseGpl() reads every Goxel fixture palette with its name and entry count",
  ignore: !hasFixtures,
  fn: async (t) => {
    const cases: [string, string, number, number][] = [
      ["db32.gpl", "DB32", 32, 8],
      ["MagicaVoxel.gpl", "MagicaVoxel", 256, 0],
      ["Pico8.gpl", "Pico8", 16, 8],
      ["Tango-Palette.gpl", "Tango icons", 29, 3],
      ["Minetest.gpl", "Minetest", 424, 0],
    ];
    for (const [file, name, count, columns] of cases) {
      await t.step(file, () => {
        const p = parseGpl(readFixture(file));
        assert.equal(p.name, name);
        assert.equal(p.entries.length, count);
        assert.equal(p.columns, columns);
      });
    }
  },
});

Deno.test({
  name: "parseGpl() keeps entry names: tab-separated, padded, hex and node names",
  ignore: !hasFixtures,
  fn: () => {
    const pico = parseGpl(readFixture("Pico8.gpl"));
    assert.deepEqual(pico.entries[1], { color: packRgba(29, 43, 83), name: "#1D2B53" });
    const mt = parseGpl(readFixture("Minetest.gpl"));
    const stone = findEntryByName(mt, "DEFAULT:STONE");
    assert.ok(stone);
    assert.equal(stone.name, "default:stone");
    assert.equal(mt.entries[0].name, "beds:bed_bottom");
    assert.equal(mt.entries[0].color, packRgba(130, 3, 3));
  },
});

Deno.test({
  name: "DB32 built-in equals Goxel's db32.gpl colour for colour",
  ignore: !hasFixtures,
  fn: () => {
    assert.deepEqual(DB32, parseGpl(readFixture("db32.gpl")));
  },
});

Deno.test({
  name: "MagicaVoxel built-in equals Goxel's MagicaVoxel.gpl",
  ignore: !hasFixtures,
  fn: () => {
    assert.deepEqual(MAGICAVOXEL, parseGpl(readFixture("MagicaVoxel.gpl")));
  },
});

Deno.test("parseGpl() follows sscanf rules on odd lines", async (t) => {
  const cases: [string, { color: number; name: string }[]][] = [
    ["1 2 3", [{ color: packRgba(1, 2, 3), name: "" }]],
    ["  300 -1 +5 name with  spaces ", [{
      color: packRgba(44, 255, 5),
      name: "name with  spaces ",
    }]],
    ["1 2 3 red\r", [{ color: packRgba(1, 2, 3), name: "red\r" }]],
    ["1\t2\t3\tx", [{ color: packRgba(1, 2, 3), name: "x" }]],
    ["123", []],
    ["1 2", []],
    ["# 1 2 3", []],
    ["GIMP Palette", []],
    ["0x10 2 3", []],
  ];
  for (const [line, entries] of cases) {
    await t.step(JSON.stringify(line), () => assert.deepEqual(parseGpl(line).entries, entries));
  }
});

Deno.test("parseGpl() takes only the first Name and Columns lines", () => {
  const p = parseGpl("Name: A\nName: B\nColumns: 4\nColumns: 9\n");
  assert.equal(p.name, "A");
  assert.equal(p.columns, 4);
  assert.equal(p.entries.length, 0);
});

Deno.test("formatGpl() output parses back to the same palette", () => {
  for (const p of BUILTIN_PALETTES) assert.deepEqual(parseGpl(formatGpl(p)), p);
});

Deno.test("findBuiltinPalette() finds DB32 case-insensitively and is the default", () => {
  assert.equal(findBuiltinPalette("db32"), DB32);
  assert.equal(BUILTIN_PALETTES[0], DB32);
  assert.equal(findBuiltinPalette("nope"), undefined);
});
