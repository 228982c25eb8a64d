/**
 * Copy-on-write must not keep old tile versions alive: a tile cloned on write remembered the
 * object it was cloned from, which chained every earlier version of it (each whole-tile edit
 * of a 1 M-voxel model kept 8 MB for good). Run in a child Deno with --expose-gc, so that what
 * is left after a full collection is what is really reachable.
 */
import assert from "node:assert/strict";

const SCRIPT = `
import { Volume } from "${new URL("./volume.ts", import.meta.url).href}";
const v = new Volume();
for (let k = 0; k < 200; k++) {
  // A copy (an undo snapshot, a rollback copy) taken and dropped around each edit.
  const before = v.copy();
  for (let t = 0; t < 64; t++) v.writeTile(t * 16, 0, 0).fill(k + 1);
  if (before.tileCount < 0) throw new Error("unreachable");
}
// Several collections with turns between them: backing stores are freed off the main thread.
for (let i = 0; i < 5; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
}
// v is used after the collections, so it stays reachable through them.
console.log(Deno.memoryUsage().external, v.tileCount);
`;

Deno.test("a volume edited through copy-on-write copies keeps no old tile versions", async () => {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, SCRIPT);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-read", "--v8-flags=--expose-gc", file],
      stderr: "inherit",
    }).output();
    assert.ok(out.success, "the child ran");
    const [external, tiles] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
    assert.equal(tiles, 64);
    // 64 live tiles are 1 MiB; the 200 versions of them a leak would keep are 200 MiB (the
    // rest is the runtime's own and varies: 0.2–36 MiB measured).
    assert.ok(external < 100 * 2 ** 20, `${(external / 2 ** 20).toFixed(1)} MiB still reachable`);
  } finally {
    await Deno.remove(file);
  }
});
