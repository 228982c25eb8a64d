/**
 * How a mutating request becomes a committed change: the handler runs against the live image,
 * derived layers are recomputed, the change is captured as a delta (and its inverse), written to
 * the project's journal, then it becomes one undo step. A handler that throws, or a journal
 * write that fails, rolls the project back to the state before the request, so every request is
 * all or nothing and nothing acknowledged is missing from the journal.
 *
 * Two ways to capture the change: small voxel edits (the methods in VOXEL_EDITS) record the old
 * value of each voxel they write (no snapshot, so tiles are written in place); every other
 * request diffs the image against a copy-on-write copy taken before it.
 */
import { copyImage, type Image, sameFingerprint } from "../core/image.ts";
import { deltasFromLogs, type VolumeLog } from "../core/journal/change_log.ts";
import {
  applyDelta,
  diffImage,
  fullDelta,
  type ImageDelta,
  isEmptyDelta,
} from "../core/journal/image_delta.ts";
import { metaFingerprint } from "../core/journal/image_meta.ts";
import { RecordKind } from "../core/journal/record.ts";
import { WorkBudget } from "../core/budget.ts";
import { updateImage } from "../core/ops/layers.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import type { PushUndo } from "../core/history.ts";
import { NotFoundError } from "../core/errors.ts";
import type { Volume } from "../core/volume.ts";
import type { DaemonContext } from "./context.ts";
import type { Ticket } from "./journal_types.ts";
import type { Project } from "./projects.ts";

/** One committed change, as listeners (the change stream) see it. */
export interface CommitEvent {
  project: Project;
  seq: number;
  kind: number;
  method: string;
  delta: ImageDelta;
}

/** One logged edit in this many checks that nothing but voxels changed (see LoggedCapture). */
const META_CHECK_EVERY = 16;

/** Voxel lists longer than this are diffed instead of logged (a log costs ~3 entries a voxel). */
const MAX_LOGGED_VOXELS = 4096;

/** Methods whose handlers change voxels only through Volume.set (their changes are logged). */
const VOXEL_EDITS = new Set([
  "goxel.add_voxel",
  "goxel.remove_voxel",
  "goxel.paint_voxels",
  "goxel.add_voxels",
  "goxel.remove_voxels",
]);

type MaybeAsync<T> = T | Promise<T>;

function isPromise<T>(v: MaybeAsync<T>): v is Promise<T> {
  return typeof (v as Promise<T>)?.then === "function";
}

/** A change being captured: how to finish it and how to take it back. */
interface Capture {
  /** Returns the change's deltas (forward null: nothing changed). */
  finish(): {
    kind: number;
    steps: number;
    forward: ImageDelta | null;
    inverse?: ImageDelta | null;
    before?: Image | null;
  };
  rollback(): void;
}

/** Where runMutation leaves its change's ticket: the reply must wait for (and may fail with) it. */
export interface Receipt {
  ticket: Ticket | null;
}

/**
 * Runs a mutating handler as one all-or-nothing, journaled change of `project`. The change's
 * journal record is queued: `receipt.ticket` tells whether its write failed (see Ticket).
 */
export function runMutation<T>(
  ctx: DaemonContext,
  project: Project,
  method: string,
  fn: () => MaybeAsync<T>,
  params: Record<string, unknown> = {},
  receipt: Receipt = { ticket: null },
): MaybeAsync<T> {
  if (project.readOnly) {
    throw new RpcError(
      ErrorCode.READ_ONLY,
      `Project ${project.id} "${project.name}" is read-only: ${project.readOnly}`,
      { reason: "read_only", project: project.id },
    );
  }
  let capture: Capture;
  if (canLog(project.image, method, params)) capture = new LoggedCapture(project);
  else {
    // Queued changes are written first: this capture's copy (its rollback and undo step) must not
    // hold changes that a failed write would take back, and an async edit finishes after that.
    ctx.journal.flushProject(project);
    capture = diffCapture(ctx, project);
  }
  let out: MaybeAsync<T>;
  try {
    out = fn();
  } catch (err) {
    capture.rollback();
    throw err;
  }
  if (!isPromise(out)) {
    commitCapture(ctx, project, method, capture, receipt);
    return out;
  }
  return out.then(
    (value) => (commitCapture(ctx, project, method, capture, receipt), value),
    (err) => {
      capture.rollback();
      throw err;
    },
  );
}

/** Commits a captured change (its ticket goes to `receipt`); a failed commit takes it back. */
function commitCapture(
  ctx: DaemonContext,
  project: Project,
  method: string,
  capture: Capture,
  receipt: Receipt,
): void {
  try {
    receipt.ticket = commit(ctx, project, method, capture);
  } catch (err) {
    capture.rollback();
    throw err;
  }
}

/**
 * Small voxel edits are logged, unless a clone layer would be recomputed from what they change;
 * long voxel lists are diffed (tile comparisons beat a log entry per voxel there).
 */
function canLog(image: Image, method: string, params: Record<string, unknown>): boolean {
  if (!VOXEL_EDITS.has(method)) return false;
  for (const l of image.layers) if (l.baseId !== 0) return false;
  const packed = params.packed as Uint8Array | undefined,
    list = params.voxels as unknown[] | undefined;
  const count = packed ? packed.length / 16 : list ? list.length : 1;
  return count <= MAX_LOGGED_VOXELS;
}

/**
 * Captures a voxel edit from the layers' change logs. One object per edit with plain fields (no
 * closures): the most frequent request pays for this capture, so its cost is kept small.
 */
class LoggedCapture implements Capture {
  readonly #project: Project;
  readonly #image: Image;
  /** The layers' volumes when the edit started, each logging what set() changes in it. */
  readonly #volumes: Volume[];
  readonly #meta: unknown[] | null;
  #entries: number[][] | null = null;

  constructor(project: Project) {
    const image = project.image, layers = image.layers;
    this.#project = project;
    this.#image = image;
    // The check that the handler changed nothing but voxels is a bug detector; its fingerprint
    // is most of a logged edit's cost, so it runs on one logged edit in META_CHECK_EVERY.
    this.#meta = project.loggedEdits++ % META_CHECK_EVERY === 0 ? metaFingerprint(image) : null;
    const volumes = this.#volumes = new Array<Volume>(layers.length);
    for (let i = 0; i < layers.length; i++) (volumes[i] = layers[i].volume).startChangeLog();
  }

  finish() {
    const entries = this.#take();
    // Logs hold only writes that changed a voxel: an edit that rewrote voxels with their own
    // values (a repeated add_voxel) changed nothing and needs no deltas.
    let changed = false;
    for (const e of entries) changed ||= e.length > 0;
    if (!changed) return { kind: RecordKind.EDIT, steps: 0, forward: null };
    const { forward, inverse } = deltasFromLogs(this.#logs(entries));
    const empty = isEmptyDelta(forward);
    return { kind: RecordKind.EDIT, steps: 0, forward: empty ? null : forward, inverse };
  }

  rollback() {
    const project = this.#project;
    project.image = applyDelta(project.image, deltasFromLogs(this.#logs(this.#take())).inverse);
  }

  /** The logs with their layers' ids (#take checked that the layers kept their volumes). */
  #logs(entries: number[][]): VolumeLog[] {
    const layers = this.#image.layers;
    return entries.map((e, i) => ({ id: layers[i].id, volume: this.#volumes[i], entries: e }));
  }

  /** Stops the logs (once) and checks that the handler changed nothing but voxels. */
  #take(): number[][] {
    if (this.#entries) return this.#entries;
    const volumes = this.#volumes, entries = this.#entries = new Array<number[]>(volumes.length);
    let complete = true;
    for (let i = 0; i < volumes.length; i++) {
      const log = volumes[i].takeChangeLog();
      complete &&= log.complete;
      entries[i] = log.entries;
    }
    const image = this.#image;
    let same = this.#project.image === image && image.layers.length === volumes.length;
    for (let i = 0; same && i < volumes.length; i++) same = image.layers[i].volume === volumes[i];
    if (same && this.#meta) same = sameFingerprint(this.#meta, metaFingerprint(image));
    if (!complete || !same) throw new TypeError("A logged voxel edit changed more than voxels");
    return entries;
  }
}

/** Captures any change by diffing against a copy-on-write copy taken before it. */
function diffCapture(ctx: DaemonContext, project: Project): Capture {
  const live = project.image;
  const before = copyImage(live);
  const cursor = project.history.position;
  return {
    finish() {
      // Derived layers are recomputed within the request budget (a shape or clone over it fails).
      const { limits } = ctx.config;
      updateImage(
        project.image,
        new WorkBudget({
          maxVoxels: limits.max_voxels_per_request,
          maxTiles: limits.max_tiles_per_request,
        }),
      );
      const moved = project.history.position - cursor;
      const kind = moved < 0 ? RecordKind.UNDO : moved > 0 ? RecordKind.REDO : RecordKind.EDIT;
      // Undo/redo and replaced images may bring back a tile order from another state.
      const exact = kind !== RecordKind.EDIT || project.image !== live;
      const forward = diffImage(before, project.image, exact);
      if (kind === RecordKind.EDIT && isEmptyDelta(forward)) {
        project.image = before; // nothing changed: drop the tiles the edit copied on write
        return { kind, steps: 0, forward: null };
      }
      // The copy taken before is the undo of this step (it shares every tile: nothing to encode).
      return {
        kind,
        steps: Math.abs(moved),
        forward,
        before: kind === RecordKind.EDIT ? before : null,
      };
    },
    rollback() {
      project.image = before;
      project.history.seek(cursor);
    },
  };
}

/**
 * Makes a captured change one undo step and queues its journal record (written with the rest
 * of the burst, see JournalStore.queue). Returns the record's ticket, null when nothing changed.
 */
function commit(
  ctx: DaemonContext,
  project: Project,
  method: string,
  capture: Capture,
): Ticket | null {
  let change;
  try {
    change = capture.finish();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    // A logged edit did more than its log shows (a bug): journal the whole state instead.
    ctx.logBug(method, err);
    // Queued changes are written (or taken back) before the history restarts and the whole state
    // is journaled: the journal then holds exactly what memory holds.
    ctx.journal.flushProject(project);
    project.history.restart();
    change = { kind: RecordKind.OPEN, steps: 0, forward: fullDelta(project.image) };
  }
  const { kind, steps, forward, inverse, before } = change;
  // Nothing changed, but only given the queued changes before it: it fails if they do.
  if (!forward) return ctx.journal.pendingTicket(project);
  // Closed while the request ran (an import or a script on a worker): with durability off no
  // journal notices, and the change was reported as kept.
  if (!ctx.projects.isOpen(project)) {
    throw new NotFoundError(
      `Project ${project.id} was closed while this request ran; its change was not kept`,
    );
  }
  const seq = project.seq + 1;
  const record = { seq, kind, method, steps, project: null, delta: forward };
  if (kind === RecordKind.OPEN) {
    // Only after a bug (above): the history restarted, so this change cannot be taken back later.
    try {
      ctx.journal.append(project, record);
    } catch (err) {
      project.degraded = (err as Error).message;
      throw err;
    }
    project.degraded = null;
  }
  let pushed: PushUndo | null = null;
  project.seq = seq;
  if (kind === RecordKind.EDIT && inverse) pushed = project.history.push({ forward, inverse });
  else if (kind === RecordKind.EDIT && before) pushed = project.history.push({ forward, before });
  let ticket: Ticket | null = null;
  if (kind !== RecordKind.OPEN) {
    try {
      // May write at once (a full queue) and, if that fails, take this change back already.
      ticket = ctx.journal.queue(project, record, () => {
        if (pushed) project.history.unpush(pushed);
        capture.rollback();
        // Subscribers get the tiles again, as they are now.
        ctx.onCommit({ project, seq: seq - 1, kind, method: "rollback", delta: forward });
      });
    } catch (err) {
      // Not queued (a bug in encoding): the caller rolls the image back; undo the rest here.
      if (pushed) project.history.unpush(pushed);
      project.seq = seq - 1;
      throw err;
    }
    if (ticket?.error) return ticket;
  }
  ctx.onCommit({ project, seq, kind, method, delta: forward });
  if (ctx.journal.isCheckpointDue(project)) {
    ctx.journal.checkpoint(project).catch((err) => ctx.logBug("checkpoint", err));
  }
  return ticket;
}
