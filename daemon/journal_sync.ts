/**
 * The group fsync of `durability: batch`: replies wait for the next fsync, which starts at once
 * when the journal was idle and at most once every `batch_ms` while it is busy, so a lone
 * request waits for one fsync and a stream of requests shares one fsync per `batch_ms`.
 */
import type { JournalFs } from "./journal_fs.ts";

/** A journal file with writes to sync; `note` names it in logs (and the test shim's log). */
export interface SyncTarget {
  fd: number;
  note: string;
}

/** Where the group sync reports. */
export interface GroupSyncHost {
  fs: JournalFs;
  batchMs: number;
  /** Takes the open journals that have unsynced writes (and marks them synced). */
  takeUnsynced(): SyncTarget[];
  /** Counts one fsync. */
  counted(): void;
  failed(note: string, err: Error): void;
}

/** Callbacks waiting for the next group fsync, and the journals retired since the last one. */
export class GroupSync {
  readonly #host: GroupSyncHost;
  #waiters: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #syncing = false;
  #lastSyncAt = -Infinity;
  /** Journals replaced by a checkpoint whose last records still await the group fsync. */
  #retired: SyncTarget[] = [];

  constructor(host: GroupSyncHost) {
    this.#host = host;
  }

  /** True when no callback waits (a new one may then run at once if nothing is unsynced). */
  get idle(): boolean {
    return this.#waiters.length === 0;
  }

  /** True when a retired journal still needs its fsync. */
  get hasRetired(): boolean {
    return this.#retired.length > 0;
  }

  /** Keeps a replaced journal open until the next group fsync has synced and closed it. */
  retire(target: SyncTarget): void {
    this.#retired.push(target);
  }

  /** Runs `fn` after the next group fsync (callbacks run in order). */
  wait(fn: () => void): void {
    this.#waiters.push(fn);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastSyncAt + this.#host.batchMs - performance.now());
    this.#timer = setTimeout(() => this.#run(), wait);
  }

  async #run(): Promise<void> {
    this.#timer = null;
    if (this.#syncing) return; // the running sync schedules the next group when it ends
    this.#syncing = true;
    this.#lastSyncAt = performance.now();
    const waiters = this.#waiters;
    this.#waiters = [];
    const { fs } = this.#host;
    const jobs = this.#host.takeUnsynced().map(({ fd, note }) => {
      this.#host.counted();
      return fs.fsync(fd, note).catch((err) => this.#host.failed(note, err as Error));
    });
    for (const r of this.#retired.splice(0)) {
      this.#host.counted();
      jobs.push(fs.fsync(r.fd, r.note).catch(() => {}).finally(() => fs.close(r.fd)));
    }
    await Promise.all(jobs);
    this.#syncing = false;
    for (const w of waiters) w();
    if (this.#waiters.length) this.#schedule();
  }

  /** At shutdown: closes retired journals and runs every waiting callback. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const r of this.#retired.splice(0)) this.#host.fs.close(r.fd);
    for (const w of this.#waiters.splice(0)) w();
  }
}
