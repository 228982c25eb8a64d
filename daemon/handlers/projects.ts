/** Handlers of the project methods: create, load, save, export, import, list, undo/redo. */
import { basename, extname } from "node:path";
import { aabbFromBox, isNullBox } from "../../core/box.ts";
import { ConflictError, InvalidInputError } from "../../core/errors.ts";
import { mergedVisibleVolume } from "../../core/image.ts";
import { autoResizeImage, uniqueLayerIds } from "../../core/ops/layers.ts";
import { makeUniqueName, nextLayerId } from "../../core/image.ts";
import { newSizedImage, type Project } from "../projects.ts";
import { loadFile, saveFile } from "./persistence.ts";
import { checkUnchanged, findLosses, saveInPlace } from "../save_policy.ts";
import { fileStamp, resolvePath } from "../files.ts";
import type { DaemonContext } from "../context.ts";
import type { HandlerGroup } from "./types.ts";

type ProjectMethods =
  | "goxel.create_project"
  | "goxel.load_project"
  | "goxel.save_project"
  | "goxel.export_model"
  | "goxel.import_file"
  | "goxel.list_projects"
  | "goxel.select_project"
  | "goxel.close_project"
  | "goxel.get_project_info"
  | "goxel.get_status"
  | "goxel.undo"
  | "goxel.redo";

/** The project's box size [w, h, d] (0s when unbounded). */
export function projectSize(project: Project | null): [number, number, number] {
  const box = project?.image.box;
  if (!box || isNullBox(box)) return [0, 0, 0];
  const a = aabbFromBox(box);
  return [0, 1, 2].map((i) => a.max[i] - a.min[i]) as [number, number, number];
}

function historyCounts(project: Project) {
  return {
    undo_count: project.history.position,
    redo_count: project.history.size - 1 - project.history.position,
  };
}

/** Journals a project's path and saved state; a failure only costs the dirty flag's memory. */
function recordFacts(ctx: DaemonContext, project: Project): void {
  if (project.readOnly) return;
  try {
    ctx.journal.facts(project);
  } catch (err) {
    ctx.logBug("save_project", err);
  }
}

/** True for names that read as project ids (p1, p2, …): a reference is an id first. */
function isIdLike(name: string): boolean {
  return /^p\d+$/.test(name);
}

/** Handlers for the project methods. */
export const projectHandlers: HandlerGroup<ProjectMethods> = {
  "goxel.create_project"(p, { ctx }) {
    const size = { width: p.width ?? 64, height: p.height ?? 64, depth: p.depth ?? 64 };
    if (p.name !== undefined && isIdLike(p.name)) {
      // A reference is an id before it is a name: such a name would address another project.
      throw new InvalidInputError(
        `Cannot name a project "${p.name}": names like p1, p2 are project ids; choose another name`,
      );
    }
    const project = ctx.projects.add(p.name ?? "New Project", newSizedImage(size));
    return { success: true, name: project.name, ...size, project_id: project.id };
  },

  async "goxel.load_project"(p, { ctx, call }) {
    const loaded = await loadFile(ctx, p.path, p.format, call?.signal);
    // What the file was when read: a later save in place will not replace someone else's edit.
    const stamp = await fileStamp(loaded.path);
    uniqueLayerIds(loaded.image);
    // A file named like a project id (p1.gox) keeps its extension: "p1" would address another.
    const stem = basename(loaded.path, extname(loaded.path));
    const name = isIdLike(stem) ? basename(loaded.path) : stem;
    const project = ctx.projects.add(
      name,
      loaded.image,
      "load_project",
      (pr) => pr.markSaved(loaded.path, pr.image, pr.seq, stamp),
    );
    return {
      success: true,
      path: loaded.path,
      project_id: project.id,
      name,
      format: loaded.format,
    };
  },

  async "goxel.save_project"(p, { ctx, project, call }) {
    const target = p.path ?? project.path;
    if (!target) throw new ConflictError("The project was never saved: give a path");
    const snapshot = project.snapshot(), seq = project.seq;
    // Without a path the project's own file is replaced: only when nothing would be lost.
    let saved, losses: string[] = [];
    if (p.path) {
      // Named explicitly, the project's own file is still not someone else's to lose.
      const full = resolvePath(ctx.workspace, p.path);
      if (full === project.path) await checkUnchanged(full, project.fileStamp, p.force);
      const file = await saveFile(ctx, snapshot, target, {
        format: p.format,
        overwriteSidecars: p.overwrite_sidecars,
        signal: call?.signal,
      });
      // A file that lacks part of the project does not make it saved (closing would lose that).
      if (file.format !== "gox") losses = await findLosses(ctx, snapshot, file.format, file.data);
      saved = file;
    } else {
      saved = await saveInPlace(ctx, snapshot, target, p.format, call?.signal, {
        stamp: project.fileStamp,
        force: p.force,
      });
    }
    const reply = { success: true as const, path: saved.path, format: saved.format };
    if (losses.length) {
      // Not saved, but its own file is now what this daemon wrote.
      if (saved.path === project.path) project.fileStamp = await fileStamp(saved.path);
      return { ...reply, bytes: saved.bytes, losses };
    }
    // Edits may have arrived during the write: only what the snapshot held counts as saved.
    project.markSaved(saved.path, snapshot, seq, await fileStamp(saved.path));
    recordFacts(ctx, project);
    return { ...reply, bytes: saved.bytes };
  },

  async "goxel.export_model"(p, { ctx, project, call }) {
    const snapshot = project.snapshot();
    const saved = await saveFile(ctx, snapshot, p.path, {
      format: p.format,
      overwriteSidecars: p.overwrite_sidecars,
      signal: call?.signal,
    });
    const reply = { success: true as const, path: saved.path, format: saved.format };
    // A voxel format that lacks part of the project says so (meshes are not expected to hold it).
    const voxels = saved.format !== "gox" && saved.format !== "obj" &&
      (await import("../../core/formats/mod.ts")).findCodec(saved.format, "decode");
    const losses = voxels ? await findLosses(ctx, snapshot, saved.format, saved.data) : [];
    return { ...reply, bytes: saved.bytes, ...(losses.length ? { losses } : {}) };
  },

  async "goxel.import_file"(p, { ctx, project, call }) {
    const loaded = await loadFile(ctx, p.path, p.format, call?.signal);
    const image = project.image;
    const wasEmpty = mergedVisibleVolume(image).isEmpty();
    const added = [];
    for (const layer of loaded.image.layers) {
      layer.id = nextLayerId(image);
      layer.name = makeUniqueName(layer.name, image.layers.map((l) => l.name));
      layer.material = image.activeMaterial;
      layer.carriedKey = undefined; // it belongs to the imported file's structure, not this one
      image.layers.push(layer);
      added.push({ id: layer.id, name: layer.name });
    }
    if (added.length) image.activeLayer = image.layers.at(-1)!;
    if (wasEmpty) autoResizeImage(image);
    return { success: true, path: loaded.path, format: loaded.format, layers: added };
  },

  "goxel.list_projects"(_p, { ctx }) {
    const current = ctx.projects.current;
    const projects = ctx.projects.list().map((pr) => ({
      id: pr.id,
      name: pr.name,
      path: pr.path,
      dirty: pr.isDirty,
      current: pr === current,
      layer_count: pr.image.layers.length,
    }));
    return { count: projects.length, current: current?.id ?? null, projects };
  },

  "goxel.select_project"(p, { ctx }) {
    const project = ctx.projects.select(p.project);
    return { success: true, project_id: project.id, name: project.name };
  },

  "goxel.close_project"(p, { ctx }) {
    // Named: closed without being selected (closing another project, or a refusal, must not
    // move every client's current project).
    const project = p.project ? ctx.projects.resolve(p.project) : ctx.projects.current;
    if (!project) throw new ConflictError("No project is open");
    const dirty = project.isDirty;
    if (dirty && !p.force) {
      throw new ConflictError(
        `Project ${project.id} "${project.name}" has unsaved changes: save it (goxel.save_project) ` +
          "or pass force=true",
      );
    }
    ctx.projects.close(project.id);
    return {
      success: true,
      project_id: project.id,
      was_dirty: dirty,
      current: ctx.projects.current?.id ?? null,
    };
  },

  "goxel.get_project_info"(_p, { project }) {
    const image = project.image;
    const [width, height, depth] = projectSize(project);
    const box = image.box && !isNullBox(image.box) ? aabbFromBox(image.box) : null;
    return {
      project_id: project.id,
      name: project.name,
      path: project.path,
      dirty: project.isDirty,
      width,
      height,
      depth,
      box: box
        ? { min: box.min, max: box.max.map((v) => v - 1) as [number, number, number] }
        : null,
      layer_count: image.layers.length,
      active_layer_id: image.activeLayer?.id ?? null,
      voxel_count: mergedVisibleVolume(image).count(),
      ...historyCounts(project),
      journal_seq: project.seq,
      read_only: project.readOnly,
      degraded: project.degraded,
    };
  },

  "goxel.get_status"(p, { ctx }) {
    const project = p.project === undefined
      ? ctx.projects.current
      : ctx.projects.resolve(p.project);
    const [width, height, depth] = projectSize(project);
    return {
      version: ctx.build.version,
      layer_count: project?.image.layers.length ?? 0,
      read_only: project?.readOnly != null,
      width,
      height,
      depth,
      project_id: project?.id ?? null,
      journal_seq: project?.seq ?? 0,
      durability: ctx.journal.settings.durability,
      recovery: ctx.recovery,
    };
  },

  "goxel.undo"(p, { project }) {
    let undone = 0;
    for (let i = 0; i < (p.steps ?? 1); i++) {
      const image = project.history.undo(project.image);
      if (!image) break;
      project.replaceImage(image);
      undone++;
    }
    return { success: true, undone, ...historyCounts(project) };
  },

  "goxel.redo"(p, { project }) {
    let redone = 0;
    for (let i = 0; i < (p.steps ?? 1); i++) {
      const image = project.history.redo(project.image);
      if (!image) break;
      project.replaceImage(image);
      redone++;
    }
    return { success: true, redone, ...historyCounts(project) };
  },
};
