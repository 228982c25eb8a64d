/** Handlers of the drawing and editing methods (fill, shapes, lines, replace, transform, crop). */
import { BlendMode, parseBlendMode } from "../../core/blend.ts";
import { aabbFromBox, boxFromAabb, isNullBox } from "../../core/box.ts";
import type { WorkBudget } from "../../core/budget.ts";
import { InvalidInputError } from "../../core/errors.ts";
import type { Layer } from "../../core/layer.ts";
import { multiply, scaling, translation, type Vec3 } from "../../core/mat4.ts";
import { cropVolume } from "../../core/ops/crop.ts";
import { floodFill } from "../../core/ops/fill.ts";
import { drawLine } from "../../core/ops/line.ts";
import { boxFromCorners, defaultPainter, paint, type Painter } from "../../core/ops/paint.ts";
import { replaceColor } from "../../core/ops/replace_color.ts";
import { moveVolume, transformLayer } from "../../core/ops/transform.ts";
import { colorFromParams } from "../../protocol/methods/common.ts";
import type { Project } from "../projects.ts";
import type { HandlerGroup } from "./types.ts";
import { boxFromWire, budgetOf, commit, editableLayer, packColor } from "./util.ts";

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

function scaleLayer(layer: Layer, scale: number, budget: WorkBudget): void {
  if (scale === 2 || scale === 0.5) {
    return transformLayer(layer, { kind: "scale", factor: scale }, budget);
  }
  const o = [0, 1, 2].map((i) => Math.floor(layer.mat[12 + i]) + 0.5);
  const m = multiply(
    translation(o[0], o[1], o[2]),
    multiply(scaling(scale, scale, scale), translation(-o[0], -o[1], -o[2])),
  );
  moveVolume(layer.volume, m, budget);
}

/** Handlers for the drawing methods. */
export const drawHandlers: HandlerGroup<DrawMethods> = {
  "goxel.flood_fill"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const budget = budgetOf(env);
    const filled = floodFill(layer.volume, [p.x, p.y, p.z], packColor(colorFromParams(p)), {
      threshold: p.tolerance ?? 0,
      limitBox: project.image.box,
      maxVoxels: Math.max(1, budget.maxVoxels - budget.voxels),
    });
    budget.charge("flood fill", { voxels: filled });
    if (filled) commit(project);
    return { success: true, voxels_filled: filled };
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
    const before = layer.volume.count();
    paint(layer.volume, painter, box, budgetOf(env));
    commit(project);
    return {
      success: true,
      shape_type: shape,
      voxels_created: Math.max(0, layer.volume.count() - before),
    };
  },

  "goxel.draw_shape"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const box = p.box ? boxFromWire(p.box) : boxFromCorners(p.from! as Vec3, p.to! as Vec3);
    paint(layer.volume, painterFor(project, p), box, budgetOf(env));
    commit(project);
    return { success: true, box: wireBox(box) };
  },

  "goxel.draw_line"(p, env) {
    const { project } = env;
    const layer = editableLayer(project, p.layer_id);
    const length = Math.hypot(...p.to.map((v, i) => v - p.from[i]));
    if (length > 100000) {
      throw new InvalidInputError(`Line is too long (${Math.round(length)} voxels)`);
    }
    const painter = painterFor(project, { ...p, shape: p.shape ?? "cylinder" });
    const budget = budgetOf(env);
    drawLine(layer.volume, painter, p.from as Vec3, p.to as Vec3, p.radius ?? 0.5, budget);
    // Goxel's half-open test leaves out the end voxel; a user asking for from→to wants both ends.
    paint(layer.volume, painter, boxFromCorners(p.to as Vec3, p.to as Vec3), budget);
    commit(project);
    return { success: true };
  },

  "goxel.replace_color"(p, { project }) {
    const layer = editableLayer(project, p.layer_id);
    const replaced = replaceColor(layer.volume, packColor(p.from_color), packColor(p.to_color), {
      tolerance: p.tolerance ?? 0,
      clip: p.region ? { mask: null, box: boxFromWire(p.region) } : null,
    });
    if (replaced) commit(project);
    return { success: true, replaced };
  },

  "goxel.transform_layer"(p, env) {
    const { project } = env;
    const budget = budgetOf(env);
    // All or nothing: a step over the budget leaves the layer as it was.
    const layer = project.batch(() => {
      const layer = editableLayer(project, p.layer_id);
      for (const axis of p.flip ?? []) transformLayer(layer, { kind: "flip", axis }, budget);
      if (p.rotate) {
        const turns = ((p.rotate.degrees / 90) % 4 + 4) % 4;
        if (turns) {
          const t = { kind: "rotate", axis: p.rotate.axis, quarterTurns: turns } as const;
          transformLayer(layer, t, budget);
        }
      }
      if (p.scale !== undefined && p.scale !== 1) scaleLayer(layer, p.scale, budget);
      if (p.translate) {
        transformLayer(layer, { kind: "translate", offset: p.translate as Vec3 }, budget);
      }
      commit(project, budget);
      return layer;
    });
    commit(project);
    const b = layer.volume.bbox();
    return { success: true, bbox: b ? { min: b.min, max: b.max.map((v) => v - 1) as Vec3 } : null };
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
    commit(project);
    return { success: true, box: wireBox(box), removed };
  },
};
