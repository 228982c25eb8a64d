/** Handlers of the drawing and editing methods (fill, shapes, lines, replace, transform, crop). */
import { BlendMode, parseBlendMode } from "../../core/blend.ts";
import { type Aabb, aabbFromBox, boxFromAabb, isNullBox } from "../../core/box.ts";
import { VISITS_PER_TILE, type WorkBudget } from "../../core/budget.ts";
import { InvalidInputError } from "../../core/errors.ts";
import type { Layer } from "../../core/layer.ts";
import { type Mat4, multiply, scaling, translation, type Vec3 } from "../../core/mat4.ts";
import { cropVolume } from "../../core/ops/crop.ts";
import { chargeLine } from "../../core/ops/line.ts";
import { boxFromCorners, chargePaint, defaultPainter, type Painter } from "../../core/ops/paint.ts";
import { updateImage } from "../../core/ops/layers.ts";
import { replaceColor, replaceColorTiles } from "../../core/ops/replace_color.ts";
import {
  chargeMoves,
  type LayerTransform,
  pivotedMatrix,
  transformLayerFrame,
} from "../../core/ops/transform.ts";
import { countDifferences, type VoxelDifferences } from "../../core/volume_compare.ts";
import type { EditOp } from "../edit_jobs.ts";
import { colorFromParams } from "../../protocol/methods/common.ts";
import type { Project } from "../projects.ts";
import type { HandlerGroup } from "./types.ts";
import {
  andThen,
  boxFromWire,
  boxVoxels,
  budgetOf,
  editableLayer,
  editLayer,
  isDryRun,
  packColor,
} from "./util.ts";

type DrawMethods =
  | "goxel.flood_fill"
  | "goxel.procedural_shape"
  | "goxel.draw_shape"
  | "goxel.draw_line"
  | "goxel.replace_color"
  | "goxel.transform_layer"
  | "goxel.crop";

const AXES = { x: 0, y: 1, z: 2 } as const;

function painterFor(
  project: Project,
  o: {
    shape?: string;
    color?: number[];
    mode?: string;
    smoothness?: number;
    symmetry?: string[];
    symmetry_origin?: number[];
  },
): Painter {
  const p = defaultPainter();
  p.shape = (o.shape ?? "cube") as Painter["shape"];
  p.color = packColor(o.color ?? [255, 255, 255, 255]);
  p.mode = o.mode ? parseBlendMode(o.mode)! : BlendMode.OVER;
  p.smoothness = o.smoothness ?? 0;
  p.symmetry = (o.symmetry ?? []).reduce(
    (bits, a) => bits | (1 << AXES[a as keyof typeof AXES]),
    0,
  );
  const box = project.image.box;
  p.symmetryOrigin = (o.symmetry_origin as Vec3) ??
    (box && !isNullBox(box) ? [box[12], box[13], box[14]] : [0, 0, 0]);
  return p;
}

function wireBox(box: Float64Array) {
  const a = aabbFromBox(box);
  return { min: a.min, max: a.max.map((v) => v - 1) as Vec3 };
}

/** The moves of a transform_layer request, each with the frame update it implies (if any). */
function transformSteps(layer: Layer, p: TransformParams): { t: LayerTransform | null; m: Mat4 }[] {
  const ts: LayerTransform[] = (p.flip ?? []).map((axis) => ({ kind: "flip", axis }));
  const turns = p.rotate ? ((p.rotate.degrees / 90) % 4 + 4) % 4 : 0;
  if (p.rotate && turns) ts.push({ kind: "rotate", axis: p.rotate.axis, quarterTurns: turns });
  const steps: { t: LayerTransform | null; m: Mat4 }[] = ts.map((t) => ({
    t,
    m: pivotedMatrix(layer, t),
  }));
  const scale = p.scale;
  if (scale === 2 || scale === 0.5) {
    const t: LayerTransform = { kind: "scale", factor: scale };
    steps.push({ t, m: pivotedMatrix(layer, t) });
  } else if (scale !== undefined && scale !== 1) {
    const o = [0, 1, 2].map((i) => Math.floor(layer.mat[12 + i]) + 0.5);
    const m = multiply(
      translation(o[0], o[1], o[2]),
      multiply(scaling(scale, scale, scale), translation(-o[0], -o[1], -o[2])),
    );
    steps.push({ t: null, m });
  }
  if (p.translate) {
    const t: LayerTransform = { kind: "translate", offset: p.translate as Vec3 };
    steps.push({ t, m: pivotedMatrix(layer, t) });
  }
  return steps;
}

type TransformParams = {
  flip?: ("x" | "y" | "z")[];
  rotate?: { axis: "x" | "y" | "z"; degrees: number };
  scale?: number;
  translate?: number[];
};

/** Voxels charged to the request's budget by `fn` (which throws when over the budget). */
function charged(budget: WorkBudget, fn: () => void): number {
  const before = budget.voxels;
  fn();
  return budget.voxels - before;
}

/**
 * Takes a copy of the layer's voxels before a paint and returns what counts its changes: over
 * the tiles around `region`, or every tile for the intersect modes and with symmetry.
 */
function countingEdit(layer: Layer, painter: Painter, region: Aabb): () => VoxelDifferences {
  const before = layer.volume.copy();
  // Intersect clears the rest of the layer; symmetry paints mirrored copies elsewhere.
  const whole = painter.mode === BlendMode.INTERSECT || painter.mode === BlendMode.INTERSECT_FILL ||
    painter.symmetry !== 0;
  const around: Aabb = {
    min: region.min.map((v) => v - 1) as Vec3,
    max: region.max.map((v) => v + 1) as Vec3,
  };
  return () => countDifferences(before, layer.volume, whole ? null : around);
}

/** Handlers for the drawing methods. */
export const drawHandlers: HandlerGroup<DrawMethods> = {
  "goxel.flood_fill"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const budget = budgetOf(env);
    const box = project.image.box;
    // The region is not known before the fill: the image box bounds it (unbounded: off-thread).
    const estimate = box && !isNullBox(box) ? boxVoxels(box) : Infinity;
    const op: EditOp = {
      kind: "fill",
      start: [p.x, p.y, p.z],
      color: packColor(colorFromParams(p)),
      options: {
        threshold: p.tolerance ?? 0,
        limitBox: box,
        maxVoxels: Math.max(1, budget.maxVoxels - budget.voxels),
      },
    };
    return andThen(editLayer(env, layer, op, estimate), (filled) => {
      budget.charge("flood fill", { voxels: filled });
      return { success: true, voxels_filled: filled };
    });
  },

  "goxel.procedural_shape"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const size = [p.size_x ?? 10, p.size_y ?? 10, p.size_z ?? 10];
    const center = [p.center_x ?? 0, p.center_y ?? 0, p.center_z ?? 0];
    const min = center.map((c, i) => c - Math.floor(size[i] / 2)) as Vec3;
    const box = boxFromAabb({ min, max: min.map((v, i) => v + size[i]) as Vec3 });
    const shape = p.shape_type ?? "cube";
    const painter = painterFor(project, { shape, color: colorFromParams(p), mode: p.mode });
    const cost = charged(
      budgetOf(env),
      () => chargePaint(layer.volume, painter, box, budgetOf(env)),
    );
    const counts = countingEdit(layer, painter, aabbFromBox(box));
    return andThen(editLayer(env, layer, { kind: "paint", painter, box }, cost), () => {
      const { added, ...rest } = counts();
      return { success: true, shape_type: shape, voxels_created: added, added, ...rest };
    });
  },

  "goxel.draw_shape"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const box = p.box ? boxFromWire(p.box) : boxFromCorners(p.from! as Vec3, p.to! as Vec3);
    const painter = painterFor(project, p);
    const cost = charged(
      budgetOf(env),
      () => chargePaint(layer.volume, painter, box, budgetOf(env)),
    );
    const counts = countingEdit(layer, painter, aabbFromBox(box));
    return andThen(editLayer(env, layer, { kind: "paint", painter, box }, cost), () => {
      return { success: true, box: wireBox(box), ...counts() };
    });
  },

  "goxel.draw_line"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const length = Math.hypot(...p.to.map((v, i) => v - p.from[i]));
    if (length > 100000) {
      throw new InvalidInputError(`Line is too long (${Math.round(length)} voxels)`);
    }
    const painter = painterFor(project, { ...p, shape: p.shape ?? "cylinder" });
    const [from, to, radius] = [p.from as Vec3, p.to as Vec3, p.radius ?? 0.5];
    const budget = budgetOf(env);
    const cost = charged(budget, () => {
      chargeLine(painter, from, to, radius, budget);
      chargePaint(layer.volume, painter, boxFromCorners(to, to), budget);
    });
    const op: EditOp = { kind: "line", painter, from, to, radius };
    const reach = Math.ceil(radius) + 1;
    const counts = countingEdit(layer, painter, {
      min: from.map((v, i) => Math.min(v, to[i]) - reach) as Vec3,
      max: from.map((v, i) => Math.max(v, to[i]) + reach + 1) as Vec3,
    });
    return andThen(editLayer(env, layer, op, cost), () => ({ success: true, ...counts() }));
  },

  "goxel.replace_color"(p, env) {
    const layer = editableLayer(env.project, p.layer_id);
    const clip = p.region ? { mask: null, box: boxFromWire(p.region) } : null;
    // The scan reads every tile it covers: a scanned tile counts as much of the budget's tile
    // visits as an allocated tile does of its tiles, so a batch of whole-layer replacements
    // cannot stall the daemon for seconds (1000 on a 1 M-voxel layer took 10 s).
    budgetOf(env).charge("replace colours", {
      visits: replaceColorTiles(layer.volume, clip) * VISITS_PER_TILE,
    });
    if (isDryRun(env)) return { success: true, replaced: 0 };
    const replaced = replaceColor(layer.volume, packColor(p.from_color), packColor(p.to_color), {
      tolerance: p.tolerance ?? 0,
      clip,
    });
    return { success: true, replaced };
  },

  "goxel.transform_layer"(p, env) {
    const { project } = env;
    const budget = budgetOf(env);
    const layer = editableLayer(project, p.layer_id);
    const steps = transformSteps(layer, p);
    const matrices = steps.map((s) => s.m);
    // Charged before anything moves: a step over the budget leaves the layer as it was.
    const cost = charged(budget, () => chargeMoves(layer.volume, matrices, budget, layer.name));
    return andThen(editLayer(env, layer, { kind: "move", matrices }, cost), () => {
      for (const { t, m } of steps) if (t) transformLayerFrame(layer, t, m);
      // Clones of this layer are derived: recompute them within the request's budget.
      updateImage(project.image, budget);
      const b = layer.volume.bbox();
      const bbox = b ? { min: b.min, max: b.max.map((v) => v - 1) as Vec3 } : null;
      return { success: true, bbox };
    });
  },

  "goxel.crop"(p, { project }) {
    const box = p.box ? boxFromWire(p.box) : project.image.box;
    if (!box || isNullBox(box)) {
      throw new InvalidInputError("Cannot crop: the project has no box; give one");
    }
    const layers = p.all_layers ? project.image.layers : [editableLayer(project, p.layer_id)];
    let removed = 0;
    for (const layer of layers) {
      const before = layer.volume.count();
      cropVolume(layer.volume, box);
      removed += before - layer.volume.count();
    }
    return { success: true, box: wireBox(box), removed };
  },
};
