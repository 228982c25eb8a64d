/**
 * Handlers of the selection tools and filters (core/ops/selection.ts and filters.ts); like every
 * mutating method, the dispatcher commits each as one undo step.
 */
import { adjustColors, mirror, wrap } from "../../core/ops/filters.ts";
import {
  addSelection,
  fuzzySelect,
  resetSelection,
  selectByColor,
  setSelectionBox,
  subSelection,
} from "../../core/ops/selection.ts";
import type { Image } from "../../core/image.ts";
import type { HandlerGroup } from "./types.ts";
import { boxFromWire, editableLayer, findLayerById } from "./util.ts";

type FilterMethods =
  | "goxel.select_box"
  | "goxel.select_color"
  | "goxel.clear_selection"
  | "goxel.adjust_colors"
  | "goxel.mirror"
  | "goxel.wrap";

const AXES = { x: 0, y: 1, z: 2 } as const;

function selectedCount(image: Image): number {
  return image.selectionMask?.count() ?? 0;
}

/** Handlers of the selection and filter methods. */
export const filterHandlers: HandlerGroup<FilterMethods> = {
  "goxel.select_box"(p, { project }) {
    const image = project.image;
    const box = boxFromWire(p.box);
    const mode = p.mode ?? "replace";
    if (mode === "sub") subSelection(image, box);
    else {
      if (mode === "replace") image.selectionMask = null;
      setSelectionBox(image, box);
      addSelection(image, box);
    }
    return { success: true, selected: selectedCount(image) };
  },

  "goxel.select_color"(p, { project }) {
    const layer = findLayerById(project, p.layer_id);
    const start: [number, number, number] = [p.x, p.y, p.z];
    const threshold = p.threshold ?? 0;
    const select = p.connected ? fuzzySelect : selectByColor;
    const selected = select(project.image, layer, start, threshold, p.mode ?? "replace");
    return { success: true, selected };
  },

  "goxel.clear_selection"(_p, { project }) {
    resetSelection(project.image);
    return { success: true };
  },

  "goxel.adjust_colors"(p, { project }) {
    const layer = editableLayer(project, p.layer_id);
    const { layer_id: _, ...adjustments } = p;
    const changed = adjustColors(project.image, layer, adjustments);
    return { success: true, voxels_changed: changed };
  },

  "goxel.mirror"(p, { project }) {
    const layers = mirror(project.image, AXES[p.axis], { allLayers: p.all_layers });
    return { success: true, layers };
  },

  "goxel.wrap"(p, { project }) {
    const layers = wrap(project.image, AXES[p.axis], p.direction ?? 1, {
      allLayers: p.all_layers,
    });
    return { success: true, layers };
  },
};
