import assert from "node:assert/strict";
import { JOURNAL_MAGIC } from "../core/journal/record.ts";
import { nodeJournalFs, openJournalFile } from "./journal_fs.ts";

Deno.test("openJournalFile() gives a header-only file of an older version this version's header", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/journal.gxj`;
    const open = () => nodeJournalFs.close(openJournalFile(nodeJournalFs, path, JOURNAL_MAGIC));
    await t.step("a version 2 header left by an older daemon's session without edits", async () => {
      const old = JOURNAL_MAGIC.slice();
      old[4] = 2;
      await Deno.writeFile(path, old);
      open();
      assert.deepEqual(await Deno.readFile(path), JOURNAL_MAGIC);
    });
    await t.step("a current header is kept as it is, records are refused", async () => {
      open();
      assert.deepEqual(await Deno.readFile(path), JOURNAL_MAGIC);
      await Deno.writeFile(path, Uint8Array.of(1, 2, 3), { append: true });
      assert.throws(open, /already holds records/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
