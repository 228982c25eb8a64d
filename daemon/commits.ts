/**
 * How a mutating request becomes a committed change: the handler runs against the live image,
 * derived layers are recomputed, the change is diffed against the state before it and written
 * to the project's journal, then it becomes one undo step. A handler that throws, or a journal
 * write that fails, rolls the project back to the state before the request, so every request
 * is all or nothing and nothing acknowledged is missing from the journal.
 */
import { copyImage } from "../core/image.ts";
import { diffImage, type ImageDelta, isEmptyDelta } from "../core/journal/image_delta.ts";
import { RecordKind } from "../core/journal/record.ts";
import { WorkBudget } from "../core/budget.ts";
import { updateImage } from "../core/ops/layers.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import type { Project } from "./projects.ts";

/** One committed change, as listeners (the change stream) see it. */
export interface CommitEvent {
  project: Project;
  seq: number;
  kind: number;
  method: string;
  delta: ImageDelta;
}

type MaybeAsync<T> = T | Promise<T>;

function isPromise<T>(v: MaybeAsync<T>): v is Promise<T> {
  return typeof (v as Promise<T>)?.then === "function";
}

/** Runs a mutating handler as one all-or-nothing, journaled change of `project`. */
export function runMutation<T>(
  ctx: DaemonContext,
  project: Project,
  method: string,
  fn: () => MaybeAsync<T>,
): MaybeAsync<T> {
  if (project.readOnly) {
    throw new RpcError(
      ErrorCode.READ_ONLY,
      `Project ${project.id} "${project.name}" is read-only: ${project.readOnly}`,
      { reason: "read_only", project: project.id },
    );
  }
  // After an edit the newest undo snapshot equals the live image: diff against it for free.
  const shared = project.liveMatchesHistory;
  const before = shared ? project.history.peek() : copyImage(project.image);
  const cursor = project.history.position;
  const rollback = () => {
    project.image = shared ? copyImage(before) : before;
    project.history.seek(cursor);
    project.liveMatchesHistory = shared;
  };
  const finish = (value: T) => {
    try {
      commitChange(ctx, project, method, before, cursor, shared);
    } catch (err) {
      rollback();
      throw err;
    }
    return value;
  };
  let out: MaybeAsync<T>;
  try {
    out = fn();
  } catch (err) {
    rollback();
    throw err;
  }
  if (!isPromise(out)) return finish(out);
  return out.then(finish, (err) => {
    rollback();
    throw err;
  });
}

function commitChange(
  ctx: DaemonContext,
  project: Project,
  method: string,
  before: ReturnType<typeof copyImage>,
  cursor: number,
  shared: boolean,
): void {
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
  // After an undo/redo or a replaced image the tile order may come from another snapshot.
  const delta = diffImage(
    before,
    project.image,
    kind !== RecordKind.EDIT || !project.liveMatchesHistory,
  );
  if (kind === RecordKind.EDIT && isEmptyDelta(delta)) {
    // Nothing changed, but tiles may have been copied on write: take back the shared state so
    // the next diff (and the next write) starts from tiles shared with the snapshot again.
    project.image = shared ? copyImage(before) : before;
    return;
  }
  const seq = project.seq + 1;
  try {
    ctx.journal.append(project, {
      seq,
      kind,
      method,
      steps: Math.abs(moved),
      project: null,
      delta,
    });
  } catch (err) {
    project.degraded = (err as Error).message;
    throw err;
  }
  project.seq = seq;
  project.degraded = null;
  // After an undo/redo (a copy of a snapshot whose camera pose may differ) or a change the
  // history did not record as a step, the next mutation copies the live image to diff against.
  project.liveMatchesHistory = kind === RecordKind.EDIT && project.history.push(project.image);
  ctx.onCommit({ project, seq, kind, method, delta });
  if (ctx.journal.isCheckpointDue(project)) {
    ctx.journal.checkpoint(project).catch((err) => ctx.logBug("checkpoint", err));
  }
}
