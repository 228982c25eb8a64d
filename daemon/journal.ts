/**
 * The journal store: one append-only journal per open project under `<data_dir>/projects/<id>/`
 * (docs/journal.md). Every committed change is written (write(2)) before its reply; with
 * `durability: batch` replies also wait for a group fsync, with `always` each change is
 * fsynced. Checkpoints (whole-state snapshots written atomically) bound each journal's size.
 */
import fs from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { copyImage } from "../core/image.ts";
import { fullDelta } from "../core/journal/image_delta.ts";
import {
  encodeRecord,
  JOURNAL_MAGIC,
  type JournalRecord,
  type ProjectFacts,
  RecordKind,
} from "../core/journal/record.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import { writeFileAtomic } from "./files.ts";
import type { JournalFs } from "./journal_fs.ts";
import { encodeSnapshot } from "./snapshot_encode.ts";
import type { Project } from "./projects.ts";

/** How much a reply waits for before it is sent. */
export type DurabilityMode = "off" | "process" | "batch" | "always";

/** The journal's settings (config keys `durability*`, `data_dir`, `checkpoint.*`). */
export interface JournalSettings {
  dataDir: string;
  durability: DurabilityMode;
  batchMs: number;
  checkpointBytes: number;
  checkpointSeconds: number;
}

/** Minimal logger the store reports to. */
export interface JournalLog {
  info(message: string, props?: Record<string, unknown>): void;
  warn(message: string, props?: Record<string, unknown>): void;
  error(message: string, props?: Record<string, unknown>): void;
}

/** Counters the store exposes (get_status, metrics). */
export interface JournalStats {
  records: number;
  bytes: number;
  fsyncs: number;
  checkpoints: number;
  write_failures: number;
}

interface OpenJournal {
  dir: string;
  fd: number;
  path: string;
  /** Bytes known to be whole records (a failed write is cut back to this). */
  size: number;
  /** Clock time of the first record of this journal file, 0 while it has none. */
  firstAt: number;
  /** A failed write could not be cut back: the next write must retry the cut first. */
  needsCut: boolean;
  /** Highest seq written but not yet fsynced (batch mode). */
  unsynced: number;
}

/** Journal file name for records starting at `seq`. */
export function journalName(seq: number): string {
  return `journal-${String(seq).padStart(12, "0")}.gxj`;
}

/** The checkpoint file of a project directory. */
export const CHECKPOINT_NAME = "checkpoint.gxj";

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
  #waiters: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #syncing = false;
  #lastSyncAt = -Infinity;
  readonly #checkpointing = new Map<string, Promise<void>>();
  /** Journals replaced by a checkpoint whose last records still await the group fsync. */
  #retired: { fd: number; note: string }[] = [];

  constructor(settings: JournalSettings, files: JournalFs, clock: () => number, log: JournalLog) {
    this.settings = settings;
    this.#fs = files;
    this.#clock = clock;
    this.#log = log;
  }

  /** False with `durability: off` (nothing is written). */
  get enabled(): boolean {
    return this.settings.durability !== "off";
  }

  /** Directory holding every project's journal. */
  get projectsDir(): string {
    return join(this.settings.dataDir, "projects");
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
   * Appends one record (write(2) done when this returns). On failure the partial record is cut
   * off and a JOURNAL error is thrown; the caller rolls the project back.
   */
  append(project: Project, record: JournalRecord): void {
    if (!this.enabled) return;
    const j = this.#open.get(project.id);
    if (!j) throw new RangeError(`Project ${project.id} has no open journal`);
    const bytes = encodeRecord(record);
    try {
      if (j.needsCut) {
        this.#fs.truncate(j.fd, j.size);
        j.needsCut = false;
      }
      this.#fs.write(j.fd, bytes);
      if (this.settings.durability === "always") {
        this.#fs.fsyncSync(j.fd, `${project.id}:${record.seq}`);
        this.stats.fsyncs++;
      }
    } catch (err) {
      this.stats.write_failures++;
      this.#cutBack(j);
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
    if (this.settings.durability === "batch") j.unsynced = record.seq;
    this.stats.records++;
    this.stats.bytes += bytes.length;
  }

  #cutBack(j: OpenJournal): void {
    try {
      this.#fs.truncate(j.fd, j.size);
    } catch {
      j.needsCut = true;
    }
  }

  /** Records a save or a rename (project facts, no undo step). */
  facts(project: Project): void {
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
    this.#open.delete(project.id);
    if (j) this.#fs.close(j.fd);
    // Removed before the reply: a closed project never comes back after a restart.
    if (this.enabled) {
      fs.rmSync(join(this.projectsDir, project.id), { recursive: true, force: true });
    }
  }

  /**
   * Runs `fn` once everything written so far is as durable as the mode promises: at once for
   * `off`/`process`/`always`, after the next group fsync for `batch`. Callbacks run in order.
   */
  afterDurable(fn: () => void): void {
    if (this.settings.durability !== "batch" || !this.#hasUnsynced()) {
      if (this.#waiters.length === 0) return fn();
    }
    this.#waiters.push(fn);
    this.#schedule();
  }

  /**
   * Starts the next group fsync as soon as the previous one began `batchMs` ago (at once when
   * the journal was idle), so a lone request waits for one fsync and a busy stream shares one
   * fsync per `batchMs`.
   */
  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastSyncAt + this.settings.batchMs - performance.now());
    this.#timer = setTimeout(() => this.#groupSync(), wait);
  }

  #hasUnsynced(): boolean {
    if (this.#retired.length) return true;
    for (const j of this.#open.values()) if (j.unsynced) return true;
    return false;
  }

  async #groupSync(): Promise<void> {
    this.#timer = null;
    if (this.#syncing) return; // the running sync schedules the next group when it ends
    this.#syncing = true;
    this.#lastSyncAt = performance.now();
    const waiters = this.#waiters;
    this.#waiters = [];
    const jobs = [...this.#open.entries()].filter(([, j]) => j.unsynced).map(([id, j]) => {
      const note = `${id}:${j.unsynced}`;
      j.unsynced = 0;
      this.stats.fsyncs++;
      return this.#fs.fsync(j.fd, note).catch((err) => {
        this.#log.error("Journal fsync failed for {note}: {message}", {
          note,
          message: (err as Error).message,
        });
      });
    });
    const retired = this.#retired;
    this.#retired = [];
    for (const r of retired) {
      this.stats.fsyncs++;
      jobs.push(this.#fs.fsync(r.fd, r.note).catch(() => {}).finally(() => this.#fs.close(r.fd)));
    }
    await Promise.all(jobs);
    this.#syncing = false;
    for (const w of waiters) w();
    if (this.#waiters.length) this.#schedule();
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
    const snapshot = copyImage(project.image), seq = project.seq, facts = factsOf(project);
    this.#startJournal(project.id, j.dir, seq + 1);
    if (j.unsynced) this.#retired.push({ fd: j.fd, note: `${project.id}:${j.unsynced}` });
    else this.#fs.close(j.fd);
    const bytes = await encodeSnapshot(snapshot, seq, facts);
    if (!this.#open.has(project.id)) return; // closed meanwhile: its directory is gone
    await writeFileAtomic(join(j.dir, CHECKPOINT_NAME), bytes, 0o600, true);
    for (const name of fs.readdirSync(j.dir)) {
      const m = /^journal-(\d+)\.gxj$/.exec(name);
      if (m && Number(m[1]) <= seq) await rm(join(j.dir, name), { force: true });
    }
    this.stats.checkpoints++;
    this.#log.info("Checkpoint of {project} at seq {seq}: {bytes} bytes in {ms} ms", {
      project: project.id,
      seq,
      bytes: bytes.length,
      ms: Math.round(performance.now() - started),
    });
  }

  #startJournal(id: string, dir: string, seq: number): void {
    const path = join(dir, journalName(seq));
    const fd = this.#fs.openAppend(path);
    this.#fs.write(fd, JOURNAL_MAGIC);
    this.#open.set(id, {
      dir,
      fd,
      path,
      size: JOURNAL_MAGIC.length,
      firstAt: 0,
      needsCut: false,
      unsynced: 0,
    });
  }

  /** Syncs and closes every journal (at shutdown), after pending checkpoints. */
  async close(): Promise<void> {
    await Promise.all(this.#checkpointing.values());
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const [id, j] of this.#open) {
      if (this.settings.durability !== "off") {
        await this.#fs.fsync(j.fd, `${id}:close`).catch(() => {});
      }
      this.#fs.close(j.fd);
    }
    this.#open.clear();
    for (const r of this.#retired) this.#fs.close(r.fd);
    this.#retired = [];
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** A project's facts as journaled. */
export function factsOf(project: Project): ProjectFacts {
  return {
    id: project.id,
    name: project.name,
    path: project.path,
    savedSeq: project.savedSeq,
    createdAt: project.createdAt,
  };
}
