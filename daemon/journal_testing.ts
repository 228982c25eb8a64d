/** A journal store for tests: real files under `dataDir`, quiet logs, the wall clock. */
import { JournalStore } from "./journal.ts";
import { nodeJournalFs } from "./journal_fs.ts";

/** Returns a store with the given durability (checkpoints only past 64 MiB or 10 minutes). */
export function testJournal(
  dataDir: string,
  durability: "off" | "process" = "process",
): JournalStore {
  return new JournalStore(
    { dataDir, durability, batchMs: 5, checkpointBytes: 1 << 26, checkpointSeconds: 600 },
    nodeJournalFs,
    () => Date.now(),
    { info() {}, warn() {}, error() {} },
  );
}
