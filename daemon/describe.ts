/** Plain JSON descriptions of images and layers (for `info`, get_project_info, list_layers). */
import { blendModeName } from "../core/blend.ts";
import { aabbFromBox, isNullBox } from "../core/box.ts";
import { formatHex } from "../core/color.ts";
import { type Image, mergedVisibleVolume } from "../core/image.ts";
import type { Layer } from "../core/layer.ts";

/** A bounding box, inclusive at both ends like every box of the API. */
export interface JsonBox {
  min: [number, number, number];
  max: [number, number, number];
}

/** Describes a layer: id, name, visibility, kind, voxel count and exact bbox. */
export function describeLayer(image: Image, layer: Layer) {
  const bbox = layer.volume.bbox();
  return {
    id: layer.id,
    name: layer.name,
    visible: layer.visible,
    active: image.activeLayer === layer,
    kind: layer.baseId ? "clone" : layer.shape ? "shape" : "volume",
    mode: blendModeName(layer.mode),
    voxels: layer.volume.count(),
    bbox: bbox ? { min: bbox.min, max: bbox.max.map((v) => v - 1) } : null,
    material: layer.material?.name ?? null,
    ...(layer.baseId ? { base_id: layer.baseId } : {}),
    ...(layer.shape ? { shape: layer.shape, color: formatHex(layer.color) } : {}),
  };
}

/** Describes an image: box, size, layers, materials, cameras, total voxels and CRC. */
export function describeImage(image: Image) {
  const merged = mergedVisibleVolume(image);
  const box = isNullBox(image.box) ? null : aabbFromBox(image.box!);
  return {
    box: box ? { min: box.min, max: box.max.map((v) => v - 1) } : null,
    size: box ? box.max.map((v, i) => v - box.min[i]) : null,
    voxels: merged.count(),
    crc32: merged.crc32().toString(16).padStart(8, "0"),
    layers: image.layers.map((l) => describeLayer(image, l)),
    materials: image.materials.map((m) => ({ ...m })),
    cameras: image.cameras.map((c) => ({
      name: c.name,
      ortho: c.ortho,
      dist: c.dist,
      active: c === image.activeCamera,
    })),
  };
}
