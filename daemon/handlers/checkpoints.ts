/**
 * Named checkpoints: .gox snapshots of a project under the data dir
 * (`<data_dir>/checkpoints/<project name>/<name>.gox`, dirs 0700), so they outlive the daemon.
 */
import { chmod, mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { NotFoundError } from "../../core/errors.ts";
import type { Project } from "../projects.ts";
import type { DaemonContext } from "../context.ts";
import { loadFile, saveFile } from "./persistence.ts";
import type { HandlerGroup } from "./types.ts";

type CheckpointMethods = "goxel.checkpoint" | "goxel.restore_checkpoint" | "goxel.list_checkpoints";

/** Turns a project name into a directory name: unsafe characters become `_`, never `.`/`..`. */
export function safeDirName(name: string, fallback: string): string {
  const clean = name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_").slice(0, 100);
  return clean || fallback;
}

/** The directory holding a project's checkpoints. */
export function checkpointDir(ctx: DaemonContext, project: Project): string {
  const dataDir = ctx.journal.settings.dataDir;
  return join(dataDir, "checkpoints", safeDirName(project.name, project.id));
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

/** Handlers for the checkpoint methods. */
export const checkpointHandlers: HandlerGroup<CheckpointMethods> = {
  async "goxel.checkpoint"(p, { ctx, project }) {
    const dir = checkpointDir(ctx, project);
    await ensurePrivateDir(join(dir, ".."));
    await ensurePrivateDir(dir);
    const saved = await saveFile(ctx, project.snapshot(), join(dir, `${p.name}.gox`), {
      format: "gox",
    });
    const s = await stat(saved.path);
    return {
      success: true,
      project_id: project.id,
      name: p.name,
      bytes: saved.bytes,
      created_at: Math.floor(s.mtimeMs) / 1000,
    };
  },

  async "goxel.restore_checkpoint"(p, { ctx, project }) {
    const dir = checkpointDir(ctx, project);
    const file = join(dir, `${p.name}.gox`);
    const known = await checkpointFiles(dir);
    if (!known.some((c) => c.name === p.name)) {
      const list = known.map((c) => c.name).join(", ") || "none";
      throw new NotFoundError(
        `Checkpoint "${p.name}" of project "${project.name}" does not exist (checkpoints: ${list})`,
      );
    }
    const loaded = await loadFile(ctx, file, "gox");
    project.replaceImage(loaded.image);
    return {
      success: true,
      project_id: project.id,
      name: p.name,
      layer_count: loaded.image.layers.length,
    };
  },

  async "goxel.list_checkpoints"(_p, { ctx, project }) {
    const checkpoints = await checkpointFiles(checkpointDir(ctx, project));
    return { project_id: project.id, count: checkpoints.length, checkpoints };
  },
};
