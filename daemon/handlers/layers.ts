/** Handlers of the layer methods. */
import { blendModeName, mergeVolumes } from "../../core/blend.ts";
import { ConflictError, NotFoundError } from "../../core/errors.ts";
import { uncloneLayer } from "../../core/ops/layers.ts";
import {
  addLayer,
  addShapeLayer,
  deleteLayer,
  duplicateLayer,
  moveLayer,
  renameLayer,
  setActiveLayer,
  setLayerVisible,
} from "../../core/ops/layers.ts";
import type { HandlerGroup } from "./types.ts";
import { boxFromWire, budgetOf, findLayerById, packColor } from "./util.ts";

type LayerMethods =
  | "goxel.list_layers"
  | "goxel.create_layer"
  | "goxel.delete_layer"
  | "goxel.merge_layers"
  | "goxel.set_layer_visibility"
  | "goxel.rename_layer"
  | "goxel.duplicate_layer"
  | "goxel.set_active_layer"
  | "goxel.move_layer";

/** Handlers for the layer methods. */
export const layerHandlers: HandlerGroup<LayerMethods> = {
  "goxel.list_layers"(p, { project }) {
    const image = project.image;
    const layers = image.layers.map((l) => ({
      id: l.id,
      name: l.name,
      visible: l.visible,
      active: l === image.activeLayer,
      kind: (l.baseId ? "clone" : l.shape ? "shape" : l.imagePath ? "image" : "volume") as "volume",
      mode: blendModeName(l.mode),
      voxel_count: l.volume.count(),
      ...(p.crc ? { crc: l.volume.crc32() >>> 0 } : {}),
    }));
    return { count: layers.length, layers };
  },

  "goxel.create_layer"(p, env) {
    const { project } = env;
    const image = project.image;
    const rgb = p.color ??
      (p.r !== undefined || p.g !== undefined || p.b !== undefined
        ? [p.r ?? 0, p.g ?? 0, p.b ?? 0, 255]
        : [255, 255, 255, 255]);
    const color = packColor(rgb);
    const layer = p.shape
      ? addShapeLayer(image, p.shape, color, boxFromWire(p.box!), budgetOf(env))
      : addLayer(image, p.name ?? "New Layer");
    if (p.shape && p.name) renameLayer(image, layer, p.name);
    layer.color = color;
    if (p.visible === false) setLayerVisible(image, layer, false);
    return {
      success: true,
      layer_id: layer.id,
      name: layer.name,
      visible: layer.visible,
      color: [rgb[0], rgb[1], rgb[2]] as [number, number, number],
    };
  },

  "goxel.delete_layer"(p, { project }) {
    const image = project.image;
    const layer = p.layer_id
      ? findLayerById(project, p.layer_id)
      : image.layers.find((l) => l.name === p.layer_name);
    if (!layer) throw new NotFoundError(`No layer is named "${p.layer_name}"`);
    deleteLayer(image, layer);
    return { success: true, layer_id: layer.id };
  },

  "goxel.merge_layers"(p, { project }) {
    if (p.source_layer_id === p.target_layer_id) {
      throw new ConflictError("Cannot merge a layer into itself");
    }
    const source = findLayerById(project, p.source_layer_id);
    const target = findLayerById(project, p.target_layer_id);
    uncloneLayer(project.image, target);
    mergeVolumes(target.volume, source.volume, source.mode);
    deleteLayer(project.image, source);
    setActiveLayer(project.image, target);
    return { success: true, target_layer_id: target.id };
  },

  "goxel.set_layer_visibility"(p, { project }) {
    const layer = findLayerById(project, p.layer_id);
    setLayerVisible(project.image, layer, p.visible ?? true);
    return { success: true, visible: layer.visible };
  },

  "goxel.rename_layer"(p, { project }) {
    const layer = findLayerById(project, p.layer_id);
    const name = renameLayer(project.image, layer, p.name);
    return { success: true, layer_id: layer.id, name };
  },

  "goxel.duplicate_layer"(p, { project }) {
    const copy = duplicateLayer(project.image, findLayerById(project, p.layer_id));
    return { success: true, layer_id: copy.id, name: copy.name };
  },

  "goxel.set_active_layer"(p, { project }) {
    setActiveLayer(project.image, findLayerById(project, p.layer_id));
    return { success: true, layer_id: p.layer_id };
  },

  "goxel.move_layer"(p, { project }) {
    const image = project.image;
    const layer = findLayerById(project, p.layer_id);
    const index = image.layers.indexOf(layer);
    const last = image.layers.length - 1;
    const target = p.to === "up"
      ? index + 1
      : p.to === "down"
      ? index - 1
      : p.to === "top"
      ? last
      : p.to === "bottom"
      ? 0
      : p.to;
    const clamped = Math.max(0, Math.min(last, target));
    // Goxel's "up" moves towards the list head; our indices count from the bottom (head = 0).
    moveLayer(image, layer, clamped - index);
    return { success: true, layer_id: layer.id, index: image.layers.indexOf(layer) };
  },
};
