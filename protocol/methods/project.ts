/** Project methods: create, open, save, export, import, list, select, close, inspect, undo/redo. */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { BoxResult, FilePath, Int32, PositiveSize, ProjectRef } from "../wire.ts";
import { Ok } from "./common.ts";

/** Formats a file can be written in: each one named has an encoder (tests/format_help_test.ts). */
const WRITE_FORMAT_TEXT =
  "Format by name or extension, case-insensitive (e.g. gox, vox, qb, obj, ply, gltf, png, txt, " +
  "povray, kvx, vxl); default: from the path's extension";

/** Formats a file can be read from: exactly the codecs with a decoder (same test). */
const READ_FORMAT_TEXT =
  "Format by name or extension, case-insensitive: gox, vox, qubicle (qb), kv6, kvx, vxl, txt, " +
  "mts, obj; default: from the path's extension";

/** Where a relative path param points, for each kind of client. */
const RELATIVE_TEXT =
  "a relative path is taken from the caller's directory with goxel call, from the --root " +
  "directory through goxel mcp, else from the daemon's workspace";

const Path = FilePath;
const Format = z.string().min(1).max(64);
const ProjectId = z.string().describe('Project id, e.g. "p1"');

/** `goxel.create_project`. */
export const createProject = defineMethod({
  name: "goxel.create_project",
  tool: { destructive: false },
  summary: "Open a new empty project of width × height × depth voxels and make it current.",
  description: "Other open projects are untouched (the C daemon wiped its single project here).",
  params: z.strictObject({
    name: z.string().min(1).max(255).optional().describe('Project name (default "New Project")'),
    width: PositiveSize.optional().describe("Size along X in voxels (default 64)"),
    height: PositiveSize.optional().describe("Size along Y in voxels (default 64)"),
    depth: PositiveSize.optional().describe("Size along Z (up) in voxels (default 64)"),
  }),
  positional: ["name", "width", "height", "depth"],
  result: z.object({
    success: Ok,
    name: z.string(),
    width: z.int(),
    height: z.int(),
    depth: z.int(),
    project_id: ProjectId,
  }),
  examples: [{
    params: ["castle", 32, 32, 16],
    result: { success: true, name: "castle", width: 32, height: 32, depth: 16, project_id: "p1" },
  }],
});

/** `goxel.load_project`. */
export const loadProject = defineMethod({
  name: "goxel.load_project",
  tool: { destructive: false },
  summary: "Open a file in any importable format as a new project and make it current.",
  params: z.strictObject({
    path: Path.describe(`File to open (${RELATIVE_TEXT})`),
    format: Format.optional().describe(READ_FORMAT_TEXT),
  }),
  positional: ["path", "format"],
  result: z.object({
    success: Ok,
    path: z.string().describe("Absolute path opened"),
    project_id: ProjectId,
    name: z.string().optional(),
    format: z.string().optional().describe("Format used"),
  }),
  examples: [{
    params: ["model.vox"],
    result: { success: true, path: "/home/me/model.vox", project_id: "p2", format: "vox" },
  }],
  flags: { heavy: true, aliases: ["goxel.open_project"] },
});

const OverwriteSidecars = z.boolean().optional().describe(
  "Replace an existing sidecar file (e.g. the .mtl of an .obj) when the main file is new",
);

/** `goxel.save_project`. */
export const saveProject = defineMethod({
  name: "goxel.save_project",
  tool: { destructive: true, idempotent: true },
  summary: "Save the project atomically; without a path, to where it was last loaded or saved.",
  description:
    "The file is written next to its destination, synced and renamed over it, so a crash never " +
    "leaves a half-written file. The format follows the extension (.gox by default). A file " +
    "in a format that cannot hold everything the project has (layers in .txt, colours past a " +
    ".vox palette) is written, but the project stays unsaved: `losses` says what it lacks, and " +
    "closing still asks for a save. Without a path, such a save is refused instead.",
  params: z.strictObject({
    path: Path.optional().describe("Destination (default: the project's last path)"),
    format: Format.optional().describe(WRITE_FORMAT_TEXT),
    overwrite_sidecars: OverwriteSidecars,
    force: z.boolean().optional().describe(
      "Without a path: replace the file even when another program changed it since the " +
        "project loaded or saved it (refused by default)",
    ),
  }),
  positional: ["path", "format"],
  result: z.object({
    success: Ok,
    path: z.string(),
    format: z.string().optional(),
    bytes: z.int().min(0).optional().describe("Size of the written file"),
    losses: z.array(z.string()).optional().describe(
      "What the written file cannot hold of the project (then it is not counted as saved)",
    ),
  }),
  examples: [{
    params: ["castle.gox"],
    result: { success: true, path: "/home/me/castle.gox", format: "gox", bytes: 2048 },
  }],
  flags: { project: true, heavy: true },
});

/** `goxel.export_model`. */
export const exportModel = defineMethod({
  name: "goxel.export_model",
  tool: { destructive: true, idempotent: true },
  summary: "Write the project to a file in another format (the project keeps its own path).",
  description:
    "Formats with layers (.gox, .vox, .qb, .gltf, .glb) write every layer, hidden ones too " +
    "(.gox and .vox mark them hidden); the others write the visible layers merged.",
  params: z.strictObject({
    path: Path.describe("Destination file"),
    format: Format.optional().describe(WRITE_FORMAT_TEXT),
    overwrite_sidecars: OverwriteSidecars,
  }),
  positional: ["path", "format"],
  result: z.object({
    success: Ok,
    path: z.string(),
    format: z.string().optional(),
    bytes: z.int().min(0).optional(),
    losses: z.array(z.string()).optional().describe(
      "What the written voxel file cannot hold of the project (read back; not for meshes)",
    ),
  }),
  examples: [{
    params: ["castle.obj"],
    result: { success: true, path: "/home/me/castle.obj", format: "obj" },
  }],
  flags: { project: true, heavy: true },
});

/** `goxel.import_file`. */
export const importFile = defineMethod({
  name: "goxel.import_file",
  tool: { destructive: false },
  summary: "Add the layers of a file (any importable format) to the current project.",
  params: z.strictObject({
    path: Path.describe(`File to import (${RELATIVE_TEXT})`),
    format: Format.optional().describe(READ_FORMAT_TEXT),
  }),
  positional: ["path", "format"],
  result: z.object({
    success: Ok,
    path: z.string(),
    format: z.string().optional(),
    layers: z.array(z.object({ id: Int32, name: z.string() })).describe("Layers added"),
  }),
  examples: [{ params: ["tree.vox"] }],
  flags: { project: true, mutates: true, heavy: true },
});

const ProjectSummary = z.object({
  id: ProjectId,
  name: z.string(),
  path: z.string().nullable().describe("Last loaded or saved file, null if never saved"),
  dirty: z.boolean().describe("Has unsaved changes"),
  current: z.boolean().describe("Is the current project"),
  layer_count: z.int().min(0).optional(),
});

/** `goxel.list_projects`. */
export const listProjects = defineMethod({
  name: "goxel.list_projects",
  tool: { readOnly: true },
  summary: "List the open projects and which one is current.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    count: z.int().min(0),
    current: ProjectId.nullable(),
    projects: z.array(ProjectSummary),
  }),
  examples: [{
    params: {},
    result: {
      count: 1,
      current: "p1",
      projects: [{
        id: "p1",
        name: "castle",
        path: null,
        dirty: true,
        current: true,
        layer_count: 1,
      }],
    },
  }],
});

/** `goxel.select_project`. */
export const selectProject = defineMethod({
  name: "goxel.select_project",
  tool: { destructive: false, idempotent: true },
  summary: "Make an open project current (the one methods use when no project param is given).",
  params: z.strictObject({ project: ProjectRef.describe('Project id (e.g. "p1") or name') }),
  positional: ["project"],
  result: z.object({ success: Ok, project_id: ProjectId, name: z.string() }),
  examples: [{ params: ["p1"], result: { success: true, project_id: "p1", name: "castle" } }],
});

/** `goxel.close_project`. */
export const closeProject = defineMethod({
  name: "goxel.close_project",
  tool: { destructive: true },
  summary: "Close a project; unsaved changes are refused (CONFLICT) unless force is true.",
  params: z.strictObject({
    project: ProjectRef.optional().describe("Project id or name (default: the current project)"),
    force: z.boolean().optional().describe("Close even with unsaved changes (default false)"),
  }),
  positional: ["project", "force"],
  result: z.object({
    success: Ok,
    project_id: ProjectId,
    was_dirty: z.boolean(),
    current: ProjectId.nullable(),
  }),
  examples: [{
    params: ["p1", true],
    result: { success: true, project_id: "p1", was_dirty: true, current: null },
  }],
});

const HistoryCounts = {
  undo_count: z.int().min(0).describe("Steps that can be undone"),
  redo_count: z.int().min(0).describe("Steps that can be redone"),
};

/** `goxel.get_project_info`. */
export const getProjectInfo = defineMethod({
  name: "goxel.get_project_info",
  tool: { readOnly: true },
  summary:
    "Describe a project: name, path, size, box, layers, voxel count, unsaved changes, undo depth.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({
    project_id: ProjectId,
    name: z.string(),
    path: z.string().nullable(),
    dirty: z.boolean(),
    width: z.int(),
    height: z.int(),
    depth: z.int(),
    box: BoxResult.nullable().describe("Inclusive project box, null when unbounded"),
    layer_count: z.int().min(0),
    active_layer_id: Int32.nullable(),
    voxel_count: z.int().min(0),
    ...HistoryCounts,
    journal_seq: z.int().min(0).describe(
      "Sequence number of the project's last committed change (its journal's; grows by one per change)",
    ),
    read_only: z.string().nullable().describe(
      "Why the project refuses edits (recovered from a damaged journal), or null",
    ),
    degraded: z.string().nullable().describe(
      "The last journal write failure while writes keep failing, or null",
    ),
  }),
  examples: [{ params: {} }],
  flags: { project: true },
});

/** What recovery at start-up did (`get_status`, `goxel.status`). */
export const RecoveryResult = z.object({
  projects_restored: z.int().min(0),
  records_replayed: z.int().min(0),
  ms: z.number().min(0),
  torn_tails_cut: z.int().min(0),
  read_only: z.array(z.object({
    project: z.string(),
    reason: z.string(),
    moved_to: z.string().describe("Where a copy of its files was put (they also stay in place)"),
  })),
  failed: z.array(z.object({
    dir: z.string(),
    reason: z.string(),
    moved_to: z.string().nullable().describe("Where its files were moved, null if left in place"),
  })),
});

/** `goxel.get_status`. */
export const getStatus = defineMethod({
  name: "goxel.get_status",
  tool: { readOnly: true },
  summary:
    "Short status of the current project: version, layer count, real dimensions, journal and recovery.",
  description:
    "width/height/depth are the project's real size (the C daemon always said 32); all 0 when no " +
    "project is open.",
  params: z.strictObject({
    project: ProjectRef.optional().describe("Project id or name (default: the current project)"),
  }),
  positional: [],
  result: z.object({
    version: z.string(),
    layer_count: z.int().min(0),
    read_only: z.boolean(),
    width: z.int(),
    height: z.int(),
    depth: z.int(),
    project_id: ProjectId.nullable().optional(),
    journal_seq: z.int().min(0).optional().describe(
      "The current project's journal sequence number",
    ),
    durability: z.enum(["off", "process", "batch", "always"]).optional().describe(
      "What an acknowledged edit survives (config `durability`)",
    ),
    recovery: RecoveryResult.nullable().optional().describe(
      "What recovery at start-up restored (null before it ran)",
    ),
  }),
  examples: [{
    params: {},
    result: {
      version: "1.0.0",
      layer_count: 1,
      read_only: false,
      width: 64,
      height: 64,
      depth: 64,
      project_id: "p1",
    },
  }],
});

const HistoryParams = z.strictObject({
  steps: z.int().min(1).max(10_000).optional().describe("How many steps (default 1)"),
});

/** `goxel.undo`. */
export const undo = defineMethod({
  name: "goxel.undo",
  tool: { destructive: false },
  summary: "Undo the last edits of the project (stops quietly at the oldest state).",
  params: HistoryParams,
  positional: ["steps"],
  result: z.object({ success: Ok, undone: z.int().min(0), ...HistoryCounts }),
  examples: [{ params: [], result: { success: true, undone: 1, undo_count: 4, redo_count: 1 } }],
  flags: { project: true, mutates: true, needsOpenProject: true },
});

/** `goxel.redo`. */
export const redo = defineMethod({
  name: "goxel.redo",
  tool: { destructive: false },
  summary: "Redo edits undone by goxel.undo (stops quietly at the newest state).",
  params: HistoryParams,
  positional: ["steps"],
  result: z.object({ success: Ok, redone: z.int().min(0), ...HistoryCounts }),
  examples: [{ params: [2], result: { success: true, redone: 2, undo_count: 5, redo_count: 0 } }],
  flags: { project: true, mutates: true, needsOpenProject: true },
});

/** The project methods. */
export const PROJECT_METHODS = [
  createProject,
  loadProject,
  saveProject,
  exportModel,
  importFile,
  listProjects,
  selectProject,
  closeProject,
  getProjectInfo,
  getStatus,
  undo,
  redo,
] as const;
