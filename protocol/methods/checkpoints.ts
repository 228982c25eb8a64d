/** Named checkpoints: whole-project snapshots kept in the state dir, so they survive restarts. */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { Ok } from "./common.ts";

const CheckpointName = z.string().min(1).max(64).regex(
  /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  "use letters, digits, '_', '.' and '-', starting with a letter or digit",
).describe('Checkpoint name, e.g. "before-roof"');

const CheckpointInfo = z.object({
  name: z.string(),
  bytes: z.int().min(0).describe("Size of the snapshot file"),
  created_at: z.number().describe("Unix time in seconds"),
});

/** `goxel.checkpoint`. */
export const checkpoint = defineMethod({
  name: "goxel.checkpoint",
  tool: { destructive: false, idempotent: true },
  summary: "Save a named snapshot of the project that restore_checkpoint can go back to.",
  description:
    "Snapshots are .gox files in checkpoints/<project id>/ under the data dir (data_dir, default " +
    "$XDG_STATE_HOME/goxel) and survive daemon restarts; a checkpoint with the same name is replaced.",
  params: z.strictObject({ name: CheckpointName }),
  positional: ["name"],
  result: z.object({
    success: Ok,
    project_id: z.string(),
    ...CheckpointInfo.shape,
  }),
  examples: [{ params: ["before-roof"] }],
  flags: { project: true, heavy: true },
});

/** `goxel.restore_checkpoint`. */
export const restoreCheckpoint = defineMethod({
  name: "goxel.restore_checkpoint",
  tool: { destructive: true, idempotent: true },
  summary: "Replace the project's content with a named checkpoint (undo brings the edits back).",
  params: z.strictObject({ name: CheckpointName }),
  positional: ["name"],
  result: z.object({
    success: Ok,
    project_id: z.string(),
    name: z.string(),
    layer_count: z.int().min(0),
  }),
  examples: [{ params: ["before-roof"] }],
  flags: { project: true, mutates: true, heavy: true, needsOpenProject: true },
});

/** `goxel.list_checkpoints`. */
export const listCheckpoints = defineMethod({
  name: "goxel.list_checkpoints",
  tool: { readOnly: true },
  summary: "List the project's named checkpoints, oldest first.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    project_id: z.string(),
    count: z.int().min(0),
    checkpoints: z.array(CheckpointInfo),
  }),
  examples: [{ params: [] }],
  flags: { project: true },
});

/** The checkpoint methods. */
export const CHECKPOINT_METHODS = [checkpoint, restoreCheckpoint, listCheckpoints] as const;
