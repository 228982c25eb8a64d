/** The journal's settings, counters, file names and the facts it records (daemon/journal.ts). */
import type { ProjectFacts } from "../core/journal/record.ts";
import type { RpcError } from "../protocol/mod.ts";
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

/** The outcome of a queued change: `error` is set when its write failed and it was taken back. */
export interface Ticket {
  error: RpcError | null;
}

/** Journal file name for records starting at `seq`. */
export function journalName(seq: number): string {
  return `journal-${String(seq).padStart(12, "0")}.gxj`;
}

/** The first seq of a journal file named by journalName, or null for any other name. */
export function journalStartSeq(name: string): number | null {
  const m = /^journal-(\d+)\.gxj$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** The checkpoint file of a project directory. */
export const CHECKPOINT_NAME = "checkpoint.gxj";

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

/** A project's journal file being written. */
export interface OpenJournal {
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
  /** Changes committed in memory whose records await the group write. */
  queued: Queued[];
}

/** A committed change whose record awaits the group write. */
export interface Queued {
  bytes: Uint8Array;
  seq: number;
  ticket: Ticket;
  /** Takes the change back (the project is exactly as this change left it). */
  revert: () => void;
}
