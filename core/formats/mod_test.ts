import assert from "node:assert/strict";
import { codecForPath, CODECS, findCodec, requireCodec } from "./mod.ts";

Deno.test("findCodec() accepts names, the C daemon's names and extensions, any case", async (t) => {
  const cases: [string, "decode" | "encode" | undefined, string | undefined][] = [
    ["gox", undefined, "gox"],
    ["GOX", "decode", "gox"],
    ["text", "encode", "txt"],
    ["txt", "encode", "txt"],
    [".pov", "encode", "povray"],
    ["povray", "encode", "povray"],
    ["Magica Voxel", "decode", "vox"],
    ["png slices", "encode", "png_slices"],
    ["qb", "decode", "qubicle"],
    ["stl", "encode", "stl"],
    ["stl", "decode", undefined],
    ["nope", undefined, undefined],
  ];
  for (const [key, dir, expected] of cases) {
    await t.step(`${key} ${dir ?? ""}`, () => assert.equal(findCodec(key, dir)?.name, expected));
  }
});

Deno.test("codecForPath() matches extensions case-insensitively and .png renders", () => {
  assert.equal(codecForPath("/a/B.VOX", "decode")?.name, "vox");
  assert.equal(codecForPath("x.png", "encode")?.name, "png");
  assert.equal(codecForPath("x.png", "decode"), undefined);
  assert.throws(
    () => requireCodec("x.xyz", "encode"),
    /Cannot write "x.xyz": goxel cannot write ".xyz" files \(formats it can write: .*\)/,
  );
});

Deno.test("every codec name is unique and lower case", () => {
  const names = CODECS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.equal(n, n.toLowerCase());
});
