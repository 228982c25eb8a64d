import assert from "node:assert/strict";
import { base64ToBytes, decodeTiles, TileMode } from "./tiles_wire.ts";

function header(count: number): number[] {
  return [..."GXT1"].map((c) => c.charCodeAt(0)).concat([count, 0, 0, 0]);
}

function tileHead(mode: number): number[] {
  return [1, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, mode];
}

Deno.test("decodeTiles() reads runs and refuses malformed input", async (t) => {
  await t.step("two runs", () => {
    const runs = [2, 0, 0, 8, 1, 2, 3, 255, 0, 8, 0, 0, 0, 0];
    const [tile] = decodeTiles(new Uint8Array([...header(1), ...tileHead(TileMode.RUNS), ...runs]));
    assert.deepEqual(tile.origin, [16, 0, 0]);
    assert.equal(tile.voxels![0], 0xff030201);
    assert.equal(tile.voxels![2047], 0xff030201);
    assert.equal(tile.voxels![2048], 0);
  });
  const cases: [string, number[], RegExp][] = [
    ["bad magic", [0, 0, 0, 0, 0, 0, 0, 0], /bad magic/],
    ["unknown mode", [...header(1), ...tileHead(7)], /unknown tile mode 7/],
    ["short runs", [...header(1), ...tileHead(1), 1, 0, 1, 0, 0, 0, 0, 0], /do not cover/],
    ["run overflow", [...header(1), ...tileHead(1), 1, 0, 255, 255, 0, 0, 0, 0], /overflow/],
  ];
  for (const [name, bytes, error] of cases) {
    await t.step(name, () => assert.throws(() => decodeTiles(new Uint8Array(bytes)), error));
  }
  await t.step(
    "base64",
    () => assert.deepEqual(base64ToBytes("AAEC/w=="), new Uint8Array([0, 1, 2, 255])),
  );
});
