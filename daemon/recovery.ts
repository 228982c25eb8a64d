/**
 * Recovery at start-up: every project whose journal is in the data directory comes back as it
 * was when the daemon died (last checkpoint + replay of the journal after it), with its undo
 * history for the steps replayed. A torn last record is cut off; a damaged record in the middle
 * stops that project's replay and brings it back read-only: its files are copied aside (never
 * deleted), its journal is cut at the damage and marked read-only, so it comes back the same
 * way at every start until it is closed. One bad project never stops the others or the daemon.
 */
import fs from "node:fs";
import { join } from "node:path";
import type { HistoryOptions } from "../core/history.ts";
import { copyImage, emptyImage, type Image } from "../core/image.ts";
import { applyDelta } from "../core/journal/image_delta.ts";
import { markDerivedCurrent } from "../core/ops/layers.ts";
import {
  type JournalRecord,
  type ProjectFacts,
  RecordKind,
  scanJournal,
} from "../core/journal/record.ts";
import type { JournalStore } from "./journal.ts";
import { CHECKPOINT_NAME, type JournalLog, journalStartSeq } from "./journal_types.ts";
import { Project, type ProjectRegistry, type RegistryObserver } from "./projects.ts";

/** What recovery did, for `get_status`, `goxel status --json` and the log. */
export interface RecoveryReport {
  projects_restored: number;
  records_replayed: number;
  ms: number;
  torn_tails_cut: number;
  read_only: { project: string; reason: string; moved_to: string }[];
  failed: { dir: string; reason: string; moved_to: string | null }[];
}

const SESSION_FILE = "session.json";

/** Restores every journaled project into `registry`; never throws for one project's damage. */
export function recoverProjects(
  store: JournalStore,
  registry: ProjectRegistry,
  log: JournalLog,
  clock: () => number,
): RecoveryReport {
  const started = performance.now();
  const report: RecoveryReport = {
    projects_restored: 0,
    records_replayed: 0,
    ms: 0,
    torn_tails_cut: 0,
    read_only: [],
    failed: [],
  };
  if (!store.enabled) return report;
  fs.mkdirSync(store.projectsDir, { recursive: true, mode: 0o700 });
  const dirs = fs.readdirSync(store.projectsDir).filter((d) => /^p\d+$/.test(d))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  for (const id of dirs) {
    const dir = join(store.projectsDir, id);
    try {
      const found = recoverOne(dir, id, registry.history, report, clock);
      if (!found) continue;
      const { project, cut, copiedTo } = found;
      registry.restore(project);
      report.projects_restored++;
      if (project.readOnly) {
        const moved = copiedTo ?? keepAside(store, dir, id, clock, project.readOnly, cut);
        report.read_only.push({ project: id, reason: project.readOnly, moved_to: moved });
        log.warn(
          "Project {project} recovered read-only: {reason}; its files were copied to {moved}",
          {
            project: id,
            reason: project.readOnly,
            moved,
          },
        );
      } else {
        store.adopt(project);
      }
    } catch (err) {
      const reason = (err as Error).message;
      let moved: string | null = null;
      try {
        moved = moveAside(store, dir, id, clock);
      } catch { /* left in place; reported below */ }
      report.failed.push({ dir, reason, moved_to: moved });
      log.error("Cannot recover project {project}: {reason}", { project: id, reason });
    }
  }
  const session = readSession(store.settings.dataDir);
  registry.restoreSession(session.current, session.next_id);
  report.ms = Math.round((performance.now() - started) * 10) / 10;
  return report;
}

function recoverOne(
  dir: string,
  id: string,
  history: HistoryOptions,
  report: RecoveryReport,
  clock: () => number,
): { project: Project; cut: Cut | null; copiedTo: string | null } | null {
  // A checkpoint being written when the process died leaves its temporary file behind.
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith(".tmp")) fs.rmSync(join(dir, name), { force: true });
  }
  const { records, damage, torn, cut } = readRecords(dir);
  report.torn_tails_cut += torn;
  if (records.length === 0) {
    if (damage) throw new Error(damage);
    // The project's first record never reached the file: its creation was never acknowledged.
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  if (records[0].kind !== RecordKind.OPEN) {
    throw new Error("its journal does not start with the project's state");
  }
  const project = replay(records, id, history, clock);
  report.records_replayed += records.length;
  if (damage) {
    project.readOnly =
      `its journal is damaged (${damage}); replay stopped at sequence ${project.seq}`;
    return { project, cut, copiedTo: null };
  }
  // Read-only since an earlier start: its files were copied aside then.
  const marked = readMarker(dir);
  if (marked) project.readOnly = marked.reason;
  return { project, cut: null, copiedTo: marked?.copied_to ?? null };
}

/** A damaged journal file and the offset of its first bad record. */
interface Cut {
  name: string;
  offset: number;
  /** Journal files after it (their records cannot be replayed past the damage). */
  later: string[];
}

/** Marks a read-only project's directory: it comes back read-only at every start. */
const READ_ONLY_MARKER = "read-only.json";

function readMarker(dir: string): { reason: string; copied_to: string } | null {
  try {
    const m = JSON.parse(fs.readFileSync(join(dir, READ_ONLY_MARKER), "utf8"));
    return {
      reason: String(m.reason ?? "its journal was damaged"),
      copied_to: String(m.copied_to),
    };
  } catch (err) {
    // A marker that cannot be read still means read-only.
    if ((err as { code?: string }).code === "ENOENT") return null;
    return { reason: "its journal was damaged (see damaged/ under the data dir)", copied_to: "" };
  }
}

/** Reads the checkpoint and journal files of a project directory, in sequence order. */
function readRecords(
  dir: string,
): { records: JournalRecord[]; damage: string | null; torn: number; cut: Cut | null } {
  const names = fs.readdirSync(dir);
  const records: JournalRecord[] = [];
  let last = 0, torn = 0;
  if (names.includes(CHECKPOINT_NAME)) {
    const scan = scanJournal(fs.readFileSync(join(dir, CHECKPOINT_NAME)));
    if (scan.end.kind !== "clean" || scan.records.length !== 1) {
      const why = "reason" in scan.end ? scan.end.reason : "not one record";
      return { records, damage: `${CHECKPOINT_NAME}: ${why}`, torn, cut: null };
    }
    records.push(scan.records[0]);
    last = scan.records[0].seq;
  }
  const journals = names.filter((n) => journalStartSeq(n) !== null).sort();
  const covered = last;
  for (const [i, name] of journals.entries()) {
    const path = join(dir, name);
    const next = i + 1 < journals.length ? journalStartSeq(journals[i + 1])! : Infinity;
    if (next <= covered + 1) {
      // Every record it holds comes before the next journal, so the checkpoint has them all: a
      // crash after the checkpoint's rename left it (damaged or not), nothing is lost with it.
      fs.rmSync(path, { force: true });
      continue;
    }
    const scan = scanJournal(fs.readFileSync(path), journalStartSeq(name)!);
    const later = journals.slice(i + 1);
    for (const [k, rec] of scan.records.entries()) {
      if (rec.seq <= last) continue;
      if (last > 0 && rec.seq !== last + 1) {
        const offset = k === 0 ? 8 : scan.ends[k - 1];
        const damage = `${name}: sequence ${rec.seq} follows ${last}`;
        return { records, damage, torn, cut: { name, offset, later } };
      }
      records.push(rec);
      last = rec.seq;
    }
    if (scan.end.kind === "torn" && (i === journals.length - 1 || scan.end.offset < 8)) {
      // A record the process was writing when it died: never acknowledged, so cut it off (a
      // file whose header was never completed held nothing).
      if (scan.end.offset < 8) fs.rmSync(path, { force: true });
      else fs.truncateSync(path, scan.end.offset);
      torn++;
    } else if (scan.end.kind !== "clean") {
      const cut = { name, offset: scan.end.offset, later };
      return { records, damage: `${name}: ${scan.end.reason}`, torn, cut };
    }
  }
  return { records, damage: null, torn, cut: null };
}

/**
 * Rebuilds a project from its records; undo history covers the last `history.limit` records,
 * less the oldest when they weigh more than `history.maxBytes`.
 */
function replay(
  records: JournalRecord[],
  id: string,
  history: HistoryOptions,
  clock: () => number,
): Project {
  let facts: ProjectFacts = records[0].project ??
    { id, name: id, path: null, savedSeq: null, createdAt: clock() };
  for (const r of records) if (r.project) facts = r.project;
  const tail = historyStart(records, history.limit ?? Infinity);
  let image: Image = emptyImage();
  let saved: Image | null = null;
  for (let i = 0; i < tail; i++) {
    image = applyRecord(image, records[i]);
    if (records[i].seq === facts.savedSeq) saved = copyImage(image);
  }
  const project = new Project(id, facts.name, image, facts.createdAt, history);
  for (let i = tail; i < records.length; i++) {
    const r = records[i], h = project.history;
    const before = r.kind === RecordKind.EDIT ? copyImage(project.image) : null;
    project.image = applyRecord(r.kind === RecordKind.OPEN ? emptyImage() : project.image, r);
    if (r.kind === RecordKind.OPEN) h.restart();
    else if (before) h.push({ forward: r.delta, before });
    else if (r.kind === RecordKind.UNDO || r.kind === RecordKind.REDO) {
      const target = h.position + (r.kind === RecordKind.UNDO ? -r.steps : r.steps);
      // Steps from before the replayed records cannot be taken again: history restarts here.
      if (target >= 0 && target < h.size) h.seek(target);
      else h.restart();
    }
    if (r.seq === facts.savedSeq) saved = copyImage(project.image);
  }
  project.seq = records.at(-1)!.seq;
  project.path = facts.path;
  if (saved && facts.path) project.markSaved(facts.path, saved, facts.savedSeq!);
  else if (saved) project.savedSeq = facts.savedSeq;
  else project.markUnsaved();
  return project;
}

/**
 * The index of the record that pushed the oldest undo step the live daemon still kept, found by
 * following the history's steps without images (`limit` counts states, as History does): the
 * replay builds history from there. Counting the last `limit` records instead let the saves,
 * renames, undos and redos in them crowd undo steps out at each restart.
 */
function historyStart(records: JournalRecord[], limit: number): number {
  let steps: number[] = [], first = 0, cursor = 0;
  for (const [i, r] of records.entries()) {
    if (r.kind === RecordKind.EDIT) {
      steps.length = cursor;
      steps.push(i);
      cursor = steps.length;
      first = Math.max(first, steps.length - (limit - 1));
    } else if (r.kind === RecordKind.UNDO || r.kind === RecordKind.REDO) {
      const target = cursor + (r.kind === RecordKind.UNDO ? -r.steps : r.steps);
      if (target >= first && target <= steps.length) cursor = target;
      else (steps = [], first = 0, cursor = 0);
    } else if (r.kind === RecordKind.OPEN) (steps = [], first = 0, cursor = 0);
  }
  return first < steps.length ? steps[first] : records.length;
}

/**
 * Applies one record; shape and clone layers are marked up to date as they were when it was
 * written (else the first edit after a restart redrew a shape layer an edit had changed, such
 * as a crop of all layers, which the live daemon kept).
 */
function applyRecord(image: Image, r: JournalRecord): Image {
  return r.kind === RecordKind.PROJECT ? image : markDerivedCurrent(applyDelta(image, r.delta));
}

/**
 * Copies a read-only project's files to `<data_dir>/damaged/`, then cuts its journal at the
 * damage and marks it read-only, so the next start replays the same records cleanly and
 * brings it back read-only again (it used to be moved away and was gone after one restart).
 */
function keepAside(
  store: JournalStore,
  dir: string,
  id: string,
  clock: () => number,
  reason: string,
  cut: Cut | null,
): string {
  const target = damagedDir(store, id, clock);
  fs.cpSync(dir, target, { recursive: true });
  // Marked before the cut: a crash in between must not bring the project back writable.
  const marker = JSON.stringify({ reason, copied_to: target });
  fs.writeFileSync(join(dir, READ_ONLY_MARKER), marker + "\n", { mode: 0o600 });
  if (cut) {
    const path = join(dir, cut.name);
    if (cut.offset < 8) fs.rmSync(path, { force: true });
    else fs.truncateSync(path, cut.offset);
    for (const name of cut.later) fs.rmSync(join(dir, name), { force: true });
  }
  return target;
}

function damagedDir(store: JournalStore, id: string, clock: () => number): string {
  const damaged = join(store.settings.dataDir, "damaged");
  fs.mkdirSync(damaged, { recursive: true, mode: 0o700 });
  return join(damaged, `${id}-${new Date(clock()).toISOString().replace(/[:.]/g, "-")}`);
}

function moveAside(store: JournalStore, dir: string, id: string, clock: () => number): string {
  const target = damagedDir(store, id, clock);
  fs.renameSync(dir, target);
  return target;
}

function readSession(dataDir: string): { current: string | null; next_id: number } {
  try {
    const s = JSON.parse(fs.readFileSync(join(dataDir, SESSION_FILE), "utf8"));
    return {
      current: typeof s.current === "string" ? s.current : null,
      next_id: Number(s.next_id) || 1,
    };
  } catch {
    return { current: null, next_id: 1 };
  }
}

/** Keeps the journal store and the session file in step with the project registry. */
export class JournalObserver implements RegistryObserver {
  readonly #store: JournalStore;
  readonly #log: JournalLog;

  constructor(store: JournalStore, log: JournalLog) {
    this.#store = store;
    this.#log = log;
  }

  opened(project: Project, method: string): void {
    project.savedSeq = 1;
    this.#store.opened(project, method);
  }

  closed(project: Project): void {
    try {
      this.#store.closed(project);
    } catch (err) {
      this.#log.error("Cannot remove the journal of {project}: {message}", {
        project: project.id,
        message: (err as Error).message,
      });
    }
  }

  selected(current: Project | null, nextId: number): void {
    if (!this.#store.enabled) return;
    const file = join(this.#store.settings.dataDir, SESSION_FILE);
    try {
      fs.writeFileSync(
        `${file}.tmp`,
        JSON.stringify({ current: current?.id ?? null, next_id: nextId }),
        { mode: 0o600 },
      );
      fs.renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.#log.error("Cannot write {file}: {message}", { file, message: (err as Error).message });
    }
  }
}
