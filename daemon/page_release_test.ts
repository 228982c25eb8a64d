import assert from "node:assert/strict";
import { releasableRanges, releaseCleanFilePages } from "./page_release.ts";

const EXE = "/opt/goxel/bin/goxel";

function mapping(
  range: string,
  perms: string,
  inode: string,
  path: string,
  anon: number,
  swap = 0,
): string {
  return [
    `${range} ${perms} 00000000 08:01 ${inode}${path ? `                    ${path}` : ""}`,
    "Size:              64 kB",
    "Rss:               64 kB",
    `Anonymous:         ${anon} kB`,
    `Swap:              ${swap} kB`,
    "VmFlags: rd ex mr mw me",
  ].join("\n");
}

Deno.test("releasableRanges() keeps only the executable's clean read-only private mappings", async (t) => {
  const smaps = [
    mapping("00200000-01a39000", "r--p", "131", EXE, 0),
    mapping("01a40000-0684a000", "r-xp", "131", EXE, 0),
    mapping("06867000-0755c000", "rw-p", "131", EXE, 116),
    mapping("0755c000-07560000", "r--p", "131", EXE, 8),
    mapping("07560000-07570000", "r--s", "131", EXE, 0),
    mapping("7f8eb2dd7000-7f8eb2f2d000", "r-xp", "262", "/usr/lib/libc.so.6", 0),
    mapping("7f8d00000000-7f8e00000000", "rw-p", "0", "", 764),
    mapping("7ffd1000-7ffd3000", "r-xp", "0", "[vdso]", 0),
  ].join("\n");
  const ranges = releasableRanges(smaps, EXE);
  await t.step("text and read-only data with no copied page", () => {
    assert.deepEqual(ranges, [
      { start: 0x200000n, end: 0x1a39000n },
      { start: 0x1a40000n, end: 0x684a000n },
    ]);
  });
  await t.step("not a mapping whose copied pages are swapped out (relro)", () => {
    const text = mapping("0685f000-06867000", "r--p", "131", EXE, 0, 12);
    assert.deepEqual(releasableRanges(text, EXE), []);
  });
  await t.step("not a mapping whose fields cannot be read", () => {
    const text = mapping("01a40000-0684a000", "r-xp", "131", EXE, 0).replace(/Swap:.*\n/, "");
    assert.deepEqual(releasableRanges(text, EXE), []);
  });
  await t.step("nothing of another file", () => {
    assert.deepEqual(releasableRanges(smaps, "/usr/bin/other"), []);
  });
  await t.step("a replaced executable's mappings still match its (deleted) path", () => {
    const deleted = `${EXE} (deleted)`;
    const text = mapping("01a40000-0684a000", "r-xp", "131", deleted, 0);
    assert.equal(releasableRanges(text, deleted).length, 1);
  });
  await t.step("addresses above 2^53 stay exact", () => {
    const text = mapping("ffffffffff600000-ffffffffff601000", "r-xp", "131", EXE, 0);
    assert.deepEqual(releasableRanges(text, EXE), [
      { start: 0xffffffffff600000n, end: 0xffffffffff601000n },
    ]);
  });
});

Deno.test("releaseCleanFilePages() is a no-op without Bun", async () => {
  // Deno runs the tests; the compiled binary (Bun) is checked in tests/idle_memory_e2e_test.ts.
  assert.equal(await releaseCleanFilePages(), null);
});
