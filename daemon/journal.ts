/**
 * The journal store: one append-only journal per open project under `<data_dir>/projects/<id>/`
 * (docs/journal.md). Every committed change is written (write(2)) before its reply; with
 * `durability: batch` replies also wait for a group fsync, with `always` each write is
 * fsynced. Checkpoints (whole-state snapshots written atomically) bound each journal's size.
 *
 * Edits are queued, not written at once: the changes of one burst of pipelined requests (one
 * run of a connection, or everything until the next microtask) go out in one write(2) per
 * project, before any of their replies. When that write fails, every queued change of the
 * project is taken back, newest first, and each of their requests is answered with the error.
 */
import fs from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "../core/errors.ts";
import { copyImage } from "../core/image.ts";
import { concatBytes } from "../core/formats/bytes.ts";
import { fullDelta } from "../core/journal/image_delta.ts";
import {
  encodeRecord,
  JOURNAL_MAGIC,
  type JournalRecord,
  RecordKind,
} from "../core/journal/record.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import { type JournalFs, openJournalFile, removeDir } from "./journal_fs.ts";
import { GroupSync } from "./journal_sync.ts";
import {
  factsOf,
  type JournalLog,
  journalName,
  type JournalSettings,
  type JournalStats,
  type OpenJournal,
  type Ticket,
} from "./journal_types.ts";
import { writeCheckpoint } from "./snapshot_encode.ts";
import type { Project } from "./projects.ts";

/**
 * Queued changes that make a write at once, even mid-burst: undo data is held less long (+16 %
 * at 1000 requests a burst, against one write for the whole burst).
 */
const MAX_QUEUED = 64;

/** Writes, syncs and checkpoints project journals. */
export class JournalStore {
  readonly settings: JournalSettings;
  readonly stats: JournalStats = {
    records: 0,
    bytes: 0,
    fsyncs: 0,
    checkpoints: 0,
    write_failures: 0,
  };
  readonly #fs: JournalFs;
  readonly #clock: () => number;
  readonly #log: JournalLog;
  readonly #open = new Map<string, OpenJournal>();
  readonly #checkpointing = new Map<string, Promise<void>>();
  readonly #sync: GroupSync;
  /** Projects with queued changes, in the order of their first one. */
  #queuedProjects = new Set<Project>();
  #flushScheduled = false;

  constructor(settings: JournalSettings, files: JournalFs, clock: () => number, log: JournalLog) {
    this.settings = settings;
    this.#fs = files;
    this.#clock = clock;
    this.#log = log;
    this.#sync = new GroupSync({
      fs: files,
      batchMs: settings.batchMs,
      takeUnsynced: () => {
        const due = [];
        for (const [id, j] of this.#open) {
          if (!j.unsynced) continue;
          due.push({ fd: j.fd, note: `${id}:${j.unsynced}` });
          j.unsynced = 0;
        }
        return due;
      },
      counted: () => void this.stats.fsyncs++,
      failed: (note, err) =>
        log.error("Journal fsync failed for {note}: {message}", { note, message: err.message }),
    });
  }

  /** False with `durability: off` (nothing is written). */
  get enabled(): boolean {
    return this.settings.durability !== "off";
  }

  /** Directory holding every project's journal. */
  get projectsDir(): string {
    return join(this.settings.dataDir, "projects");
  }

  /** Directory holding every project's named checkpoints (by project id). */
  get checkpointsDir(): string {
    return join(this.settings.dataDir, "checkpoints");
  }

  /** Writes a project's whole state as the first record of a fresh journal (seq 1). */
  opened(project: Project, method: string): void {
    project.seq = 1;
    if (!this.enabled) return;
    const dir = join(this.projectsDir, project.id);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.#startJournal(project.id, dir, 1);
    } catch (err) {
      this.stats.write_failures++;
      throw new RpcError(
        ErrorCode.JOURNAL,
        `Cannot start the journal of project ${project.id} in ${dir}: ${(err as Error).message}`,
        { reason: "journal", errno: (err as { code?: string }).code ?? "error", path: dir },
      );
    }
    this.append(project, {
      seq: 1,
      kind: RecordKind.OPEN,
      method,
      steps: 0,
      project: factsOf(project),
      delta: fullDelta(project.image),
    });
  }

  /** Adopts a recovered project's journal directory: new records go to a new journal file. */
  adopt(project: Project): void {
    if (!this.enabled) return;
    this.#startJournal(project.id, join(this.projectsDir, project.id), project.seq + 1);
  }

  /**
   * Appends one record now (write(2) done when this returns), after the project's queued
   * changes. On failure the partial record is cut off and a JOURNAL error is thrown; the
   * caller rolls the project back.
   */
  append(project: Project, record: JournalRecord): void {
    if (!this.enabled) return;
    const j = this.#journalOf(project);
    this.flushProject(project);
    this.#write(project, j, encodeRecord(record), record.seq, 1);
  }

  /**
   * Queues the record of a change already made in memory; it is written with the other
   * changes of this burst by `flushQueued` (at the latest in a microtask). `revert` takes the
   * change back if that write fails. Returns null when nothing is journaled (`off`).
   */
  queue(project: Project, record: JournalRecord, revert: () => void): Ticket | null {
    if (!this.enabled) return null;
    const j = this.#journalOf(project);
    const ticket: Ticket = { error: null };
    this.#queuedProjects.add(project);
    j.queued.push({ bytes: encodeRecord(record), seq: record.seq, ticket, revert });
    if (j.queued.length >= MAX_QUEUED) this.flushProject(project);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => {
        this.#flushScheduled = false;
        this.flushQueued();
      });
    }
    return ticket;
  }

  /**
   * The ticket of the project's newest queued change, or null: a reply computed from the state
   * it left (a read, an edit that changed nothing) fails with it.
   */
  pendingTicket(project: Project): Ticket | null {
    return this.#open.get(project.id)?.queued.at(-1)?.ticket ?? null;
  }

  /** Writes every queued change: one write(2) per project. */
  flushQueued(): void {
    if (this.#queuedProjects.size === 0) return;
    const projects = [...this.#queuedProjects];
    this.#queuedProjects.clear();
    for (const p of projects) this.flushProject(p);
  }

  /** Writes the project's queued changes now (before something that must not see them unwritten). */
  flushProject(project: Project): void {
    const j = this.#open.get(project.id);
    if (!j || j.queued.length === 0) return;
    const queued = j.queued;
    j.queued = [];
    const bytes = concatBytes(queued.map((q) => q.bytes));
    try {
      this.#write(project, j, bytes, queued[queued.length - 1].seq, queued.length);
      project.degraded = null;
    } catch (err) {
      // Newest first: each revert finds the project exactly as its change left it.
      for (let i = queued.length - 1; i >= 0; i--) {
        queued[i].ticket.error = err as RpcError;
        try {
          queued[i].revert();
        } catch (bug) {
          this.#log.error("Cannot take back change {seq} of {project}: {message}", {
            seq: queued[i].seq,
            project: project.id,
            message: (bug as Error).message,
          });
        }
      }
      project.seq = queued[0].seq - 1;
      project.degraded = (err as Error).message;
    }
  }

  #journalOf(project: Project): OpenJournal {
    const j = this.#open.get(project.id);
    if (!j) {
      // Closed while the request ran (an import or a script on a worker): not a bug.
      throw new NotFoundError(
        `Project ${project.id} was closed while this request ran; its change was not kept`,
      );
    }
    return j;
  }

  /** One write(2) of whole records (and an fsync with `always`); throws a JOURNAL error. */
  #write(project: Project, j: OpenJournal, bytes: Uint8Array, lastSeq: number, count: number) {
    try {
      if (j.needsCut) {
        this.#fs.truncate(j.fd, j.size);
        j.needsCut = false;
      }
      this.#fs.write(j.fd, bytes);
      if (this.settings.durability === "always") {
        this.#fs.fsyncSync(j.fd, `${project.id}:${lastSeq}`);
        this.stats.fsyncs++;
      }
    } catch (err) {
      this.stats.write_failures++;
      try {
        this.#fs.truncate(j.fd, j.size); // cut off what part of it reached the file
      } catch {
        j.needsCut = true;
      }
      const code = (err as { code?: string }).code ?? "error";
      throw new RpcError(
        ErrorCode.JOURNAL,
        `Cannot write the journal of project ${project.id}: ${
          (err as Error).message
        }; the change was not applied`,
        { reason: "journal", errno: code, path: j.path },
      );
    }
    j.size += bytes.length;
    if (j.firstAt === 0) j.firstAt = this.#clock();
    if (this.settings.durability === "batch") j.unsynced = lastSeq;
    this.stats.records += count;
    this.stats.bytes += bytes.length;
  }

  /** Records a save or a rename (project facts, no undo step). */
  facts(project: Project): void {
    // Queued changes first: a failed write takes them back and changes project.seq.
    this.flushProject(project);
    const seq = project.seq + 1;
    this.append(project, {
      seq,
      kind: RecordKind.PROJECT,
      method: "project",
      steps: 0,
      project: factsOf(project),
      delta: { meta: null, volumes: [] },
    });
    project.seq = seq;
  }

  /** Removes a closed project's journal and checkpoint (a running checkpoint is abandoned). */
  closed(project: Project): void {
    const j = this.#open.get(project.id);
    // Its queued changes are dropped with it (the journal is removed).
    this.#queuedProjects.delete(project);
    this.#open.delete(project.id);
    if (j) this.#fs.close(j.fd);
    // Removed before the reply: a closed project never comes back after a restart.
    if (this.enabled) removeDir(join(this.projectsDir, project.id));
    // Its named checkpoints go with it (they belong to this project's id, never given again).
    removeDir(join(this.checkpointsDir, project.id));
  }

  /**
   * Runs `fn` once everything written so far is as durable as the mode promises: at once for
   * `off`/`process`/`always`, after the next group fsync for `batch`. Callbacks run in order.
   */
  afterDurable(fn: () => void): void {
    this.flushQueued();
    if (this.settings.durability !== "batch" || !this.#hasUnsynced()) {
      if (this.#sync.idle) return fn();
    }
    this.#sync.wait(fn);
  }

  #hasUnsynced(): boolean {
    if (this.#sync.hasRetired) return true;
    for (const j of this.#open.values()) if (j.unsynced) return true;
    return false;
  }

  /** True when a project's journal passed the size or age threshold. */
  isCheckpointDue(project: Project): boolean {
    const j = this.#open.get(project.id);
    if (!j || this.#checkpointing.has(project.id)) return false;
    const old = j.firstAt > 0 &&
      this.#clock() - j.firstAt >= this.settings.checkpointSeconds * 1000;
    return j.size >= this.settings.checkpointBytes || old;
  }

  /**
   * Writes a checkpoint of the project as it is now and starts a new journal; edits go on
   * meanwhile (the snapshot is copy-on-write and encoding yields to the event loop).
   */
  checkpoint(project: Project): Promise<void> {
    const running = this.#checkpointing.get(project.id);
    if (running || !this.enabled) return running ?? Promise.resolve();
    const done = this.#checkpoint(project).finally(() => this.#checkpointing.delete(project.id));
    this.#checkpointing.set(project.id, done);
    return done;
  }

  async #checkpoint(project: Project): Promise<void> {
    const started = performance.now();
    const j = this.#open.get(project.id);
    if (!j) return;
    // The checkpoint covers the queued changes: they go to the journal it replaces first.
    this.flushProject(project);
    const snapshot = copyImage(project.image), seq = project.seq, facts = factsOf(project);
    this.#startJournal(project.id, j.dir, seq + 1);
    if (j.unsynced) this.#sync.retire({ fd: j.fd, note: `${project.id}:${j.unsynced}` });
    else this.#fs.close(j.fd);
    // Closed meanwhile: its directory is gone, nothing to write.
    const wanted = () => this.#open.has(project.id);
    const bytes = await writeCheckpoint(j.dir, snapshot, seq, facts, wanted).catch((err) => {
      if (wanted()) throw err;
      return null; // closed while it was written: its directory went away under it
    });
    if (!wanted()) {
      // Closed while the file was written: a checkpoint left behind would bring it back.
      removeDir(j.dir);
      return;
    }
    if (bytes === null) return;
    this.stats.checkpoints++;
    this.#log.info("Checkpoint of {project} at seq {seq}: {bytes} bytes in {ms} ms", {
      project: project.id,
      seq,
      bytes,
      ms: Math.round(performance.now() - started),
    });
  }

  /** Opens the journal file that starts at `seq` (see openJournalFile); it becomes the project's. */
  #startJournal(id: string, dir: string, seq: number): void {
    const path = join(dir, journalName(seq));
    const fd = openJournalFile(this.#fs, path, JOURNAL_MAGIC);
    this.#open.set(id, {
      dir,
      fd,
      path,
      size: JOURNAL_MAGIC.length,
      firstAt: 0,
      needsCut: false,
      unsynced: 0,
      queued: [],
    });
  }

  /** Syncs and closes every journal (at shutdown), after pending checkpoints. */
  async close(): Promise<void> {
    this.flushQueued();
    await Promise.all(this.#checkpointing.values());
    for (const [id, j] of this.#open) {
      if (this.settings.durability !== "off") {
        await this.#fs.fsync(j.fd, `${id}:close`).catch(() => {});
      }
      this.#fs.close(j.fd);
    }
    this.#open.clear();
    this.#sync.close();
  }
}
