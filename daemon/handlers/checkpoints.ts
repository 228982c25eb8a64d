/**
 * Named checkpoints: .gox snapshots of a project under the data dir
 * (`<data_dir>/checkpoints/<project id>/<name>.gox`, dirs 0700), so they outlive the daemon.
 * Beside each one, `<name>.state.json` keeps what a .gox cannot hold (the scene and chunks a
 * .vox file carried, the layers' links to them), so a restore gives back the project as it was
 * and a later save over the project's own file still keeps everything that file had.
 */
import { chmod, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { NotFoundError } from "../../core/errors.ts";
import type { Image } from "../../core/image.ts";
import { crc32c } from "../../core/journal/crc32c.ts";
import { metaFromJson, type MetaJson, metaToJson } from "../../core/journal/image_meta.ts";
import type { Project } from "../projects.ts";
import type { DaemonContext } from "../context.ts";
import { writeFileAtomic } from "../files.ts";
import { loadFile, saveFile } from "./persistence.ts";
import type { HandlerGroup } from "./types.ts";

type CheckpointMethods = "goxel.checkpoint" | "goxel.restore_checkpoint" | "goxel.list_checkpoints";

/**
 * The directory holding a project's checkpoints: by id, never by name (two projects of one
 * name shared their checkpoints, so restoring one brought in the other's voxels). Ids are never
 * given twice and survive restarts; close_project removes the directory.
 */
export function checkpointDir(ctx: DaemonContext, project: Project): string {
  return join(ctx.journal.checkpointsDir, project.id);
}

async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

async function checkpointFiles(dir: string) {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".gox") && !n.startsWith("."));
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
  const infos = await Promise.all(names.map(async (n) => {
    const s = await stat(join(dir, n));
    return { name: n.slice(0, -4), bytes: s.size, created_at: Math.floor(s.mtimeMs) / 1000 };
  }));
  return infos.sort((a, b) => a.created_at - b.created_at || a.name.localeCompare(b.name));
}

/** What `<name>.state.json` holds: the image's non-voxel state and the .gox it goes with. */
interface CheckpointState {
  version: 1;
  /** Size and CRC-32C of the .gox written with it (a .gox replaced since is used alone). */
  gox: { bytes: number; crc32c: number };
  meta: MetaJson;
}

const stateFile = (dir: string, name: string) => join(dir, `${name}.state.json`);

/** Writes the state a .gox cannot hold beside the checkpoint just written from `image`. */
async function writeState(dir: string, name: string, image: Image, gox: Uint8Array) {
  const state: CheckpointState = {
    version: 1,
    gox: { bytes: gox.length, crc32c: crc32c(gox) },
    meta: metaToJson(image),
  };
  await writeFileAtomic(
    stateFile(dir, name),
    new TextEncoder().encode(JSON.stringify(state)),
    { mode: 0o600 },
  );
}

/**
 * The checkpoint's image: the loaded .gox's voxels with the saved non-voxel state when it was
 * written with this very .gox (same size and CRC, same layer count), else the .gox alone (a
 * checkpoint from before the state file, or a .gox replaced by hand).
 */
async function withState(dir: string, name: string, gox: string, loaded: Image): Promise<Image> {
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(stateFile(dir, name), "utf8"));
  } catch {
    return loaded;
  }
  const bytes = new Uint8Array(await readFile(gox));
  const matches = state?.version === 1 && state.gox?.bytes === bytes.length &&
    state.gox.crc32c === crc32c(bytes) && state.meta?.layers?.length === loaded.layers.length;
  if (!matches) return loaded;
  let i = 0;
  return metaFromJson(state.meta, () => loaded.layers[i++].volume);
}

/** Handlers for the checkpoint methods. */
export const checkpointHandlers: HandlerGroup<CheckpointMethods> = {
  async "goxel.checkpoint"(p, { ctx, project, call }) {
    // Taken before any await: an edit that arrives after this request must not be in it.
    const snapshot = project.snapshot();
    const dir = checkpointDir(ctx, project);
    await ensurePrivateDir(join(dir, ".."));
    await ensurePrivateDir(dir);
    const saved = await saveFile(ctx, snapshot, join(dir, `${p.name}.gox`), {
      format: "gox",
      signal: call?.signal,
    });
    await writeState(dir, p.name, snapshot, saved.data);
    const s = await stat(saved.path);
    return {
      success: true,
      project_id: project.id,
      name: p.name,
      bytes: saved.bytes,
      created_at: Math.floor(s.mtimeMs) / 1000,
    };
  },

  async "goxel.restore_checkpoint"(p, { ctx, project, call }) {
    const dir = checkpointDir(ctx, project);
    const file = join(dir, `${p.name}.gox`);
    const known = await checkpointFiles(dir);
    if (!known.some((c) => c.name === p.name)) {
      const list = known.map((c) => c.name).join(", ") || "none";
      throw new NotFoundError(
        `Checkpoint "${p.name}" of project "${project.name}" does not exist (checkpoints: ${list})`,
      );
    }
    const loaded = await loadFile(ctx, file, "gox", call?.signal);
    const image = await withState(dir, p.name, file, loaded.image);
    // Only what differs from the checkpoint is applied: the undo step keeps the rest shared.
    project.adoptImage(image);
    return {
      success: true,
      project_id: project.id,
      name: p.name,
      layer_count: image.layers.length,
    };
  },

  async "goxel.list_checkpoints"(_p, { ctx, project }) {
    const checkpoints = await checkpointFiles(checkpointDir(ctx, project));
    return { project_id: project.id, count: checkpoints.length, checkpoints };
  },
};
