/** Helpers shared by the handlers: layers by id, colours, boxes and work budgets. */
import { type Aabb, aabbFromBox, boxFromAabb } from "../../core/box.ts";
import { WorkBudget } from "../../core/budget.ts";
import { packRgba, unpackRgba } from "../../core/color.ts";
import { ConflictError, NotFoundError } from "../../core/errors.ts";
import { canEditLayer, type Layer } from "../../core/layer.ts";
import type { Mat4 } from "../../core/mat4.ts";
import { volumeToPlain } from "../../core/plain_image.ts";
import {
  applyEdit,
  applyEditResult,
  type EditOp,
  type EditResult,
  INLINE_EDIT_VOXELS,
  volumeBuffers,
} from "../edit_jobs.ts";
import type { Project } from "../projects.ts";
import type { HandlerEnv } from "./types.ts";

/** Packs a wire colour `[r, g, b, a]`. */
export function packColor(c: readonly number[]): number {
  return packRgba(c[0], c[1], c[2], c[3] ?? 255);
}

/** Unpacks to a wire colour `[r, g, b, a]`. */
export function wireColor(c: number): [number, number, number, number] {
  return unpackRgba(c);
}

/** Returns the layer with this id, or the active layer for 0/undefined. */
export function findLayerById(project: Project, id: number | undefined | null): Layer {
  const image = project.image;
  if (!id) {
    const layer = image.activeLayer ?? image.layers.at(-1);
    if (!layer) throw new NotFoundError("The project has no layer");
    return layer;
  }
  const layer = image.layers.find((l) => l.id === id);
  if (!layer) {
    const ids = image.layers.map((l) => l.id).join(", ");
    throw new NotFoundError(`Layer ${id} does not exist (layers: ${ids || "none"})`);
  }
  return layer;
}

/** Like findLayerById but refuses clone and shape layers, which cannot be edited directly. */
export function editableLayer(project: Project, id: number | undefined | null): Layer {
  const layer = findLayerById(project, id);
  if (!canEditLayer(layer)) {
    const kind = layer.baseId ? "a clone" : layer.shape ? "a shape layer" : "an image layer";
    // Its voxels are made from something else (its source, shape or picture): edit a voxel layer.
    throw new ConflictError(
      `Layer ${layer.id} "${layer.name}" is ${kind}, whose voxels cannot be edited: pass the ` +
        "layer_id of a voxel layer, or make one active (create_layer, set_active_layer)",
    );
  }
  return layer;
}

/** Converts an inclusive wire box to a half-open AABB. */
export function inclusiveToAabb(b: { min: readonly number[]; max: readonly number[] }): Aabb {
  return {
    min: [b.min[0], b.min[1], b.min[2]],
    max: [b.max[0] + 1, b.max[1] + 1, b.max[2] + 1],
  };
}

/** Converts an inclusive wire box to a Goxel box. */
export function boxFromWire(b: { min: readonly number[]; max: readonly number[] }): Mat4 {
  return boxFromAabb(inclusiveToAabb(b));
}

const budgets = new WeakMap<HandlerEnv, WorkBudget>();

/**
 * The work budget of one request (limits.max_voxels_per_request / max_tiles_per_request): a
 * batch hands every operation the same env, so its operations are counted in total.
 */
export function budgetOf(env: HandlerEnv): WorkBudget {
  let budget = budgets.get(env);
  if (!budget) {
    const { limits } = env.ctx.config;
    budget = new WorkBudget({
      maxVoxels: limits.max_voxels_per_request,
      maxTiles: limits.max_tiles_per_request,
    });
    budgets.set(env, budget);
  }
  return budget;
}

/** Calls `fn` with the value, now or when the promise settles. */
export function andThen<T, R>(value: T | Promise<T>, fn: (v: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

/** Voxels inside a box's integer AABB. */
export function boxVoxels(box: Mat4): number {
  const a = aabbFromBox(box);
  return a.max.reduce((n, v, i) => n * Math.max(0, v - a.min[i]), 1);
}

const inlineEnvs = new WeakSet<HandlerEnv>();
const dryRunEnvs = new WeakSet<HandlerEnv>();

/**
 * Returns an env whose edits only charge their own budget and change nothing, so a batch can
 * be refused before its first operation runs.
 */
export function dryRunEnv(env: HandlerEnv): HandlerEnv {
  const dry = { ...env };
  dryRunEnvs.add(dry);
  return dry;
}

/** True for an env made by dryRunEnv. */
export function isDryRun(env: HandlerEnv): boolean {
  return dryRunEnvs.has(env);
}

/** Makes every edit of this request run synchronously (batch_operations applies all or nothing). */
export function editInline(env: HandlerEnv): void {
  inlineEnvs.add(env);
}

/**
 * Applies `op` to the layer's volume: inline when the request charged at most
 * INLINE_EDIT_VOXELS (or must stay synchronous), else on the worker pool so the event loop
 * keeps answering, swapping the edited volume in when it returns. Returns the fill count.
 */
export function editLayer(
  env: HandlerEnv,
  layer: Layer,
  op: EditOp,
  charged: number,
): number | Promise<number> {
  const { limits } = env.ctx.config;
  const budget = {
    maxVoxels: limits.max_voxels_per_request,
    maxTiles: limits.max_tiles_per_request,
  };
  if (dryRunEnvs.has(env)) return 0;
  if (charged <= INLINE_EDIT_VOXELS || inlineEnvs.has(env)) {
    return applyEdit(layer.volume, op, budget);
  }
  const plain = volumeToPlain(layer.volume);
  const job = { kind: "edit" as const, volume: plain, op, limits: budget };
  const options = { transfer: volumeBuffers(plain), signal: env.call?.signal };
  return env.ctx.workers.run(job, options).then((r) => {
    const result = r as EditResult;
    layer.volume = applyEditResult(layer.volume, result);
    return result.count;
  });
}
