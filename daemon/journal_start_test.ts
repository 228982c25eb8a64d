/**
 * Starting a journal file on a failing disk: the descriptor is closed and the empty file
 * removed (each failed attempt leaked a descriptor, until the daemon could accept no client,
 * and the 0-byte files read as damage at the next start).
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { newImage } from "../core/image.ts";
import { JournalStore } from "./journal.ts";
import { type JournalFs, nodeJournalFs } from "./journal_fs.ts";
import { Project } from "./projects.ts";

Deno.test("a journal whose header cannot be written closes its file and leaves none", async () => {
  const dataDir = await Deno.makeTempDir();
  const open = new Set<number>();
  let full = true;
  const fs: JournalFs = {
    ...nodeJournalFs,
    openAppend(path) {
      const fd = nodeJournalFs.openAppend(path);
      open.add(fd);
      return fd;
    },
    write(fd, bytes) {
      if (full) {
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      }
      nodeJournalFs.write(fd, bytes);
    },
    close(fd) {
      open.delete(fd);
      nodeJournalFs.close(fd);
    },
  };
  const store = new JournalStore(
    {
      dataDir,
      durability: "process",
      batchMs: 5,
      checkpointBytes: 1 << 26,
      checkpointSeconds: 600,
    },
    fs,
    () => Date.now(),
    { info() {}, warn() {}, error() {} },
  );
  try {
    const project = new Project("p1", "full", newImage(), Date.now());
    for (let i = 0; i < 20; i++) {
      assert.throws(() => store.opened(project, "test"), /Cannot start the journal.*ENOSPC/);
    }
    assert.equal(open.size, 0, "every descriptor was closed");
    assert.deepEqual(readdirSync(join(store.projectsDir, "p1")), [], "no empty journal is left");
    full = false;
    store.opened(project, "test");
    assert.deepEqual(readdirSync(join(store.projectsDir, "p1")), ["journal-000000000001.gxj"]);
  } finally {
    await store.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
