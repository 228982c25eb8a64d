/** Building images from decoded layers, and the export extent rule shared by voxel exporters. */
import { type Aabb, aabbFromBox, boxFromAabb, boxUnion, isNullBox } from "../box.ts";
import { newCamera } from "../camera.ts";
import { emptyImage, type Image } from "../image.ts";
import { newLayer } from "../layer.ts";
import type { Mat4 } from "../mat4.ts";
import { newMaterial } from "../material.ts";
import type { Volume } from "../volume.ts";

/** A layer produced by a decoder. */
export interface DecodedLayer {
  name: string;
  volume: Volume;
  /** The layer's bounding box, when the format defines one. */
  box?: Mat4 | null;
}

const DEFAULT_AABB: Aabb = { min: [-16, -16, 0], max: [16, 16, 32] };

/**
 * Returns an image holding the layers (ids 1, 2, …), one default material and camera, and
 * `box` as image box, else the union of the layer bounds (Goxel's auto-resize after import).
 */
export function imageFromLayers(layers: DecodedLayer[], box: Mat4 | null = null): Image {
  const image = emptyImage();
  const material = newMaterial("Material.1");
  const camera = newCamera("Camera.1");
  image.materials.push(material);
  image.activeMaterial = material;
  image.cameras.push(camera);
  image.activeCamera = camera;
  let bounds: Mat4 | null = null;
  layers.forEach((d, i) => {
    const layer = newLayer(i + 1, d.name, material);
    layer.volume = d.volume;
    layer.box = d.box && !isNullBox(d.box) ? d.box : null;
    image.layers.push(layer);
    const aabb = d.volume.bbox();
    bounds = boxUnion(bounds, layer.box ?? (aabb ? boxFromAabb(aabb) : null));
  });
  image.activeLayer = image.layers[image.layers.length - 1] ?? null;
  image.box = box ?? bounds ?? boxFromAabb(DEFAULT_AABB);
  return image;
}

/** Returns the extent exporters use: the image box if set, else the exact bbox of `volume`. */
export function exportAabb(image: Image, volume: Volume): Aabb | null {
  if (!isNullBox(image.box)) return aabbFromBox(image.box!);
  return volume.bbox();
}
