/** Goxel layers: plain volume layers, clone layers and procedural shape layers. */
import { BlendMode } from "./blend.ts";
import type { Rgba } from "./color.ts";
import { identity, type Mat4 } from "./mat4.ts";
import type { Material } from "./material.ts";
import { Volume } from "./volume.ts";

/** Shapes understood by the painting primitive and by shape layers. */
export const SHAPE_NAMES = ["sphere", "cube", "cylinder"] as const;
/** One of Goxel's shape names. */
export type ShapeName = typeof SHAPE_NAMES[number];

/** A layer of an image. */
export interface Layer {
  id: number;
  name: string;
  visible: boolean;
  volume: Volume;
  material: Material | null;
  /** Origin marker for volume layers; the transform of clone and shape layers. */
  mat: Mat4;
  /** Bounding box, or null when the layer is unbounded. */
  box: Mat4 | null;
  mode: BlendMode;
  /** Id of the base layer of a clone layer, 0 otherwise. */
  baseId: number;
  /** Shape of a shape layer, null otherwise. */
  shape: ShapeName | null;
  /** Colour of a shape layer. */
  color: Rgba;
  /** Texture path of an image-plane layer (kept so files round-trip). */
  imagePath: string | null;
  /** Which entry of the image's carried file structure this layer came from (kept by copies). */
  carriedKey?: number;
  /** Cache: the key of the base volume or the shape parameters the volume was computed from. */
  sourceKey?: unknown;
}

/** Returns an empty, visible volume layer. */
export function newLayer(id: number, name: string, material: Material | null = null): Layer {
  return {
    id,
    name,
    visible: true,
    volume: new Volume(),
    material,
    mat: identity(),
    box: null,
    mode: BlendMode.OVER,
    baseId: 0,
    shape: null,
    color: 0xffffffff,
    imagePath: null,
  };
}

/** Returns a copy of a layer sharing its volume's tiles (copy-on-write); `material` remaps it. */
export function copyLayer(layer: Layer, material = layer.material): Layer {
  return {
    ...layer,
    volume: layer.volume.copy(),
    mat: layer.mat.slice(),
    box: layer.box ? layer.box.slice() : null,
    material,
  };
}

/** Returns true when the layer can be edited directly (not a clone, shape or image layer). */
export function canEditLayer(layer: Layer): boolean {
  return layer.baseId === 0 && layer.shape === null && layer.imagePath === null;
}
